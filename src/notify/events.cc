#include "notify/events.h"

#include <nlohmann/json.hpp>

#include <ctime>

#include "common/ossl.h"
#include "common/utc_time.h"

#include "ca/revocation.h"

namespace scepgate::notify {
namespace {

store::OutboxEvent Make(const char* type, const nlohmann::json& data, int64_t now) {
  store::OutboxEvent e;
  e.type = type;
  // Replace invalid UTF-8 rather than throw: names come from requests.
  e.payload = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  e.created_at = now;
  e.next_attempt_at = now;
  return e;
}

std::string Iso(int64_t t) { return FormatUtcTime(t); }

}  // namespace

store::OutboxEvent IssuedEvent(const store::CertificateRecord& c, const store::RequestRecord& r,
                               int64_t now) {
  nlohmann::json data = {{"serial", c.serial},
                         {"issuer_id", c.issuer_id},
                         {"subject", c.subject},
                         {"sans", c.sans},
                         {"not_before", Iso(c.not_before)},
                         {"not_after", Iso(c.not_after)},
                         {"sha256", c.sha256},
                         {"device_id", c.device_id},
                         {"user_upn", c.user_upn},
                         {"profile", c.profile},
                         {"transaction_id", c.transaction_id},
                         {"renewal", r.renewal},
                         {"correlation_id", r.correlation_id}};
  return Make(kCertificateIssued, data, now);
}

store::OutboxEvent FailedEvent(const store::RequestRecord& r, int64_t now) {
  nlohmann::json data = {{"transaction_id", r.transaction_id},
                         {"message_type", r.message_type},
                         {"fail_info", r.fail_info},
                         {"reason", r.reason},
                         {"stage", r.stage},
                         {"device_id", r.device_id},
                         {"user_upn", r.user_upn},
                         {"profile", r.profile},
                         {"remote_addr", r.remote_addr},
                         {"correlation_id", r.correlation_id}};
  return Make(kRequestFailed, data, now);
}

store::OutboxEvent IntuneSuccessEvent(const store::CertificateRecord& c,
                                      const store::RequestRecord& r, ByteView csr_der,
                                      int64_t now) {
  nlohmann::json data = {{"transaction_id", r.transaction_id},
                         {"serial", c.serial},
                         {"csr", Base64Encode(csr_der)},
                         {"correlation_id", r.correlation_id}};
  return Make(kIntuneSuccess, data, now);
}

store::OutboxEvent IntuneFailureEvent(const store::RequestRecord& r, ByteView csr_der,
                                      int64_t now) {
  nlohmann::json data = {{"transaction_id", r.transaction_id},
                         {"csr", Base64Encode(csr_der)},
                         {"hresult", HResultFor(r)},
                         {"description", r.reason},
                         {"correlation_id", r.correlation_id}};
  return Make(kIntuneFailure, data, now);
}

int64_t HResultFor(const store::RequestRecord& r) {
  auto hresult = [](uint32_t value) { return int64_t{static_cast<int32_t>(value)}; };
  if (r.reason.starts_with("ValidationUnavailable") || r.reason.starts_with("StoreUnavailable"))
    return hresult(0x800706BA);                                      // RPC_S_SERVER_UNAVAILABLE
  if (r.fail_info == "badMessageCheck") return hresult(0x80090006);  // NTE_BAD_SIGNATURE
  if (r.stage == "issue") return hresult(0x8000FFFF);                // E_UNEXPECTED
  return hresult(0x80094012);                                        // CERTSRV_E_TEMPLATE_DENIED
}

store::OutboxEvent ExpiringEvent(const std::string& role, const std::string& subject,
                                 const std::string& sha256, int64_t not_after,
                                 const std::string& state, int64_t now) {
  nlohmann::json data = {{"role", role},
                         {"subject", subject},
                         {"sha256", sha256},
                         {"not_after", Iso(not_after)},
                         {"days_left", (not_after - now) / 86400},
                         {"state", state}};
  return Make(kCaExpiring, data, now);
}

store::OutboxEvent RaRenewedEvent(const store::RaCertificateRecord& record,
                                  const std::string& subject, int64_t now) {
  nlohmann::json data = {{"subject", subject},
                         {"sha256", record.id},
                         {"replaces", record.replaces},
                         {"not_after", Iso(record.not_after)},
                         {"node", record.created_by}};
  return Make(kRaRenewed, data, now);
}

store::OutboxEvent RevokedEvent(const store::CertificateRecord& c, int reason, int64_t now) {
  nlohmann::json data = {
      {"serial", c.serial},
      {"issuer_id", c.issuer_id},
      {"subject", c.subject},
      {"reason", std::string(ca::RevocationReasonName(static_cast<ca::RevocationReason>(reason)))},
      {"revoked_at", Iso(now)},
      {"device_id", c.device_id},
      {"user_upn", c.user_upn},
      {"profile", c.profile}};
  return Make(kCertificateRevoked, data, now);
}

Result<std::string> EnvelopeJson(const store::OutboxEvent& e) {
  nlohmann::json data = nlohmann::json::parse(e.payload, nullptr, /*allow_exceptions=*/false);
  if (!data.is_object())
    return Fail(Error::Internal("event " + std::to_string(e.id) + " has a malformed payload"));
  nlohmann::json body = {{"id", e.id},
                         {"type", e.type},
                         {"created_at", Iso(e.created_at)},
                         {"request_id", e.request_id},
                         {"data", std::move(data)}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace scepgate::notify
