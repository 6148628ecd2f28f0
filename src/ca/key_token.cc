#include "ca/key_token.h"

namespace scepgate::ca {

Status CheckKeySigns(const EVP_PKEY& key, const X509& cert) {
  static constexpr std::string_view kProbe = "scepgate: does this key belong to the certificate?";
  OsslPtr<EVP_MD_CTX, EVP_MD_CTX_free> sign(EVP_MD_CTX_new());
  size_t size = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(kProbe.data());
  if (!sign ||
      EVP_DigestSignInit(sign.get(), nullptr, EVP_sha256(), nullptr, const_cast<EVP_PKEY*>(&key)) !=
          1 ||
      EVP_DigestSign(sign.get(), nullptr, &size, data, kProbe.size()) != 1) {
    DrainOpenSslErrors();
    return Fail(Error::Crypto("the key cannot sign"));
  }
  Bytes sig(size);
  if (EVP_DigestSign(sign.get(), sig.data(), &size, data, kProbe.size()) != 1) {
    std::string why = DrainOpenSslErrors();
    return Fail(Error::Crypto("signing with the key failed: " + why));
  }
  sig.resize(size);
  EVP_PKEY* pub = X509_get0_pubkey(&cert);
  OsslPtr<EVP_MD_CTX, EVP_MD_CTX_free> verify(EVP_MD_CTX_new());
  if (pub == nullptr || !verify ||
      EVP_DigestVerifyInit(verify.get(), nullptr, EVP_sha256(), nullptr, pub) != 1 ||
      EVP_DigestVerify(verify.get(), sig.data(), sig.size(), data, kProbe.size()) != 1) {
    DrainOpenSslErrors();
    return Fail(Error::InvalidArgument("the key does not belong to the certificate " +
                                       NameToString(*X509_get_subject_name(&cert))));
  }
  return {};
}

}  // namespace scepgate::ca
