// The REST API handler over a MemoryStore: authentication, the role matrix, errors and their
// statuses, bodies of the wrong shape, and the audit entry of each change.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ca/hierarchy.h"
#include "ca/key_spec.h"
#include "common/clock.h"
#include "common/random.h"
#include "http/api_handler.h"
#include "mgmt/tokens.h"
#include "store/memory_store.h"

namespace scepgate::http {
namespace {

using nlohmann::json;

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* role : {"admin", "operator", "auditor"}) {
      auto made = mgmt::Tokens(store_, clock_, random_).Create(role, std::string(role) + "-bot");
      ASSERT_TRUE(made) << made.error().message;
      tokens_[role] = made->token;
      ids_[role] = made->record.id;
    }
  }

  Response Call(const std::string& method, const std::string& target, const std::string& role,
                const std::string& body = "") {
    Request r;
    r.method = method;
    r.target = target;
    std::tie(r.path, r.query) = SplitTarget(target);
    r.body = body;
    r.remote_addr = "127.0.0.1";
    if (!role.empty()) r.headers.emplace_back("authorization", "Bearer " + tokens_[role]);
    return api_.Handle(r);
  }
  static json Body(const Response& r) { return json::parse(r.body, nullptr, false); }
  static std::string Code(const Response& r) {
    json j = Body(r);
    return j.contains("error") ? j["error"]["code"].get<std::string>() : "";
  }

  store::MemoryStore store_;
  FakeClock clock_{1700000000};
  SystemRandom random_;
  ApiHandler api_{ApiDeps{store_, clock_, random_, nullptr, false, {}, 3600, ""}};
  std::map<std::string, std::string> tokens_;
  std::map<std::string, std::string> ids_;
};

// A request without a token, carrying a verified client certificate CN=`cn` (self-signed here:
// the listener's TLS verifies the chain, the handler only maps the subject).
struct CertCaller {
  std::string der;
  std::string serial;
  std::string sha256;
};
CertCaller MakeCertCaller(const std::string& cn) {
  SystemRandom random;
  EvpPkeyPtr key = *ca::GenerateKey(*ca::ParseKeySpec("ec:p256"));
  X509Ptr cert = *ca::MakeRootCa(*key, cn, 30, 1700000000, random);
  Bytes der = *CertToDer(*cert);
  return {std::string(der.begin(), der.end()), SerialHex(*X509_get0_serialNumber(cert.get())),
          HexEncode(*Digest("SHA256", der))};
}

TEST(ClientCertificates, ActWithTheirRoleUnlessUnmappedOrRevoked) {
  store::MemoryStore store;
  FakeClock clock{1700000000};
  SystemRandom random;
  ApiDeps deps{store, clock, random, nullptr, false, {}, 3600, ""};
  deps.client_roles = {{mgmt::Role::kOperator, "CN=alice"}, {mgmt::Role::kAuditor, "CN=mon"}};
  ApiHandler api(deps);
  auto call = [&](const CertCaller& who, const std::string& method, const std::string& body) {
    Request r;
    r.method = method;
    r.target = r.path = "/api/v1/devices";
    r.body = body;
    r.client_cert = who.der;
    return api.Handle(r);
  };
  CertCaller alice = MakeCertCaller("alice"), mon = MakeCertCaller("mon"),
             bob = MakeCertCaller("bob");
  const std::string device = R"({"name":"LAPTOP-9","platform":"windows"})";
  EXPECT_EQ(call(alice, "POST", device).status, 201);
  EXPECT_EQ(call(mon, "GET", "").status, 200);
  EXPECT_EQ(call(mon, "POST", device).status, 403);
  Response unmapped = call(bob, "GET", "");
  EXPECT_EQ(unmapped.status, 401);
  EXPECT_NE(unmapped.body.find("has no role"), std::string::npos) << unmapped.body;
  auto audit = store.ListAudit({});
  ASSERT_TRUE(audit && !audit->empty());
  EXPECT_EQ(audit->front().actor, "cert:" + alice.sha256.substr(0, 12) + " (CN=alice)");
  // Once scepgate has revoked it, the certificate speaks for no one.
  store::CertificateRecord rec;
  rec.serial = alice.serial;
  rec.sha256 = alice.sha256;
  rec.subject = "CN=alice";
  ASSERT_TRUE(store.InsertCertificate(rec));
  EXPECT_EQ(call(alice, "GET", "").status, 200);
  ASSERT_TRUE(store.Revoke(alice.serial, 1, 1700000001));
  Response revoked = call(alice, "GET", "");
  EXPECT_EQ(revoked.status, 401);
  EXPECT_NE(revoked.body.find("revoked"), std::string::npos) << revoked.body;
  // Without client roles, a certificate alone is no credential.
  ApiHandler plain(ApiDeps{store, clock, random, nullptr, false, {}, 3600, ""});
  Request r;
  r.method = "GET";
  r.target = r.path = "/api/v1/devices";
  r.client_cert = mon.der;
  EXPECT_EQ(plain.Handle(r).status, 401);
}

TEST(ClientRoles, ParseRoleColonSubjectAndRefuseTheRest) {
  auto roles = ParseClientRoles({"admin:CN=alice,O=Example", "auditor:CN=a:b"});
  ASSERT_TRUE(roles) << roles.error().message;
  ASSERT_EQ(roles->size(), 2u);
  EXPECT_EQ((*roles)[0], (std::pair{mgmt::Role::kAdmin, std::string("CN=alice,O=Example")}));
  EXPECT_EQ((*roles)[1], (std::pair{mgmt::Role::kAuditor, std::string("CN=a:b")}));
  for (const char* bad : {"admin", "admin:", "root:CN=x", ":CN=x", ""}) {
    auto r = ParseClientRoles({bad});
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST_F(ApiTest, NoTokenUnknownTokenAndRevokedTokenGet401WithAChallenge) {
  Response none = Call("GET", "/api/v1/devices", "");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(Code(none), "unauthenticated");
  ASSERT_EQ(none.headers.size(), 1u);
  EXPECT_EQ(none.headers[0].first, "WWW-Authenticate");
  EXPECT_TRUE(none.headers[0].second.starts_with("Bearer"));

  tokens_["forged"] = tokens_["admin"] + "x";
  Response forged = Call("GET", "/api/v1/devices", "forged");
  EXPECT_EQ(forged.status, 401);
  EXPECT_NE(forged.headers[0].second.find("invalid_token"), std::string::npos);
  EXPECT_EQ(forged.body.find(tokens_["forged"]), std::string::npos);

  // Unknown paths answer 401 too: nothing is told before the caller is known.
  EXPECT_EQ(Call("GET", "/api/v1/secret-route", "").status, 401);
  // Another scheme is no bearer token.
  Request basic;
  basic.method = "GET";
  basic.path = "/api/v1/devices";
  basic.headers.emplace_back("authorization", "Basic " + tokens_["admin"]);
  EXPECT_EQ(api_.Handle(basic).status, 401);

  ASSERT_TRUE(mgmt::Tokens(store_, clock_, random_).Revoke(ids_["operator"]));
  EXPECT_EQ(Call("GET", "/api/v1/devices", "operator").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/devices", "admin").status, 200);
}

TEST_F(ApiTest, AnExpiredTokenIsRefusedExactlyAsARevokedOne) {
  Response created =
      Call("POST", "/api/v1/tokens", "admin", R"({"role":"auditor","expires_in":"1h"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Body(created)["expires_at"], "2023-11-14T23:13:20Z");  // 1700000000 + 3600
  EXPECT_EQ(Body(created)["expired"], false);
  tokens_["short"] = Body(created)["token"];
  const std::string short_id = Body(created)["id"];
  EXPECT_EQ(Call("GET", "/api/v1/devices", "short").status, 200);

  ASSERT_TRUE(mgmt::Tokens(store_, clock_, random_).Revoke(ids_["operator"]));
  Response revoked = Call("GET", "/api/v1/devices", "operator");
  clock_.Advance(3599);
  EXPECT_EQ(Call("GET", "/api/v1/devices", "short").status, 200);
  clock_.Advance(1);
  Response expired = Call("GET", "/api/v1/devices", "short");
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.body, revoked.body);
  EXPECT_EQ(expired.headers, revoked.headers);
  // Refused before any body is read, as a revoked token is.
  Request head;
  head.method = "POST";
  head.path = "/api/v1/devices";
  head.headers.emplace_back("authorization", "Bearer " + tokens_["short"]);
  Admission admitted = api_.Admit(head, 0);
  ASSERT_TRUE(admitted.refusal);
  EXPECT_EQ(admitted.refusal->status, 401);

  bool listed = false;
  for (const json& t : Body(Call("GET", "/api/v1/tokens", "admin"))) {
    if (t["id"] != short_id) {
      EXPECT_FALSE(t.contains("expires_at"));
      EXPECT_EQ(t["expired"], false);
      continue;
    }
    listed = true;
    EXPECT_EQ(t["expires_at"], "2023-11-14T23:13:20Z");
    EXPECT_EQ(t["expired"], true);
    EXPECT_EQ(t["revoked"], false);
  }
  EXPECT_TRUE(listed);
}

TEST_F(ApiTest, TokenExpiriesAreCheckedAndTheDefaultApplies) {
  for (const char* body :
       {R"({"role":"auditor","expires_in":"0s"})", R"({"role":"auditor","expires_in":"soon"})",
        R"({"role":"auditor","expires_in":"36501d"})", R"({"role":"auditor","expires_in":3600})"}) {
    Response r = Call("POST", "/api/v1/tokens", "admin", body);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    EXPECT_EQ(Code(r), "invalidArgument") << body;
  }
  ApiDeps deps{store_, clock_, random_, nullptr, false, {}, 3600, ""};
  deps.token_default_expiry_days = 30;
  ApiHandler thirty(deps);
  Request r;
  r.method = "POST";
  r.path = "/api/v1/tokens";
  r.body = R"({"role":"auditor"})";
  r.headers.emplace_back("authorization", "Bearer " + tokens_["admin"]);
  Response defaulted = thirty.Handle(r);
  ASSERT_EQ(defaulted.status, 201) << defaulted.body;
  EXPECT_EQ(Body(defaulted)["expires_at"], "2023-12-14T22:13:20Z");  // 30 days on
  r.body = R"({"role":"auditor","expires_in":"12h"})";
  EXPECT_EQ(Body(thirty.Handle(r))["expires_at"], "2023-11-15T10:13:20Z");
}

TEST_F(ApiTest, TheRoleMatrix) {
  struct Case {
    const char* method;
    const char* target;
    const char* body;
    const char* least;  // the least role allowed
  };
  const Case cases[] = {
      {"GET", "/api/v1/devices", "", "auditor"},
      {"GET", "/api/v1/audit", "", "auditor"},
      {"POST", "/api/v1/devices", R"({"name":"d","platform":"linux"})", "operator"},
      {"POST", "/api/v1/users", R"({"upn":"u@example.com"})", "operator"},
      {"POST", "/api/v1/groups", R"({"name":"g"})", "operator"},
      {"POST", "/api/v1/certificates/0a/revoke", "{}", "operator"},
      {"POST", "/api/v1/challenges", R"({"device":"x","profile":"p"})", "operator"},
      {"POST", "/api/v1/profiles", R"({"name":"p"})", "admin"},
      {"PATCH", "/api/v1/profiles/p", "{}", "admin"},
      {"DELETE", "/api/v1/profiles/p", "", "admin"},
      {"POST", "/api/v1/profiles/p/assignments", R"({"group":"g"})", "admin"},
      {"GET", "/api/v1/tokens", "", "admin"},
      {"POST", "/api/v1/requests/1/approve", "", "admin"},
      {"POST", "/api/v1/requests/1/reject", R"({"reason":"no"})", "admin"},
      {"POST", "/api/v1/tokens", R"({"role":"auditor"})", "admin"},
  };
  const std::vector<std::string> order = {"auditor", "operator", "admin"};
  for (const Case& c : cases) {
    bool allowed = false;
    for (const std::string& role : order) {
      allowed = allowed || role == c.least;
      Response r = Call(c.method, c.target, role, c.body);
      if (allowed) {
        EXPECT_NE(r.status, 403) << role << " " << c.method << " " << c.target << ": " << r.body;
      } else {
        EXPECT_EQ(r.status, 403) << role << " " << c.method << " " << c.target << ": " << r.body;
        EXPECT_EQ(Code(r), "forbidden");
      }
    }
  }
}

TEST_F(ApiTest, ErrorsMapToStatusesWithACodeAndAMessage) {
  Response missing = Call("GET", "/api/v1/devices/nope", "auditor");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.content_type, "application/json");
  EXPECT_EQ(Code(missing), "notFound");
  EXPECT_EQ(Body(missing)["error"]["message"], "no device with id nope");

  EXPECT_EQ(Call("POST", "/api/v1/groups", "operator", R"({"name":"g"})").status, 201);
  Response twice = Call("POST", "/api/v1/groups", "operator", R"({"name":"G"})");
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(Code(twice), "alreadyExists");

  Response bad = Call("POST", "/api/v1/devices", "operator", R"({"name":"d","platform":"beos"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Code(bad), "invalidArgument");

  Response method = Call("PUT", "/api/v1/devices", "auditor");
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(method.headers.at(0).first, "Allow");
  EXPECT_EQ(Call("GET", "/api/v1/no-such-thing", "auditor").status, 404);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kPolicyDenied), 422);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kDatabase), 500);
}

TEST_F(ApiTest, BodiesOfTheWrongShapeAre400sThatNameTheProblem) {
  struct Case {
    const char* body;
    const char* says;
  };
  const Case cases[] = {
      {"{not json", "not valid JSON"},
      {"[1,2]", "must be a JSON object"},
      {"\xff\xfe", "not valid JSON"},
      {R"({"name": 5, "platform": "linux"})", "field 'name' must be a string"},
      {R"({"name": "d", "platform": "linux", "colour": "red"})", "unknown field 'colour'"},
  };
  for (const Case& c : cases) {
    Response r = Call("POST", "/api/v1/devices", "operator", c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    std::string message = Body(r)["error"]["message"];
    EXPECT_NE(message.find(c.says), std::string::npos) << message;
  }
  Response r = Call("POST", "/api/v1/profiles", "admin",
                    R"({"name":"p","type":"device","validity_days":"ten"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("validity_days"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/devices?all=true", "auditor").status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/certificates?limit=-1", "auditor").status, 400);
}

TEST_F(ApiTest, ChangesAreAuditedWithTheTokenAndReadsAreNot) {
  Response added = Call("POST", "/api/v1/devices", "operator",
                        R"({"name":"laptop","platform":"Windows","serial_number":"SN1"})");
  ASSERT_EQ(added.status, 201) << added.body;
  json device = Body(added);
  EXPECT_EQ(device["platform"], "windows");
  Response failed = Call("POST", "/api/v1/users/ghost@example.com/disable", "operator");
  EXPECT_EQ(failed.status, 404);
  Call("GET", "/api/v1/devices", "auditor");
  Response created = Call("POST", "/api/v1/tokens", "admin", R"({"role":"auditor","name":"ro"})");
  ASSERT_EQ(created.status, 201);
  std::string secret = Body(created)["token"];

  auto entries = store_.ListAudit({});
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 3u);
  const auto& token = (*entries)[0];
  EXPECT_EQ(token.action, "token.create");
  EXPECT_EQ(token.actor, "token:" + ids_["admin"] + " (admin-bot)");
  EXPECT_EQ(token.target, Body(created)["id"]);
  EXPECT_EQ(token.args.find(secret), std::string::npos);
  const auto& disable = (*entries)[1];
  EXPECT_EQ(disable.action, "user.disable");
  EXPECT_EQ(disable.target, "ghost@example.com");
  EXPECT_EQ(disable.outcome, "notFound");
  const auto& add = (*entries)[2];
  EXPECT_EQ(add.action, "device.add");
  EXPECT_EQ(add.actor, "token:" + ids_["operator"] + " (operator-bot)");
  EXPECT_EQ(add.target, device["id"]);
  EXPECT_EQ(json::parse(add.args)["serial_number"], "SN1");
  EXPECT_EQ(add.outcome, "ok");
  EXPECT_EQ(add.at, 1700000000);

  // The new token works, and the audit log reads back through the API.
  tokens_["new"] = secret;
  Response audit = Call("GET", "/api/v1/audit?limit=2", "new");
  ASSERT_EQ(audit.status, 200);
  EXPECT_EQ(Body(audit).size(), 2u);
  EXPECT_EQ(Body(audit)[0]["action"], "token.create");
}

TEST_F(ApiTest, TheOpenApiDocumentNeedsNoToken) {
  Response doc = Call("GET", "/api/v1/openapi.json", "");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(Body(doc)["openapi"], "3.0.3");
}

}  // namespace
}  // namespace scepgate::http
