#include <gtest/gtest.h>

#include "ca/issuer.h"
#include "ca/test_util.h"

namespace scepgate::ca {
namespace {

using namespace testutil;

struct Entry {
  std::string serial_hex;
  int64_t when;
  int reason;  // -1: no reasonCode extension
};

std::vector<Entry> Entries(const X509_CRL& crl) {
  std::vector<Entry> out;
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(const_cast<X509_CRL*>(&crl));
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    const X509_REVOKED* r = sk_X509_REVOKED_value(revoked, i);
    int crit = 0;
    ASN1_ENUMERATED* code =
        static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(r, NID_crl_reason, &crit, nullptr));
    int reason = code ? static_cast<int>(ASN1_ENUMERATED_get(code)) : -1;
    ASN1_ENUMERATED_free(code);
    out.push_back({SerialHex(*X509_REVOKED_get0_serialNumber(r)),
                   *AsnTimeToUnix(*X509_REVOKED_get0_revocationDate(r)), reason});
  }
  return out;
}

class CrlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    now_ = Now();
    ca_ = MakeTestCa("ec:p256", now_);
    EVP_PKEY_up_ref(ca_.issuing_key.get());
    issuer_ = std::make_unique<Issuer>(CertDup(*ca_.issuing), EvpPkeyPtr(ca_.issuing_key.get()),
                                       IssuerOptions{});
  }
  int64_t now_ = 0;
  TestCa ca_;
  std::unique_ptr<Issuer> issuer_;
};

TEST_F(CrlTest, SignsAV2CrlWithSortedEntriesReasonsNumberAndAki) {
  const std::vector<RevokedEntry> revoked = {
      {{0x7f, 0x00, 0x01}, now_ - 100, RevocationReason::kSuperseded},
      {{0x00, 0x05}, now_ - 300, RevocationReason::kUnspecified},  // leading zero: value 5
      {{0x12, 0x34}, now_ - 200, RevocationReason::kKeyCompromise},
  };
  auto crl = issuer_->SignCrl(revoked, 42, now_, now_ + 86400);
  ASSERT_TRUE(crl) << crl.error().message;
  X509_CRL* c = crl->get();

  EXPECT_EQ(X509_CRL_get_version(c), X509_CRL_VERSION_2);
  EXPECT_EQ(X509_NAME_cmp(X509_CRL_get_issuer(c), X509_get_subject_name(ca_.issuing.get())), 0);
  EXPECT_EQ(*AsnTimeToUnix(*X509_CRL_get0_lastUpdate(c)), now_);
  EXPECT_EQ(*AsnTimeToUnix(*X509_CRL_get0_nextUpdate(c)), now_ + 86400);

  std::vector<Entry> entries = Entries(*c);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].serial_hex, "5");
  EXPECT_EQ(entries[0].when, now_ - 300);
  EXPECT_EQ(entries[0].reason, -1);
  EXPECT_EQ(entries[1].serial_hex, "1234");
  EXPECT_EQ(entries[1].reason, 1);
  EXPECT_EQ(entries[2].serial_hex, "7f0001");
  EXPECT_EQ(entries[2].reason, 4);

  EXPECT_EQ(CrlNumber(*c), 42);

  AuthorityKeyIdPtr akid(static_cast<AUTHORITY_KEYID*>(
      X509_CRL_get_ext_d2i(c, NID_authority_key_identifier, nullptr, nullptr)));
  ASSERT_TRUE(akid);
  const uint8_t* p = ASN1_STRING_get0_data(akid->keyid);
  EXPECT_EQ(Bytes(p, p + ASN1_STRING_length(akid->keyid)), SubjectKeyId(*ca_.issuing));

  EXPECT_EQ(X509_CRL_verify(c, X509_get0_pubkey(ca_.issuing.get())), 1);
  EXPECT_NE(X509_CRL_verify(c, X509_get0_pubkey(ca_.root.get())), 1);
  DrainOpenSslErrors();
}

TEST_F(CrlTest, EmptyCrlRoundTripsThroughDer) {
  auto crl = issuer_->SignCrl({}, 1, now_, now_ + 3600);
  ASSERT_TRUE(crl);
  auto der = CrlToDer(**crl);
  ASSERT_TRUE(der);
  auto parsed = CrlFromDer(*der);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(Entries(**parsed).empty());  // revokedCertificates is absent, not empty
  EXPECT_EQ(X509_CRL_verify(parsed->get(), X509_get0_pubkey(ca_.issuing.get())), 1);
}

TEST_F(CrlTest, RejectsBadInput) {
  EXPECT_EQ(issuer_->SignCrl({}, 1, now_, now_ - 1).error().code, ErrorCode::kInvalidArgument);
  const std::vector<RevokedEntry> zero = {{{0x00}, now_, RevocationReason::kUnspecified}};
  EXPECT_EQ(issuer_->SignCrl(zero, 1, now_, now_ + 1).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace scepgate::ca
