#include "client/request_builder.h"

#include <openssl/rand.h>

#include "common/san_text.h"

namespace scepgate::client {

Result<X509NamePtr> ParseSubject(std::string_view subject) {
  if (subject.empty() || subject.front() != '/')
    return Fail(Error::InvalidArgument("subject must look like /CN=name/O=org"));
  X509NamePtr name(X509_NAME_new());
  std::string part;
  auto flush = [&]() -> Status {
    if (part.empty()) return {};
    size_t eq = part.find('=');
    if (eq == std::string::npos || eq == 0)
      return Fail(Error::InvalidArgument("subject component '" + part + "' has no '='"));
    std::string key = part.substr(0, eq), value = part.substr(eq + 1);
    if (X509_NAME_add_entry_by_txt(name.get(), key.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.data()),
                                   static_cast<int>(value.size()), -1, 0) != 1) {
      DrainOpenSslErrors();
      return Fail(Error::InvalidArgument("subject attribute '" + key +
                                         "' is unknown or its value is invalid"));
    }
    part.clear();
    return {};
  };
  for (size_t i = 1; i < subject.size(); ++i) {
    char c = subject[i];
    if (c == '\\' && i + 1 < subject.size()) {
      part += subject[++i];
    } else if (c == '/') {
      SG_TRY_STATUS(flush());
    } else {
      part += c;
    }
  }
  SG_TRY_STATUS(flush());
  return name;
}

namespace {

Status AddExtensions(X509_REQ& req, const CsrOptions& o) {
  X509ExtStackPtr exts(sk_X509_EXTENSION_new_null());
  if (!o.sans.empty()) {
    SG_ASSIGN_OR_RETURN(GeneralNamesPtr names, SansFromText(o.sans));
    X509ExtensionPtr san(X509V3_EXT_i2d(NID_subject_alt_name, 0, names.get()));
    if (!san) return Fail(CryptoError("subjectAltName encoding failed"));
    sk_X509_EXTENSION_push(exts.get(), san.release());
  }
  if (o.key_usage) {
    Asn1BitStringPtr ku(ASN1_BIT_STRING_new());
    for (int bit = 0; bit < 9; ++bit) {
      uint32_t mask = bit < 8 ? (0x80u >> bit) : 0x8000u;
      if (*o.key_usage & mask) ASN1_BIT_STRING_set_bit(ku.get(), bit, 1);
    }
    X509ExtensionPtr ext(X509V3_EXT_i2d(NID_key_usage, 1, ku.get()));
    if (!ext) return Fail(CryptoError("keyUsage encoding failed"));
    sk_X509_EXTENSION_push(exts.get(), ext.release());
  }
  if (!o.ekus.empty()) {
    ObjectStackPtr eku(sk_ASN1_OBJECT_new_null());
    for (const std::string& name : o.ekus) {
      Asn1ObjectPtr oid(OBJ_txt2obj(name.c_str(), 0));
      if (!oid) {
        DrainOpenSslErrors();
        return Fail(Error::InvalidArgument("unknown extended key usage '" + name + "'"));
      }
      if (sk_ASN1_OBJECT_push(eku.get(), oid.get()) <= 0)
        return Fail(CryptoError("extendedKeyUsage encoding failed"));
      oid.release();  // the stack owns it now
    }
    X509ExtensionPtr ext(X509V3_EXT_i2d(NID_ext_key_usage, 0, eku.get()));
    if (!ext) return Fail(CryptoError("extendedKeyUsage encoding failed"));
    sk_X509_EXTENSION_push(exts.get(), ext.release());
  }
  if (sk_X509_EXTENSION_num(exts.get()) > 0 && X509_REQ_add_extensions(&req, exts.get()) != 1)
    return Fail(CryptoError("cannot add extensionRequest"));
  return {};
}

}  // namespace

Result<X509ReqPtr> MakeCsr(const EVP_PKEY& key, const CsrOptions& o) {
  X509ReqPtr req(X509_REQ_new());
  X509_REQ_set_version(req.get(), 0);
  SG_ASSIGN_OR_RETURN(X509NamePtr name, ParseSubject(o.subject));
  X509_REQ_set_subject_name(req.get(), name.get());
  X509_REQ_set_pubkey(req.get(), const_cast<EVP_PKEY*>(&key));
  if (!o.challenge.empty() &&
      X509_REQ_add1_attr_by_NID(req.get(), NID_pkcs9_challengePassword, MBSTRING_UTF8,
                                reinterpret_cast<const unsigned char*>(o.challenge.data()),
                                static_cast<int>(o.challenge.size())) != 1)
    return Fail(CryptoError("cannot add challengePassword"));
  SG_TRY_STATUS(AddExtensions(*req, o));
  const EVP_MD* md = EVP_get_digestbynid(o.digest_nid);
  if (X509_REQ_sign(req.get(), const_cast<EVP_PKEY*>(&key), md) <= 0)
    return Fail(CryptoError("cannot sign CSR"));
  return req;
}

Result<X509Ptr> MakeSelfSignedSigner(const EVP_PKEY& key, std::string_view common_name) {
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[8];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BignumPtr bn(BN_bin2bn(serial, sizeof serial, nullptr));
  BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()));
  X509NamePtr name(X509_NAME_new());
  X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(common_name.data()),
                             static_cast<int>(common_name.size()), -1, 0);
  X509_set_subject_name(cert.get(), name.get());
  X509_set_issuer_name(cert.get(), name.get());
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 7 * 86400);
  X509_set_pubkey(cert.get(), const_cast<EVP_PKEY*>(&key));
  if (X509_sign(cert.get(), const_cast<EVP_PKEY*>(&key), EVP_sha256()) <= 0)
    return Fail(CryptoError("cannot self-sign signer certificate"));
  return cert;
}

Result<std::string> TransactionIdFor(const EVP_PKEY& key) {
  SG_ASSIGN_OR_RETURN(Bytes spki, PublicKeyDer(key));
  SG_ASSIGN_OR_RETURN(Bytes d, Digest("SHA256", spki));
  return HexEncode(d);
}

}  // namespace scepgate::client
