#include "intune/standin_assertion.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <nlohmann/json.hpp>

#include <vector>

namespace scepgate::testing {
namespace {

std::vector<std::string> Split(std::string_view text) {
  std::vector<std::string> parts;
  size_t at = 0;
  while (true) {
    size_t dot = text.find('.', at);
    parts.emplace_back(text.substr(at, dot == std::string_view::npos ? text.npos : dot - at));
    if (dot == std::string_view::npos) return parts;
    at = dot + 1;
  }
}

// A base64url part as JSON; discarded when it does not decode.
nlohmann::json JsonPart(const std::string& part) {
  auto bytes = Base64Decode(part);  // accepts the URL-safe alphabet without padding
  if (!bytes) return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(AsString(*bytes), nullptr, /*allow_exceptions=*/false);
}

}  // namespace

std::optional<std::string> AssertionProblem(std::string_view assertion, const X509& cert,
                                            std::string_view client_id, std::string_view audience,
                                            int64_t now) {
  std::vector<std::string> parts = Split(assertion);
  if (parts.size() != 3) return "not a JWT";
  nlohmann::json header = JsonPart(parts[0]);
  nlohmann::json claims = JsonPart(parts[1]);
  auto signature = Base64Decode(parts[2]);
  if (!header.is_object() || !claims.is_object() || !signature) return "malformed JWT";
  if (header.value("alg", "") != "RS256") return "alg is not RS256";
  auto der = CertToDer(cert);
  if (!der) return "the stand-in's certificate";
  auto sha1 = Digest("SHA1", *der);
  if (!sha1 || header.value("x5t", "") != Base64UrlEncode(*sha1))
    return "AADSTS700027: the certificate (x5t) is not the app's";
  const EVP_PKEY* key = X509_get0_pubkey(&cert);
  std::string signed_part = parts[0] + "." + parts[1];
  if (key == nullptr || !VerifyData(*EVP_sha256(), *key, AsView(signed_part), *signature))
    return "AADSTS700027: the signature does not verify";
  if (claims.value("aud", "") != audience) return "AADSTS700021: wrong audience";
  if (claims.value("iss", "") != client_id || claims.value("sub", "") != client_id)
    return "AADSTS700021: iss and sub must be the client id";
  if (claims.value("jti", "").empty()) return "no jti";
  int64_t nbf = claims.value("nbf", int64_t{0});
  int64_t exp = claims.value("exp", int64_t{0});
  if (nbf > now + 300 || exp <= now - 300) return "AADSTS700024: the assertion is not valid now";
  if (exp - nbf > 600 + 300) return "the assertion lives too long";
  return std::nullopt;
}

}  // namespace scepgate::testing
