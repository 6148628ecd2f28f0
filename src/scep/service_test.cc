// scep::Service with fakes at its boundaries: MemoryStore, FakeClock, a CA made in the test.
#include "scep/service.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "ca/hierarchy.h"
#include "ca/key_spec.h"
#include "client/enrollment.h"
#include "client/request_builder.h"
#include "notify/events.h"
#include "policy/csr_info.h"
#include "policy/static_policy.h"
#include "store/memory_store.h"

namespace scepgate::scep {
namespace {

constexpr int64_t kNow = 1'800'000'000;

// The same bytes on every call: every serial it makes is the same serial.
class ConstantRandom final : public Random {
 public:
  Result<Bytes> Generate(size_t n) override { return Bytes(n, 0x42); }
};

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SystemRandom r;
    auto spec = *ca::ParseKeySpec("rsa:2048");
    ca::CaSet set;
    EvpPkeyPtr root_key = std::move(*ca::GenerateKey(spec));
    set.root = std::move(*ca::MakeRootCa(*root_key, "T Root", 3650, kNow, r));
    set.issuing.key = std::move(*ca::GenerateKey(spec));
    set.issuing.cert = std::move(
        *ca::MakeIssuingCa(*set.issuing.key, "T Issuing", 3650, *set.root, *root_key, kNow, r));
    set.ra.key = std::move(*ca::GenerateKey(spec));
    set.ra.cert = std::move(
        *ca::MakeRaCert(*set.ra.key, "T RA", 365, *set.issuing.cert, *set.issuing.key, kNow, r));
    ra_ = CertDup(*set.ra.cert);
    cas_ = std::move(*CaState::Build(std::move(set), Config{}));
    crls_ = std::make_unique<CrlPublisher>(*cas_, store_, clock_, CrlOptions{});
    options_.general_template.validity_days = 30;
    options_.overlap = overlap_;
    service_ = std::make_unique<Service>(*cas_, store_, policy_, *crls_, clock_, random_, options_);
    ca_.recipients = {ra_.get()};
    ca_.all.push_back(CertDup(*ra_));
    key_ = std::move(*ca::GenerateKey(spec));
    self_signed_ = SignerAt(*key_, kNow);
  }

  // A self-signed certificate over `key` valid from a minute before `now` for a week.
  static X509Ptr SignerAt(const EVP_PKEY& key, int64_t now) {
    X509Ptr cert = std::move(*client::MakeSelfSignedSigner(key, "SCEP SIGNER"));
    ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(now - 60));
    ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(now + 7 * 86400));
    EXPECT_GT(X509_sign(cert.get(), const_cast<EVP_PKEY*>(&key), EVP_sha256()), 0);
    return cert;
  }

  // Sends a PKCSReq for CN=`cn` signed by `signer` (with key_) and decodes the CertRep.
  codec::CertRep Send(const X509& signer, const std::string& cn, const std::string& tid,
                      const std::string& challenge = "pw", Service* service = nullptr) {
    client::CsrOptions c;
    c.subject = "/CN=" + cn;
    c.challenge = challenge;
    auto csr = client::MakeCsr(*key_, c);
    client::MessageOptions m;
    m.transaction_id = tid;
    auto msg = client::BuildMessage(ca_, *CsrToDer(**csr), signer, *key_, m);
    if (service == nullptr) service = service_.get();
    Reply r = service->PkiOperation(msg->der, {"192.0.2.1", "corr-" + tid});
    EXPECT_EQ(r.http_status, 200) << r.body;
    auto rep = codec::DecodeCertRep(AsView(r.body), signer, *key_);
    EXPECT_TRUE(rep) << rep.error().message;
    return rep ? std::move(*rep) : codec::CertRep{};
  }

  Overlap* overlap_ = nullptr;  // set before SetUp() by the fixture that overlaps
  ServiceOptions options_;
  store::MemoryStore store_;
  FakeClock clock_{kNow};
  SystemRandom random_;
  policy::StaticPolicy policy_{{"pw", false, false, 2048, 256}};
  std::unique_ptr<CaState> cas_;
  std::unique_ptr<CrlPublisher> crls_;
  std::unique_ptr<Service> service_;
  X509Ptr ra_;
  client::CaCerts ca_;
  EvpPkeyPtr key_;
  X509Ptr self_signed_;
};

TEST_F(ServiceTest, IssuesAndRecordsCertificateAndRequestTogether) {
  codec::CertRep rep = Send(*self_signed_, "dev1", "t1");
  ASSERT_EQ(rep.status, codec::PkiStatus::kSuccess) << rep.fail_info_text;
  std::string serial = SerialHex(*X509_get0_serialNumber(rep.content.certs.front().get()));
  auto cert = *store_.FindCertificate(serial);
  ASSERT_TRUE(cert);
  EXPECT_EQ(cert->subject, "CN=dev1");
  EXPECT_EQ(cert->transaction_id, "t1");
  EXPECT_EQ(cert->issuer_id, cas_->current().id);
  EXPECT_EQ(cert->not_after - kNow, 30 * 86400);
  auto reqs = *store_.ListRequests({});
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].state, "issued");
  EXPECT_EQ(reqs[0].cert_serial, serial);
  EXPECT_EQ(reqs[0].correlation_id, "corr-t1");
  EXPECT_EQ(reqs[0].remote_addr, "192.0.2.1");
  EXPECT_FALSE(reqs[0].renewal);
}

TEST_F(ServiceTest, RenewalFromAnExpiredCertificateIsBadTime) {
  codec::CertRep first = Send(*self_signed_, "dev2", "t2");
  ASSERT_EQ(first.status, codec::PkiStatus::kSuccess);
  X509Ptr issued = std::move(first.content.certs.front());
  codec::CertRep renewed = Send(*issued, "dev2", "t2-renew", "");
  EXPECT_EQ(renewed.status, codec::PkiStatus::kSuccess) << renewed.fail_info_text;
  EXPECT_TRUE((*store_.ListRequests({}))[0].renewal);
  clock_.Advance(31 * 86400);
  codec::CertRep late = Send(*issued, "dev2", "t2-late", "");
  EXPECT_EQ(late.status, codec::PkiStatus::kFailure);
  EXPECT_EQ(late.fail_info, codec::FailInfo::kBadTime);
  EXPECT_NE(late.fail_info_text.find("SignerCertificateExpired"), std::string::npos);
}

TEST_F(ServiceTest, FirstEnrollmentSignedByAnotherKeyIsSignerKeyMismatch) {
  EvpPkeyPtr other = std::move(*ca::GenerateKey(*ca::ParseKeySpec("rsa:2048")));
  X509Ptr stranger = SignerAt(*other, kNow);
  client::CsrOptions c;
  c.subject = "/CN=dev";
  c.challenge = "pw";
  auto csr = client::MakeCsr(*key_, c);
  client::MessageOptions m;
  m.transaction_id = "t-mismatch";
  auto msg = client::BuildMessage(ca_, *CsrToDer(**csr), *stranger, *other, m);
  Reply r = service_->PkiOperation(msg->der, {"192.0.2.1", "corr-mismatch"});
  auto rep = codec::DecodeCertRep(AsView(r.body), *stranger, *other);
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->status, codec::PkiStatus::kFailure);
  EXPECT_EQ(rep->fail_info, codec::FailInfo::kBadMessageCheck);
  EXPECT_TRUE(rep->fail_info_text.starts_with("SignerKeyMismatch: ")) << rep->fail_info_text;
}

TEST_F(ServiceTest, FirstEnrollmentByAnExpiredSelfSignedSignerIsBadTimeBeyondTheSkew) {
  X509Ptr old_signer = SignerAt(*key_, kNow - 8 * 86400);  // expired a day ago
  codec::CertRep late = Send(*old_signer, "dev", "t-expired");
  EXPECT_EQ(late.status, codec::PkiStatus::kFailure);
  EXPECT_EQ(late.fail_info, codec::FailInfo::kBadTime);
  EXPECT_TRUE(late.fail_info_text.starts_with("SignerCertificateExpired: ")) << late.fail_info_text;
  X509Ptr barely = SignerAt(*key_, kNow - 7 * 86400 - 200);  // expired 200 s ago
  EXPECT_EQ(Send(*barely, "dev", "t-skew").status, codec::PkiStatus::kSuccess);
}

TEST_F(ServiceTest, SignerIssuedByUsButUnknownToTheRecordsIsBadCertId) {
  codec::CertRep first = Send(*self_signed_, "dev3", "t3");
  ASSERT_EQ(first.status, codec::PkiStatus::kSuccess);
  // A memory store that forgot the certificate: the signer chains to our CA but is not ours.
  store::MemoryStore empty;
  Service forgetful(*cas_, empty, policy_, *crls_, clock_, random_, {});
  client::CsrOptions c;
  c.subject = "/CN=dev3";
  auto csr = client::MakeCsr(*key_, c);
  client::MessageOptions m;
  m.transaction_id = "t3-renew";
  X509Ptr issued = std::move(first.content.certs.front());
  auto msg = client::BuildMessage(ca_, *CsrToDer(**csr), *issued, *key_, m);
  Reply r = forgetful.PkiOperation(msg->der, {"192.0.2.1", "c"});
  auto rep = codec::DecodeCertRep(AsView(r.body), *issued, *key_);
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->fail_info, codec::FailInfo::kBadCertId);
  EXPECT_NE(rep->fail_info_text.find("SignerCertificateUnknown"), std::string::npos);
}

TEST_F(ServiceTest, MalformedInputIsRecordedAndAnswered400) {
  Bytes junk = {0x30, 0x03, 0x02, 0x01, 0x01};
  Reply r = service_->PkiOperation(junk, {"192.0.2.9", "bad"});
  EXPECT_EQ(r.http_status, 400);
  auto reqs = *store_.ListRequests({});
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].state, "failed");
  EXPECT_EQ(reqs[0].fail_info, "badRequest");
  EXPECT_EQ(reqs[0].reason.rfind("MessageMalformed", 0), 0u);
}

TEST_F(ServiceTest, CapsAndNextCaWithoutRollover) {
  EXPECT_EQ(service_->GetCaCaps().body.find("GetNextCACert"), std::string::npos);
  EXPECT_EQ(service_->GetNextCaCert().http_status, 404);
  Reply ca = service_->GetCaCert();
  EXPECT_EQ(ca.content_type, "application/x-x509-ca-ra-cert");
  auto certs = codec::DecodeCertsOnly(AsView(ca.body));
  ASSERT_TRUE(certs);
  EXPECT_EQ(certs->certs.size(), 3u);
  EXPECT_EQ(X509_cmp(certs->certs.front().get(), ra_.get()), 0) << "RA first";
}

// The same service with its records written on a spare thread while the reply is signed.
class ServiceOverlapTest : public ServiceTest {
 protected:
  void SetUp() override {
    overlap_ = &spare_;
    ServiceTest::SetUp();
  }
  SpareThread spare_;
};

TEST_F(ServiceOverlapTest, RecordIsWrittenBesideTheReplyAndBothAreComplete) {
  for (int i = 0; i < 3; ++i) {
    std::string tid = "o" + std::to_string(i);
    codec::CertRep rep = Send(*self_signed_, "dev-" + tid, tid);
    ASSERT_EQ(rep.status, codec::PkiStatus::kSuccess) << rep.fail_info_text;
    std::string serial = SerialHex(*X509_get0_serialNumber(rep.content.certs.front().get()));
    auto cert = *store_.FindCertificate(serial);
    ASSERT_TRUE(cert) << "the reply left before its certificate was stored";
    EXPECT_EQ(cert->transaction_id, tid);
  }
  EXPECT_EQ(spare_.handed_off(), spare_.overlaps() ? 3u : 0u);
  auto reqs = *store_.ListRequests({});
  ASSERT_EQ(reqs.size(), 3u);
  for (const auto& r : reqs) EXPECT_EQ(r.state, "issued");
  EXPECT_EQ(store_.ListEvents({}).value().size(), 3u) << "one issued event each";
}

TEST_F(ServiceOverlapTest, ARefusedRecordDiscardsTheSignedReplyAndAnswersFailure) {
  // Every serial this service makes is the same, so the second enrollment's record is refused
  // (serial taken) on each of its three attempts, after its success reply was already signed.
  ConstantRandom same;
  Service clashing(*cas_, store_, policy_, *crls_, clock_, same, options_);
  client::CsrOptions c;
  c.challenge = "pw";
  for (const char* tid : {"c1", "c2"}) {
    c.subject = std::string("/CN=") + tid;
    auto csr = client::MakeCsr(*key_, c);
    client::MessageOptions m;
    m.transaction_id = tid;
    auto msg = client::BuildMessage(ca_, *CsrToDer(**csr), *self_signed_, *key_, m);
    Reply r = clashing.PkiOperation(msg->der, {"192.0.2.1", tid});
    auto rep = codec::DecodeCertRep(AsView(r.body), *self_signed_, *key_);
    ASSERT_TRUE(rep) << rep.error().message;
    if (std::string(tid) == "c1") {
      EXPECT_EQ(rep->status, codec::PkiStatus::kSuccess) << rep->fail_info_text;
      continue;
    }
    EXPECT_EQ(rep->status, codec::PkiStatus::kFailure);
    EXPECT_TRUE(rep->content.certs.empty());
    EXPECT_NE(rep->fail_info_text.find("SerialCollision"), std::string::npos)
        << rep->fail_info_text;
  }
  EXPECT_EQ(store_.ListCertificates({}).value().size(), 1u);
  auto reqs = *store_.ListRequests({});
  ASSERT_EQ(reqs.size(), 2u);
  int failed = 0;
  for (const auto& r : reqs) {
    if (r.transaction_id != "c2") continue;
    ++failed;
    EXPECT_EQ(r.state, "failed");
    EXPECT_EQ(r.stage, "issue");
    EXPECT_TRUE(r.cert_serial.empty());
  }
  EXPECT_EQ(failed, 1);
  EXPECT_EQ(spare_.handed_off(), spare_.overlaps() ? 4u : 0u)
      << "one success and three refused attempts";
}

// Intune mode as the service sees it: a grant that says `intune` queues Intune's notification
// with the request's outcome, once per transaction.
class IntuneGrantPolicy final : public policy::Policy {
 public:
  Status Verify(const policy::EnrollmentRequest& request, policy::Grant& grant) override {
    grant.intune = true;
    auto challenge = policy::ChallengePassword(request.csr);
    if (challenge && *challenge == "refuse")
      return Fail(Error::PolicyDenied("ChallengeExpired: Intune answered ChallengeExpired"));
    return {};
  }
  Status Recheck(policy::Grant&) override { return {}; }
};

class ServiceIntuneTest : public ServiceTest {
 protected:
  std::vector<store::OutboxEvent> Events(const std::string& type) {
    store::EventFilter f;
    f.type = type;
    return *store_.ListEvents(f);
  }
  IntuneGrantPolicy intune_policy_;
};

TEST_F(ServiceIntuneTest, AnIssuanceQueuesOneSuccessNotificationEvenForResends) {
  Service service(*cas_, store_, intune_policy_, *crls_, clock_, random_, options_);
  codec::CertRep rep = Send(*self_signed_, "laptop", "t1", "from-intune", &service);
  ASSERT_EQ(rep.status, codec::PkiStatus::kSuccess) << rep.fail_info_text;
  codec::CertRep again = Send(*self_signed_, "laptop", "t1", "from-intune", &service);
  ASSERT_EQ(again.status, codec::PkiStatus::kSuccess) << again.fail_info_text;
  auto events = Events(notify::kIntuneSuccess);
  ASSERT_EQ(events.size(), 1u);
  auto data = nlohmann::json::parse(events[0].payload);
  EXPECT_EQ(data["transaction_id"], "t1");
  EXPECT_EQ(data["serial"], SerialHex(*X509_get0_serialNumber(rep.content.certs.front().get())));
  EXPECT_FALSE(data["csr"].get<std::string>().empty());
  EXPECT_TRUE(Events(notify::kIntuneFailure).empty());
  EXPECT_EQ(Events(notify::kCertificateIssued).size(), 1u);  // the webhooks' own, as always
}

TEST_F(ServiceIntuneTest, ARefusalQueuesOneFailureNotification) {
  Service service(*cas_, store_, intune_policy_, *crls_, clock_, random_, options_);
  codec::CertRep rep = Send(*self_signed_, "laptop", "t2", "refuse", &service);
  ASSERT_EQ(rep.status, codec::PkiStatus::kFailure);
  auto events = Events(notify::kIntuneFailure);
  ASSERT_EQ(events.size(), 1u);
  auto data = nlohmann::json::parse(events[0].payload);
  EXPECT_EQ(data["transaction_id"], "t2");
  EXPECT_EQ(data["description"], "ChallengeExpired: Intune answered ChallengeExpired");
  EXPECT_EQ(data["hresult"], int64_t{static_cast<int32_t>(0x80094012)});
  EXPECT_TRUE(Events(notify::kIntuneSuccess).empty());
}

TEST_F(ServiceIntuneTest, TheAnswerWaitsUntilIntuneTookTheNotificationWhenAskedTo) {
  ServiceOptions waiting = options_;
  waiting.intune_wait = std::chrono::seconds(20);
  int woken = 0;
  std::thread notifier;
  // The notifier, woken: it delivers the event on its own thread a little later.
  waiting.wake_intune_notifier = [&] {
    ++woken;
    notifier = std::thread([this] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      store::EventScope intune{notify::kIntuneEventPrefix, false};
      auto taken = store_.ClaimEvents(clock_.Now(), 1, 60, "notifier", intune);
      ASSERT_TRUE(taken && taken->size() == 1u);
      ASSERT_TRUE(store_.MarkEventDelivered(taken->front().id, "notifier", clock_.Now(), {}));
    });
  };
  Service service(*cas_, store_, intune_policy_, *crls_, clock_, random_, waiting);
  auto started = std::chrono::steady_clock::now();
  codec::CertRep rep = Send(*self_signed_, "laptop", "t5", "from-intune", &service);
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(notifier.joinable());
  notifier.join();
  ASSERT_EQ(rep.status, codec::PkiStatus::kSuccess) << rep.fail_info_text;
  EXPECT_EQ(woken, 1);
  EXPECT_EQ(Events(notify::kIntuneSuccess).front().state, "delivered");  // before the answer
  EXPECT_GE(took, std::chrono::milliseconds(200));
  EXPECT_LT(took, std::chrono::seconds(20));
}

TEST_F(ServiceIntuneTest, AnIntuneThatDoesNotTakeTheNotificationDelaysTheAnswerOnlySoLong) {
  ServiceOptions waiting = options_;
  waiting.intune_wait = std::chrono::milliseconds(300);
  Service service(*cas_, store_, intune_policy_, *crls_, clock_, random_, waiting);
  auto started = std::chrono::steady_clock::now();
  codec::CertRep rep = Send(*self_signed_, "laptop", "t6", "from-intune", &service);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(300));
  ASSERT_EQ(rep.status, codec::PkiStatus::kSuccess) << rep.fail_info_text;
  EXPECT_EQ(Events(notify::kIntuneSuccess).front().state, "pending");  // still queued
}

TEST_F(ServiceIntuneTest, RequestsIntuneWasNotAskedAboutTellItNothing) {
  codec::CertRep rep = Send(*self_signed_, "dev", "t3");
  ASSERT_EQ(rep.status, codec::PkiStatus::kSuccess) << rep.fail_info_text;
  codec::CertRep refused = Send(*self_signed_, "dev", "t4", "wrong");
  ASSERT_EQ(refused.status, codec::PkiStatus::kFailure);
  EXPECT_TRUE(Events(notify::kIntuneSuccess).empty());
  EXPECT_TRUE(Events(notify::kIntuneFailure).empty());
}

}  // namespace
}  // namespace scepgate::scep
