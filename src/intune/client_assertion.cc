#include "intune/client_assertion.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <nlohmann/json.hpp>

namespace scepgate::intune {
namespace {

Status CheckKeyOfCertificate(const X509& cert, const EVP_PKEY& key) {
  if (EVP_PKEY_get_base_id(&key) != EVP_PKEY_RSA)
    return Fail(Error::InvalidArgument(
        "the Intune client certificate's key must be RSA (the identity platform takes RS256)"));
  if (X509_check_private_key(&cert, &key) != 1)
    return Fail(Error::InvalidArgument("the Intune client key is not the certificate's key"));
  return {};
}

std::string Base64Url(const std::string& text) { return Base64UrlEncode(AsView(text)); }

}  // namespace

Result<std::string> ClientAssertion(const X509& cert, const EVP_PKEY& key,
                                    std::string_view client_id, std::string_view audience,
                                    int64_t now, std::string_view jti) {
  SG_TRY_STATUS(CheckKeyOfCertificate(cert, key));
  SG_ASSIGN_OR_RETURN(Bytes der, CertToDer(cert));
  SG_ASSIGN_OR_RETURN(Bytes sha1, Digest("SHA1", der));
  SG_ASSIGN_OR_RETURN(Bytes sha256, Digest("SHA256", der));
  nlohmann::json header = {{"alg", "RS256"},
                           {"typ", "JWT"},
                           {"x5t", Base64UrlEncode(sha1)},
                           {"x5t#S256", Base64UrlEncode(sha256)}};
  nlohmann::json claims = {{"aud", audience},
                           {"iss", client_id},
                           {"sub", client_id},
                           {"jti", jti},
                           {"nbf", now},
                           {"iat", now},
                           {"exp", now + kAssertionLifetimeSeconds}};
  std::string signed_part = Base64Url(header.dump()) + "." + Base64Url(claims.dump());
  SG_ASSIGN_OR_RETURN(Bytes signature, SignData(*EVP_sha256(), key, AsView(signed_part)));
  return signed_part + "." + Base64UrlEncode(signature);
}

Status CheckClientCertificate(std::string_view cert_pem, std::string_view key_pem) {
  auto cert = CertFromPem(cert_pem);
  if (!cert)
    return Fail(Error::InvalidArgument("the Intune client certificate does not parse as PEM"));
  auto key = KeyFromPem(key_pem);
  if (!key) return Fail(Error::InvalidArgument("the Intune client key does not parse as PEM"));
  return CheckKeyOfCertificate(**cert, **key);
}

}  // namespace scepgate::intune
