#include "policy/first_signer.h"

#include <gtest/gtest.h>

#include "client/request_builder.h"

namespace scepgate::policy {
namespace {

constexpr int64_t kSkew = 300;

std::string Code(const Status& s) {
  return s ? "" : s.error().message.substr(0, s.error().message.find(':'));
}

// A self-signed certificate over `key`, valid from `from` to `to` (unix time).
X509Ptr SignerValid(const EVP_PKEY& key, int64_t from, int64_t to) {
  X509Ptr cert = std::move(*client::MakeSelfSignedSigner(key, "dev"));
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(from));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(to));
  X509_sign(cert.get(), const_cast<EVP_PKEY*>(&key), EVP_sha256());
  return cert;
}

TEST(FirstEnrollmentSigner, MustBeTheCsrKeyInAValidCertificate) {
  EvpPkeyPtr key(EVP_RSA_gen(2048));
  EvpPkeyPtr other(EVP_RSA_gen(2048));
  const int64_t now = 1700000000;
  X509Ptr cert = SignerValid(*key, now - 60, now + 3600);
  EXPECT_TRUE(CheckFirstEnrollmentSigner(*cert, key.get(), *key, now, kSkew));

  Status mismatch = CheckFirstEnrollmentSigner(*cert, key.get(), *other, now, kSkew);
  EXPECT_EQ(Code(mismatch), "SignerKeyMismatch");
  EXPECT_EQ(mismatch.error().code, ErrorCode::kBadMessageCheck);
  EXPECT_EQ(Code(CheckFirstEnrollmentSigner(*cert, nullptr, *key, now, kSkew)),
            "SignerKeyMismatch");
}

TEST(FirstEnrollmentSigner, ValidityAllowsTheClockSkewAndNoMore) {
  EvpPkeyPtr key(EVP_RSA_gen(2048));
  const int64_t now = 1700000000;
  X509Ptr expired = SignerValid(*key, now - 7200, now - 3600);
  Status s = CheckFirstEnrollmentSigner(*expired, key.get(), *key, now, kSkew);
  EXPECT_EQ(Code(s), "SignerCertificateExpired");
  EXPECT_EQ(s.error().code, ErrorCode::kBadTime);
  X509Ptr future = SignerValid(*key, now + 3600, now + 7200);
  EXPECT_EQ(Code(CheckFirstEnrollmentSigner(*future, key.get(), *key, now, kSkew)),
            "SignerCertificateExpired");
  // Just expired, or not yet valid, within the skew: accepted.
  X509Ptr just_expired = SignerValid(*key, now - 7200, now - kSkew);
  EXPECT_TRUE(CheckFirstEnrollmentSigner(*just_expired, key.get(), *key, now, kSkew));
  X509Ptr nearly_valid = SignerValid(*key, now + kSkew, now + 7200);
  EXPECT_TRUE(CheckFirstEnrollmentSigner(*nearly_valid, key.get(), *key, now, kSkew));
  EXPECT_FALSE(CheckFirstEnrollmentSigner(*nearly_valid, key.get(), *key, now, 0));
}

}  // namespace
}  // namespace scepgate::policy
