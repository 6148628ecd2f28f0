// Lists of strings (SANs, EKUs, URLs) as the SQL stores keep them: a JSON array of strings in a
// text column. Shared by sqlite/ and postgres/. Thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace scepgate::store {

// Encoding returns kDatabase naming `what` for a value that is not UTF-8; decoding returns
// kDatabase naming `what` for text that is not an array of strings.
Result<std::string> ListToJson(const std::vector<std::string>& list, std::string_view what);
Result<std::vector<std::string>> ListFromJson(const std::string& text, std::string_view what);

}  // namespace scepgate::store
