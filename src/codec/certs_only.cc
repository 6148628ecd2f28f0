// Degenerate certs-only SignedData (RFC 8894 §3.4) and the GetNextCACert reply built on it.
//
// The issued certificate must stay first (clients take certs[0]). CMS encodes `certificates` as a
// DER SET OF, which OpenSSL sorts on output; the PKCS#7 API encodes it in insertion order, as
// `openssl crl2pkcs7` does, so the degenerate structure is built with PKCS#7.
#include <openssl/err.h>
#include <openssl/objects.h>

#include <climits>

#include "common/ossl.h"
#include "codec/pki_message.h"
#include "codec/signed_message.h"

namespace scepgate::codec {

Result<Bytes> EncodeCertsOnly(const std::vector<const X509*>& certs,
                              const std::vector<const X509_CRL*>& crls) {
  Pkcs7Ptr p7(PKCS7_new());
  if (!p7 || PKCS7_set_type(p7.get(), NID_pkcs7_signed) != 1 || p7->d.sign == nullptr ||
      p7->d.sign->contents == nullptr) {
    return Fail(CryptoError("cannot create PKCS#7 SignedData"));
  }
  // contentInfo { id-data } with no content, as crl2pkcs7 writes it.
  PKCS7* inner = p7->d.sign->contents;
  ASN1_OBJECT_free(inner->type);
  inner->type = OBJ_nid2obj(NID_pkcs7_data);
  // PKCS7_add_* take references; they do not modify the certificate or CRL.
  for (const X509* c : certs) {
    if (c == nullptr) return Fail(Error::InvalidArgument("null certificate"));
    if (PKCS7_add_certificate(p7.get(), const_cast<X509*>(c)) != 1) {
      return Fail(CryptoError("PKCS7_add_certificate"));
    }
  }
  for (const X509_CRL* crl : crls) {
    if (crl == nullptr) return Fail(Error::InvalidArgument("null CRL"));
    if (PKCS7_add_crl(p7.get(), const_cast<X509_CRL*>(crl)) != 1) {
      return Fail(CryptoError("PKCS7_add_crl"));
    }
  }
  unsigned char* buf = nullptr;
  int len = i2d_PKCS7(p7.get(), &buf);
  OsslStringPtr owned(reinterpret_cast<char*>(buf));
  if (len <= 0) return Fail(CryptoError("cannot encode certs-only SignedData"));
  return Bytes(buf, buf + len);
}

Result<CertsOnly> DecodeCertsOnly(ByteView der) {
  if (der.empty() || der.size() > static_cast<size_t>(LONG_MAX)) {
    return Fail(Error::BadRequest("certs-only structure is empty or too large"));
  }
  const unsigned char* p = der.data();
  Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
  if (!p7 || OBJ_obj2nid(p7->type) != NID_pkcs7_signed || p7->d.sign == nullptr) {
    ERR_clear_error();
    return Fail(Error::BadRequest("not a PKCS#7 SignedData"));
  }
  CertsOnly out;
  STACK_OF(X509)* certs = p7->d.sign->cert;  // in encoded order
  for (int i = 0; i < sk_X509_num(certs); ++i) {
    X509* c = sk_X509_value(certs, i);
    if (c != nullptr) out.certs.push_back(CertDup(*c));
  }
  STACK_OF(X509_CRL)* crls = p7->d.sign->crl;
  for (int i = 0; i < sk_X509_CRL_num(crls); ++i) {
    X509_CRL* crl = sk_X509_CRL_value(crls, i);
    if (crl != nullptr && X509_CRL_up_ref(crl) == 1) out.crls.emplace_back(crl);
  }
  return out;
}

Result<Bytes> EncodeNextCaCert(const std::vector<const X509*>& next, const X509& signer_cert,
                               const EVP_PKEY& signer_key) {
  SG_ASSIGN_OR_RETURN(Bytes inner, EncodeCertsOnly(next, {}));
  BioPtr in = ReadOnlyBio(inner);
  if (!in) return Fail(Error::Crypto("certs-only structure too large"));
  // The outer SignedData only carries the signer certificate, so its SET OF order is moot.
  CmsPtr cms(CMS_sign(const_cast<X509*>(&signer_cert), const_cast<EVP_PKEY*>(&signer_key), nullptr,
                      in.get(), CMS_BINARY | CMS_NOSMIMECAP));
  if (!cms) return Fail(CryptoError("CMS_sign (GetNextCACert)"));
  return CmsToDer(*cms);
}

Result<CertsOnly> DecodeNextCaCert(ByteView der, const X509& signer) {
  SG_ASSIGN_OR_RETURN(CmsPtr cms, ParseCms(der));
  if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
    return Fail(Error::BadRequest("not a CMS SignedData"));
  }
  ASN1_OCTET_STRING** pos = CMS_get0_content(cms.get());
  if (pos == nullptr || *pos == nullptr || ASN1_STRING_length(*pos) <= 0) {
    return Fail(Error::BadRequest("GetNextCACert reply has no content"));
  }
  if (sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms.get())) <= 0) {
    return Fail(Error::BadRequest("GetNextCACert reply is not signed"));
  }
  X509StackPtr certs(sk_X509_new_null());
  X509Ptr dup = CertDup(signer);
  if (!certs || !dup || sk_X509_push(certs.get(), dup.get()) <= 0) {
    return Fail(CryptoError("cannot build signer list"));
  }
  (void)dup.release();  // owned by the stack
  BioPtr out(BIO_new(BIO_s_mem()));
  if (!out) return Fail(CryptoError("BIO_new"));
  // CMS_NOINTERN: only `signer` may have signed it, whatever certificates the message carries.
  constexpr unsigned kFlags = CMS_NO_SIGNER_CERT_VERIFY | CMS_NOINTERN | CMS_BINARY;
  if (CMS_verify(cms.get(), certs.get(), nullptr, nullptr, out.get(), kFlags) != 1) {
    return Fail(
        Error::BadMessageCheck("GetNextCACert signature does not verify: " + DrainOpenSslErrors()));
  }
  return DecodeCertsOnly(BioBytes(*out));
}

}  // namespace scepgate::codec
