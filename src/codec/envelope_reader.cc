// ContentInfo ::= SEQUENCE { envelopedData OID, [0] EXPLICIT EnvelopedData }
// EnvelopedData ::= SEQUENCE { version, recipientInfos SET OF RecipientInfo,
//     encryptedContentInfo SEQUENCE { data OID, contentEncryptionAlgorithm { OID, IV },
//     [0] IMPLICIT encryptedContent } }
// KeyTransRecipientInfo ::= SEQUENCE { version 0, IssuerAndSerialNumber, rsaEncryption,
//     encryptedKey OCTET STRING }
#include "codec/envelope_reader.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>

#include "codec/der_reader.h"
#include "codec/der_writer.h"
#include "codec/envelope.h"

namespace scepgate::codec {
namespace {

constexpr int kUniversal = V_ASN1_UNIVERSAL;
constexpr int kContext = V_ASN1_CONTEXT_SPECIFIC;

// The encryptedContent, [0] IMPLICIT OCTET STRING: primitive, or constructed from primitive
// OCTET STRING segments, as Go's pkcs7 package (micromdm's scepclient) writes it.
std::optional<Bytes> Ciphertext(const DerElement& e) {
  if (e.tag_class != kContext || e.tag != 0) return std::nullopt;
  if (!e.constructed) return Bytes(e.body.begin(), e.body.end());
  Bytes out;
  DerReader segments(e.body);
  while (!segments.AtEnd()) {
    auto segment = segments.Expect(kUniversal, V_ASN1_OCTET_STRING, false);
    if (!segment) return std::nullopt;
    out.insert(out.end(), segment->body.begin(), segment->body.end());
  }
  return out;
}

std::optional<int> AlgorithmOidNid(DerReader& alg) {
  auto oid = alg.Expect(kUniversal, V_ASN1_OBJECT, false);
  return oid ? DerOidNid(*oid) : std::nullopt;
}

// The encryptedKey of the key-transport recipient info addressed to `issuer`/`serial`.
std::optional<ByteView> KeyFor(ByteView recipient_infos, ByteView issuer, ByteView serial) {
  DerReader r(recipient_infos);
  while (!r.AtEnd()) {
    auto ri = r.Next();
    if (!ri) return std::nullopt;
    if (ri->tag_class != kUniversal || ri->tag != V_ASN1_SEQUENCE || !ri->constructed) continue;
    DerReader k(ri->body);
    auto version = k.Expect(kUniversal, V_ASN1_INTEGER, false);
    auto rid = k.Expect(kUniversal, V_ASN1_SEQUENCE, true);  // IssuerAndSerialNumber
    auto alg = k.Expect(kUniversal, V_ASN1_SEQUENCE, true);
    auto key = k.Expect(kUniversal, V_ASN1_OCTET_STRING, false);
    if (!version || !rid || !alg || !key || !k.AtEnd()) continue;
    DerReader id(rid->body);
    auto i = id.Expect(kUniversal, V_ASN1_SEQUENCE, true);
    auto s = id.Expect(kUniversal, V_ASN1_INTEGER, false);
    if (!i || !s || !id.AtEnd() || !std::ranges::equal(i->whole, issuer) ||
        !std::ranges::equal(s->whole, serial))
      continue;
    DerReader a(alg->body);
    if (AlgorithmOidNid(a) != NID_rsaEncryption) return std::nullopt;
    return key->body;
  }
  return std::nullopt;
}

// The content-encryption key. As in the CMS layer (without CMS_DEBUG_DECRYPT), a key that does not
// unwrap or has the wrong length is replaced by a random one, so that neither the answer nor its
// timing tells a bad key from bad content (Bleichenbacher's attack on PKCS #1 v1.5).
Result<Bytes> UnwrapKey(const EVP_PKEY& ra_key, ByteView wrapped, size_t expected) {
  Bytes random(expected);
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1)
    return Fail(CryptoError("RAND_bytes"));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, const_cast<EVP_PKEY*>(&ra_key), nullptr));
  Bytes key(static_cast<size_t>(std::max(EVP_PKEY_get_size(&ra_key), 1)));
  size_t len = key.size();
  bool ok = ctx && EVP_PKEY_decrypt_init(ctx.get()) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1 &&
            EVP_PKEY_decrypt(ctx.get(), key.data(), &len, wrapped.data(), wrapped.size()) == 1 &&
            len == expected;
  ERR_clear_error();
  if (!ok) {
    OPENSSL_cleanse(key.data(), key.size());
    return random;
  }
  OPENSSL_cleanse(random.data(), random.size());
  key.resize(len);
  return key;
}

Result<Bytes> DecryptContent(const EVP_CIPHER& cipher, ByteView key, ByteView iv,
                             ByteView ciphertext) {
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  Bytes out(ciphertext.size() + static_cast<size_t>(EVP_CIPHER_get_block_size(&cipher)));
  int n = 0;
  int tail = 0;
  if (!ctx || EVP_DecryptInit_ex2(ctx.get(), &cipher, key.data(), iv.data(), nullptr) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out.data(), &n, ciphertext.data(),
                        static_cast<int>(ciphertext.size())) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), out.data() + n, &tail) != 1)
    return Fail(Error::BadMessageCheck("envelope does not decrypt with our key"));
  out.resize(static_cast<size_t>(n) + static_cast<size_t>(tail));
  return out;
}

std::optional<Result<OpenedEnvelope>> Open(ByteView der, const X509& ra_cert,
                                           const EVP_PKEY& ra_key) {
  std::optional<ContentInfoElements> ci = ReadContentInfo(der);
  if (!ci || DerOidNid(ci->type) != NID_pkcs7_enveloped) return std::nullopt;
  DerReader e(ci->content.body);
  auto version = e.Expect(kUniversal, V_ASN1_INTEGER, false);
  auto infos = e.Expect(kUniversal, V_ASN1_SET, true);  // no originatorInfo
  auto eci = e.Expect(kUniversal, V_ASN1_SEQUENCE, true);
  if (!version || !infos || !eci || !e.AtEnd()) return std::nullopt;  // no unprotectedAttrs

  DerReader c(eci->body);
  auto content_type = c.Expect(kUniversal, V_ASN1_OBJECT, false);
  auto alg = c.Expect(kUniversal, V_ASN1_SEQUENCE, true);
  auto encrypted = c.Next();
  std::optional<Bytes> ciphertext = encrypted ? Ciphertext(*encrypted) : std::nullopt;
  if (!content_type || DerOidNid(*content_type) != NID_pkcs7_data || !alg || !ciphertext ||
      ciphertext->empty() || !c.AtEnd())
    return std::nullopt;
  DerReader a(alg->body);
  std::optional<int> cipher_nid = AlgorithmOidNid(a);
  auto iv = a.Expect(kUniversal, V_ASN1_OCTET_STRING, false);
  if (!cipher_nid || !iv || !a.AtEnd()) return std::nullopt;

  IssuerSerialDer ra = IssuerAndSerialOf(ra_cert);
  std::optional<ByteView> wrapped = KeyFor(infos->body, ra.issuer, ra.serial);
  if (ra.issuer.empty() || !wrapped) return std::nullopt;

  if (auto accepted = CheckAcceptedCipher(*cipher_nid); !accepted)
    return Result<OpenedEnvelope>(Fail(accepted.error()));
  const char* name = OBJ_nid2sn(*cipher_nid);
  EvpCipherPtr cipher(name != nullptr ? EVP_CIPHER_fetch(nullptr, name, nullptr) : nullptr);
  if (!cipher || EVP_CIPHER_get_iv_length(cipher.get()) != static_cast<int>(iv->body.size()) ||
      EVP_CIPHER_get_key_length(cipher.get()) <= 0 ||
      ciphertext->size() > static_cast<size_t>(INT_MAX) - 64)
    return std::nullopt;

  OpenedEnvelope out;
  out.cipher_nid = *cipher_nid;
  auto key =
      UnwrapKey(ra_key, *wrapped, static_cast<size_t>(EVP_CIPHER_get_key_length(cipher.get())));
  if (!key) return Result<OpenedEnvelope>(Fail(key.error()));
  auto content = DecryptContent(*cipher, *key, iv->body, *ciphertext);
  OPENSSL_cleanse(key->data(), key->size());
  if (!content) return Result<OpenedEnvelope>(Fail(content.error()));
  out.content = std::move(*content);
  return Result<OpenedEnvelope>(std::move(out));
}

}  // namespace

std::optional<Result<OpenedEnvelope>> OpenEnvelopeDer(ByteView enveloped, const X509& ra_cert,
                                                      const EVP_PKEY& ra_key) {
  if (enveloped.size() > static_cast<size_t>(LONG_MAX)) return std::nullopt;
  auto out = Open(enveloped, ra_cert, ra_key);
  ERR_clear_error();
  return out;
}

}  // namespace scepgate::codec
