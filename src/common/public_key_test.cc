#include "common/public_key.h"

#include <gtest/gtest.h>
#include <openssl/err.h>

#include <algorithm>
#include <array>

namespace scepgate {
namespace {

EvpPkeyPtr Rsa2048() {
  static EVP_PKEY* const key = EVP_RSA_gen(2048);
  EXPECT_NE(key, nullptr);
  EVP_PKEY_up_ref(key);
  return EvpPkeyPtr(key);
}

EvpPkeyPtr EcP256() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  EXPECT_TRUE(key);
  return key;
}

// A self-signed certificate for `key` named CN=`cn`, serial `serial`.
X509Ptr SelfSigned(EVP_PKEY& key, const char* cn, long serial) {
  X509Ptr cert(X509_new());
  X509NamePtr name(X509_NAME_new());
  EXPECT_TRUE(cert && name);
  EXPECT_EQ(X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(cn), -1, -1, 0),
            1);
  EXPECT_EQ(X509_set_version(cert.get(), 2), 1);
  EXPECT_EQ(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial), 1);
  EXPECT_EQ(X509_set_subject_name(cert.get(), name.get()), 1);
  EXPECT_EQ(X509_set_issuer_name(cert.get(), name.get()), 1);
  EXPECT_NE(X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0), nullptr);
  EXPECT_NE(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400), nullptr);
  EXPECT_EQ(X509_set_pubkey(cert.get(), &key), 1);
  EXPECT_GT(X509_sign(cert.get(), &key, EVP_sha256()), 0);
  return cert;
}

Bytes SpkiOf(const EVP_PKEY& key) {
  auto der = PublicKeyDer(key);
  EXPECT_TRUE(der);
  return der.value_or(Bytes());
}

X509PubkeyPtr ParseSpki(ByteView der) {
  const unsigned char* p = der.data();
  return X509PubkeyPtr(d2i_X509_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
}

Bytes Sign(EVP_PKEY& key, ByteView data) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  size_t len = 0;
  EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, &key), 1);
  EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size()), 1);
  Bytes sig(len);
  EXPECT_EQ(EVP_DigestSign(ctx.get(), sig.data(), &len, data.data(), data.size()), 1);
  sig.resize(len);
  return sig;
}

bool Verifies(EVP_PKEY& key, ByteView data, ByteView sig) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok = EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, &key) == 1 &&
            EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), data.data(), data.size()) == 1;
  ERR_clear_error();
  return ok;
}

void ExpectBadRequest(const X509_PUBKEY& spki, const char* what) {
  auto key = PublicKeyFromSpki(spki);
  ASSERT_FALSE(key) << what;
  EXPECT_EQ(key.error().code, ErrorCode::kBadRequest) << what;
  EXPECT_EQ(ERR_peek_error(), 0u) << what;
}

TEST(PublicKeyFromSpki, RsaKeyOfACertificateEqualsTheOriginalAndVerifies) {
  EvpPkeyPtr key = Rsa2048();
  X509Ptr cert = SelfSigned(*key, "rsa", 1);
  auto got = PublicKeyFromSpki(*X509_get_X509_PUBKEY(cert.get()));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(EVP_PKEY_eq(got->get(), key.get()), 1);
  EXPECT_EQ(EVP_PKEY_get_bits(got->get()), 2048);

  const Bytes data = {'s', 'c', 'e', 'p'};
  Bytes sig = Sign(*key, data);
  EXPECT_TRUE(Verifies(**got, data, sig));
  Bytes other = data;
  other[0] ^= 1;
  EXPECT_FALSE(Verifies(**got, other, sig));
}

TEST(PublicKeyFromSpki, RsaKeyWithAbsentParametersIsBuilt) {
  EvpPkeyPtr key = Rsa2048();
  X509PubkeyPtr full = ParseSpki(SpkiOf(*key));
  ASSERT_TRUE(full);
  const unsigned char* bits = nullptr;
  int len = 0;
  ASSERT_EQ(X509_PUBKEY_get0_param(nullptr, &bits, &len, nullptr, full.get()), 1);
  X509PubkeyPtr bare(X509_PUBKEY_new());
  auto* copy = static_cast<unsigned char*>(OPENSSL_memdup(bits, static_cast<size_t>(len)));
  ASSERT_EQ(X509_PUBKEY_set0_param(bare.get(), OBJ_nid2obj(NID_rsaEncryption), V_ASN1_UNDEF,
                                   nullptr, copy, len),
            1);
  auto got = PublicKeyFromSpki(*bare);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(EVP_PKEY_eq(got->get(), key.get()), 1);
}

TEST(PublicKeyFromSpki, EcP256KeyEqualsTheOriginal) {
  EvpPkeyPtr key = EcP256();
  X509PubkeyPtr spki = ParseSpki(SpkiOf(*key));
  ASSERT_TRUE(spki);
  auto got = PublicKeyFromSpki(*spki);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(EVP_PKEY_is_a(got->get(), "EC"), 1);
  EXPECT_EQ(EVP_PKEY_eq(got->get(), key.get()), 1);
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(PublicKeyFromSpki, UnknownAlgorithmIsBadRequest) {
  Bytes der = SpkiOf(*Rsa2048());
  const std::array<uint8_t, 11> rsa_oid = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                           0xf7, 0x0d, 0x01, 0x01, 0x01};
  auto at = std::search(der.begin(), der.end(), rsa_oid.begin(), rsa_oid.end());
  ASSERT_NE(at, der.end());
  at[10] = 0x7f;  // 1.2.840.113549.1.1.127
  X509PubkeyPtr spki = ParseSpki(der);
  ERR_clear_error();  // the structure parses; decoding its key may leave errors
  ASSERT_TRUE(spki);
  ExpectBadRequest(*spki, "unknown OID");
}

TEST(PublicKeyFromSpki, RsaKeyBitsThatAreNotRsaPublicKeyAreBadRequest) {
  const std::array<uint8_t, 4> octets = {0x04, 0x02, 0x01, 0x02};
  const std::array<uint8_t, 5> one_integer = {0x30, 0x03, 0x02, 0x01, 0x05};
  for (ByteView bits : {ByteView(octets), ByteView(one_integer)}) {
    X509PubkeyPtr spki(X509_PUBKEY_new());
    auto* copy = static_cast<unsigned char*>(OPENSSL_memdup(bits.data(), bits.size()));
    ASSERT_EQ(X509_PUBKEY_set0_param(spki.get(), OBJ_nid2obj(NID_rsaEncryption), V_ASN1_NULL,
                                     nullptr, copy, static_cast<int>(bits.size())),
              1);
    ExpectBadRequest(*spki, "not an RSAPublicKey");
  }
}

TEST(CertFromDerWithoutKey, LeavesTheKeyUndecodedAndTheRestIntact) {
  EvpPkeyPtr key = Rsa2048();
  X509Ptr original = SelfSigned(*key, "keyless", 4242);
  Bytes der = CertToDer(*original).value();
  auto full = CertFromDer(der);
  ASSERT_TRUE(full);

  auto cert = CertFromDerWithoutKey(der);
  ASSERT_TRUE(cert) << cert.error().message;
  EXPECT_EQ(ERR_peek_error(), 0u);
  EXPECT_EQ(X509_get0_pubkey(cert->get()), nullptr);
  ERR_clear_error();  // X509_get0_pubkey retries the decode and queues its failure
  EXPECT_EQ(CertToDer(**cert).value(), der);
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert->get()), X509_get_subject_name(full->get())),
            0);
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(cert->get()), X509_get_issuer_name(full->get())), 0);
  EXPECT_EQ(
      ASN1_INTEGER_cmp(X509_get0_serialNumber(cert->get()), X509_get0_serialNumber(full->get())),
      0);
  EXPECT_EQ(SerialHex(*X509_get0_serialNumber(cert->get())), "1092");
}

TEST(CertFromDerWithoutKey, ItsSpkiGivesTheKey) {
  EvpPkeyPtr key = Rsa2048();
  X509Ptr original = SelfSigned(*key, "keyless", 5);
  auto cert = CertFromDerWithoutKey(CertToDer(*original).value());
  ASSERT_TRUE(cert);
  const X509_PUBKEY* spki = X509_get_X509_PUBKEY(cert->get());
  ASSERT_NE(spki, nullptr);
  auto got = PublicKeyFromSpki(*spki);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(EVP_PKEY_eq(got->get(), key.get()), 1);
}

TEST(CertFromDerWithoutKey, GarbageIsInvalidArgument) {
  Bytes der = CertToDer(*SelfSigned(*EcP256(), "ec", 9)).value();
  const Bytes letters(64, 0x41);
  for (ByteView bad : {ByteView(), ByteView(letters), ByteView(der).first(der.size() / 2)}) {
    auto cert = CertFromDerWithoutKey(bad);
    ASSERT_FALSE(cert) << bad.size();
    EXPECT_EQ(cert.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(ERR_peek_error(), 0u);
  }
}

}  // namespace
}  // namespace scepgate
