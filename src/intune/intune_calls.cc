// IntuneClient's five calls: each body as docs/intune-protocol.md §4 gives it, each answer read.
#include <ctime>

#include "common/utc_time.h"
#include "intune/intune_client.h"

namespace scepgate::intune {

using nlohmann::json;

namespace {

constexpr std::string_view kValidateSuffix = "ScepActions/validateRequest";
constexpr std::string_view kSuccessSuffix = "ScepActions/successNotification";
constexpr std::string_view kFailureSuffix = "ScepActions/failureNotification";
constexpr std::string_view kDownloadSuffix =
    "CertificateAuthorityRequests/downloadRevocationRequests";
constexpr std::string_view kUploadSuffix = "CertificateAuthorityRequests/uploadRevocationResults";
constexpr size_t kMaxDescription = 255;

json NullIfEmpty(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

std::string StringOr(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

Status Required(std::string_view value, const char* what) {
  if (value.empty()) return Fail(Error::InvalidArgument(std::string(what) + " must not be empty"));
  return {};
}

}  // namespace

std::string UpperHex(std::string_view hex) {
  std::string out;
  for (char c : hex) {
    if (c == ':' || c == ' ' || c == '-') continue;
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

std::string CutToCharacters(std::string_view text, size_t max) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (count++ == max) return std::string(text.substr(0, i));
  }
  return std::string(text);
}

Result<ValidationAnswer> IntuneClient::AnswerOf(const Call& call, const json& answer) {
  auto code = answer.find("code");
  if (code == answer.end() || !code->is_string())
    return Fail(Error::Unavailable("Intune " + std::string(call.name) +
                                   " answered without a \"code\" (transaction " +
                                   std::string(call.transaction_id) + ")"));
  ValidationAnswer out;
  out.received_code = code->get<std::string>();
  out.code = ValidationCodeFromName(out.received_code);
  out.description = StringOr(answer, "errorDescription");
  return out;
}

Result<ValidationAnswer> IntuneClient::Validate(std::string_view transaction_id, ByteView csr_der) {
  SG_TRY_STATUS(Required(transaction_id, "the transaction id"));
  if (csr_der.empty()) return Fail(Error::InvalidArgument("the CSR must not be empty"));
  json body = {{"request",
                {{"transactionId", transaction_id},
                 {"certificateRequest", Base64Encode(csr_der)},
                 {"callerInfo", settings_.provider_name_and_version}}}};
  Call call{settings_.scep_service, settings_.scep_api_version, kValidateSuffix, "validate",
            transaction_id};
  SG_ASSIGN_OR_RETURN(json answer, Post(call, body));
  return AnswerOf(call, answer);
}

Result<ValidationAnswer> IntuneClient::NotifySuccess(const SuccessNotification& n) {
  SG_TRY_STATUS(Required(n.transaction_id, "the transaction id"));
  SG_TRY_STATUS(Required(n.thumbprint, "the thumbprint"));
  SG_TRY_STATUS(Required(n.serial_number, "the serial number"));
  SG_TRY_STATUS(Required(n.issuing_ca, "the issuing CA"));
  if (n.csr_der.empty()) return Fail(Error::InvalidArgument("the CSR must not be empty"));
  json body = {{"notification",
                {{"transactionId", n.transaction_id},
                 {"certificateRequest", Base64Encode(n.csr_der)},
                 {"certificateThumbprint", UpperHex(n.thumbprint)},
                 {"certificateSerialNumber", UpperHex(n.serial_number)},
                 {"certificateExpirationDateUtc", FormatUtcTime(n.not_after)},
                 {"issuingCertificateAuthority", n.issuing_ca},
                 {"callerInfo", settings_.provider_name_and_version},
                 {"caConfiguration", NullIfEmpty(n.ca_configuration)},
                 {"certificateAuthority", NullIfEmpty(n.certificate_authority)}}}};
  Call call{settings_.scep_service, settings_.scep_api_version, kSuccessSuffix, "success",
            n.transaction_id};
  SG_ASSIGN_OR_RETURN(json answer, Post(call, body));
  return AnswerOf(call, answer);
}

Result<ValidationAnswer> IntuneClient::NotifyFailure(const FailureNotification& n) {
  SG_TRY_STATUS(Required(n.transaction_id, "the transaction id"));
  if (n.csr_der.empty()) return Fail(Error::InvalidArgument("the CSR must not be empty"));
  std::string description = CutToCharacters(n.description, kMaxDescription);
  if (description.empty()) description = "The certificate authority did not issue the certificate";
  json body = {{"notification",
                {{"transactionId", n.transaction_id},
                 {"certificateRequest", Base64Encode(n.csr_der)},
                 {"hResult", n.hresult},
                 {"errorDescription", description},
                 {"callerInfo", settings_.provider_name_and_version}}}};
  Call call{settings_.scep_service, settings_.scep_api_version, kFailureSuffix, "failure",
            n.transaction_id};
  SG_ASSIGN_OR_RETURN(json answer, Post(call, body));
  return AnswerOf(call, answer);
}

Result<std::vector<RevocationRequest>> IntuneClient::DownloadRevocations(
    int max, std::optional<std::string> issuer_name) {
  if (max < 1 || max > kMaxRevocationRequests)
    return Fail(Error::InvalidArgument("at most 1 to 500 revocation requests may be asked for"));
  json params = {{"maxRequests", max}, {"issuerName", nullptr}};
  if (issuer_name && !issuer_name->empty()) params["issuerName"] = *issuer_name;
  Call call{settings_.pki_service, settings_.pki_api_version, kDownloadSuffix, "download", ""};
  SG_ASSIGN_OR_RETURN(json answer, Post(call, {{"downloadParameters", params}}));
  auto value = answer.find("value");
  if (value == answer.end() || !value->is_array())
    return Fail(Error::Unavailable("Intune download answered without a \"value\" list"));
  std::vector<RevocationRequest> out;
  for (const json& r : *value) {
    if (!r.is_object()) return Fail(Error::Unavailable("Intune download: an item not an object"));
    RevocationRequest request{StringOr(r, "requestContext"), StringOr(r, "serialNumber"),
                              StringOr(r, "issuerName"), StringOr(r, "caConfiguration")};
    if (request.request_context.empty() || request.serial_number.empty())
      return Fail(
          Error::Unavailable("Intune download: an item without requestContext or serialNumber"));
    out.push_back(std::move(request));
  }
  return out;
}

Status IntuneClient::UploadRevocationResults(const std::vector<RevocationResult>& results) {
  if (results.empty()) return Fail(Error::InvalidArgument("no revocation results to upload"));
  json list = json::array();
  for (const RevocationResult& r : results) {
    SG_TRY_STATUS(Required(r.request_context, "a result's requestContext"));
    bool none = r.error_code == RevocationErrorCode::kNone;
    if (r.succeeded != none || (r.succeeded && !r.error_message.empty()))
      return Fail(Error::InvalidArgument(
          "a revocation result succeeds exactly when its code is None, without a message (" +
          r.request_context + ")"));
    // By name, as the C# library's StringEnumConverter sends it (Java sends the number as a
    // string): the name is what the service's own enum parses first, and it reads in a trace.
    list.push_back(
        {{"requestContext", r.request_context},
         {"succeeded", r.succeeded},
         {"errorCode", RevocationErrorCodeName(r.error_code)},
         {"errorMessage", NullIfEmpty(CutToCharacters(r.error_message, kMaxDescription))}});
  }
  Call call{settings_.pki_service, settings_.pki_api_version, kUploadSuffix, "upload", ""};
  SG_ASSIGN_OR_RETURN(json answer, Post(call, {{"results", list}}));
  auto value = answer.find("value");
  if (value == answer.end() || !value->is_boolean() || !value->get<bool>())
    return Fail(Error::Unavailable("Intune upload answered other than {\"value\": true}: " +
                                   answer.dump().substr(0, 200)));
  return {};
}

}  // namespace scepgate::intune
