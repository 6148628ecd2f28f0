#include "notify/validation_webhook.h"

#include <nlohmann/json.hpp>

namespace scepgate::notify {
namespace {

Error Unavailable(const std::string& why) {
  return Error::PolicyDenied("ValidationUnavailable: " + why);
}

// The reason an endpoint gave, cut to something a failInfoText can carry.
std::string Reason(const nlohmann::json& answer) {
  auto it = answer.find("reason");
  std::string reason =
      it != answer.end() && it->is_string() ? it->get<std::string>() : "no reason given";
  if (reason.size() > 200) reason = reason.substr(0, 200);
  return reason;
}

}  // namespace

Status ValidationWebhook::Validate(const policy::ValidationRequest& r) {
  nlohmann::json body = {{"transaction_id", r.transaction_id},
                         {"csr", r.csr_pem},
                         {"challenge", r.challenge},
                         {"device_id", r.device_id},
                         {"user_upn", r.user_upn},
                         {"profile", r.profile},
                         {"renewal", r.renewal},
                         {"subject", r.subject},
                         {"sans", r.sans}};
  std::string text = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  Headers headers = {{"X-Scepgate-Event", "request.validate"}};
  if (!options_.secret.empty()) {
    SG_ASSIGN_OR_RETURN(std::string signature,
                        SignatureHeader(options_.secret, clock_.Now(), text));
    headers.emplace_back("X-Scepgate-Signature", std::move(signature));
  }
  auto reply = sender_.Post(options_.url, text, headers);
  if (!reply)
    return Fail(Unavailable("the validation endpoint did not answer: " + reply.error().message));
  if (reply->status < 200 || reply->status > 299)
    return Fail(
        Unavailable("the validation endpoint answered HTTP " + std::to_string(reply->status)));
  auto answer = nlohmann::json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
  auto allow = answer.is_object() ? answer.find("allow") : answer.end();
  if (!answer.is_object() || allow == answer.end() || !allow->is_boolean())
    return Fail(Unavailable("the validation endpoint's answer has no boolean \"allow\""));
  if (allow->get<bool>()) return {};
  return Fail(Error::PolicyDenied("ValidationDenied: " + Reason(answer)));
}

}  // namespace scepgate::notify
