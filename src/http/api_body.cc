#include "http/api_body.h"

#include <algorithm>
#include <limits>

namespace scepgate::http {
namespace {

Error WrongType(std::string_view key, std::string_view want) {
  return Error::InvalidArgument("field '" + std::string(key) + "' must be " + std::string(want));
}

// The field, or null when absent.
const nlohmann::json* Field(const nlohmann::json& body, std::string_view key) {
  auto it = body.find(std::string(key));
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

Result<nlohmann::json> ParseBody(std::string_view text, int max_depth) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return nlohmann::json::object();
  struct TooDeep {};
  // Stops the parse at the first array or object nested deeper than max_depth, before a deep
  // tree exists for anything to recurse over.
  auto limit = [max_depth](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if ((event == nlohmann::json::parse_event_t::object_start ||
         event == nlohmann::json::parse_event_t::array_start) &&
        depth >= max_depth)
      throw TooDeep{};
    return true;
  };
  try {
    nlohmann::json body = nlohmann::json::parse(text, limit);
    if (!body.is_object())
      return Fail(Error::InvalidArgument("the request body must be a JSON object"));
    return body;
  } catch (const nlohmann::json::exception& e) {
    return Fail(
        Error::InvalidArgument(std::string("the request body is not valid JSON: ") + e.what()));
  } catch (const TooDeep&) {
    return Fail(Error::InvalidArgument("the request body nests deeper than " +
                                       std::to_string(max_depth) + " levels"));
  }
}

Status OnlyFields(const nlohmann::json& body, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : body.items()) {
    if (std::ranges::find(allowed, std::string_view(key)) == allowed.end()) {
      std::string known;
      for (std::string_view a : allowed) known += (known.empty() ? "" : ", ") + std::string(a);
      return Fail(Error::InvalidArgument("unknown field '" + key + "' (known: " + known + ")"));
    }
  }
  return {};
}

Result<std::optional<std::string>> OptString(const nlohmann::json& body, std::string_view key) {
  const nlohmann::json* f = Field(body, key);
  if (f == nullptr) return std::nullopt;
  if (!f->is_string()) return Fail(WrongType(key, "a string"));
  return f->get<std::string>();
}

Result<std::optional<bool>> OptBool(const nlohmann::json& body, std::string_view key) {
  const nlohmann::json* f = Field(body, key);
  if (f == nullptr) return std::nullopt;
  if (!f->is_boolean()) return Fail(WrongType(key, "true or false"));
  return f->get<bool>();
}

Result<std::optional<int>> OptInt(const nlohmann::json& body, std::string_view key) {
  const nlohmann::json* f = Field(body, key);
  if (f == nullptr) return std::nullopt;
  if (!f->is_number_integer()) return Fail(WrongType(key, "a whole number"));
  auto v = f->get<int64_t>();
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
    return Fail(WrongType(key, "a whole number in range"));
  return static_cast<int>(v);
}

Result<std::optional<std::vector<std::string>>> OptStrings(const nlohmann::json& body,
                                                           std::string_view key) {
  const nlohmann::json* f = Field(body, key);
  if (f == nullptr) return std::nullopt;
  if (!f->is_array()) return Fail(WrongType(key, "an array of strings"));
  std::vector<std::string> out;
  for (const auto& item : *f) {
    if (!item.is_string()) return Fail(WrongType(key, "an array of strings"));
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<std::string> StringOr(const nlohmann::json& body, std::string_view key) {
  SG_ASSIGN_OR_RETURN(auto value, OptString(body, key));
  return value.value_or("");
}

Result<std::string> RequiredString(const nlohmann::json& body, std::string_view key) {
  SG_ASSIGN_OR_RETURN(auto value, OptString(body, key));
  if (!value || value->empty())
    return Fail(Error::InvalidArgument("field '" + std::string(key) + "' is required"));
  return std::move(*value);
}

}  // namespace scepgate::http
