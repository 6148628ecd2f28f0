// The decrypted message contents: a PKCS#10 CSR (PKCSReq, RenewalReq), IssuerAndSubject (CertPoll)
// and IssuerAndSerialNumber (GetCert, GetCRL).
//   IssuerAndSubject ::= SEQUENCE { issuer Name, subject Name }
#include <openssl/err.h>

#include <climits>

#include "codec/der_reader.h"
#include "common/ossl.h"
#include "codec/pki_message.h"

namespace scepgate::codec {
namespace {

// Returns the Name encoded by exactly the bytes of `e`.
X509NamePtr NameFromElement(const DerElement& e) {
  if (e.tag_class != V_ASN1_UNIVERSAL || e.tag != V_ASN1_SEQUENCE || !e.constructed) return nullptr;
  const unsigned char* p = e.whole.data();
  X509NamePtr name(d2i_X509_NAME(nullptr, &p, static_cast<long>(e.whole.size())));
  if (name && p != e.whole.data() + e.whole.size()) return nullptr;
  return name;
}

Result<Bytes> NameDer(const X509_NAME& name) {
  unsigned char* buf = nullptr;
  int len = i2d_X509_NAME(&name, &buf);
  OsslStringPtr owned(reinterpret_cast<char*>(buf));
  if (len <= 0) return Fail(CryptoError("cannot encode Name"));
  return Bytes(buf, buf + len);
}

}  // namespace

Result<ParsedCsr> ParseCsr(ByteView content, const X509* signer, const EVP_PKEY* signer_key) {
  if (content.size() > static_cast<size_t>(LONG_MAX))
    return Fail(Error::BadRequest("CSR too large"));
  auto csr = CsrFromDerWithoutKey(content);
  if (!csr) {
    ERR_clear_error();
    return Fail(Error::BadRequest("content is not a PKCS#10 request"));
  }
  ParsedCsr out;
  out.req = std::move(*csr);
  auto* known = const_cast<EVP_PKEY*>(signer_key);
  if (known != nullptr && signer != nullptr && SameSpki(*out.req, *signer) &&
      EVP_PKEY_up_ref(known) == 1) {
    out.key.reset(known);
    return out;
  }
  SG_ASSIGN_OR_RETURN(out.key, PublicKeyOf(*out.req));
  return out;
}

Result<IssuerAndSubject> ParseIssuerAndSubject(ByteView content) {
  DerReader top(content);
  auto seq = top.Expect(V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, true);
  if (!seq || !top.AtEnd()) return Fail(Error::BadRequest("IssuerAndSubject is not a SEQUENCE"));
  DerReader body(seq->body);
  auto issuer = body.Next();
  auto subject = body.Next();
  IssuerAndSubject out;
  if (issuer) out.issuer = NameFromElement(*issuer);
  if (subject) out.subject = NameFromElement(*subject);
  if (!out.issuer || !out.subject || !body.AtEnd()) {
    ERR_clear_error();
    return Fail(Error::BadRequest("malformed IssuerAndSubject"));
  }
  return out;
}

Result<Bytes> EncodeIssuerAndSubject(const X509_NAME& issuer, const X509_NAME& subject) {
  SG_ASSIGN_OR_RETURN(Bytes body, NameDer(issuer));
  SG_ASSIGN_OR_RETURN(Bytes subject_der, NameDer(subject));
  body.insert(body.end(), subject_der.begin(), subject_der.end());
  Bytes out = DerSequence(body);
  if (out.empty()) return Fail(Error::Crypto("IssuerAndSubject too large"));
  return out;
}

Result<IssuerAndSerial> ParseIssuerAndSerial(ByteView content) {
  if (content.empty() || content.size() > static_cast<size_t>(LONG_MAX)) {
    return Fail(Error::BadRequest("IssuerAndSerialNumber is empty or too large"));
  }
  const unsigned char* p = content.data();
  Pkcs7IssuerAndSerialPtr ias(
      d2i_PKCS7_ISSUER_AND_SERIAL(nullptr, &p, static_cast<long>(content.size())));
  if (!ias || ias->issuer == nullptr || ias->serial == nullptr) {
    ERR_clear_error();
    return Fail(Error::BadRequest("malformed IssuerAndSerialNumber"));
  }
  if (p != content.data() + content.size()) {
    return Fail(Error::BadRequest("trailing bytes after IssuerAndSerialNumber"));
  }
  IssuerAndSerial out;
  out.issuer.reset(X509_NAME_dup(ias->issuer));
  out.serial.reset(ASN1_INTEGER_dup(ias->serial));
  if (!out.issuer || !out.serial) return Fail(CryptoError("cannot copy IssuerAndSerialNumber"));
  return out;
}

Result<Bytes> EncodeIssuerAndSerial(const X509_NAME& issuer, const ASN1_INTEGER& serial) {
  Pkcs7IssuerAndSerialPtr ias(PKCS7_ISSUER_AND_SERIAL_new());
  if (!ias) return Fail(CryptoError("PKCS7_ISSUER_AND_SERIAL_new"));
  X509NamePtr name(X509_NAME_dup(&issuer));
  Asn1IntegerPtr num(ASN1_INTEGER_dup(&serial));
  if (!name || !num) return Fail(CryptoError("cannot copy issuer and serial"));
  X509_NAME_free(ias->issuer);  // replace the empty defaults; `ias` owns the copies from here
  ias->issuer = name.release();
  ASN1_INTEGER_free(ias->serial);
  ias->serial = num.release();
  unsigned char* buf = nullptr;
  int len = i2d_PKCS7_ISSUER_AND_SERIAL(ias.get(), &buf);
  OsslStringPtr owned(reinterpret_cast<char*>(buf));
  if (len <= 0) return Fail(CryptoError("cannot encode IssuerAndSerialNumber"));
  return Bytes(buf, buf + len);
}

}  // namespace scepgate::codec
