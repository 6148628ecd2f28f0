#include "policy/csr_info.h"

#include "common/asn1_text.h"

namespace scepgate::policy {

Result<std::optional<std::string>> ChallengePassword(const X509_REQ& csr) {
  int idx = X509_REQ_get_attr_by_NID(&csr, NID_pkcs9_challengePassword, -1);
  if (idx < 0) return std::optional<std::string>();
  X509_ATTRIBUTE* attr = X509_REQ_get_attr(&csr, idx);
  ASN1_TYPE* value = attr ? X509_ATTRIBUTE_get0_type(attr, 0) : nullptr;
  if (value == nullptr) return Fail(Error::BadRequest("challengePassword attribute is empty"));
  switch (value->type) {
    case V_ASN1_PRINTABLESTRING:
    case V_ASN1_UTF8STRING:
    case V_ASN1_IA5STRING:
    case V_ASN1_T61STRING:
    case V_ASN1_BMPSTRING:
    case V_ASN1_UNIVERSALSTRING:
      break;
    default:
      return Fail(Error::BadRequest("challengePassword has an unsupported string type"));
  }
  std::optional<std::string> text = Asn1StringToUtf8(*value->value.asn1_string);
  if (!text) return Fail(Error::BadRequest("challengePassword is not a readable string"));
  return text;
}

std::optional<uint32_t> RequestedKeyUsage(const X509_REQ& csr) {
  X509ExtStackPtr exts(X509_REQ_get_extensions(const_cast<X509_REQ*>(&csr)));
  if (!exts) return std::nullopt;
  int crit = 0;
  Asn1BitStringPtr ku(
      static_cast<ASN1_BIT_STRING*>(X509V3_get_d2i(exts.get(), NID_key_usage, &crit, nullptr)));
  if (!ku) return std::nullopt;
  uint32_t bits = 0;
  for (int i = 0; i < 9; ++i)
    if (ASN1_BIT_STRING_get_bit(ku.get(), i)) bits |= (i < 8) ? (0x80u >> i) : 0x8000u;
  return bits;
}

Result<std::optional<std::vector<std::string>>> RequestedEkus(const X509_REQ& csr) {
  X509ExtStackPtr exts(X509_REQ_get_extensions(const_cast<X509_REQ*>(&csr)));
  if (!exts || X509v3_get_ext_by_NID(exts.get(), NID_ext_key_usage, -1) < 0)
    return std::optional<std::vector<std::string>>();
  int crit = 0;
  ObjectStackPtr ekus(static_cast<EXTENDED_KEY_USAGE*>(
      X509V3_get_d2i(exts.get(), NID_ext_key_usage, &crit, nullptr)));
  if (!ekus) {
    DrainOpenSslErrors();
    return Fail(Error::BadRequest("the extendedKeyUsage extension cannot be decoded"));
  }
  std::vector<std::string> out;
  for (int i = 0; i < sk_ASN1_OBJECT_num(ekus.get()); ++i) {
    std::string oid = OidText(*sk_ASN1_OBJECT_value(ekus.get(), i));
    if (!oid.empty()) out.push_back(std::move(oid));
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

bool CsrSignatureValid(const X509_REQ& csr, const EVP_PKEY* key) {
  if (key == nullptr) key = X509_REQ_get0_pubkey(const_cast<X509_REQ*>(&csr));
  // The default library context, not the request's own (it may have been parsed in one that
  // leaves the key encoded).
  bool ok = key != nullptr && X509_REQ_verify_ex(const_cast<X509_REQ*>(&csr),
                                                 const_cast<EVP_PKEY*>(key), nullptr, nullptr) == 1;
  DrainOpenSslErrors();
  return ok;
}

namespace {

// Lower-case hex SHA-256 of a SubjectPublicKeyInfo as it is encoded (re-encoding the key through
// OpenSSL 3.0's encoders would cost more than the checks that use this).
Result<std::string> SpkiSha256(X509_PUBKEY& spki) {
  Bytes bytes = SpkiDer(&spki);
  if (bytes.empty()) return Fail(CryptoError("cannot encode a public key"));
  SG_ASSIGN_OR_RETURN(Bytes digest, Digest("SHA256", bytes));
  return HexEncode(digest);
}

}  // namespace

Result<std::string> CsrPublicKeySha256(const X509_REQ& csr) {
  X509_PUBKEY* spki = X509_REQ_get_X509_PUBKEY(const_cast<X509_REQ*>(&csr));
  if (spki == nullptr) return Fail(Error::BadRequest("CSR carries no public key"));
  return SpkiSha256(*spki);
}

Result<std::string> CertPublicKeySha256(const X509& cert) {
  X509_PUBKEY* spki = X509_get_X509_PUBKEY(&cert);
  if (spki == nullptr) return Fail(Error::BadRequest("certificate carries no public key"));
  return SpkiSha256(*spki);
}

}  // namespace scepgate::policy
