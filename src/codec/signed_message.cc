#include "codec/signed_message.h"

#include <openssl/err.h>
#include <openssl/objects.h>

#include <climits>
#include <string>

#include "common/key_sanity.h"

namespace scepgate::codec {
namespace {

// The digest of a signer info. Some clients put a signature algorithm (sha256WithRSAEncryption)
// where the digest belongs; map it to its digest.
int SignerDigestNid(CMS_SignerInfo& si) {
  X509_ALGOR* dig = nullptr;
  CMS_SignerInfo_get0_algs(&si, nullptr, nullptr, &dig, nullptr);
  if (dig == nullptr) return NID_undef;
  const ASN1_OBJECT* obj = nullptr;
  X509_ALGOR_get0(&obj, nullptr, nullptr, dig);
  int nid = obj == nullptr ? NID_undef : OBJ_obj2nid(obj);
  int md_nid = NID_undef;
  int pk_nid = NID_undef;
  if (nid != NID_undef && OBJ_find_sigid_algs(nid, &md_nid, &pk_nid) == 1 && md_nid != NID_undef) {
    return md_nid;
  }
  return nid;
}

// Returns the included certificate that `si` names, or nullptr.
X509* FindSignerCert(CMS_SignerInfo& si, STACK_OF(X509) * certs) {
  for (int i = 0; i < sk_X509_num(certs); ++i) {
    X509* c = sk_X509_value(certs, i);
    if (c != nullptr && CMS_SignerInfo_cert_cmp(&si, c) == 0) return c;
  }
  return nullptr;
}

// Why the signer infos must not be verified: more than one (SCEP has one signer), or a signer
// certificate's key that fails CheckKeyCost / CheckSpkiCost. Empty when they may be.
std::string SignerKeysRefusal(STACK_OF(CMS_SignerInfo) & infos, STACK_OF(X509) * certs) {
  int n = sk_CMS_SignerInfo_num(&infos);
  if (n != 1)
    return "SignersUnsupported: the message has " + std::to_string(n) + " signers, SCEP has one";
  X509* cert = FindSignerCert(*sk_CMS_SignerInfo_value(&infos, 0), certs);
  if (cert == nullptr) return "";  // CMS_verify fails on its own, verifying nothing
  constexpr std::string_view kWhose = "the message signer's key:";
  if (auto st = CheckSpkiCost(*X509_get_X509_PUBKEY(cert), kWhose); !st) return st.error().message;
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) return "";
  if (auto st = CheckKeyCost(*key, kWhose); !st) return st.error().message;
  return "";
}

}  // namespace

std::string NidName(int nid) {
  const char* sn = OBJ_nid2sn(nid);
  return sn != nullptr ? std::string(sn) : "NID " + std::to_string(nid);
}

Result<CmsPtr> ParseCms(ByteView der) {
  if (der.empty()) return Fail(Error::BadRequest("empty message"));
  if (der.size() > static_cast<size_t>(LONG_MAX))
    return Fail(Error::BadRequest("message too large"));
  const unsigned char* p = der.data();
  CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
  if (!cms) {
    ERR_clear_error();
    return Fail(Error::BadRequest("not a CMS structure"));
  }
  return cms;
}

Result<Bytes> CmsToDer(CMS_ContentInfo& cms) {
  int len = i2d_CMS_ContentInfo(&cms, nullptr);
  if (len <= 0) return Fail(CryptoError("cannot encode CMS"));
  Bytes out(static_cast<size_t>(len));
  unsigned char* p = out.data();
  if (i2d_CMS_ContentInfo(&cms, &p) != len) return Fail(CryptoError("cannot encode CMS"));
  return out;
}

BioPtr ReadOnlyBio(ByteView data) {
  static const unsigned char kEmpty = 0;
  if (data.size() > static_cast<size_t>(INT_MAX)) return nullptr;
  const void* p = data.empty() ? &kEmpty : data.data();
  return BioPtr(BIO_new_mem_buf(p, static_cast<int>(data.size())));
}

Result<SignedMessage> ReadSignedMessage(ByteView der) {
  SignedMessage m;
  SG_ASSIGN_OR_RETURN(m.cms, ParseCms(der));
  if (OBJ_obj2nid(CMS_get0_type(m.cms.get())) != NID_pkcs7_signed) {
    return Fail(Error::BadRequest("not a CMS SignedData"));
  }
  STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(m.cms.get());
  CMS_SignerInfo* si =
      sk_CMS_SignerInfo_num(infos) > 0 ? sk_CMS_SignerInfo_value(infos, 0) : nullptr;
  if (si == nullptr) return Fail(Error::BadRequest("SignedData has no signer"));

  X509StackPtr certs(CMS_get1_certs(m.cms.get()));
  X509* signer = FindSignerCert(*si, certs.get());
  if (signer == nullptr) {
    ERR_clear_error();
    return Fail(Error::BadRequest("signer certificate not included"));
  }
  m.signer = CertDup(*signer);
  m.digest_nid = SignerDigestNid(*si);
  m.attributes = ReadScepAttributes(*si);

  ASN1_OCTET_STRING** pos = CMS_get0_content(m.cms.get());
  if (pos != nullptr && *pos != nullptr) {
    const unsigned char* d = ASN1_STRING_get0_data(*pos);
    int n = ASN1_STRING_length(*pos);
    m.content = (n > 0 && d != nullptr) ? Bytes(d, d + n) : Bytes();
    // Verify with the included certificate only; trusting it is policy's business. Not at all
    // with a key that would make the verification itself the attack.
    m.refusal = SignerKeysRefusal(*infos, certs.get());
    m.signature_valid =
        m.refusal.empty() && CMS_verify(m.cms.get(), nullptr, nullptr, nullptr, nullptr,
                                        CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) == 1;
  }
  ERR_clear_error();
  return m;
}

Result<Bytes> SignMessage(ByteView content, const X509& cert, const EVP_PKEY& key, int digest_nid,
                          const ScepAttributes& attrs) {
  const EVP_MD* md = EVP_get_digestbynid(digest_nid);
  if (md == nullptr) {
    return Fail(Error::BadAlg("unknown digest " + NidName(digest_nid)));
  }
  constexpr unsigned kFlags = CMS_BINARY | CMS_NOSMIMECAP;
  CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, kFlags | CMS_PARTIAL));
  if (!cms) return Fail(CryptoError("CMS_sign"));
  // OpenSSL's API is not const-correct; CMS_add1_signer only takes references.
  CMS_SignerInfo* si =
      CMS_add1_signer(cms.get(), const_cast<X509*>(&cert), const_cast<EVP_PKEY*>(&key), md, kFlags);
  if (si == nullptr) return Fail(CryptoError("CMS_add1_signer"));
  SG_TRY_STATUS(AddScepAttributes(*si, attrs));
  BioPtr in = ReadOnlyBio(content);
  if (!in) return Fail(Error::Crypto("content too large"));
  if (CMS_final(cms.get(), in.get(), nullptr, CMS_BINARY) != 1) {
    return Fail(CryptoError("CMS_final (sign)"));
  }
  return CmsToDer(*cms);
}

}  // namespace scepgate::codec
