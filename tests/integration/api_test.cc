// The REST API of a real `scepgate serve`, over real sockets: bearer tokens from `scepgate token
// create`, 401 and 403, the same JSON as the CLI's --json for what either door made, challenges,
// malformed bodies, the OpenAPI document, and the audit log of both doors.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "api_fixture.h"
#include "common/files.h"
#include "gateway_fixture.h"

namespace scepgate::testing {
namespace {

using nlohmann::json;

TEST_F(ApiTest, NoTokenABadTokenAndARevokedTokenGet401) {
  Reply none = Call("GET", "/devices", "");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.body["error"]["code"], "unauthenticated");
  EXPECT_TRUE(none.Header("WWW-Authenticate").starts_with("Bearer")) << none.raw;

  Reply bad = Call("GET", "/devices", "sgt_not-a-real-token");
  EXPECT_EQ(bad.status, 401);
  EXPECT_NE(bad.Header("WWW-Authenticate").find("invalid_token"), std::string::npos);

  json tokens = Json({"token", "list"});
  ASSERT_EQ(tokens.size(), 3u);
  std::string auditor_id;
  for (const auto& t : tokens) {
    EXPECT_FALSE(t.contains("token"));
    EXPECT_FALSE(t.contains("hash"));
    if (t["role"] == "auditor") auditor_id = t["id"];
  }
  EXPECT_EQ(Call("GET", "/devices", auditor_).status, 200);
  Ok({"token", "revoke", auditor_id});
  EXPECT_EQ(Call("GET", "/devices", auditor_).status, 401);
  // Only the hash is kept: the token is nowhere in the database file.
  std::string db = ReadFile(server_->dir() / "scepgate.db").value_or("");
  EXPECT_EQ(db.find(admin_), std::string::npos);
}

TEST_F(ApiTest, ATokenWithAShortLifeWorksThenGets401AsARevokedOne) {
  json made = Json({"token", "create", "--role", "auditor", "--expires-in", "3s"});
  const std::string token = made["token"], id = made["id"];
  EXPECT_EQ(made["expired"], false);
  ASSERT_TRUE(made.contains("expires_at")) << made;
  EXPECT_EQ(Call("GET", "/devices", token).status, 200);
  const std::string fixture_auditor = Json({"token", "list"})[2]["id"];
  Ok({"token", "revoke", fixture_auditor});
  Reply revoked = Call("GET", "/devices", auditor_);
  ASSERT_EQ(revoked.status, 401);

  // The server's own clock decides; wait for it, a few seconds at most.
  Reply refused;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    refused = Call("GET", "/devices", token);
  } while (refused.status == 200 && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.raw, revoked.raw);
  EXPECT_EQ(refused.Header("WWW-Authenticate"), revoked.Header("WWW-Authenticate"));

  json listed = Expect(200, "GET", "/tokens", admin_);
  ASSERT_EQ(listed.size(), 4u);
  EXPECT_EQ(listed[3]["id"], id);
  EXPECT_EQ(listed[3]["expired"], true);
  EXPECT_EQ(listed[3]["expires_at"], made["expires_at"]);
  EXPECT_EQ(listed[0]["expired"], false);
  EXPECT_FALSE(listed[0].contains("expires_at"));
  EXPECT_EQ(Json({"token", "list"}), listed);
  std::string table = Ok({"token", "list"});
  EXPECT_NE(table.find("EXPIRES"), std::string::npos) << table;
  EXPECT_NE(table.find(id + " auditor  expired"), std::string::npos) << table;
  EXPECT_NE(table.find("never"), std::string::npos) << table;
}

TEST_F(ApiTest, TokenLifetimesAreCheckedAndTheConfigGivesTheDefault) {
  Fails({"token", "create", "--role", "auditor", "--expires-in", "0s"}, "more than zero");
  Fails({"token", "create", "--role", "auditor", "--expires-in", "soon"},
        "token expiry: bad duration 'soon'");
  Fails({"token", "create", "--role", "auditor", "--expires-in", "99999999999d"}, "100 years");
  Reply bad = Call("POST", "/tokens", admin_, R"({"role":"auditor","expires_in":"1w"})");
  EXPECT_EQ(bad.status, 400) << bad.raw;
  json api_made =
      Expect(201, "POST", "/tokens", admin_, {{"role", "auditor"}, {"expires_in", "2h"}});
  EXPECT_TRUE(api_made.contains("expires_at")) << api_made;

  ASSERT_TRUE(server_->Configure({{"api.token_default_expiry_days", "7"}}));
  json defaulted = Json({"token", "create", "--role", "auditor"});
  ASSERT_TRUE(defaulted.contains("expires_at")) << defaulted;
  EXPECT_GT(defaulted["expires_at"].get<std::string>(), api_made["expires_at"].get<std::string>());
  EXPECT_EQ(Call("GET", "/devices", defaulted["token"].get<std::string>()).status, 200);
}

TEST_F(ApiTest, AuditorsReadOperatorsChangeTheDirectoryAdminsManageProfiles) {
  EXPECT_EQ(Call("GET", "/devices", auditor_).status, 200);
  Reply denied = Call("POST", "/devices", auditor_, R"({"name":"x","platform":"linux"})");
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.body["error"]["code"], "forbidden");
  Expect(201, "POST", "/devices", operator_, {{"name", "x"}, {"platform", "linux"}});
  Expect(201, "POST", "/groups", operator_, {{"name", "g"}});
  json profile = {{"name", "p"},
                  {"type", "device"},
                  {"subject", "CN={{DeviceName}}"},
                  {"urls", {server_->Url()}}};
  EXPECT_EQ(Call("POST", "/profiles", operator_, profile.dump()).status, 403);
  EXPECT_EQ(Call("POST", "/tokens", operator_, R"({"role":"admin"})").status, 403);
  Expect(201, "POST", "/profiles", admin_, profile);
  Expect(201, "POST", "/profiles/p/assignments", admin_, {{"group", "g"}});
  EXPECT_EQ(Call("GET", "/tokens", auditor_).status, 403);
  EXPECT_EQ(Expect(200, "GET", "/tokens", admin_).size(), 3u);
}

TEST_F(ApiTest, WhatOneDoorMakesTheOtherShowsAsTheSameJson) {
  // Through the API (a SID is an admin's to give)...
  Expect(201, "POST", "/users", admin_,
         {{"upn", "alice@example.com"},
          {"email", "alice@example.com"},
          {"sid", "S-1-5-21-1-2-3-1001"}});
  json device = Expect(201, "POST", "/devices", operator_,
                       {{"name", "alice-laptop"},
                        {"platform", "windows"},
                        {"serial_number", "SN1"},
                        {"owner", "alice@example.com"}});
  std::string id = device["id"];
  Expect(201, "POST", "/groups", operator_, {{"name", "Wi-Fi devices"}, {"description", "d"}});
  // The answer names the change, not the whole group (whose size it must not depend on).
  json added = Expect(200, "POST", "/groups/Wi-Fi%20devices/members", operator_, {{"device", id}});
  EXPECT_EQ(added["group"]["name"], "Wi-Fi devices");
  EXPECT_EQ(added["member"], (json{{"kind", "device"}, {"id", id}}));
  EXPECT_FALSE(added.contains("members"));
  Expect(201, "POST", "/profiles", admin_,
         {{"name", "wifi"},
          {"type", "device"},
          {"subject", "CN={{DeviceName}},O=Example"},
          {"sans", {"dns:{{DeviceName}}.example.com"}},
          {"urls", {server_->Url()}}});
  Expect(201, "POST", "/profiles/wifi/assignments", admin_, {{"group", "Wi-Fi devices"}});

  // ...seen from the CLI, field for field.
  EXPECT_EQ(Json({"device", "show", id}), Expect(200, "GET", "/devices/" + id, auditor_));
  EXPECT_EQ(Json({"device", "list"}), Expect(200, "GET", "/devices", auditor_));
  EXPECT_EQ(Json({"user", "show", "alice@example.com"}),
            Expect(200, "GET", "/users/alice@example.com", auditor_));
  EXPECT_EQ(Json({"group", "list"}), Expect(200, "GET", "/groups", auditor_));
  EXPECT_EQ(Json({"group", "show", "Wi-Fi devices"}),
            Expect(200, "GET", "/groups/Wi-Fi%20devices", auditor_));
  EXPECT_EQ(Json({"group", "members", "Wi-Fi devices"}),
            Expect(200, "GET", "/groups/Wi-Fi%20devices/members", auditor_));
  json shown = Json({"profile", "show", "wifi"});
  EXPECT_EQ(shown, Expect(200, "GET", "/profiles/wifi", auditor_));
  EXPECT_EQ(shown["groups"], json({"Wi-Fi devices"}));
  EXPECT_EQ(Json({"profile", "list"}), Expect(200, "GET", "/profiles", auditor_));
  EXPECT_EQ(Json({"profile", "targets", "wifi"}),
            Expect(200, "GET", "/profiles/wifi/targets", auditor_));
  EXPECT_EQ(Json({"report", "--profile", "wifi"}),
            Expect(200, "GET", "/profiles/wifi/report", auditor_));
  EXPECT_EQ(Json({"requests", "list", "--device", id}),
            Expect(200, "GET", "/requests?device=" + id, auditor_));
  EXPECT_EQ(Json({"cert", "list"}), Expect(200, "GET", "/certificates", auditor_));

  // And the other way round: made by the CLI, seen through the API.
  std::string kiosk = AddDevice({"--name", "kiosk", "--platform", "android"});
  Ok({"group", "add-member", "Wi-Fi devices", "--device", kiosk});
  Ok({"profile", "update", "wifi", "--validity-days", "30"});
  EXPECT_EQ(Expect(200, "GET", "/devices/" + kiosk, auditor_)["groups"], json({"Wi-Fi devices"}));
  EXPECT_EQ(Expect(200, "GET", "/profiles/wifi", auditor_)["validity_days"], 30);
  EXPECT_EQ(Expect(200, "GET", "/profiles/wifi/targets", auditor_).size(), 2u);

  // Changes through the API: update, unassign, remove a member, retire, disable.
  EXPECT_EQ(
      Expect(200, "PATCH", "/profiles/wifi", admin_, {{"validity_days", 90}})["validity_days"], 90);
  EXPECT_EQ(Expect(200, "DELETE", "/groups/Wi-Fi%20devices/members/device/" + kiosk,
                   operator_)["member"]["id"],
            kiosk);
  EXPECT_EQ(Json({"profile", "targets", "wifi"}).size(), 1u);
  EXPECT_EQ(Expect(200, "POST", "/devices/" + kiosk + "/retire", operator_)["revoked"],
            json::array());
  EXPECT_EQ(Json({"device", "show", kiosk})["retired"], true);
  Expect(200, "POST", "/users/alice@example.com/disable", operator_);
  EXPECT_EQ(Json({"user", "show", "alice@example.com"})["disabled"], true);
  Expect(200, "DELETE", "/profiles/wifi/assignments/Wi-Fi%20devices", admin_);
  EXPECT_EQ(Json({"profile", "show", "wifi"})["groups"], json::array());
  Expect(200, "DELETE", "/profiles/wifi", admin_);
  Fails({"profile", "show", "wifi"}, "wifi");

  // Errors carry the same messages as the CLI's.
  json missing = Expect(404, "GET", "/devices/0000", auditor_);
  EXPECT_EQ(missing["error"]["message"], "no device with id 0000");
  Fails({"device", "show", "0000"}, "no device with id 0000");
  EXPECT_EQ(Expect(409, "POST", "/groups", operator_, {{"name", "wi-fi DEVICES"}})["error"]["code"],
            "alreadyExists");
}

TEST_F(ApiTest, AChallengeIsIssuedThroughTheApiAsTheCliIssuesIt) {
  Ok({"group", "add", "wifi"});
  std::string id = AddDevice({"--name", "dev-1", "--platform", "windows"});
  Ok({"group", "add-member", "wifi", "--device", id});
  Ok({"profile", "create", "wifi", "--type", "device", "--subject", "CN={{DeviceName}},O=Example",
      "--san", "dns:{{DeviceName}}.example.com", "--url", server_->Url()});
  Ok({"assign", "wifi", "--group", "wifi"});

  json issued = Expect(201, "POST", "/challenges", operator_,
                       {{"device", id}, {"profile", "wifi"}, {"ttl", "10m"}});
  json cli = Json({"challenge", "issue", "--device", id, "--profile", "wifi", "--ttl", "10m"});
  for (const auto& [key, value] : cli.items()) EXPECT_TRUE(issued.contains(key)) << key;
  EXPECT_EQ(issued.size(), cli.size());
  EXPECT_EQ(issued["subject"], "CN=dev-1,O=Example");
  EXPECT_EQ(issued["sans"], cli["sans"]);
  EXPECT_EQ(issued["device"], id);
  std::string challenge = issued["challenge"];
  EXPECT_GE(challenge.size(), 22u);
  EXPECT_NE(challenge, cli["challenge"]);

  // A retired device gets none: refused by policy (422), as the CLI refuses it.
  Ok({"device", "retire", id});
  json refused =
      Expect(422, "POST", "/challenges", operator_, {{"device", id}, {"profile", "wifi"}});
  EXPECT_EQ(refused["error"]["code"], "policyDenied");
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("DeviceRetired"),
            std::string::npos);
  Expect(400, "POST", "/challenges", operator_,
         {{"device", id}, {"profile", "wifi"}, {"ttl", "5w"}});

  // The audit log names the device, never the challenge.
  std::string audit = Ok({"audit", "list", "--json", "--limit", "0"});
  EXPECT_EQ(audit.find(challenge), std::string::npos);
  EXPECT_EQ(audit.find(cli["challenge"].get<std::string>()), std::string::npos);
  EXPECT_NE(audit.find("challenge.issue"), std::string::npos);
}

TEST_F(ApiTest, AMalformedBodyGets400AndTheServerKeepsServing) {
  for (const std::string& body : {std::string("{\"name\": "), std::string("\xff\xfe"),
                                  std::string("[]"), std::string(R"({"name": ["x"]})")}) {
    Reply r = Call("POST", "/devices", operator_, body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.body["error"]["code"], "invalidArgument") << r.raw;
  }
  Reply r = Call("PATCH", "/devices", admin_, "{}");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("Allow"), "GET, POST");
  EXPECT_EQ(Call("GET", "/devices", auditor_).status, 200);
  auto health = http_->Get({"127.0.0.1", server_->port(), "/healthz"}, "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  // The gateway's own paths are on the public listener.
  auto caps = http_->Get({"127.0.0.1", server_->port(), "/scep"}, "/scep?operation=GetCACaps");
  ASSERT_TRUE(caps);
  EXPECT_EQ(caps->status, 200);
}

TEST_F(ApiTest, CertificatesComeAPageAtATimeWithACursorAndFilters) {
  for (int i = 0; i < 7; ++i) ExpectEnrolls(server_->Url(), "x");
  json everything = Json({"cert", "list"});
  ASSERT_EQ(everything.size(), 7u);
  // Pages of 3 through the API: Link rel=next until the last, the same 7 in the same order.
  json walked = json::array();
  std::string next = "/certificates?limit=3&status=valid";
  for (int pages = 0; pages < 5 && !next.empty(); ++pages) {
    Reply r = Call("GET", next, auditor_);
    ASSERT_EQ(r.status, 200) << r.raw;
    for (const json& c : r.body) walked.push_back(c);
    std::string link = r.Header("Link");
    next.clear();
    if (!link.empty()) {
      ASSERT_EQ(link.find("</api/v1"), 0u) << link;
      next = link.substr(8, link.find('>') - 8);
      EXPECT_NE(next.find("status=valid"), std::string::npos) << link;
      EXPECT_NE(next.find("cursor=" + r.Header("X-Next-Cursor")), std::string::npos) << link;
    }
  }
  EXPECT_EQ(walked, everything);
  // The CLI pages the same way: the cursor of the next page on stderr.
  std::string out, err;
  ASSERT_EQ(server_->Cli({"cert", "list", "--json", "--limit", "3"}, &out, &err), 0) << err;
  EXPECT_EQ(json::parse(out), json(std::vector<json>(everything.begin(), everything.begin() + 3)));
  ASSERT_TRUE(err.starts_with("more: --cursor ")) << err;
  std::string cursor = err.substr(15, err.find('\n') - 15);
  json second = Json({"cert", "list", "--limit", "3", "--cursor", cursor});
  EXPECT_EQ(second, json(std::vector<json>(everything.begin() + 3, everything.begin() + 6)));
  // Filters: a serial prefix finds its certificate; time bounds; bad values are 400.
  std::string serial = everything[4]["serial"];
  json one = Expect(200, "GET", "/certificates?serial_prefix=" + serial, auditor_);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0]["serial"], serial);
  EXPECT_EQ(Expect(200, "GET", "/certificates?issued_before=2000-01-01", auditor_).size(), 0u);
  EXPECT_EQ(Expect(200, "GET", "/certificates?issued_after=2000-01-01", auditor_).size(), 7u);
  for (const char* bad : {"limit=0", "limit=1001", "cursor=x", "issued_after=yesterday",
                          "serial_prefix=xyz", "status=expired"})
    Expect(400, "GET", std::string("/certificates?") + bad, auditor_);
}

TEST_F(ApiTest, TheProfileReportComesAPageAtATime) {
  ASSERT_EQ(server_->Cli({"group", "add", "fleet"}), 0);
  for (int i = 0; i < 7; ++i) {
    std::string id;
    ASSERT_EQ(
        server_->Cli(
            {"device", "add", "--name", "pc-" + std::to_string(i), "--platform", "windows"}, &id),
        0);
    while (!id.empty() && id.back() == '\n') id.pop_back();
    ASSERT_EQ(server_->Cli({"group", "add-member", "fleet", "--device", id}), 0);
  }
  ASSERT_EQ(server_->Cli({"profile", "create", "fleet-wifi", "--type", "device", "--subject",
                          "CN={{DeviceName}}", "--url", server_->Url()}),
            0);
  ASSERT_EQ(server_->Cli({"assign", "fleet-wifi", "--group", "fleet"}), 0);
  json everything = Json({"report", "--profile", "fleet-wifi"});
  ASSERT_EQ(everything.size(), 7u);
  json walked = json::array();
  std::string next = "/profiles/fleet-wifi/report?limit=3";
  int pages = 0;
  for (; pages < 5 && !next.empty(); ++pages) {
    Reply r = Call("GET", next, auditor_);
    ASSERT_EQ(r.status, 200) << r.raw;
    for (const json& row : r.body) walked.push_back(row);
    std::string link = r.Header("Link");
    next.clear();
    if (!link.empty()) {
      ASSERT_EQ(link.find("</api/v1/profiles/fleet-wifi/report?cursor="), 0u) << link;
      EXPECT_NE(link.find("limit=3"), std::string::npos) << link;
      next = link.substr(8, link.find('>') - 8);
    }
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(walked, everything);
  EXPECT_EQ(Expect(200, "GET", "/profiles/fleet-wifi/report", auditor_), everything);
  // The targeted devices page the same way, as `profile targets` lists them.
  json targets = Json({"profile", "targets", "fleet-wifi"});
  ASSERT_EQ(targets.size(), 7u);
  json first = Expect(200, "GET", "/profiles/fleet-wifi/targets?limit=4", auditor_);
  ASSERT_EQ(first.size(), 4u);
  Reply full = Call("GET", "/profiles/fleet-wifi/targets?limit=4", auditor_);
  json rest = Expect(200, "GET",
                     "/profiles/fleet-wifi/targets?limit=4&cursor=" + full.Header("X-Next-Cursor"),
                     auditor_);
  for (const json& d : rest) first.push_back(d);
  EXPECT_EQ(first, targets);
  EXPECT_EQ(Expect(200, "GET", "/devices?targeted_by=FLEET-WIFI", auditor_), targets);
  Expect(404, "GET", "/profiles/nope/targets", auditor_);
  for (const char* bad : {"limit=0", "limit=1001", "cursor=x", "cursor=12", "cursor=-1.x"})
    Expect(400, "GET", std::string("/profiles/fleet-wifi/report?") + bad, auditor_);
  Expect(404, "GET", "/profiles/nope/report", auditor_);
}

// Every list of the API is paged like /certificates and adds up to what the CLI lists; the CLI's
// --limit/--cursor pages the same way.
TEST_F(ApiTest, EveryListComesAPageAtATimeAndAddsUpToTheCliList) {
  for (int i = 0; i < 4; ++i) ExpectEnrolls(server_->Url(), "x");
  for (int i = 0; i < 7; ++i) {
    ASSERT_EQ(server_->Cli({"device", "add", "--name", "pc-" + std::to_string(i), "--platform",
                            i % 2 == 0 ? "windows" : "linux"}),
              0);
  }
  for (const char* upn :
       {"c@example.com", "A@example.com", "e@example.com", "b@example.com", "D@example.com"}) {
    ASSERT_EQ(server_->Cli({"user", "add", "--upn", upn}), 0);
  }
  // A group of all of them: its members come devices first, then users, each by id.
  ASSERT_EQ(server_->Cli({"group", "add", "All Things"}), 0);
  for (const char* name : {"site-c", "Site-A", "site-d", "SITE-B"})
    ASSERT_EQ(server_->Cli({"group", "add", name}), 0);
  for (const json& d : Json({"device", "list"}))
    ASSERT_EQ(server_->Cli({"group", "add-member", "All Things", "--device", d["id"]}), 0);
  for (const json& u : Json({"user", "list"}))
    ASSERT_EQ(server_->Cli({"group", "add-member", "All Things", "--user", u["upn"]}), 0);
  struct List {
    std::vector<std::string> cli;  // the CLI command that lists everything
    std::string path;              // the API route
    size_t at_least;               // items there must be
  };
  for (const List& list :
       {List{{"device", "list"}, "/devices", 7}, List{{"user", "list"}, "/users", 5},
        List{{"requests", "list"}, "/requests", 4}, List{{"events", "list", "--all"}, "/events", 0},
        List{{"audit", "list", "--all"}, "/audit", 12}, List{{"cert", "list"}, "/certificates", 4},
        List{{"group", "members", "All Things"}, "/groups/All%20Things/members", 12},
        List{{"group", "list"}, "/groups", 5}}) {
    SCOPED_TRACE(list.path);
    json everything = Json(list.cli);
    ASSERT_GE(everything.size(), list.at_least);
    json walked = json::array();
    std::string next = list.path + "?limit=3";
    for (int pages = 0; pages < 20 && !next.empty(); ++pages) {
      Reply r = Call("GET", next, auditor_);
      ASSERT_EQ(r.status, 200) << r.raw;
      for (const json& item : r.body) walked.push_back(item);
      std::string link = r.Header("Link");
      next.clear();
      if (!link.empty()) {
        ASSERT_EQ(link.find("</api/v1" + list.path + "?cursor="), 0u) << link;
        EXPECT_NE(link.find("limit=3"), std::string::npos) << link;
        next = link.substr(8, link.find('>') - 8);
      }
    }
    EXPECT_EQ(walked, everything);
    if (everything.size() > 3) {
      // The CLI: one page, the cursor of the next on stderr, then the next page from it.
      std::vector<std::string> args = list.cli;
      if (args.back() == "--all") args.pop_back();
      std::vector<std::string> first = args;
      for (const char* a : {"--json", "--limit", "3"}) first.push_back(a);
      std::string out, err;
      ASSERT_EQ(server_->Cli(first, &out, &err), 0) << err;
      EXPECT_EQ(json::parse(out),
                json(std::vector<json>(everything.begin(), everything.begin() + 3)));
      ASSERT_TRUE(err.starts_with("more: --cursor ")) << err;
      std::vector<std::string> second = args;
      for (const std::string& a : {std::string("--limit"), std::string("3"),
                                   std::string("--cursor"), err.substr(15, err.find('\n') - 15)})
        second.push_back(a);
      size_t end = std::min<size_t>(6, everything.size());
      EXPECT_EQ(Json(second), json(std::vector<json>(everything.begin() + 3,
                                                     everything.begin() + static_cast<long>(end))));
    }
    for (const char* bad : {"limit=0", "limit=1001", "limit=x", "cursor=x", "cursor=-1"})
      Expect(400, "GET", list.path + "?" + bad, auditor_);
  }
  // Filters.
  EXPECT_EQ(Expect(200, "GET", "/devices?platform=windows", auditor_).size(), 4u);
  EXPECT_EQ(Expect(200, "GET", "/devices?name_prefix=pc-1", auditor_).size(), 1u);
  EXPECT_EQ(Expect(200, "GET", "/audit?action=user.", auditor_).size(), 5u);
  EXPECT_EQ(Expect(200, "GET", "/audit?action=user.add&before=2000-01-01", auditor_).size(), 0u);
  EXPECT_EQ(Expect(200, "GET", "/requests?created_after=2000-01-01", auditor_).size(),
            Json({"requests", "list"}).size());
  EXPECT_EQ(Expect(200, "GET", "/requests?created_before=2000-01-01", auditor_).size(), 0u);
  Expect(400, "GET", "/requests?created_after=soon", auditor_);
  Expect(400, "GET", "/events?state=lost", auditor_);
  Expect(404, "GET", "/requests?device=no-such-device", auditor_);
  json users = Expect(200, "GET", "/groups/All%20Things/members?kind=user&limit=2", auditor_);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0], (json{{"kind", "user"}, {"id", "A@example.com"}}));
  EXPECT_EQ(users[1], (json{{"kind", "user"}, {"id", "b@example.com"}}));
  EXPECT_EQ(Json({"group", "members", "all things", "--kind", "device"}).size(), 7u);
  EXPECT_EQ(Expect(200, "GET", "/groups/all%20THINGS", auditor_),
            (json{{"name", "All Things"},
                  {"description", ""},
                  {"created_at", Json({"group", "show", "All Things"})["created_at"]},
                  {"devices", 7},
                  {"users", 5}}));
  Expect(400, "GET", "/groups/All%20Things/members?kind=printer", auditor_);
  Expect(404, "GET", "/groups/No%20Such/members", auditor_);

  // SCEPGATE_DIR names the data dir of a command given no --dir, and never overrides one given
  // (this CLI11 would fill it into every subcommand of a group, the one run included).
  json devices = Json({"device", "list"});
  ASSERT_EQ(setenv("SCEPGATE_DIR", "/nonexistent/scepgate-data", 1), 0);
  EXPECT_EQ(Json({"device", "list"}), devices);
  EXPECT_EQ(Json({"cert", "list"}).size(), 4u);
  ASSERT_EQ(setenv("SCEPGATE_DIR", server_->dir().c_str(), 1), 0);
  std::string out, err;
  int code = RunCommand({ScepgateBinary(), "device", "list", "--json"}, &out, &err);
  unsetenv("SCEPGATE_DIR");
  ASSERT_EQ(code, 0) << err;
  EXPECT_EQ(json::parse(out), devices);
}

TEST_F(ApiTest, TheApiIsServedOnlyOnTheAdminListenerAndOnlyOverTls) {
  // The public listener has no REST API, with a token or without.
  client::HttpRequest r;
  r.target = "/api/v1/devices";
  r.headers.emplace_back("Authorization", "Bearer " + admin_);
  auto pub = http_->Send({"127.0.0.1", server_->port(), "/"}, r);
  ASSERT_TRUE(pub) << pub.error().message;
  EXPECT_EQ(pub->status, 404);
  // Nor does the admin listener serve SCEP.
  auto caps =
      http_->Get({"127.0.0.1", server_->admin_port(), "/scep", true}, "/scep?operation=GetCACaps");
  ASSERT_TRUE(caps) << caps.error().message;
  EXPECT_EQ(caps->status, 404);
  // Plain HTTP to the admin listener gets no answer: the handshake fails.
  auto plain = client::MakeHttpClient(5)->Send({"127.0.0.1", server_->admin_port(), "/"}, r);
  EXPECT_TRUE(!plain || plain->status == 0) << plain->status;
  // A client that does not trust scepgate's root refuses the certificate.
  auto untrusted =
      client::MakeTlsHttpClient(5)->Send({"127.0.0.1", server_->admin_port(), "/", true}, r);
  ASSERT_FALSE(untrusted);
  EXPECT_NE(untrusted.error().message.find("certificate"), std::string::npos)
      << untrusted.error().message;
  // TLS 1.1 is refused; the admin listener goes on serving.
  std::string out, err;
  RunCommand({"openssl", "s_client", "-connect",
              "127.0.0.1:" + std::to_string(server_->admin_port()), "-tls1_1"},
             &out, &err);
  EXPECT_NE((out + err).find("alert protocol version"), std::string::npos) << out << err;
  EXPECT_EQ(Call("GET", "/devices", auditor_).status, 200);
}

TEST_F(ApiTest, NamesAreCheckedAndA2MbDeviceNameIsRefusedWhileTheServerKeepsAnswering) {
  // 2 MB is over the body limit (server.max_body): 413 before the name is looked at.
  Expect(413, "POST", "/devices", operator_,
         {{"name", std::string(2'000'000, 'x')}, {"platform", "linux"}});
  // Within the body limit, the name's own cap refuses it.
  json refused = Expect(400, "POST", "/devices", operator_,
                        {{"name", std::string(500'000, 'x')}, {"platform", "linux"}});
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("longer than 256 bytes"),
            std::string::npos);
  EXPECT_EQ(Expect(200, "GET", "/devices", auditor_).size(), 0u);
  // Bidi overrides, NUL and look-alikes are refused; NFD is stored as NFC.
  Expect(400, "POST", "/devices", operator_,
         {{"name", "invoice\u202egpj.exe"}, {"platform", "linux"}});
  Expect(400, "POST", "/groups", operator_, {{"name", std::string("a\0b", 3)}});
  Expect(400, "POST", "/users", operator_, {{"upn", "p\xd0\xb0ypal@example.com"}});
  json device = Expect(201, "POST", "/devices", operator_,
                       {{"name", "Mu\xcc\x88ller"}, {"platform", "linux"}});
  EXPECT_EQ(device["name"], "M\xc3\xbcller");
  Expect(201, "POST", "/groups", operator_,
         {{"name",
           "Stra\xc3\x9f"
           "e"}});
  Expect(409, "POST", "/groups", operator_, {{"name", "STRASSE"}});
  auto health = http_->Get({"127.0.0.1", server_->port(), "/healthz"}, "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(ApiTest, TheOpenApiDocumentParsesAndListsTheRoutes) {
  Reply doc = Call("GET", "/openapi.json", "");
  ASSERT_EQ(doc.status, 200);
  ASSERT_FALSE(doc.body.is_discarded());
  EXPECT_EQ(doc.body["openapi"], "3.0.3");
  const json& paths = doc.body["paths"];
  for (const char* path :
       {"/api/v1/devices", "/api/v1/devices/{id}", "/api/v1/users", "/api/v1/groups/{name}/members",
        "/api/v1/profiles/{name}", "/api/v1/profiles/{name}/assignments", "/api/v1/challenges",
        "/api/v1/certificates/{serial}/revoke", "/api/v1/requests", "/api/v1/events",
        "/api/v1/profiles/{name}/report", "/api/v1/audit", "/api/v1/tokens"})
    EXPECT_TRUE(paths.contains(path)) << path;
  EXPECT_TRUE(paths["/api/v1/profiles/{name}"].contains("patch"));
  EXPECT_TRUE(doc.body["components"]["schemas"].contains("Device"));
}

TEST_F(ApiTest, TheAuditLogShowsChangesFromBothDoorsWithWho) {
  Expect(201, "POST", "/groups", operator_, {{"name", "from-api"}});
  Ok({"group", "add", "from-cli"});
  Expect(404, "POST", "/users/ghost@example.com/disable", operator_);
  Call("GET", "/groups", auditor_);  // reads are not audited

  json entries = Json({"audit", "list"});
  json api_entries = Expect(200, "GET", "/audit", auditor_);
  EXPECT_EQ(entries, api_entries);
  // Newest first: the failed disable, the CLI's group, the API's group, then the three
  // `token create` of SetUp.
  ASSERT_EQ(entries.size(), 6u) << entries.dump(2);
  EXPECT_EQ(entries[0]["action"], "user.disable");
  EXPECT_EQ(entries[0]["outcome"], "notFound");
  EXPECT_TRUE(entries[0]["actor"].get<std::string>().ends_with("(it-operator)"));
  EXPECT_EQ(entries[1]["action"], "group.add");
  EXPECT_EQ(entries[1]["target"], "from-cli");
  EXPECT_TRUE(entries[1]["actor"].get<std::string>().starts_with("cli:")) << entries[1];
  EXPECT_EQ(entries[2]["target"], "from-api");
  EXPECT_TRUE(entries[2]["actor"].get<std::string>().starts_with("token:"));
  EXPECT_EQ(entries[2]["args"], json({{"name", "from-api"}}));
  EXPECT_EQ(entries[2]["outcome"], "ok");
  EXPECT_EQ(entries[2]["time"].get<std::string>().size(), 20u);
  EXPECT_EQ(entries[5]["action"], "token.create");
  EXPECT_EQ(entries[5]["args"]["role"], "admin");
  EXPECT_EQ(entries.dump().find(admin_), std::string::npos);
  EXPECT_EQ(Json({"audit", "list", "--limit", "1"}).size(), 1u);
  EXPECT_NE(Ok({"audit", "list"}).find("group.add"), std::string::npos);
}

TEST_F(ApiTest, AChallengeFromTheApiEnrollsAndAHeldRequestIsApprovedThroughIt) {
  constexpr char kSubject[] = "/O=Example/CN=dev-1";
  Ok({"group", "add", "wifi"});
  std::string id = AddDevice({"--name", "dev-1", "--platform", "windows"});
  Ok({"group", "add-member", "wifi", "--device", id});
  Ok({"profile", "create", "wifi", "--type", "device", "--subject", "CN={{DeviceName}},O=Example",
      "--url", server_->Url(), "--require-approval"});
  Ok({"assign", "wifi", "--group", "wifi"});
  json issued =
      Expect(201, "POST", "/challenges", operator_, {{"device", id}, {"profile", "wifi"}});

  GatewayClient gw(server_->Url());
  Identity identity = NewIdentity();
  EnrollOptions o;
  o.csr.subject = kSubject;
  o.csr.challenge = issued["challenge"];
  auto held = gw.Enroll(identity, o);
  ASSERT_TRUE(held) << held.error().message;
  EXPECT_EQ(held->status, codec::PkiStatus::kPending) << held->fail_info_text;

  json pending = Expect(200, "GET", "/requests?state=pending&device=" + id, auditor_);
  ASSERT_EQ(pending.size(), 1u) << pending.dump();
  EXPECT_EQ(pending, Json({"requests", "list", "--state", "pending", "--device", id}));
  std::string path = "/requests/" + std::to_string(pending[0]["id"].get<int64_t>());
  EXPECT_EQ(Call("POST", path + "/approve", operator_).status, 403);
  EXPECT_EQ(Expect(200, "POST", path + "/approve", admin_)["decision"], "approved");
  EXPECT_EQ(Expect(409, "POST", path + "/approve", admin_)["error"]["code"], "failedPrecondition");
  Expect(400, "POST", "/requests/abc/approve", admin_);

  // The device's CertPoll now collects its certificate.
  auto subject = client::ParseSubject(kSubject);
  auto ias = codec::EncodeIssuerAndSubject(*X509_get_subject_name(gw.ca().issuing), **subject);
  client::MessageOptions poll{codec::MessageType::kCertPoll,
                              *client::TransactionIdFor(*identity.key), NID_aes_256_cbc,
                              NID_sha256};
  auto rep = gw.Send(identity, *ias, poll);
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->status, codec::PkiStatus::kSuccess) << rep->fail_info_text;
  json certs = Expect(200, "GET", "/certificates?status=valid", auditor_);
  ASSERT_EQ(certs.size(), 1u);
  EXPECT_EQ(certs[0]["device_id"], id);
  EXPECT_EQ(Expect(200, "GET", "/profiles/wifi/report", auditor_)[0]["status"], "Succeeded");

  // Revoked through the API, as `cert revoke` would.
  std::string serial = certs[0]["serial"];
  json revoked = Expect(200, "POST", "/certificates/" + serial + "/revoke", operator_,
                        {{"reason", "keyCompromise"}});
  EXPECT_EQ(revoked["status"], "revoked");
  EXPECT_EQ(revoked["revocation_reason"], "keyCompromise");
  EXPECT_EQ(Json({"cert", "show", serial}), revoked);
  EXPECT_EQ(Expect(409, "POST", "/certificates/" + serial + "/revoke", operator_)["error"]["code"],
            "alreadyExists");
  json audit = Expect(200, "GET", "/audit", auditor_);
  EXPECT_EQ(audit[1]["action"], "certificate.revoke");
  EXPECT_EQ(audit[1]["target"], serial);
  EXPECT_EQ(audit[0]["outcome"], "alreadyExists");
}

}  // namespace
}  // namespace scepgate::testing
