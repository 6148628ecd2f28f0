// Separation of duties over a real `scepgate serve`: an operator token may not give a user a SID,
// change a user's identity, or mint a challenge whose certificate would carry an identity no
// admin set; an admin token may, and so may the local CLI. End to end: an operator cannot obtain
// a certificate carrying a SID of their choosing.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api_fixture.h"
#include "common/san_text.h"
#include "gateway_fixture.h"

namespace scepgate::testing {
namespace {

using nlohmann::json;

constexpr char kChosenSid[] = "S-1-5-21-1004336348-1177238915-682003330-500";
constexpr char kSidUrl[] = "URI:tag:microsoft.com,2022-09-14:sid:";

class DutiesTest : public ApiTest {
 protected:
  // A user profile "logon" that puts the owner's UPN and strong-mapping SID into certificates,
  // and a device profile "wifi" that names only the device, both assigned to group "staff" that
  // holds `upn` and the device `device_` it owns.
  void Setup(const std::string& upn) {
    Expect(201, "POST", "/groups", operator_, {{"name", "staff"}});
    Expect(200, "POST", "/groups/staff/members", operator_, {{"user", upn}});
    json device = Expect(201, "POST", "/devices", operator_,
                         {{"name", "pc-1"}, {"platform", "windows"}, {"owner", upn}});
    device_ = device["id"];
    Expect(200, "POST", "/groups/staff/members", operator_, {{"device", device_}});
    Expect(201, "POST", "/profiles", admin_,
           {{"name", "logon"},
            {"type", "user"},
            {"subject", "CN={{UserName}}"},
            {"sans", {"upn:{{UserPrincipalName}}"}},
            {"strong_mapping", true},
            {"urls", {server_->Url()}}});
    Expect(201, "POST", "/profiles", admin_,
           {{"name", "wifi"},
            {"type", "device"},
            {"subject", "CN={{DeviceId}}"},
            {"urls", {server_->Url()}}});
    Expect(201, "POST", "/profiles/logon/assignments", admin_, {{"group", "staff"}});
    Expect(201, "POST", "/profiles/wifi/assignments", admin_, {{"group", "staff"}});
  }
  json Challenge(const std::string& token, const std::string& profile, int status = 201) {
    return Expect(status, "POST", "/challenges", token,
                  {{"device", device_}, {"profile", profile}});
  }
  // Enrolls with the challenge and the CSR's subject and SANs; the certificate, or null.
  X509Ptr Enroll(const std::string& challenge, const std::string& subject,
                 const std::vector<std::string>& sans) {
    GatewayClient gw(server_->Url());
    Identity id = NewIdentity();
    EnrollOptions o;
    o.csr.subject = subject;
    o.csr.challenge = challenge;
    o.csr.sans = sans;
    auto rep = gw.Enroll(id, o);
    EXPECT_TRUE(rep) << rep.error().message;
    if (!rep || rep->status != codec::PkiStatus::kSuccess || rep->content.certs.empty())
      return nullptr;
    return CertDup(*rep->content.certs.front());
  }

  std::string device_;
};

TEST_F(DutiesTest, AnOperatorGets403OnEveryDoorToAnIdentityAndAnAdminSucceeds) {
  // POST /users with a SID.
  json alice = {{"upn", "alice@corp.example"}, {"sid", "S-1-5-21-1-2-3-1001"}};
  json refused = Expect(403, "POST", "/users", operator_, alice);
  EXPECT_EQ(refused["error"]["code"], "permissionDenied");
  Expect(404, "GET", "/users/alice@corp.example", auditor_);
  EXPECT_EQ(Expect(201, "POST", "/users", admin_, alice)["identity_by_admin"], true);
  // Without a SID an operator may add a user; its identity is not admin-set.
  EXPECT_EQ(
      Expect(201, "POST", "/users", operator_, {{"upn", "bob@corp.example"}})["identity_by_admin"],
      false);

  // PATCH /users/{upn}: the identity is an admin's to set or confirm.
  json sid = {{"sid", "S-1-5-21-1-2-3-1002"}};
  EXPECT_EQ(Expect(403, "PATCH", "/users/bob@corp.example", operator_, sid)["error"]["code"],
            "forbidden");
  Expect(403, "PATCH", "/users/bob@corp.example", operator_, json::object());
  EXPECT_EQ(Expect(200, "PATCH", "/users/bob@corp.example", admin_, sid)["sid"],
            "S-1-5-21-1-2-3-1002");
  Expect(400, "PATCH", "/users/bob@corp.example", admin_, {{"sid", "S-1-x"}});
  Expect(404, "PATCH", "/users/ghost@corp.example", admin_, sid);

  // POST /challenges for a profile that carries the identity of a user an operator added.
  Expect(201, "POST", "/users", operator_, {{"upn", "administrator@corp.example"}});
  Setup("administrator@corp.example");
  EXPECT_EQ(Challenge(operator_, "logon", 403)["error"]["code"], "permissionDenied");
  Challenge(operator_, "wifi");  // names only the device
  Challenge(admin_, "logon");
  // The local CLI acts as admin.
  Ok({"challenge", "issue", "--device", device_, "--profile", "logon"});
  Ok({"user", "set", "bob@corp.example", "--email", "bob@corp.example"});
  EXPECT_EQ(Json({"user", "show", "bob@corp.example"})["email"], "bob@corp.example");

  // Every refusal is in the audit log with its outcome.
  json audit = Expect(200, "GET", "/audit", auditor_);
  int refusals = 0;
  for (const auto& e : audit)
    if (e["outcome"] == "permissionDenied") ++refusals;
  EXPECT_EQ(refusals, 2) << audit.dump(2);  // POST /users and POST /challenges
}

TEST_F(DutiesTest, AnOperatorCannotObtainACertificateCarryingASidOfTheirChoosing) {
  // The operator adds the user they want to be (no SID: a SID is refused) and enrols it.
  Expect(403, "POST", "/users", operator_,
         {{"upn", "administrator@corp.example"}, {"sid", kChosenSid}});
  Expect(201, "POST", "/users", operator_, {{"upn", "administrator@corp.example"}});
  Expect(403, "PATCH", "/users/administrator@corp.example", operator_, {{"sid", kChosenSid}});
  Setup("administrator@corp.example");
  Challenge(operator_, "logon", 403);

  // A challenge they may mint (the device profile) does not stretch to the SID they choose.
  std::string wifi = Challenge(operator_, "wifi")["challenge"];
  EXPECT_EQ(Enroll(wifi, "/CN=" + device_, {std::string(kSidUrl) + kChosenSid}), nullptr);
  EXPECT_EQ(Expect(200, "GET", "/certificates", auditor_).size(), 0u);

  // Once an admin has set the user's SID, the operator enrols the device, and the certificate
  // carries the admin's SID, not another.
  constexpr char kAdminSid[] = "S-1-5-21-1004336348-1177238915-682003330-1105";
  Expect(200, "PATCH", "/users/administrator@corp.example", admin_, {{"sid", kAdminSid}});
  std::string logon = Challenge(operator_, "logon")["challenge"];
  std::vector<std::string> sans = {"UPN:administrator@corp.example",
                                   std::string(kSidUrl) + kAdminSid};
  X509Ptr cert = Enroll(logon, "/CN=administrator", sans);
  ASSERT_TRUE(cert);
  std::vector<std::string> got = CertSans(*cert);
  std::ranges::sort(got);
  std::ranges::sort(sans);
  EXPECT_EQ(got, sans);
}

}  // namespace
}  // namespace scepgate::testing
