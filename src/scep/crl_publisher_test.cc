// CrlPublisher with a fake clock and the in-memory store: a CRL is signed on first use, kept
// while fresh, re-signed once older than refresh_hours (well before nextUpdate), and re-signed
// at once on a revocation.
#include "scep/crl_publisher.h"

#include <gtest/gtest.h>

#include "ca/hierarchy.h"
#include "ca/key_spec.h"
#include "store/memory_store.h"

namespace scepgate::scep {
namespace {

constexpr int64_t kNow = 1'800'000'000;

using ca::CrlNumber;

class CrlPublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SystemRandom r;
    auto spec = *ca::ParseKeySpec("ec:p256");
    ca::CaSet set;
    EvpPkeyPtr root_key = std::move(*ca::GenerateKey(spec));
    set.root = std::move(*ca::MakeRootCa(*root_key, "R", 3650, kNow, r));
    set.issuing.key = std::move(*ca::GenerateKey(spec));
    set.issuing.cert =
        std::move(*ca::MakeIssuingCa(*set.issuing.key, "I", 3650, *set.root, *root_key, kNow, r));
    set.ra.key = std::move(*ca::GenerateKey(*ca::ParseKeySpec("rsa:2048")));
    set.ra.cert = std::move(
        *ca::MakeRaCert(*set.ra.key, "RA", 365, *set.issuing.cert, *set.issuing.key, kNow, r));
    cas_ = std::move(*CaState::Build(std::move(set), Config{}));
    publisher_ = std::make_unique<CrlPublisher>(*cas_, store_, clock_, CrlOptions{168, 24});
  }
  X509CrlPtr Current() {
    auto der = publisher_->Get(cas_->current().id);
    EXPECT_TRUE(der) << der.error().message;
    return std::move(*CrlFromDer(*der));
  }

  store::MemoryStore store_;
  FakeClock clock_{kNow};
  std::unique_ptr<CaState> cas_;
  std::unique_ptr<CrlPublisher> publisher_;
};

TEST_F(CrlPublisherTest, KeptWhileFreshAndResignedBeforeNextUpdate) {
  X509CrlPtr first = Current();
  EXPECT_EQ(CrlNumber(*first), 1);
  EXPECT_EQ(X509_CRL_verify(first.get(), X509_get0_pubkey(&cas_->current().issuer->cert())), 1);
  EXPECT_EQ(*AsnTimeToUnix(*X509_CRL_get0_nextUpdate(first.get())), kNow + 168 * 3600);
  clock_.Advance(23 * 3600);
  EXPECT_EQ(CrlNumber(*Current()), 1) << "still fresh: not re-signed";
  clock_.Advance(2 * 3600);  // 25 h old: past refresh_hours, long before nextUpdate (168 h)
  X509CrlPtr second = Current();
  EXPECT_EQ(CrlNumber(*second), 2);
  EXPECT_EQ(*AsnTimeToUnix(*X509_CRL_get0_lastUpdate(second.get())), kNow + 25 * 3600);
}

TEST_F(CrlPublisherTest, RevocationResignsAtOnceAndListsTheSerial) {
  EXPECT_EQ(CrlNumber(*Current()), 1);
  store::CertificateRecord rec;
  rec.serial = "1f2e3d4c";
  rec.issuer_id = cas_->current().id;
  rec.created_at = kNow;
  ASSERT_TRUE(store_.InsertCertificate(rec));
  ASSERT_TRUE(publisher_->Revoke("1f2e3d4c", ca::RevocationReason::kKeyCompromise));
  X509CrlPtr crl = Current();
  EXPECT_EQ(CrlNumber(*crl), 2);
  ASSERT_EQ(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl.get())), 1);
  EXPECT_EQ(SerialHex(*X509_REVOKED_get0_serialNumber(
                sk_X509_REVOKED_value(X509_CRL_get_REVOKED(crl.get()), 0))),
            "1f2e3d4c");
  EXPECT_EQ(publisher_->Revoke("1f2e3d4c", ca::RevocationReason::kKeyCompromise).error().code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(publisher_->Revoke("ffff", ca::RevocationReason::kKeyCompromise).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(publisher_->Get("no-such-issuer").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace scepgate::scep
