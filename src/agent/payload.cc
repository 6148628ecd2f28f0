#include "agent/payload.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace scepgate::agent {
namespace {

using nlohmann::json;

Error Bad(std::string_view field, std::string_view why) {
  return Error::InvalidArgument("payload: " + std::string(field) + ": " + std::string(why));
}

template <class T>
Status Get(const json& j, const char* field, T& out, bool required) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) {
    if (required) return Fail(Bad(field, "missing"));
    return {};
  }
  try {
    out = it->get<T>();
  } catch (const json::exception& e) {
    return Fail(Bad(field, e.what()));
  }
  return {};
}

bool IsHex64(const std::string& s) {
  return s.size() == 64 && std::ranges::all_of(s, [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

Result<AgentPayload> ParsePayload(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return Fail(Error::InvalidArgument("payload: not a JSON object"));
  AgentPayload p;
  SG_TRY_STATUS(Get(j, "profile", p.profile, false));
  SG_TRY_STATUS(Get(j, "device_id", p.device_id, false));
  SG_TRY_STATUS(Get(j, "platform", p.platform, false));
  SG_TRY_STATUS(Get(j, "mode", p.mode, true));
  SG_TRY_STATUS(Get(j, "urls", p.urls, true));
  SG_TRY_STATUS(Get(j, "challenge", p.challenge, false));
  SG_TRY_STATUS(Get(j, "subject", p.subject, false));
  SG_TRY_STATUS(Get(j, "subject_rdns", p.subject_rdns, false));
  SG_TRY_STATUS(Get(j, "sans", p.sans, false));
  SG_TRY_STATUS(Get(j, "key_type", p.key_type, false));
  SG_TRY_STATUS(Get(j, "key_size", p.key_size, false));
  SG_TRY_STATUS(Get(j, "hash", p.hash, false));
  SG_TRY_STATUS(Get(j, "key_usage", p.key_usage, false));
  SG_TRY_STATUS(Get(j, "ekus", p.ekus, false));
  SG_TRY_STATUS(Get(j, "validity_days", p.validity_days, false));
  SG_TRY_STATUS(Get(j, "renewal_threshold", p.renewal_threshold, false));
  SG_TRY_STATUS(Get(j, "retry_count", p.retry_count, false));
  SG_TRY_STATUS(Get(j, "retry_delay_seconds", p.retry_delay_seconds, false));
  SG_TRY_STATUS(Get(j, "ca_thumbprint_sha256", p.ca_sha256, true));
  std::string ca_b64;
  SG_TRY_STATUS(Get(j, "ca_cert", ca_b64, false));
  if (!ca_b64.empty()) {
    auto der = Base64Decode(ca_b64);
    if (!der) return Fail(Bad("ca_cert", der.error().message));
    p.ca_der = std::move(*der);
  }
  if (p.urls.empty()) return Fail(Bad("urls", "no URL"));
  if (p.mode != "android" && p.mode != "windows" && p.mode != "ios")
    return Fail(Bad("mode", "'" + p.mode + "' is not android|windows|ios"));
  std::ranges::transform(p.ca_sha256, p.ca_sha256.begin(), [](char c) {
    return c >= 'A' && c <= 'F' ? static_cast<char>(c + 32) : c;
  });
  std::erase(p.ca_sha256, ':');
  if (!IsHex64(p.ca_sha256)) return Fail(Bad("ca_thumbprint_sha256", "not a SHA-256 hex digest"));
  if (p.key_type != "rsa" && p.key_type != "ec")
    return Fail(Bad("key_type", "'" + p.key_type + "' is not rsa|ec"));
  if (p.retry_count < 0 || p.retry_count > 30) return Fail(Bad("retry_count", "not in 0..30"));
  if (p.retry_delay_seconds < 0 || p.retry_delay_seconds > 3600)
    return Fail(Bad("retry_delay_seconds", "not in 0..3600"));
  if (p.renewal_threshold < 1 || p.renewal_threshold > 100)
    return Fail(Bad("renewal_threshold", "not in 1..100"));
  if (p.subject_rdns.empty() && p.sans.empty())
    return Fail(Bad("subject_rdns", "neither a subject nor a SAN"));
  return p;
}

std::string StateJson(const AgentPayload& p) {
  json j = {{"type", "scepgate-agent-state"},
            {"version", 1},
            {"profile", p.profile},
            {"device_id", p.device_id},
            {"platform", p.platform},
            {"mode", p.mode},
            {"urls", p.urls},
            {"subject", p.subject},
            {"subject_rdns", p.subject_rdns},
            {"sans", p.sans},
            {"key_type", p.key_type},
            {"key_size", p.key_size},
            {"hash", p.hash},
            {"key_usage", p.key_usage},
            {"ekus", p.ekus},
            {"validity_days", p.validity_days},
            {"renewal_threshold", p.renewal_threshold},
            {"retry_count", p.retry_count},
            {"retry_delay_seconds", p.retry_delay_seconds},
            {"ca_thumbprint_sha256", p.ca_sha256},
            {"ca_cert", Base64Encode(p.ca_der)}};
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<X509NamePtr> SubjectName(const NameRdns& rdns) {
  X509NamePtr name(X509_NAME_new());
  if (!name) return Fail(CryptoError("X509_NAME_new"));
  for (const auto& rdn : rdns) {
    for (size_t i = 0; i < rdn.size(); ++i) {
      const auto& [type, value] = rdn[i];
      if (X509_NAME_add_entry_by_txt(name.get(), type.c_str(), MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(value.data()),
                                     static_cast<int>(value.size()), -1, i == 0 ? 0 : -1) != 1)
        return Fail(Error::InvalidArgument("payload: subject attribute '" + type +
                                           "': " + DrainOpenSslErrors()));
    }
  }
  return name;
}

}  // namespace scepgate::agent
