#include "intune/standin_checks.h"

#include <cctype>
#include <charconv>
#include <utility>

namespace scepgate::testing {
namespace {

using nlohmann::json;

constexpr std::pair<std::string_view, int> kRevocationCodes[] = {
    {"None", 0},
    {"NonRetryableServiceException", 4000},
    {"DataSerializationError", 4001},
    {"ParameterDataInvalidError", 4002},
    {"CryptographyError", 4003},
    {"CertificateNotFoundError", 4004},
    {"ConflictError", 4005},
    {"NotSupportedError", 4006},
    {"PayloadTooLargeError", 4007},
    {"RetryableServiceException", 4100},
    {"ServiceUnavailableException", 4101},
    {"ServiceTooBusyException", 4102},
    {"AuthenticationException", 4103},
};

// "" when `obj[name]` is a non-empty string, else what is wrong.
std::string RequireString(const json& obj, const char* name) {
  if (!obj.contains(name)) return std::string(name) + " is missing";
  if (!obj[name].is_string() || obj[name].get<std::string>().empty())
    return std::string(name) + " must be a non-empty string";
  return "";
}

// "" when `obj[name]` is absent, null or a string.
std::string OptionalString(const json& obj, const char* name) {
  if (!obj.contains(name) || obj[name].is_null() || obj[name].is_string()) return "";
  return std::string(name) + " must be a string or null";
}

// The wrapper object `name` of `body`, or null when it is not an object.
const json* Wrapper(const json& body, const char* name) {
  auto it = body.find(name);
  return it != body.end() && it->is_object() ? &*it : nullptr;
}

std::string CheckStrings(const json& obj, std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (std::string problem = RequireString(obj, name); !problem.empty()) return problem;
  return "";
}

std::string CheckValidate(const json& body) {
  const json* request = Wrapper(body, "request");
  if (request == nullptr) return "the body must be {\"request\": {...}}";
  return CheckStrings(*request, {"transactionId", "certificateRequest", "callerInfo"});
}

std::string CheckSuccess(const json& body) {
  const json* n = Wrapper(body, "notification");
  if (n == nullptr) return "the body must be {\"notification\": {...}}";
  std::string problem =
      CheckStrings(*n, {"transactionId", "certificateRequest", "certificateThumbprint",
                        "certificateSerialNumber", "certificateExpirationDateUtc",
                        "issuingCertificateAuthority", "callerInfo"});
  if (problem.empty()) problem = OptionalString(*n, "caConfiguration");
  if (problem.empty()) problem = OptionalString(*n, "certificateAuthority");
  return problem;
}

std::string CheckFailure(const json& body) {
  const json* n = Wrapper(body, "notification");
  if (n == nullptr) return "the body must be {\"notification\": {...}}";
  std::string problem =
      CheckStrings(*n, {"transactionId", "certificateRequest", "errorDescription", "callerInfo"});
  if (problem.empty() && !(n->contains("hResult") && (*n)["hResult"].is_number_integer()))
    problem = "hResult must be an integer";
  return problem;
}

std::string CheckDownload(const json& body) {
  const json* p = Wrapper(body, "downloadParameters");
  if (p == nullptr) return "the body must be {\"downloadParameters\": {...}}";
  if (!p->contains("maxRequests") || !(*p)["maxRequests"].is_number_integer())
    return "maxRequests must be an integer";
  int64_t max = (*p)["maxRequests"].get<int64_t>();
  if (max < 1 || max > 500) return "maxRequests must be within 1..500";
  return OptionalString(*p, "issuerName");
}

std::string CheckResult(const json& r) {
  if (!r.is_object()) return "each result must be an object";
  if (std::string problem = RequireString(r, "requestContext"); !problem.empty()) return problem;
  if (!r.contains("succeeded") || !r["succeeded"].is_boolean()) return "succeeded must be boolean";
  if (std::string problem = OptionalString(r, "errorMessage"); !problem.empty()) return problem;
  std::optional<int> code = r.contains("errorCode") && !r["errorCode"].is_null()
                                ? RevocationErrorCode(r["errorCode"])
                                : 0;
  if (!code) return "errorCode is not a documented CARequestErrorCode";
  if (r["succeeded"].get<bool>() != (*code == 0))
    return "errorCode must be None exactly when succeeded is true";
  return "";
}

std::string CheckUpload(const json& body) {
  auto it = body.find("results");
  if (it == body.end() || !it->is_array() || it->empty())
    return "the body must be {\"results\": [...]} with at least one result";
  for (const auto& r : *it)
    if (std::string problem = CheckResult(r); !problem.empty()) return problem;
  return "";
}

}  // namespace

bool IsGuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

std::optional<int> RevocationErrorCode(const json& code) {
  int value = -1;
  if (code.is_number_integer()) {
    value = code.get<int>();
  } else if (code.is_string()) {
    std::string text = code.get<std::string>();
    for (const auto& [name, number] : kRevocationCodes)
      if (text == name) return number;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  } else {
    return std::nullopt;
  }
  for (const auto& [name, number] : kRevocationCodes)
    if (value == number) return number;
  return std::nullopt;
}

std::string CheckBodyShape(Endpoint endpoint, const json& body) {
  switch (endpoint) {
    case Endpoint::kValidate:
      return CheckValidate(body);
    case Endpoint::kSuccess:
      return CheckSuccess(body);
    case Endpoint::kFailure:
      return CheckFailure(body);
    case Endpoint::kDownload:
      return CheckDownload(body);
    case Endpoint::kUpload:
      return CheckUpload(body);
    default:
      return "";
  }
}

}  // namespace scepgate::testing
