#include "policy/grant_json.h"

#include <nlohmann/json.hpp>

namespace scepgate::policy {

std::string GrantToJson(const Grant& grant) {
  nlohmann::json j = {
      {"device_id", grant.device_id},
      {"user_upn", grant.user_upn},
      {"profile", grant.profile},
      {"challenge_id", grant.challenge_id},
      {"consume_challenge", grant.consume_challenge},
      {"ekus", grant.ekus},
      {"validity_days", grant.validity_days},
      {"hold_for_approval", grant.hold_for_approval},
  };
  j["purpose"] = grant.purpose ? nlohmann::json(*grant.purpose) : nlohmann::json(nullptr);
  j["supersedes"] = grant.supersedes ? nlohmann::json(*grant.supersedes) : nlohmann::json(nullptr);
  return j.dump();
}

Result<Grant> GrantFromJson(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Fail(Error::Internal("a stored grant is not a JSON object"));
  try {
    Grant g;
    g.device_id = j.at("device_id").get<std::string>();
    g.user_upn = j.at("user_upn").get<std::string>();
    g.profile = j.at("profile").get<std::string>();
    g.challenge_id = j.at("challenge_id").get<std::string>();
    g.consume_challenge = j.at("consume_challenge").get<bool>();
    g.ekus = j.at("ekus").get<std::vector<std::string>>();
    g.validity_days = j.at("validity_days").get<int>();
    g.hold_for_approval = j.at("hold_for_approval").get<bool>();
    if (!j.at("purpose").is_null()) g.purpose = j.at("purpose").get<std::string>();
    if (!j.at("supersedes").is_null()) g.supersedes = j.at("supersedes").get<std::string>();
    return g;
  } catch (const nlohmann::json::exception& e) {
    return Fail(Error::Internal(std::string("a stored grant is incomplete: ") + e.what()));
  }
}

}  // namespace scepgate::policy
