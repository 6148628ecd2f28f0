#include "notify/intune_revocations.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <set>

#include "common/hex_digit.h"

namespace scepgate::notify {
namespace {

constexpr char kLease[] = "intune.revocations";
constexpr char kPendingResults[] = "intune.revocation_results";  // not yet taken by Intune

using intune::RevocationErrorCode;
using intune::RevocationResult;

RevocationResult Refused(const std::string& context, RevocationErrorCode code,
                         std::string message) {
  return {context, false, code, std::move(message)};
}

std::string ResultsJson(const std::vector<RevocationResult>& results) {
  nlohmann::json out = nlohmann::json::array();
  for (const RevocationResult& r : results)
    out.push_back({{"context", r.request_context},
                   {"succeeded", r.succeeded},
                   {"code", static_cast<int>(r.error_code)},
                   {"message", r.error_message}});
  return out.dump();
}

Result<std::vector<RevocationResult>> ParseResults(const std::string& text) {
  nlohmann::json in = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!in.is_array()) return Fail(Error::Internal("stored revocation results are not a list"));
  std::vector<RevocationResult> out;
  for (const nlohmann::json& r : in) {
    if (!r.is_object() || !r.contains("context") || !r["context"].is_string() ||
        !r.contains("code") || !r["code"].is_number_integer())
      return Fail(Error::Internal("a stored revocation result is malformed"));
    out.push_back({r["context"].get<std::string>(), r.value("succeeded", false),
                   static_cast<RevocationErrorCode>(r["code"].get<int>()),
                   r.value("message", std::string())});
  }
  return out;
}

}  // namespace

std::string SerialOfRequest(std::string_view serial) {
  std::string out;
  for (char c : serial) {
    if (c == ':' || c == ' ' || c == '-') continue;
    if (HexDigitValue(c) < 0) return "";
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (out.empty()) return "";
  size_t digit = out.find_first_not_of('0');  // stored without leading zeros (SerialHex)
  return digit == std::string::npos ? "0" : out.substr(digit);
}

std::vector<RevocationResult> ResultsFor(const std::vector<intune::RevocationRequest>& requests,
                                         const std::vector<std::string>& serials,
                                         const ca::RevokeReport& report) {
  std::set<std::string, std::less<>> revoked(report.revoked.begin(), report.revoked.end());
  std::set<std::string, std::less<>> missing(report.not_found.begin(), report.not_found.end());
  std::set<std::string, std::less<>> answered;  // a serial revoked now is a success once
  std::vector<RevocationResult> out;
  for (size_t i = 0; i < requests.size(); ++i) {
    const std::string& context = requests[i].request_context;
    const std::string& serial = serials[i];
    if (serial.empty()) {
      out.push_back(Refused(context, RevocationErrorCode::kParameterDataInvalidError,
                            "serial number '" + requests[i].serial_number + "' is not hex"));
    } else if (missing.contains(serial)) {
      out.push_back(Refused(context, RevocationErrorCode::kCertificateNotFoundError,
                            "scepgate issued no certificate with serial " + serial));
    } else if (revoked.contains(serial) && answered.insert(serial).second) {
      out.push_back({context, true, RevocationErrorCode::kNone, ""});
    } else {
      out.push_back(Refused(context, RevocationErrorCode::kConflictError,
                            "certificate " + serial + " was already revoked"));
    }
  }
  return out;
}

Status IntuneRevocations::UploadPending() {
  SG_ASSIGN_OR_RETURN(auto stored, store_.GetSetting(kPendingResults));
  if (!stored || stored->empty()) return {};
  SG_ASSIGN_OR_RETURN(auto results, ParseResults(*stored));
  if (!results.empty()) SG_TRY_STATUS(api_.UploadRevocationResults(results));
  return store_.SetSetting(kPendingResults, "");
}

Status IntuneRevocations::Batch(const std::string& issuer_name, RevocationPoll& poll, bool& more) {
  SG_ASSIGN_OR_RETURN(auto requests,
                      api_.DownloadRevocations(intune::kMaxRevocationRequests, issuer_name));
  more = requests.size() == static_cast<size_t>(intune::kMaxRevocationRequests);
  if (requests.empty()) return {};
  poll.requests += static_cast<int>(requests.size());
  std::vector<std::string> serials;
  std::vector<std::string> valid;
  for (const intune::RevocationRequest& r : requests) {
    serials.push_back(SerialOfRequest(r.serial_number));
    if (!serials.back().empty()) valid.push_back(serials.back());
  }
  std::vector<RevocationResult> results;
  auto report = revoker_.RevokeMany(valid, options_.reason);
  if (report) {
    results = ResultsFor(requests, serials, *report);
  } else {
    spdlog::error("intune: revoking {} certificates failed: {}", valid.size(),
                  report.error().message);
    for (const intune::RevocationRequest& r : requests)
      results.push_back(Refused(r.request_context,
                                RevocationErrorCode::kServiceUnavailableException,
                                "scepgate could not revoke now: " + report.error().message));
  }
  int revoked = 0;
  for (const RevocationResult& r : results) revoked += r.succeeded ? 1 : 0;
  int refused = static_cast<int>(results.size()) - revoked;
  poll.revoked += revoked;
  poll.refused += refused;
  // Kept until Intune takes them: a lost upload is sent again, never re-decided.
  SG_TRY_STATUS(store_.SetSetting(kPendingResults, ResultsJson(results)));
  SG_TRY_STATUS(api_.UploadRevocationResults(results));
  SG_TRY_STATUS(store_.SetSetting(kPendingResults, ""));
  spdlog::info("intune: issuer '{}': {} revocation requests, {} revoked, {} refused", issuer_name,
               requests.size(), revoked, refused);
  return {};
}

Status IntuneRevocations::Release() {
  // Renewed to end now, which frees it (held_until <= now): only when it is ours, as no other
  // holder's time ran out before the earliest time there is.
  SG_TRY_STATUS(
      store_.TakeLease(kLease, options_.owner, std::numeric_limits<int64_t>::min(), clock_.Now()));
  return {};
}

Result<RevocationPoll> IntuneRevocations::PollOnce() {
  RevocationPoll poll;
  int64_t now = clock_.Now();
  SG_ASSIGN_OR_RETURN(poll.leased,
                      store_.TakeLease(kLease, options_.owner, now, now + options_.lease_seconds));
  if (!poll.leased) return poll;
  SG_TRY_STATUS(UploadPending());
  SG_ASSIGN_OR_RETURN(auto issuers, store_.ListIssuers());
  for (const store::IssuerRecord& issuer : issuers) {
    if (issuer.revoked_at != 0) continue;  // its certificates are void already
    auto cert = CertFromDer(issuer.cert_der);
    if (!cert) {
      spdlog::error("intune: issuer {} unreadable: {}", issuer.id, cert.error().message);
      continue;
    }
    // The name successNotification gave as issuingCertificateAuthority.
    std::string name = NameToString(*X509_get_subject_name(cert->get()));
    bool more = true;
    for (int i = 0; i < options_.max_batches && more; ++i) {
      SG_TRY_STATUS(Batch(name, poll, more));
      now = clock_.Now();
      SG_ASSIGN_OR_RETURN(
          bool still, store_.TakeLease(kLease, options_.owner, now, now + options_.lease_seconds));
      if (!still) return poll;  // it ran out and another node has it: leave the rest to it
    }
  }
  return poll;
}

}  // namespace scepgate::notify
