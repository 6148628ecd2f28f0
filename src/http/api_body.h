// Reading a REST API request body field by field: every wrong type or unknown field is a
// kInvalidArgument naming it, so a client learns what to fix from a 400.
#pragma once

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace scepgate::http {

// Parses a request body: {} when empty; kInvalidArgument when it is not JSON, not an object, or
// has arrays or objects nested more than `max_depth` deep (the body itself is level 1).
Result<nlohmann::json> ParseBody(std::string_view text, int max_depth = 32);
// kInvalidArgument naming the first field of `body` that is not in `allowed`.
Status OnlyFields(const nlohmann::json& body, std::initializer_list<std::string_view> allowed);

// Each returns nullopt when the field is absent (or null), and kInvalidArgument naming the field
// when it has another type.
Result<std::optional<std::string>> OptString(const nlohmann::json& body, std::string_view key);
Result<std::optional<bool>> OptBool(const nlohmann::json& body, std::string_view key);
Result<std::optional<int>> OptInt(const nlohmann::json& body, std::string_view key);
Result<std::optional<std::vector<std::string>>> OptStrings(const nlohmann::json& body,
                                                           std::string_view key);
// The string field, or "" when absent; kInvalidArgument when it has another type.
Result<std::string> StringOr(const nlohmann::json& body, std::string_view key);
// The string field; kInvalidArgument when absent, empty or of another type.
Result<std::string> RequiredString(const nlohmann::json& body, std::string_view key);

}  // namespace scepgate::http
