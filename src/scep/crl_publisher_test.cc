// CrlPublisher with a fake clock and the in-memory store: a CRL is signed on first use, kept
// while fresh, re-signed once older than refresh_hours (well before nextUpdate), and re-signed
// at once on a revocation.
#include "scep/crl_publisher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "ca/hierarchy.h"
#include "ca/key_spec.h"
#include "scep/test_records.h"
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
    // A second issuing CA under the same root, registered as another node's (option 2).
    EvpPkeyPtr other_key = std::move(*ca::GenerateKey(spec));
    other_ = std::move(*ca::MakeIssuingCa(*other_key, "I2", 3650, *set.root, *root_key, kNow, r));
    set.root_key = std::move(root_key);
    store::IssuerRecord other;
    other.id = CertSha256(*other_);
    other.cert_der = *CertToDer(*other_);
    other.name = "I2";
    ASSERT_TRUE(store_.RegisterIssuer(other));
    cas_ = std::move(*CaState::Build(std::move(set), Config{}, *store_.ListIssuers()));
    publisher_ = std::make_unique<CrlPublisher>(*cas_, store_, clock_, CrlOptions{168, 24});
  }
  X509CrlPtr Current() {
    auto der = publisher_->Get(cas_->current().id);
    EXPECT_TRUE(der) << der.error().message;
    return std::move(*CrlFromDer(*der));
  }

  void AddCert(const std::string& serial) {
    testing::InsertCertificate(store_, serial, cas_->current().id, kNow);
  }
  static std::set<std::string> Listed(const X509_CRL& crl) {
    std::set<std::string> out;
    const STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(const_cast<X509_CRL*>(&crl));
    for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i)
      out.insert(SerialHex(*X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i))));
    return out;
  }

  store::MemoryStore store_;
  X509Ptr other_;
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

TEST_F(CrlPublisherTest, RevokeManySignsTheCrlOnceAndReportsEachSerial) {
  EXPECT_EQ(CrlNumber(*Current()), 1);
  std::vector<std::string> serials;
  for (int i = 1; i <= 2500; ++i) {  // more than one store transaction (1000 each)
    char hex[16];
    std::snprintf(hex, sizeof hex, "%x", 0x10000 + i);
    serials.emplace_back(hex);
    AddCert(serials.back());
  }
  ASSERT_TRUE(publisher_->Revoke(serials[0], ca::RevocationReason::kKeyCompromise));
  EXPECT_EQ(CrlNumber(*Current()), 2);
  std::vector<std::string> asked = serials;
  asked.push_back("abcdef");
  auto report = publisher_->RevokeMany(asked, ca::RevocationReason::kCessationOfOperation);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->revoked.size(), 2499u);
  EXPECT_EQ(report->already_revoked, std::vector<std::string>{serials[0]});
  EXPECT_EQ(report->not_found, std::vector<std::string>{"abcdef"});
  X509CrlPtr crl = Current();
  EXPECT_EQ(CrlNumber(*crl), 3) << "2499 revocations, one signing";
  EXPECT_EQ(Listed(*crl), std::set<std::string>(serials.begin(), serials.end()));
  // Nothing revoked: nothing signed.
  ASSERT_TRUE(publisher_->RevokeMany(serials, ca::RevocationReason::kUnspecified));
  EXPECT_EQ(CrlNumber(*Current()), 3);
  auto events = store_.ListEvents({});
  ASSERT_TRUE(events);
  EXPECT_EQ(events->size(), 2500u) << "one certificate.revoked event per revocation";
}

// Bulk revocations from several threads while others read the CRL: every revocation ends on the
// served CRL, the numbers read never go back, and each batch re-signed once.
TEST_F(CrlPublisherTest, ConcurrentBulkRevocationsAndReadersAgree) {
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 300;
  std::vector<std::vector<std::string>> batches(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    for (int i = 0; i < kPerWriter; ++i) {
      batches[w].push_back(std::to_string(w + 1) + "0" + std::to_string(1000 + i));
      AddCert(batches[w].back());
    }
  }
  const int64_t first = CrlNumber(*Current());
  std::atomic<bool> done{false};
  std::atomic<int> went_back{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      int64_t last = 0;
      while (!done.load()) {
        auto crl = publisher_->Current(cas_->current().id);
        if (!crl) continue;
        if ((*crl)->number < last) went_back.fetch_add(1);
        last = (*crl)->number;
      }
    });
  }
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto report = publisher_->RevokeMany(batches[w], ca::RevocationReason::kSuperseded);
      EXPECT_TRUE(report && report->revoked.size() == kPerWriter);
    });
  }
  for (auto& t : writers) t.join();
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(went_back.load(), 0);
  X509CrlPtr crl = Current();
  EXPECT_EQ(CrlNumber(*crl), first + kWriters);
  std::set<std::string> listed = Listed(*crl);
  EXPECT_EQ(listed.size(), static_cast<size_t>(kWriters * kPerWriter));
  for (const auto& batch : batches)
    for (const auto& serial : batch) EXPECT_TRUE(listed.contains(serial)) << serial;
}

TEST_F(CrlPublisherTest, TheRootSignsACrlOfRevokedIssuingCas) {
  const IssuingCa* root = cas_->root_ca();
  ASSERT_NE(root, nullptr);
  ASSERT_TRUE(root->issuer->can_sign());
  EXPECT_EQ(root->id, CertSha256(*cas_->root()));
  auto empty = publisher_->Current(root->id);
  ASSERT_TRUE(empty) << empty.error().message;
  X509CrlPtr first = *CrlFromDer((*empty)->der);
  EXPECT_EQ(X509_CRL_verify(first.get(), X509_get0_pubkey(cas_->root())), 1);
  EXPECT_TRUE(Listed(*first).empty());
  EXPECT_EQ(*AsnTimeToUnix(*X509_CRL_get0_nextUpdate(first.get())), kNow + 720 * 3600);
  EXPECT_EQ(X509_NAME_cmp(X509_CRL_get_issuer(first.get()), X509_get_subject_name(cas_->root())),
            0);

  const std::string other_id = CertSha256(*other_);
  ASSERT_TRUE(store_.RevokeIssuer(other_id, 2, kNow + 60));
  clock_.Advance(120);
  ASSERT_TRUE(publisher_->Publish(root->id));
  X509CrlPtr crl = *CrlFromDer(*publisher_->Get(root->id));
  EXPECT_EQ(X509_CRL_verify(crl.get(), X509_get0_pubkey(cas_->root())), 1);
  EXPECT_EQ(Listed(*crl), std::set<std::string>{SerialHex(*X509_get0_serialNumber(other_.get()))});
  EXPECT_EQ(CrlNumber(*crl), CrlNumber(*first) + 1);
  // Kept while fresh (root_refresh_hours), re-signed after.
  clock_.Advance(167 * 3600);
  EXPECT_EQ(CrlNumber(**CrlFromDer(*publisher_->Get(root->id))), CrlNumber(*crl));
  clock_.Advance(2 * 3600);
  EXPECT_EQ(CrlNumber(**CrlFromDer(*publisher_->Get(root->id))), CrlNumber(*crl) + 1);
}

}  // namespace
}  // namespace scepgate::scep
