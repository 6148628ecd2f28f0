// RaRenewal over data dirs on disk sharing one store, with a fake clock: a renewal is published
// once, loaded by every node, served only once every running node has loaded it, certifies the
// same key, and a client that encrypted to the old certificate is still understood.
#include "scep/ra_renewal.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "ca/ca_dir.h"
#include "ca/hierarchy.h"
#include "ca/key_spec.h"
#include "codec/envelope.h"
#include "codec/pki_message.h"
#include "notify/events.h"
#include "store/memory_store.h"
#include "store/test_temp_dir.h"

namespace scepgate::scep {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kNow = 1'800'000'000;
constexpr int64_t kDay = 86400;

class RaRenewalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca::CreateCaOptions o;
    o.name = "Renewal";
    o.key = *ca::ParseKeySpec("ec:p256");
    o.ra_days = 100;
    ASSERT_TRUE(ca::CreateCaDirectory(a_, o, kNow, random_));
    fs::create_directories(b_);
    fs::copy(a_ / "ca", b_ / "ca", fs::copy_options::recursive);
  }

  std::unique_ptr<CaState> Load(const fs::path& dir) {
    auto set = ca::LoadCaDirectory(dir);
    EXPECT_TRUE(set) << set.error().message;
    auto cas = CaState::Build(std::move(*set), Config{});
    EXPECT_TRUE(cas) << cas.error().message;
    return std::move(*cas);
  }
  RaRenewal Node(const fs::path& dir, int64_t live_seconds = 365 * kDay) {
    return RaRenewal(dir, store_, clock_, random_, {dir.string(), 30 * kDay, live_seconds});
  }
  int RenewedEvents() {
    auto events = store_.ListEvents({});
    EXPECT_TRUE(events);
    int n = 0;
    for (const auto& e : events ? *events : std::vector<store::OutboxEvent>{})
      n += e.type == notify::kRaRenewed ? 1 : 0;
    return n;
  }

  store::TempDir tmp_;
  fs::path a_ = tmp_.path() / "a";
  fs::path b_ = tmp_.path() / "b";
  SystemRandom random_;
  FakeClock clock_{kNow};
  store::MemoryStore store_;
};

TEST_F(RaRenewalTest, ASingleNodeRenewsWithinTheLeadTimeForTheSameKeyAndServesIt) {
  RaRenewal node = Node(a_);
  auto cas = Load(a_);
  const std::string old_id = CertSha256(cas->ra_cert());
  const std::string key = KeyId(cas->ra_cert());
  auto round = node.Check(*cas);
  ASSERT_TRUE(round) << round.error().message;
  EXPECT_FALSE(round->published);
  EXPECT_FALSE(round->changed);

  clock_.Advance(75 * kDay);  // 25 days left: due
  round = node.Check(*cas);
  ASSERT_TRUE(round) << round.error().message;
  EXPECT_TRUE(round->published);
  EXPECT_TRUE(round->changed);
  EXPECT_TRUE(fs::exists(a_ / "ca" / "ra-next.crt"));
  cas = Load(a_);
  ASSERT_NE(cas->ra_next(), nullptr);
  EXPECT_EQ(CertSha256(cas->ra_cert()), old_id);  // loaded, not served yet

  round = node.Check(*cas);  // the only running node has it: served
  ASSERT_TRUE(round) << round.error().message;
  EXPECT_FALSE(round->published);
  EXPECT_TRUE(round->changed);
  cas = Load(a_);
  EXPECT_NE(CertSha256(cas->ra_cert()), old_id);
  EXPECT_EQ(KeyId(cas->ra_cert()), key);
  EXPECT_EQ(cas->ra_next(), nullptr);
  ASSERT_EQ(cas->OtherRaCerts().size(), 1u);
  EXPECT_EQ(CertSha256(*cas->OtherRaCerts()[0]), old_id);
  EXPECT_GE(*AsnTimeToUnix(*X509_get0_notAfter(&cas->ra_cert())), clock_.Now() + 99 * kDay);
  EXPECT_EQ(RenewedEvents(), 1);

  round = node.Check(*cas);  // nothing more to do, and not due again
  ASSERT_TRUE(round) << round.error().message;
  EXPECT_FALSE(round->published || round->changed);

  // A client that fetched the old certificate before is still understood.
  Bytes secret{1, 2, 3, 4};
  const X509* old_cert = cas->OtherRaCerts()[0];
  auto sealed =
      codec::EncryptEnvelope(secret, std::span<const X509* const>(&old_cert, 1), NID_aes_128_cbc);
  ASSERT_TRUE(sealed);
  EXPECT_FALSE(codec::OpenEnvelope(*sealed, cas->ra_cert(), cas->ra_key()));
  auto opened = codec::OpenEnvelope(*sealed, *old_cert, cas->ra_key());
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->content, secret);
}

TEST_F(RaRenewalTest, TwoNodesPublishOnceAndServeOnlyOnceBothHaveLoadedIt) {
  RaRenewal node_a = Node(a_);
  RaRenewal node_b = Node(b_);
  auto cas_a = Load(a_);
  auto cas_b = Load(b_);
  const std::string old_id = CertSha256(cas_a->ra_cert());
  ASSERT_TRUE(node_a.Check(*cas_a));
  ASSERT_TRUE(node_b.Check(*cas_b));

  clock_.Advance(75 * kDay);
  auto a = node_a.Check(*cas_a);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_TRUE(a->published);
  cas_a = Load(a_);
  a = node_a.Check(*cas_a);  // B, running, has not loaded it: wait
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_FALSE(a->changed);
  EXPECT_EQ(a->waiting_for, b_.string());
  EXPECT_EQ(CertSha256(Load(a_)->ra_cert()), old_id);

  auto b = node_b.Check(*cas_b);  // B holds the CA key too, but the renewal is published
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_FALSE(b->published);
  EXPECT_TRUE(b->changed);
  cas_b = Load(b_);
  b = node_b.Check(*cas_b);  // A has loaded it, B has: B serves it
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_TRUE(b->changed);
  a = node_a.Check(*cas_a);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_TRUE(a->changed);
  cas_a = Load(a_);
  cas_b = Load(b_);
  EXPECT_NE(CertSha256(cas_a->ra_cert()), old_id);
  EXPECT_EQ(CertSha256(cas_a->ra_cert()), CertSha256(cas_b->ra_cert()));
  EXPECT_EQ(RenewedEvents(), 1);
}

TEST_F(RaRenewalTest, ANodeThatStoppedReportingDoesNotHoldTheRenewalBack) {
  RaRenewal node_a = Node(a_, 60);
  RaRenewal node_b = Node(b_, 60);
  ASSERT_TRUE(node_b.Check(*Load(b_)));  // B reports once and stops
  clock_.Advance(75 * kDay);
  auto cas = Load(a_);
  ASSERT_TRUE(node_a.Check(*cas));
  cas = Load(a_);
  auto a = node_a.Check(*cas);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_TRUE(a->changed);
  EXPECT_TRUE(a->waiting_for.empty());
  // B catches up when it starts again: loads, then serves.
  auto b = node_b.Check(*Load(b_));
  ASSERT_TRUE(b && b->changed);
  b = node_b.Check(*Load(b_));
  ASSERT_TRUE(b && b->changed);
  EXPECT_EQ(CertSha256(Load(b_)->ra_cert()), CertSha256(Load(a_)->ra_cert()));
}

TEST_F(RaRenewalTest, ANodeWithoutTheIssuingKeyLoadsWhatAnotherPublished) {
  fs::remove(b_ / "ca" / "issuing.key");
  fs::copy_file(a_ / "ca" / "issuing.crt", b_ / "ca" / "issuing.crt",
                fs::copy_options::overwrite_existing);
  RaRenewal node_b = Node(b_);
  clock_.Advance(75 * kDay);
  // Without the key B cannot load its data dir as a CaSet with issuing.key; build it from A's
  // set minus the key instead.
  auto set = ca::LoadCaDirectory(a_);
  ASSERT_TRUE(set);
  set->issuing.key.reset();
  auto cas_b = CaState::Build(std::move(*set), Config{});
  ASSERT_TRUE(cas_b);
  auto renewed = node_b.Renew(**cas_b);
  ASSERT_FALSE(renewed);
  EXPECT_EQ(renewed.error().code, ErrorCode::kFailedPrecondition);
  auto b = node_b.Check(**cas_b);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_FALSE(b->published);
  EXPECT_FALSE(b->changed);
}

TEST_F(RaRenewalTest, APublishedCertificateFromAnotherCaIsRefused) {
  auto cas = Load(a_);
  // A certificate for the RA key signed by a CA of another deployment.
  SystemRandom r;
  auto other_key = std::move(*ca::GenerateKey(*ca::ParseKeySpec("ec:p256")));
  auto other = std::move(*ca::MakeRootCa(*other_key, "Other", 3650, kNow, r));
  auto forged = ca::MakeRaCert(cas->ra_key(), "Renewal RA", 500, *other, *other_key, kNow, r);
  ASSERT_TRUE(forged);
  store::RaCertificateRecord record{CertSha256(**forged),
                                    KeyId(cas->ra_cert()),
                                    CertSha256(cas->ra_cert()),
                                    *CertToDer(**forged),
                                    *AsnTimeToUnix(*X509_get0_notAfter(forged->get())),
                                    kNow,
                                    "elsewhere"};
  ASSERT_TRUE(store_.PublishRaCertificate(record));
  auto round = Node(a_).Check(*cas);
  ASSERT_FALSE(round);
  EXPECT_EQ(round.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(a_ / "ca" / "ra-next.crt"));
}

TEST_F(RaRenewalTest, RenewNowAndOnlyOncePerCertificate) {
  auto cas = Load(a_);
  auto first = Node(a_).Renew(*cas);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->replaces, CertSha256(cas->ra_cert()));
  auto second = Node(b_).Renew(*Load(b_));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(second.error().message.find(first->id), std::string::npos);
}

}  // namespace
}  // namespace scepgate::scep
