#include "store/json_lists.h"

#include <nlohmann/json.hpp>

namespace scepgate::store {

Result<std::string> ListToJson(const std::vector<std::string>& list, std::string_view what) {
  try {
    return nlohmann::json(list).dump();
  } catch (const nlohmann::json::exception& e) {
    return Fail(Error::Database("cannot encode " + std::string(what) + " as JSON: " + e.what()));
  }
}

Result<std::vector<std::string>> ListFromJson(const std::string& text, std::string_view what) {
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) {
    return Fail(Error::Database("stored " + std::string(what) + " are not a JSON array"));
  }
  std::vector<std::string> out;
  for (const auto& item : parsed) {
    if (!item.is_string()) {
      return Fail(Error::Database("stored " + std::string(what) + " hold a non-string"));
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace scepgate::store
