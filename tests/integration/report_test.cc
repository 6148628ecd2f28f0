// The status report through the real binary: a device profile assigned to a group, devices that
// enroll with their one-time challenge (one rightly, one with the wrong subject) and one that never
// tries; `scepgate report` and `scepgate requests list --device`.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_fixture.h"
#include "gateway_fixture.h"

namespace scepgate::testing {
namespace {

constexpr char kProfile[] = "Wi-Fi";

class ReportTest : public CliTest {
 protected:
  // Three devices in "Wi-Fi devices", and the profile assigned to the group.
  void SetUp() override {
    CliTest::SetUp();
    if (HasFatalFailure()) return;
    a_ = AddDevice({"--name", "laptop-a", "--platform", "windows"});
    b_ = AddDevice({"--name", "laptop-b", "--platform", "macos"});
    c_ = AddDevice({"--name", "kiosk-c", "--platform", "linux"});
    Ok({"group", "add", "Wi-Fi devices"});
    for (const auto& id : {a_, b_, c_})
      Ok({"group", "add-member", "Wi-Fi devices", "--device", id});
    Ok({"profile", "create", kProfile, "--type", "device", "--subject", "CN={{DeviceName}}",
        "--url", server_->Url()});
    Ok({"assign", kProfile, "--group", "Wi-Fi devices"});
  }
  // Mints a one-time challenge for the device (the only line `challenge issue` prints).
  std::string Challenge(const std::string& device) {
    std::string out = Ok({"challenge", "issue", "--device", device, "--profile", kProfile});
    if (!out.empty() && out.back() == '\n') out.pop_back();
    EXPECT_FALSE(out.empty());
    return out;
  }
  // Enrolls a fresh key with subject CN=`cn` and the challenge; returns the reply.
  codec::CertRep Enroll(const std::string& cn, const std::string& challenge) {
    GatewayClient gw(server_->Url());
    EnrollOptions o;
    o.csr.subject = "/CN=" + cn;
    o.csr.challenge = challenge;
    auto rep = gw.Enroll(NewIdentity(), o);
    EXPECT_TRUE(rep) << rep.error().message;
    return rep ? std::move(*rep) : codec::CertRep{};
  }
  // The report's row for the device, from --json.
  nlohmann::json Row(const nlohmann::json& report, const std::string& device) {
    for (const auto& row : report)
      if (row["device_id"] == device) return row;
    ADD_FAILURE() << "no row for " << device << " in " << report.dump(2);
    return nlohmann::json::object();
  }

  std::string a_, b_, c_;
};

TEST_F(ReportTest, ShowsSucceededFailedAndNotAttempted) {
  // The report before anyone enrolled: every device Not attempted.
  nlohmann::json before = Json({"report", "--profile", kProfile});
  ASSERT_EQ(before.size(), 3u);
  for (const auto& row : before) {
    EXPECT_EQ(row["status"], "Not attempted");
    EXPECT_TRUE(row["last_request"].is_null());
    EXPECT_TRUE(row["serial"].is_null());
  }

  codec::CertRep ok = Enroll("laptop-a", Challenge(a_));
  ASSERT_EQ(ok.status, codec::PkiStatus::kSuccess) << ok.fail_info_text;
  ASSERT_FALSE(ok.content.certs.empty());
  const X509& cert = *ok.content.certs.front();
  std::string serial = SerialHex(*X509_get0_serialNumber(&cert));

  codec::CertRep bad = Enroll("not-laptop-b", Challenge(b_));
  EXPECT_EQ(bad.status, codec::PkiStatus::kFailure);
  EXPECT_TRUE(bad.fail_info_text.starts_with("SubjectNameMismatch")) << bad.fail_info_text;

  nlohmann::json report = Json({"report", "--profile", "wi-fi"});  // any case
  ASSERT_EQ(report.size(), 3u);
  nlohmann::json a = Row(report, a_);
  EXPECT_EQ(a["name"], "laptop-a");
  EXPECT_EQ(a["platform"], "windows");
  EXPECT_EQ(a["status"], "Succeeded");
  EXPECT_EQ(a["serial"], serial);
  EXPECT_EQ(a["last_state"], "issued");
  EXPECT_TRUE(a["last_request"].is_string());
  EXPECT_TRUE(a["expires"].is_string());

  nlohmann::json b = Row(report, b_);
  EXPECT_EQ(b["status"], "Failed");
  EXPECT_EQ(b["last_state"], "failed");
  EXPECT_TRUE(b["reason"].get<std::string>().starts_with("SubjectNameMismatch")) << b["reason"];
  EXPECT_TRUE(b["serial"].is_null());

  nlohmann::json c = Row(report, c_);
  EXPECT_EQ(c["status"], "Not attempted");
  EXPECT_TRUE(c["last_request"].is_null());

  // The table: a header and one line per device, each with its status.
  std::string table = Ok({"report", "--profile", kProfile});
  EXPECT_TRUE(table.starts_with("DEVICE")) << table;
  for (const char* column : {"NAME", "STATUS", "LAST REQUEST", "REASON", "SERIAL", "EXPIRES"})
    EXPECT_NE(table.find(column), std::string::npos) << column;
  EXPECT_NE(table.find(a_ + " laptop-a"), std::string::npos) << table;
  EXPECT_NE(table.find("Succeeded"), std::string::npos) << table;
  EXPECT_NE(table.find(serial), std::string::npos) << table;
  EXPECT_NE(table.find("SubjectNameMismatch"), std::string::npos) << table;
  EXPECT_NE(table.find("Not attempted"), std::string::npos) << table;

  // B's own requests: the failed one.
  nlohmann::json requests = Json({"requests", "list", "--device", b_});
  ASSERT_EQ(requests.size(), 1u) << requests.dump(2);
  EXPECT_EQ(requests[0]["device_id"], b_);
  EXPECT_EQ(requests[0]["state"], "failed");
  EXPECT_EQ(requests[0]["profile"], kProfile);
  EXPECT_TRUE(requests[0]["reason"].get<std::string>().starts_with("SubjectNameMismatch"));
  EXPECT_TRUE(Json({"requests", "list", "--device", c_}).empty());
}

TEST_F(ReportTest, RefusesUnknownProfileAndDevice) {
  Fails({"report", "--profile", "nope"}, "no profile named nope");
  Fails({"requests", "list", "--device", "00000000-0000-4000-8000-000000000000"},
        "no device with id 00000000-0000-4000-8000-000000000000");
}

}  // namespace
}  // namespace scepgate::testing
