// Revocation at fleet scale through a real `scepgate serve`: many serials or devices in one CLI or
// API call re-sign each CRL once (the CRL number rises by one), unknown ones are reported while
// the others are revoked, and the served CRL answers conditional GETs with 304.
#include <fstream>
#include <set>

#include "api_fixture.h"
#include "ca/issuer.h"
#include "race_helpers.h"

namespace scepgate::testing {
namespace {

class BulkRevocationTest : public ApiTest {
 protected:
  // Enrolls `n` certificates (EC keys: quick to make) and returns their serials.
  std::vector<std::string> Enroll(int n, const std::string& prefix) {
    GatewayClient gw(server_->Url());
    std::vector<std::string> serials;
    for (int i = 0; i < n; ++i) {
      EnrollOptions o;
      o.csr.subject = "/CN=" + prefix + "-" + std::to_string(i);
      o.csr.challenge = "x";
      auto rep = gw.Enroll(NewIdentity(256), o);
      EXPECT_TRUE(rep && rep->status == codec::PkiStatus::kSuccess);
      if (rep && rep->status == codec::PkiStatus::kSuccess) serials.push_back(SerialOf(*rep));
    }
    return serials;
  }
  int64_t ServedCrlNumber() {
    auto crl = server_->ServedCrl();
    EXPECT_TRUE(crl) << (crl ? "" : crl.error().message);
    return crl ? ca::CrlNumber(**crl) : -1;
  }
  std::set<std::string> Listed() {
    auto crl = server_->ServedCrl();
    EXPECT_TRUE(crl) << (crl ? "" : crl.error().message);
    return crl ? RevokedSerials(**crl) : std::set<std::string>{};
  }
  client::HttpReply GetCrl(std::vector<std::pair<std::string, std::string>> headers) {
    client::HttpRequest r;
    r.target = "/crl/current.crl";
    r.headers = std::move(headers);
    auto got = http_->Send({"127.0.0.1", server_->port(), "/"}, r);
    EXPECT_TRUE(got) << got.error().message;
    return got ? *got : client::HttpReply{};
  }
  static std::string HeaderOf(const client::HttpReply& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
      if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
    return "";
  }
};

TEST_F(BulkRevocationTest, ManySerialsFromTheCliAreOneCrlSigningAndUnknownOnesAreReported) {
  std::vector<std::string> serials = Enroll(12, "cli");
  ASSERT_EQ(serials.size(), 12u);
  int64_t before = ServedCrlNumber();

  // Two on the command line (one in the colon form people paste), the rest from a file with a
  // comment, a blank line and an unknown serial.
  std::string colon;
  for (size_t i = 0; i < serials[1].size(); ++i) {
    if (i > 0 && (serials[1].size() - i) % 2 == 0) colon += ':';
    colon += serials[1][i];
  }
  std::filesystem::path file = server_->dir() / "serials.txt";
  {
    std::ofstream out(file);
    out << "# devices lost in the move\n\n";
    for (size_t i = 2; i < 10; ++i) out << "  " << serials[i] << "\n";
    out << "deadbeef\n";
  }
  std::string out, err;
  int rc = server_->Cli({"cert", "revoke", serials[0], colon, "--from-file", file.string(),
                         "--reason", "keyCompromise"},
                        &out, &err);
  EXPECT_EQ(rc, 1) << out << err;  // the unknown serial fails the command, after the others
  EXPECT_NE(out.find("revoked 10 certificate(s)"), std::string::npos) << out;
  EXPECT_NE(out.find("not found: deadbeef"), std::string::npos) << out;
  EXPECT_NE(err.find("1 serial(s) not found"), std::string::npos) << err;

  EXPECT_EQ(ServedCrlNumber(), before + 1) << "ten revocations, one CRL signing";
  std::set<std::string> listed = Listed();
  for (size_t i = 0; i < 10; ++i) EXPECT_TRUE(listed.contains(serials[i])) << serials[i];
  EXPECT_FALSE(listed.contains(serials[10]));
  EXPECT_EQ(Json({"cert", "show", serials[4]})["revocation_reason"], "keyCompromise");

  // Again, with --json: everything is already revoked, and no CRL is signed for nothing.
  nlohmann::json again = Json({"cert", "revoke", serials[0], serials[1]});
  EXPECT_EQ(again["already_revoked"], (nlohmann::json{serials[0], serials[1]}));
  EXPECT_TRUE(again["revoked"].empty());
  EXPECT_EQ(ServedCrlNumber(), before + 1);

  // A word that is no serial is refused before anything is revoked.
  Fails({"cert", "revoke", serials[10], "not-hex"}, "is not a serial number");
  EXPECT_EQ(Json({"cert", "show", serials[10]})["status"], "valid");
}

TEST_F(BulkRevocationTest, ManySerialsThroughTheApiAndTheAuditEntry) {
  std::vector<std::string> serials = Enroll(8, "api");
  ASSERT_EQ(serials.size(), 8u);
  int64_t before = ServedCrlNumber();
  nlohmann::json body = {{"serials", {serials[0], serials[1], serials[2], "0a0b"}},
                         {"reason", "cessationOfOperation"}};
  EXPECT_EQ(Call("POST", "/certificates/revoke", auditor_, body.dump()).status, 403);
  nlohmann::json report = Expect(200, "POST", "/certificates/revoke", operator_, body);
  EXPECT_EQ(report["revoked"], (nlohmann::json{serials[0], serials[1], serials[2]}));
  EXPECT_EQ(report["not_found"], nlohmann::json{"a0b"});  // as stored: no leading zeros
  EXPECT_TRUE(report["already_revoked"].empty());
  EXPECT_EQ(ServedCrlNumber(), before + 1);
  std::set<std::string> listed = Listed();
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(listed.contains(serials[i]));
  EXPECT_EQ(listed.size(), 3u);

  nlohmann::json audit = Expect(200, "GET", "/audit", auditor_);
  EXPECT_EQ(audit[0]["action"], "certificate.revoke");
  EXPECT_EQ(audit[0]["target"], "4 serials");

  EXPECT_EQ(Expect(400, "POST", "/certificates/revoke", operator_,
                   {{"serials", nlohmann::json::array()}})["error"]["code"],
            "invalidArgument");
  EXPECT_EQ(Expect(400, "POST", "/certificates/revoke", operator_,
                   {{"serials", {serials[3]}}, {"reason", "tired"}})["error"]["code"],
            "invalidArgument");
  EXPECT_EQ(Json({"cert", "show", serials[3]})["status"], "valid");
}

TEST_F(BulkRevocationTest, ManyDevicesRetireInOneCallFromTheCliAndTheApi) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(AddDevice({"--name", "dev-" + std::to_string(i), "--platform", "linux"}));
  std::string out, err;
  int rc = server_->Cli(
      {"device", "retire", ids[0], ids[1], "00000000-0000-4000-8000-00000000beef"}, &out, &err);
  EXPECT_EQ(rc, 1) << out << err;
  EXPECT_NE(out.find("retired 2 device(s)"), std::string::npos) << out;
  EXPECT_NE(err.find("1 device id(s) not found"), std::string::npos) << err;
  EXPECT_EQ(Json({"device", "show", ids[1]})["retired"], true);

  nlohmann::json report =
      Expect(200, "POST", "/devices/retire", operator_, {{"ids", {ids[1], ids[2], ids[3]}}});
  EXPECT_EQ(report["retired"], (nlohmann::json{ids[2], ids[3]}));
  EXPECT_EQ(report["already_retired"], nlohmann::json{ids[1]});
  EXPECT_TRUE(report["not_found"].empty());
  EXPECT_EQ(Json({"device", "show", ids[4]})["retired"], false);
  EXPECT_EQ(
      Expect(400, "POST", "/devices/retire", operator_, {{"ids", "not-a-list"}})["error"]["code"],
      "invalidArgument");
}

TEST_F(BulkRevocationTest, TheCrlAnswersConditionalGetsWith304UntilItChanges) {
  std::vector<std::string> serials = Enroll(2, "cond");
  ASSERT_EQ(serials.size(), 2u);
  client::HttpReply first = GetCrl({});
  ASSERT_EQ(first.status, 200);
  std::string etag = HeaderOf(first, "ETag");
  std::string modified = HeaderOf(first, "Last-Modified");
  EXPECT_TRUE(etag.starts_with("\"") && etag.ends_with("\"")) << etag;
  EXPECT_TRUE(modified.ends_with(" GMT")) << modified;
  EXPECT_EQ(HeaderOf(first, "Cache-Control"), "public, no-cache");

  client::HttpReply same = GetCrl({{"If-None-Match", etag}});
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  EXPECT_EQ(HeaderOf(same, "ETag"), etag);
  EXPECT_EQ(GetCrl({{"If-Modified-Since", modified}}).status, 304);
  EXPECT_EQ(GetCrl({{"If-None-Match", "\"something-else\""}}).status, 200);

  // A revocation makes a new CRL: the old tag no longer matches.
  Ok({"cert", "revoke", serials[0]});
  client::HttpReply changed = GetCrl({{"If-None-Match", etag}});
  ASSERT_EQ(changed.status, 200);
  EXPECT_NE(HeaderOf(changed, "ETag"), etag);
  auto crl = CrlFromDer(AsView(changed.body));
  ASSERT_TRUE(crl);
  EXPECT_TRUE(RevokedSerials(**crl).contains(serials[0]));
  EXPECT_EQ(GetCrl({{"If-None-Match", HeaderOf(changed, "ETag")}}).status, 304);
}

}  // namespace
}  // namespace scepgate::testing
