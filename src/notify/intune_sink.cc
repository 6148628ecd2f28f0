#include "notify/intune_sink.h"

#include <nlohmann/json.hpp>

#include "notify/events.h"

namespace scepgate::notify {
namespace {

// What Intune's answer (or the error of asking) means for the event.
DeliveryResult Outcome(const Result<intune::ValidationAnswer>& answer) {
  if (!answer) {
    const Error& e = answer.error();
    std::string why = std::string(ErrorCodeName(e.code)) + ": " + e.message;
    // A 400 will be a 400 again; anything else (unreachable, 5xx, the token refused) may pass.
    if (e.code == ErrorCode::kInternal || e.code == ErrorCode::kInvalidArgument)
      return DeliveryResult::Rejected(why);
    return DeliveryResult::Retry(why);
  }
  if (answer->accepted()) return DeliveryResult::Delivered();
  std::string why = "Intune answered " + answer->received_code;
  if (!answer->description.empty()) why += ": " + answer->description;
  return DeliveryResult::Rejected(why);
}

// The string member `key`, "" when missing or not a string.
std::string Text(const nlohmann::json& data, const char* key) {
  auto it = data.find(key);
  return it != data.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

store::EventScope IntuneSink::Scope() const { return {kIntuneEventPrefix, /*exclude=*/false}; }

DeliveryResult IntuneSink::Deliver(const store::OutboxEvent& event) {
  nlohmann::json data = nlohmann::json::parse(event.payload, nullptr, /*allow_exceptions=*/false);
  if (!data.is_object()) return DeliveryResult::Rejected("the event's data is not a JSON object");
  if (event.type == kIntuneSuccess) return Success(data);
  if (event.type == kIntuneFailure) return Failure(data);
  return DeliveryResult::Rejected("no Intune notification for type " + event.type);
}

DeliveryResult IntuneSink::Success(const nlohmann::json& data) {
  auto csr = Base64Decode(Text(data, "csr"));
  if (!csr || csr->empty()) return DeliveryResult::Rejected("the event carries no CSR");
  std::string serial = Text(data, "serial");
  auto record = certs_.FindCertificate(serial);
  if (!record) return DeliveryResult::Retry("store: " + record.error().message);
  if (!*record) return DeliveryResult::Rejected("certificate " + serial + " is not in the store");
  auto cert = CertFromDer((*record)->der);
  if (!cert) return DeliveryResult::Rejected("certificate " + serial + ": " + cert.error().message);
  auto notification =
      intune::SuccessNotificationFor(Text(data, "transaction_id"), std::move(*csr), **cert);
  if (!notification) return DeliveryResult::Rejected(notification.error().message);
  return Outcome(api_.NotifySuccess(*notification));
}

DeliveryResult IntuneSink::Failure(const nlohmann::json& data) {
  intune::FailureNotification n;
  n.transaction_id = Text(data, "transaction_id");
  auto csr = Base64Decode(Text(data, "csr"));
  if (!csr || csr->empty()) return DeliveryResult::Rejected("the event carries no CSR");
  n.csr_der = std::move(*csr);
  auto hresult = data.find("hresult");
  if (hresult == data.end() || !hresult->is_number_integer())
    return DeliveryResult::Rejected("the event carries no hresult");
  n.hresult = hresult->get<int64_t>();
  n.description = Text(data, "description");
  return Outcome(api_.NotifyFailure(n));
}

}  // namespace scepgate::notify
