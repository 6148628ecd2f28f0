// EncryptEnvelopeTo: RFC 5652 EnvelopedData with one key-transport recipient.
//   ContentInfo ::= SEQUENCE { envelopedData OID, [0] EXPLICIT EnvelopedData }
//   EnvelopedData ::= SEQUENCE { version 0, recipientInfos SET { KeyTransRecipientInfo },
//       encryptedContentInfo SEQUENCE { data OID, contentEncryptionAlgorithm { OID, IV },
//       [0] IMPLICIT encryptedContent } }
//   KeyTransRecipientInfo ::= SEQUENCE { version 0, IssuerAndSerialNumber,
//       rsaEncryption { OID, NULL }, encryptedKey OCTET STRING }
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rand.h>

#include <climits>

#include "codec/der_writer.h"
#include "codec/envelope.h"
#include "codec/signed_message.h"

namespace scepgate::codec {
namespace {

bool IsWriterCipher(int nid) {
  switch (nid) {
    case NID_aes_128_cbc:
    case NID_aes_192_cbc:
    case NID_aes_256_cbc:
    case NID_des_ede3_cbc:
    case NID_des_cbc:
      return true;
    default:
      return false;
  }
}

// The content-encryption key encrypted to `key` with PKCS #1 v1.5.
Result<Bytes> WrapKey(const EVP_PKEY& key, ByteView cek) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, const_cast<EVP_PKEY*>(&key), nullptr));
  size_t len = 0;
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
      EVP_PKEY_encrypt(ctx.get(), nullptr, &len, cek.data(), cek.size()) != 1)
    return Fail(CryptoError("cannot encrypt the content key"));
  Bytes out(len);
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &len, cek.data(), cek.size()) != 1)
    return Fail(CryptoError("cannot encrypt the content key"));
  out.resize(len);
  return out;
}

Result<Bytes> Encrypt(EVP_CIPHER& cipher, ByteView key, ByteView iv, ByteView content) {
  if (content.size() > static_cast<size_t>(INT_MAX) - 64)
    return Fail(Error::Crypto("content too large"));
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  Bytes out(content.size() + static_cast<size_t>(EVP_CIPHER_get_block_size(&cipher)));
  int n = 0;
  int tail = 0;
  if (!ctx || EVP_EncryptInit_ex2(ctx.get(), &cipher, key.data(), iv.data(), nullptr) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &n, content.data(),
                        static_cast<int>(content.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &tail) != 1)
    return Fail(CryptoError("cannot encrypt the content"));
  out.resize(static_cast<size_t>(n) + static_cast<size_t>(tail));
  return out;
}

}  // namespace

bool EnvelopeWriterHandles(int cipher_nid, const EVP_PKEY& key) {
  return IsWriterCipher(cipher_nid) && EVP_PKEY_is_a(&key, "RSA") == 1;
}

Result<Bytes> EncryptEnvelopeTo(ByteView content, const X509& recipient, const EVP_PKEY& key,
                                int cipher_nid) {
  if (!EnvelopeWriterHandles(cipher_nid, key))
    return Fail(Error::InvalidArgument("the envelope writer needs an RSA key and a CBC cipher"));
  const char* name = OBJ_nid2sn(cipher_nid);
  EvpCipherPtr cipher(name != nullptr ? EVP_CIPHER_fetch(nullptr, name, nullptr) : nullptr);
  if (!cipher) {
    ERR_clear_error();
    return Fail(Error::BadAlg("cipher " + NidName(cipher_nid) + " is not available"));
  }
  int key_len = EVP_CIPHER_get_key_length(cipher.get());
  int iv_len = EVP_CIPHER_get_iv_length(cipher.get());
  if (key_len <= 0 || iv_len <= 0) return Fail(Error::Crypto("unexpected cipher parameters"));
  Bytes cek(static_cast<size_t>(key_len));
  Bytes iv(static_cast<size_t>(iv_len));
  if (RAND_bytes(cek.data(), key_len) != 1 || RAND_bytes(iv.data(), iv_len) != 1)
    return Fail(CryptoError("RAND_bytes"));
  if (cipher_nid == NID_des_ede3_cbc || cipher_nid == NID_des_cbc) {
    EvpCipherCtxPtr parity(EVP_CIPHER_CTX_new());  // DES keys carry odd parity
    if (!parity ||
        EVP_CipherInit_ex2(parity.get(), cipher.get(), nullptr, nullptr, 1, nullptr) != 1 ||
        EVP_CIPHER_CTX_rand_key(parity.get(), cek.data()) != 1)
      return Fail(CryptoError("cannot make a DES key"));
  }
  SG_ASSIGN_OR_RETURN(Bytes encrypted_key, WrapKey(key, cek));
  SG_ASSIGN_OR_RETURN(Bytes ciphertext, Encrypt(*cipher, cek, iv, content));
  OPENSSL_cleanse(cek.data(), cek.size());

  IssuerSerialDer id = IssuerAndSerialOf(recipient);
  Bytes cipher_oid = DerOid(cipher_nid);
  Bytes rsa_oid = DerOid(NID_rsaEncryption);
  Bytes data_oid = DerOid(NID_pkcs7_data);
  Bytes enveloped_oid = DerOid(NID_pkcs7_enveloped);
  if (id.issuer.empty() || cipher_oid.empty() || rsa_oid.empty() || data_oid.empty() ||
      enveloped_oid.empty())
    return Fail(Error::Crypto("cannot encode the recipient or an algorithm"));

  const Bytes version0 = {kDerInteger, 0x01, 0x00};
  Bytes ias = id.issuer;
  ias.insert(ias.end(), id.serial.begin(), id.serial.end());
  Bytes key_alg = rsa_oid;
  key_alg.insert(key_alg.end(), {kDerNull, 0x00});
  Bytes ktri = version0;
  DerAppend(ktri, kDerSequence, ias);
  DerAppend(ktri, kDerSequence, key_alg);
  DerAppend(ktri, kDerOctetString, encrypted_key);

  Bytes content_alg = cipher_oid;
  DerAppend(content_alg, kDerOctetString, iv);
  Bytes eci = data_oid;
  DerAppend(eci, kDerSequence, content_alg);
  DerAppend(eci, kDerContext0Primitive, ciphertext);

  Bytes ed = version0;
  DerAppend(ed, kDerSet, DerTlv(kDerSequence, ktri));
  DerAppend(ed, kDerSequence, eci);
  Bytes ci = enveloped_oid;
  DerAppend(ci, kDerContext0, DerTlv(kDerSequence, ed));
  return DerTlv(kDerSequence, ci);
}

}  // namespace scepgate::codec
