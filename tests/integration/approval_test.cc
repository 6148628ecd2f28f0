// Profiles that require approval, end to end against a real gateway: the request is held and
// answered PENDING (to a resend and to CertPoll too) until `scepgate requests approve|reject`
// decides; the next CertPoll then collects the certificate, or a FAILURE naming the reason. The
// device's eligibility is checked again when an approved request is issued.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "cli_fixture.h"
#include "gateway_fixture.h"

namespace scepgate::testing {
namespace {

constexpr char kSubject[] = "/O=Example/CN=dev-1";  // CN={{DeviceName}},O=Example

class ApprovalTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    if (HasFatalFailure()) return;
    gw_ = std::make_unique<GatewayClient>(server_->Url());
    Ok({"group", "add", "wifi"});
    device_ = AddDevice({"--name", "dev-1", "--platform", "windows"});
    Ok({"group", "add-member", "wifi", "--device", device_});
    Ok({"profile", "create", "wifi", "--type", "device", "--subject", "CN={{DeviceName}},O=Example",
        "--san", "dns:{{DeviceName}}.example.com", "--validity-days", "30", "--url", server_->Url(),
        "--require-approval"});
    Ok({"assign", "wifi", "--group", "wifi"});
  }

  std::string Challenge() {
    std::string out = Ok({"challenge", "issue", "--device", device_, "--profile", "wifi"});
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  Result<codec::CertRep> Enroll(const Identity& id, const std::string& challenge) {
    EnrollOptions o;
    o.csr.subject = kSubject;
    o.csr.challenge = challenge;
    o.csr.sans = {"DNS:dev-1.example.com"};
    return gw_->Enroll(id, o);
  }

  // CertPoll signed by `id`, for its own transaction or for `transaction_id`.
  Result<codec::CertRep> Poll(const Identity& id, std::string transaction_id = "") {
    if (transaction_id.empty()) transaction_id = *client::TransactionIdFor(*id.key);
    auto subject = client::ParseSubject(kSubject);
    auto ias = codec::EncodeIssuerAndSubject(*X509_get_subject_name(gw_->ca().issuing), **subject);
    client::MessageOptions poll{codec::MessageType::kCertPoll, transaction_id, NID_aes_256_cbc,
                                NID_sha256};
    return gw_->Send(id, *ias, poll);
  }

  static void ExpectStatus(const Result<codec::CertRep>& rep, codec::PkiStatus want) {
    ASSERT_TRUE(rep) << rep.error().message;
    EXPECT_EQ(rep->status, want) << rep->fail_info_text;
  }

  // The id of the one request held for this device.
  int64_t HeldId() {
    nlohmann::json held = Json({"requests", "list", "--state", "pending", "--device", device_});
    EXPECT_EQ(held.size(), 1u) << held.dump();
    if (held.size() != 1) return 0;
    EXPECT_EQ(held[0]["profile"], "wifi");
    return held[0]["id"].get<int64_t>();
  }

  std::string Status() {
    nlohmann::json rows = Json({"report", "--profile", "wifi"});
    EXPECT_EQ(rows.size(), 1u) << rows.dump();
    return rows.size() == 1 ? rows[0]["status"].get<std::string>() : "";
  }

  std::unique_ptr<GatewayClient> gw_;
  std::string device_;
};

TEST_F(ApprovalTest, HeldUntilApprovedThenCollectedByCertPoll) {
  Identity id = NewIdentity();
  std::string challenge = Challenge();
  ExpectStatus(Enroll(id, challenge), codec::PkiStatus::kPending);
  int64_t held = HeldId();
  ASSERT_NE(held, 0);
  EXPECT_EQ(Status(), "Pending");
  EXPECT_TRUE(Json({"cert", "list"}).empty());

  // Asked again, by a resend or CertPoll: still pending, and nothing is issued.
  ExpectStatus(Enroll(id, challenge), codec::PkiStatus::kPending);
  ExpectStatus(Poll(id), codec::PkiStatus::kPending);
  EXPECT_TRUE(Json({"cert", "list"}).empty());
  // The challenge was spent by the held request: another key cannot use it.
  Identity other = NewIdentity();
  auto stolen = Enroll(other, challenge);
  ExpectStatus(stolen, codec::PkiStatus::kFailure);
  EXPECT_TRUE(stolen->fail_info_text.starts_with("ChallengeAlreadyUsed:"))
      << stolen->fail_info_text;

  EXPECT_NE(Ok({"requests", "approve", std::to_string(held)}).find("approved"), std::string::npos);
  Fails({"requests", "approve", std::to_string(held)}, "already approved");
  auto collected = Poll(id);
  ExpectStatus(collected, codec::PkiStatus::kSuccess);
  ASSERT_FALSE(collected->content.certs.empty());
  const X509& cert = *collected->content.certs.front();
  std::string serial = SerialHex(*X509_get0_serialNumber(&cert));
  nlohmann::json record = Json({"cert", "show", serial});
  EXPECT_EQ(record["device_id"], device_);
  EXPECT_EQ(record["profile"], "wifi");
  EXPECT_EQ(record["request_id"], held);  // linked to the request that was held
  EXPECT_EQ(Status(), "Succeeded");

  // Polled again: the same certificate, not a second one.
  auto again = Poll(id);
  ExpectStatus(again, codec::PkiStatus::kSuccess);
  ASSERT_FALSE(again->content.certs.empty());
  EXPECT_EQ(X509_cmp(again->content.certs.front().get(), &cert), 0);
  EXPECT_EQ(Json({"cert", "list"}).size(), 1u);
  nlohmann::json requests = Json({"requests", "list", "--device", device_});
  bool held_issued = false;
  for (const auto& r : requests)
    if (r["id"] == held) held_issued = r["state"] == "issued" && r["serial"] == serial;
  EXPECT_TRUE(held_issued) << requests.dump();
}

TEST_F(ApprovalTest, RejectedRequestFailsOnPollWithTheReason) {
  Identity id = NewIdentity();
  ExpectStatus(Enroll(id, Challenge()), codec::PkiStatus::kPending);
  int64_t held = HeldId();
  ASSERT_NE(held, 0);
  Fails({"requests", "reject", std::to_string(held), "--reason", " "}, "needs a reason");
  Ok({"requests", "reject", std::to_string(held), "--reason", "not a company laptop"});
  Fails({"requests", "approve", std::to_string(held)}, "already rejected");

  auto rep = Poll(id);
  ExpectStatus(rep, codec::PkiStatus::kFailure);
  EXPECT_EQ(rep->fail_info, codec::FailInfo::kBadRequest);
  EXPECT_EQ(rep->fail_info_text, "RequestRejected: not a company laptop");
  EXPECT_EQ(Status(), "Failed");
  EXPECT_TRUE(Json({"cert", "list"}).empty());
  bool found = false;
  for (const auto& r : Json({"requests", "list", "--state", "failed"})) {
    if (r["id"] != held) continue;
    found = true;
    EXPECT_EQ(r["stage"], "approval");
    EXPECT_EQ(r["reason"], "RequestRejected: not a company laptop");
  }
  EXPECT_TRUE(found);
  // One request.failed event for the rejection, however often the device polls.
  int failed_events = 0;
  for (const auto& e : Json({"events", "list"}))
    if (e["type"] == "request.failed") ++failed_events;
  EXPECT_EQ(failed_events, 1);
}

TEST_F(ApprovalTest, ApprovedButRetiredMeanwhileIsRefusedAtCollection) {
  Identity id = NewIdentity();
  ExpectStatus(Enroll(id, Challenge()), codec::PkiStatus::kPending);
  int64_t held = HeldId();
  ASSERT_NE(held, 0);
  Ok({"requests", "approve", std::to_string(held)});
  Ok({"device", "retire", device_});
  auto rep = Poll(id);
  ExpectStatus(rep, codec::PkiStatus::kFailure);
  EXPECT_TRUE(rep->fail_info_text.starts_with("DeviceRetired:")) << rep->fail_info_text;
  EXPECT_TRUE(Json({"cert", "list"}).empty());
}

TEST_F(ApprovalTest, OnlyTheRequestersKeyCanResendOrCollectAHeldTransaction) {
  Identity id = NewIdentity();
  std::string challenge = Challenge();
  ExpectStatus(Enroll(id, challenge), codec::PkiStatus::kPending);
  int64_t held = HeldId();
  ASSERT_NE(held, 0);
  Ok({"requests", "approve", std::to_string(held)});
  std::string tid = *client::TransactionIdFor(*id.key);

  // Another key reusing the transaction ID: refused, and nothing is issued to it.
  Identity thief = NewIdentity();
  EnrollOptions o;
  o.csr.subject = kSubject;
  o.csr.challenge = challenge;
  o.csr.sans = {"DNS:dev-1.example.com"};
  o.msg.transaction_id = tid;
  auto reused = gw_->Enroll(thief, o);
  ExpectStatus(reused, codec::PkiStatus::kFailure);
  EXPECT_TRUE(reused->fail_info_text.starts_with("TransactionIdReused:")) << reused->fail_info_text;
  auto stolen = Poll(thief, tid);
  ExpectStatus(stolen, codec::PkiStatus::kFailure);
  EXPECT_EQ(stolen->fail_info, codec::FailInfo::kBadCertId);
  EXPECT_TRUE(Json({"cert", "list"}).empty());

  // The requester still collects it.
  ExpectStatus(Poll(id), codec::PkiStatus::kSuccess);
}

TEST_F(ApprovalTest, UnknownRequestsCannotBeDecided) {
  Fails({"requests", "approve", "9999"}, "not awaiting approval");
  Fails({"requests", "reject", "9999", "--reason", "x"}, "not awaiting approval");
}

}  // namespace
}  // namespace scepgate::testing
