// The PKCS#11 layer against a real SoftHSM2 token made in a temporary directory.
#include <gtest/gtest.h>
#include <openssl/rsa.h>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

#include "ca/hierarchy.h"
#include "ca/test_util.h"
#include "common/files.h"
#include "common/random.h"
#include "pkcs11/key.h"
#include "pkcs11/keys.h"
#include "pkcs11/test_token.h"

namespace scepgate::pkcs11 {
namespace {

constexpr char kPin[] = "4711-test";

class TokenTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ca::testutil::TempDir();
    auto made = CreateSoftHsmToken(dir_->path(), "scepgate-test", "so-secret", kPin);
    ASSERT_TRUE(made) << made.error().message;
    ::setenv("SCEPGATE_PKCS11_PIN", kPin, 1);
    auto keys = OpenTokenKeys("pkcs11:token=scepgate-test;object=unit", SoftHsmModule(), "");
    ASSERT_TRUE(keys) << keys.error().message;
    keys_ = new std::shared_ptr<TokenKeys>(std::move(*keys));
  }
  static void TearDownTestSuite() {
    delete keys_;
    keys_ = nullptr;
    delete dir_;
  }
  static TokenKeys& keys() { return **keys_; }

  // A self-signed certificate over a token key, signed by the token.
  static X509Ptr SelfSigned(const EVP_PKEY& key) {
    SystemRandom random;
    auto cert = ca::MakeRootCa(key, "token test", 1, ca::testutil::Now(), random);
    EXPECT_TRUE(cert) << cert.error().message;
    return cert ? std::move(*cert) : nullptr;
  }

  static ca::testutil::TempDir* dir_;
  static std::shared_ptr<TokenKeys>* keys_;
};
ca::testutil::TempDir* TokenTest::dir_ = nullptr;
std::shared_ptr<TokenKeys>* TokenTest::keys_ = nullptr;

TEST_F(TokenTest, RsaKeySignsACertificateAndNeverLeavesTheToken) {
  auto made = keys().Generate(ca::KeySpec{ca::KeySpec::Kind::kRsa, 2048}, "issuing");
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_TRUE(IsTokenKey(*made->key));
  EXPECT_NE(made->uri.find("token=scepgate-test"), std::string::npos) << made->uri;
  EXPECT_NE(made->uri.find("object=unit-issuing-"), std::string::npos) << made->uri;
  X509Ptr cert = SelfSigned(*made->key);
  ASSERT_TRUE(cert);
  EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(cert.get())), 1);

  auto uri = ParseUri(made->uri);
  ASSERT_TRUE(uri);
  auto handle = keys().token().FindPrivateKey(*uri);
  ASSERT_TRUE(handle) << handle.error().message;
  EXPECT_EQ(keys().token().NeverLeaves(*handle), true);
  // No private number can be read out: writing the key as PEM fails.
  EXPECT_FALSE(KeyToPem(*made->key));

  auto loaded = keys().Load(made->uri, *cert);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_TRUE(IsTokenKey(**loaded));
}

TEST_F(TokenTest, EcKeysSignOnBothCurves) {
  for (int bits : {256, 384}) {
    auto made = keys().Generate(ca::KeySpec{ca::KeySpec::Kind::kEc, bits}, "ocsp");
    ASSERT_TRUE(made) << made.error().message;
    X509Ptr cert = SelfSigned(*made->key);
    ASSERT_TRUE(cert);
    EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(cert.get())), 1) << bits;
    EXPECT_TRUE(ca::CheckKeySigns(*made->key, *cert)) << bits;
  }
}

TEST_F(TokenTest, RsaKeyDecryptsWhatItsCertificateEncrypted) {
  auto made = keys().Generate(ca::KeySpec{ca::KeySpec::Kind::kRsa, 2048}, "ra");
  ASSERT_TRUE(made) << made.error().message;
  X509Ptr cert = SelfSigned(*made->key);
  ASSERT_TRUE(cert);
  const Bytes secret = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  OsslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free> enc(
      EVP_PKEY_CTX_new(X509_get0_pubkey(cert.get()), nullptr));
  ASSERT_EQ(EVP_PKEY_encrypt_init(enc.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(enc.get(), RSA_PKCS1_PADDING), 1);
  size_t size = 0;
  ASSERT_EQ(EVP_PKEY_encrypt(enc.get(), nullptr, &size, secret.data(), secret.size()), 1);
  Bytes wrapped(size);
  ASSERT_EQ(EVP_PKEY_encrypt(enc.get(), wrapped.data(), &size, secret.data(), secret.size()), 1);

  OsslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free> dec(EVP_PKEY_CTX_new(made->key.get(), nullptr));
  ASSERT_EQ(EVP_PKEY_decrypt_init(dec.get()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(dec.get(), RSA_PKCS1_PADDING), 1);
  size_t out_size = 0;
  ASSERT_EQ(EVP_PKEY_decrypt(dec.get(), nullptr, &out_size, wrapped.data(), wrapped.size()), 1);
  Bytes plain(out_size);
  ASSERT_EQ(EVP_PKEY_decrypt(dec.get(), plain.data(), &out_size, wrapped.data(), wrapped.size()),
            1);
  plain.resize(out_size);
  EXPECT_EQ(plain, secret);
}

TEST_F(TokenTest, LoadRefusesTheKeyOfAnotherCertificateAndAnUnknownKey) {
  auto a = keys().Generate(ca::KeySpec{ca::KeySpec::Kind::kEc, 256}, "a");
  auto b = keys().Generate(ca::KeySpec{ca::KeySpec::Kind::kEc, 256}, "b");
  ASSERT_TRUE(a && b);
  X509Ptr cert_b = SelfSigned(*b->key);
  auto wrong = keys().Load(a->uri, *cert_b);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kInvalidArgument) << wrong.error().message;
  auto missing = keys().Load("pkcs11:token=scepgate-test;object=no-such-key", *cert_b);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound) << missing.error().message;
  auto other_token = keys().Load("pkcs11:token=elsewhere;object=x", *cert_b);
  ASSERT_FALSE(other_token);
  EXPECT_EQ(other_token.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(TokenTest, ALabelIsNeverMadeTwice) {
  KeyPairSpec spec{KeyKind::kEc, 256, "unit-fixed-label", {0x42}, true};
  ASSERT_TRUE(keys().token().GenerateKeyPair(spec));
  auto again = keys().token().GenerateKeyPair(spec);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
}

TEST_F(TokenTest, EphemeralKeySigns) {
  auto key = keys().GenerateEphemeral(ca::KeySpec{ca::KeySpec::Kind::kEc, 256});
  ASSERT_TRUE(key) << key.error().message;
  X509Ptr cert = SelfSigned(**key);
  ASSERT_TRUE(cert);
  EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(cert.get())), 1);
}

TEST_F(TokenTest, WrongPinAndMissingTokenFailWithClearErrors) {
  ca::testutil::TempDir pins;
  ASSERT_TRUE(WriteFile(pins.path() / "pin", "not-the-pin\n", 0600));
  auto wrong =
      OpenTokenKeys("pkcs11:token=scepgate-test", SoftHsmModule(), (pins.path() / "pin").string());
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kPermissionDenied) << wrong.error().message;
  EXPECT_NE(wrong.error().message.find("wrong PIN"), std::string::npos) << wrong.error().message;
  EXPECT_EQ(wrong.error().message.find("not-the-pin"), std::string::npos);

  auto missing = OpenTokenKeys("pkcs11:token=nowhere", SoftHsmModule(), "");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("scepgate-test"), std::string::npos)
      << "the message lists the tokens present: " << missing.error().message;

  ASSERT_TRUE(WriteFile(pins.path() / "open", std::string(kPin) + "\n", 0644));
  auto open =
      OpenTokenKeys("pkcs11:token=scepgate-test", SoftHsmModule(), (pins.path() / "open").string());
  ASSERT_FALSE(open);
  EXPECT_EQ(open.error().code, ErrorCode::kFailedPrecondition) << open.error().message;

  auto no_module = OpenTokenKeys("pkcs11:token=scepgate-test", "/nonexistent/module.so", "");
  ASSERT_FALSE(no_module);
  EXPECT_EQ(no_module.error().code, ErrorCode::kNotFound);
}

// Threads signing with one key at once each get a valid signature (the session pool).
TEST_F(TokenTest, ThreadsSignInParallel) {
  auto made = keys().Generate(ca::KeySpec{ca::KeySpec::Kind::kRsa, 2048}, "parallel");
  ASSERT_TRUE(made) << made.error().message;
  X509Ptr cert = SelfSigned(*made->key);
  ASSERT_TRUE(cert);
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i)
        if (ca::CheckKeySigns(*made->key, *cert)) good.fetch_add(1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 8 * 25);
}

}  // namespace
}  // namespace scepgate::pkcs11
