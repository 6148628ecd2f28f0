// Bulk import through the real binary: `scepgate device import FILE` (CSV and JSON lines) and
// POST /api/v1/devices/import: bad rows reported with their lines and nothing of them written,
// the good rows imported, a re-run adding nothing twice, one audit entry, and 413 for a body
// over the import limit.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "api_fixture.h"
#include "common/files.h"

namespace scepgate::testing {
namespace {

using nlohmann::json;

constexpr char kCsv[] =
    "type,id,upn,name,platform,owner,groups\r\n"
    "user,,alice@example.com,,,,staff\r\n"
    "device,0f8fad5b-d9cb-469f-a165-70867728950e,,\"laptop, 14\"\"\",windows,ALICE@example.com,"
    "laptops;staff\r\n"
    "device,,,kiosk,android,,kiosks\r\n"
    "device,,,bad platform,amiga,,\r\n"
    "device,,,no owner,ios,ghost@example.com,\r\n";

class ImportTest : public ApiTest {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (server_->dir() / name).string();
    EXPECT_TRUE(WriteFile(path, text));
    return path;
  }
  Reply Post(const std::string& query, const std::string& content_type, const std::string& body) {
    client::HttpRequest r;
    r.method = "POST";
    r.target = "/api/v1/devices/import" + query;
    r.headers.emplace_back("Authorization", "Bearer " + admin_);
    r.body = body;
    r.content_type = content_type;
    auto got = http_->Send({"127.0.0.1", server_->admin_port(), "/", /*tls=*/true}, r);
    EXPECT_TRUE(got) << got.error().message;
    Reply out;
    if (!got) return out;
    out.status = got->status;
    out.raw = got->body;
    out.body = json::parse(got->body, nullptr, false);
    return out;
  }
};

TEST_F(ImportTest, CliReportsBadRowsByLineImportsTheRestAndAReRunAddsNothing) {
  std::string file = Write("fleet.csv", kCsv);
  std::string ids = (server_->dir() / "ids.csv").string();
  std::string out, err;
  EXPECT_EQ(
      server_->Cli({"device", "import", file, "--create-groups", "--ids-out", ids}, &out, &err), 1)
      << out << err;
  EXPECT_NE(out.find("devices: 2 added, 0 existing, 2 refused"), std::string::npos) << out;
  EXPECT_NE(out.find("users: 1 added"), std::string::npos) << out;
  EXPECT_NE(out.find("line 5 (device): unknown platform 'amiga'"), std::string::npos) << out;
  EXPECT_NE(out.find("line 6 (device): owner ghost@example.com does not exist"), std::string::npos)
      << out;
  EXPECT_NE(err.find("2 row(s) refused"), std::string::npos) << err;
  auto minted = ReadFile(ids);
  ASSERT_TRUE(minted);
  EXPECT_TRUE(minted->starts_with("line,id,name\n4,")) << *minted;
  EXPECT_NE(minted->find(",kiosk\n"), std::string::npos) << *minted;

  json laptop = Json({"device", "show", "0f8fad5b-d9cb-469f-a165-70867728950e"});
  EXPECT_EQ(laptop["name"], "laptop, 14\"");
  EXPECT_EQ(laptop["owner"], "alice@example.com");
  EXPECT_EQ(laptop["groups"], json({"laptops", "staff"}));
  EXPECT_EQ(Json({"device", "list"}).size(), 2u);  // nothing of the refused rows

  // Again, without the bad rows: the device with an id and every membership are there already.
  std::string good =
      Write("good.jsonl",
            "{\"type\":\"user\",\"upn\":\"ALICE@example.com\",\"groups\":[\"staff\"]}\n"
            "{\"id\":\"0F8FAD5B-D9CB-469F-A165-70867728950E\",\"name\":\"x\","
            "\"platform\":\"ios\",\"groups\":[\"laptops\"]}\n");
  json again = Json({"device", "import", good});
  EXPECT_EQ(again["devices"], json({{"added", 0}, {"existing", 1}, {"refused", 0}}));
  EXPECT_EQ(again["users"], json({{"added", 0}, {"existing", 1}, {"refused", 0}}));
  EXPECT_EQ(again["memberships"], json({{"added", 0}, {"existing", 2}, {"refused", 0}}));
  EXPECT_EQ(Json({"device", "show", "0f8fad5b-d9cb-469f-a165-70867728950e"})["name"],
            "laptop, 14\"");

  // One audit entry per import with the counts, never one per row.
  int imports = 0;
  for (const json& entry : Json({"audit", "list", "--limit", "0"})) {
    if (entry["action"] != "device.import") continue;
    ++imports;
    EXPECT_TRUE(entry["args"].contains("counts")) << entry.dump();
  }
  EXPECT_EQ(imports, 2);
}

TEST_F(ImportTest, CliDryRunWritesNothingAndAnUnknownColumnRefusesTheFile) {
  std::string file = Write("fleet.csv", kCsv);
  std::string out, err;
  EXPECT_EQ(server_->Cli({"device", "import", file, "--create-groups", "--dry-run"}, &out, &err),
            1);
  EXPECT_NE(out.find("dry run"), std::string::npos) << out;
  EXPECT_TRUE(Json({"device", "list"}).empty());
  EXPECT_TRUE(Json({"group", "list"}).empty());
  Fails({"device", "import", Write("typo.csv", "name,plattform\nx,ios\n")},
        "unknown column 'plattform'");
  Fails({"device", "import", Write("fleet.txt", "x")}, "--format csv|jsonl");
  Fails({"device", "import", Write("nogroups.csv", "name,platform,groups\nx,ios,nowhere\n")},
        "1 row(s) refused");
  EXPECT_TRUE(Json({"device", "list"}).empty());
}

TEST_F(ImportTest, UserImportDefaultsToUserRowsAndIdsOutDashPrintsTheIds) {
  std::string users = Write("users.csv",
                            "upn,email,sid,groups\n"
                            "carol@example.com,carol@example.com,S-1-5-21-1-2-3-1001,staff\n"
                            "dave@example.com,,S-1-bad,\n");
  std::string out, err;
  EXPECT_EQ(server_->Cli({"user", "import", users, "--create-groups"}, &out, &err), 1);
  EXPECT_NE(out.find("users: 1 added, 0 existing, 1 refused"), std::string::npos) << out;
  EXPECT_NE(out.find("line 3 (user): SID 'S-1-bad'"), std::string::npos) << out;
  json carol = Json({"user", "show", "carol@example.com"});
  EXPECT_EQ(carol["sid"], "S-1-5-21-1-2-3-1001");
  EXPECT_EQ(carol["identity_by_admin"], true);
  EXPECT_EQ(carol["groups"], json({"staff"}));

  std::string devices = Write(
      "devices.jsonl", "{\"name\":\"a\",\"platform\":\"ios\",\"owner\":\"CAROL@example.com\"}\n");
  EXPECT_EQ(server_->Cli({"device", "import", devices, "--ids-out", "-"}, &out, &err), 0) << err;
  EXPECT_TRUE(out.starts_with("line,id,name\n1,")) << out;  // the summary goes to stderr then
  EXPECT_NE(err.find("devices: 1 added"), std::string::npos) << err;
}

TEST_F(ImportTest, ApiImportsCsvAndJsonLinesAnswersTheReportAndRefusesTooLargeBodies) {
  Reply csv = Post("?create_groups=true", "text/csv", kCsv);
  ASSERT_EQ(csv.status, 200) << csv.raw;
  EXPECT_EQ(csv.body["devices"], json({{"added", 2}, {"existing", 0}, {"refused", 2}}));
  ASSERT_EQ(csv.body["refused"].size(), 2u);
  EXPECT_EQ(csv.body["refused"][0]["line"], 5);
  EXPECT_EQ(csv.body["refused"][1]["line"], 6);
  ASSERT_EQ(csv.body["ids"].size(), 1u);
  EXPECT_EQ(csv.body["ids"][0]["line"], 4);
  std::string kiosk = csv.body["ids"][0]["id"];
  EXPECT_EQ(Expect(200, "GET", "/devices/" + kiosk, auditor_)["name"], "kiosk");

  Reply again = Post("", "application/x-ndjson",
                     "{\"type\":\"member\",\"group\":\"kiosks\",\"device\":\"" + kiosk + "\"}\n");
  ASSERT_EQ(again.status, 200) << again.raw;
  EXPECT_EQ(again.body["memberships"], json({{"added", 0}, {"existing", 1}, {"refused", 0}}));

  Reply dry =
      Post("?dry_run=true", "application/x-ndjson", "{\"name\":\"new\",\"platform\":\"linux\"}\n");
  ASSERT_EQ(dry.status, 200) << dry.raw;
  EXPECT_EQ(dry.body["dry_run"], true);
  EXPECT_EQ(Expect(200, "GET", "/devices", auditor_).size(), 2u);

  EXPECT_EQ(Post("", "application/json", "{}").status, 400);
  // An operator may not import (admin only).
  client::HttpRequest r;
  r.method = "POST";
  r.target = "/api/v1/devices/import";
  r.headers.emplace_back("Authorization", "Bearer " + operator_);
  r.body = "name,platform\nx,ios\n";
  r.content_type = "text/csv";
  auto denied = http_->Send({"127.0.0.1", server_->admin_port(), "/", /*tls=*/true}, r);
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);

  // Over 64 MiB: 413 from the head, telling to split the file.
  Reply big = Post("", "text/csv", std::string((size_t{64} << 20) + 1, 'x'));
  EXPECT_EQ(big.status, 413) << big.raw.substr(0, 200);
  EXPECT_NE(big.raw.find("split the file"), std::string::npos) << big.raw.substr(0, 200);
  EXPECT_EQ(Expect(200, "GET", "/devices", auditor_).size(), 2u);
}

}  // namespace
}  // namespace scepgate::testing
