// EncryptEnvelope / DecryptEnvelope, and OpenEnvelope: the server's cipher policy on top of them.
#include "codec/envelope.h"

#include <openssl/err.h>
#include <openssl/objects.h>

#include "codec/envelope_reader.h"
#include "codec/pki_message.h"
#include "codec/signed_message.h"

namespace scepgate::codec {
Result<Bytes> EncryptEnvelope(ByteView content, std::span<const X509* const> recipients,
                              int cipher_nid) {
  if (recipients.empty()) return Fail(Error::InvalidArgument("no recipient certificate"));
  const char* name = OBJ_nid2sn(cipher_nid);
  EvpCipherPtr cipher(name != nullptr ? EVP_CIPHER_fetch(nullptr, name, nullptr) : nullptr);
  if (!cipher) {
    ERR_clear_error();
    return Fail(Error::BadAlg("cipher " + NidName(cipher_nid) + " is not available"));
  }
  X509StackPtr certs(sk_X509_new_null());
  if (!certs) return Fail(CryptoError("sk_X509_new_null"));
  for (const X509* r : recipients) {
    if (r == nullptr) return Fail(Error::InvalidArgument("null recipient certificate"));
    X509Ptr dup = CertDup(*r);
    if (!dup || sk_X509_push(certs.get(), dup.get()) <= 0) return Fail(CryptoError("sk_X509_push"));
    (void)dup.release();  // now owned by the stack
  }
  BioPtr in = ReadOnlyBio(content);
  if (!in) return Fail(Error::Crypto("content too large"));
  CmsPtr cms(CMS_encrypt(certs.get(), in.get(), cipher.get(), CMS_BINARY));
  if (!cms) return Fail(CryptoError("CMS_encrypt"));
  return CmsToDer(*cms);
}

Result<Bytes> DecryptEnvelope(ByteView enveloped, const X509& cert, const EVP_PKEY& key) {
  SG_ASSIGN_OR_RETURN(CmsPtr cms, ParseCms(enveloped));
  int type = OBJ_obj2nid(CMS_get0_type(cms.get()));
  if (type != NID_pkcs7_enveloped && type != NID_id_smime_ct_authEnvelopedData) {
    return Fail(Error::BadRequest("not a CMS EnvelopedData"));
  }
  BioPtr out(BIO_new(BIO_s_mem()));
  if (!out) return Fail(CryptoError("BIO_new"));
  // With `cert` given, OpenSSL only tries the recipient info issued to it.
  if (CMS_decrypt(cms.get(), const_cast<EVP_PKEY*>(&key), const_cast<X509*>(&cert), nullptr,
                  out.get(), CMS_BINARY) != 1) {
    return Fail(
        Error::BadMessageCheck("envelope does not decrypt with our key: " + DrainOpenSslErrors()));
  }
  return BioBytes(*out);
}

Status CheckAcceptedCipher(int nid) {
  switch (nid) {
    case NID_des_cbc: {
      EvpCipherPtr des(EVP_CIPHER_fetch(nullptr, "DES-CBC", nullptr));
      if (!des) {
        ERR_clear_error();
        return Fail(Error::BadAlg("single DES is disabled (OpenSSL legacy provider not loaded)"));
      }
      return {};
    }
    case NID_des_ede3_cbc:
    case NID_aes_128_cbc:
    case NID_aes_192_cbc:
    case NID_aes_256_cbc:
      return {};
    default:
      return Fail(Error::BadAlg("content encryption " + NidName(nid) + " is not accepted"));
  }
}

Result<OpenedEnvelope> OpenEnvelope(ByteView enveloped, const X509& ra_cert,
                                    const EVP_PKEY& ra_key) {
  if (auto fast = OpenEnvelopeDer(enveloped, ra_cert, ra_key)) return std::move(*fast);
  OpenedEnvelope opened;
  SG_ASSIGN_OR_RETURN(opened.cipher_nid, EnvelopeCipher(enveloped));
  SG_TRY_STATUS(CheckAcceptedCipher(opened.cipher_nid));
  SG_ASSIGN_OR_RETURN(opened.content, DecryptEnvelope(enveloped, ra_cert, ra_key));
  return opened;
}

}  // namespace scepgate::codec
