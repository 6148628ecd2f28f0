// Tokens and the audit log over a MemoryStore: minted once, stored as a hash, revoked, audited.
#include <gtest/gtest.h>

#include "mgmt/audit.h"
#include "mgmt/tokens.h"
#include "store/memory_store.h"

namespace scepgate::mgmt {
namespace {

class TokensTest : public ::testing::Test {
 protected:
  store::MemoryStore store_;
  FakeClock clock_{1000};
  SystemRandom random_;
  Tokens tokens_{store_, clock_, random_};
};

TEST_F(TokensTest, ATokenIsPrintableLongAndStoredAsItsHashOnly) {
  auto made = tokens_.Create("operator", "ci bot");
  ASSERT_TRUE(made) << made.error().message;
  const std::string& token = made->token;
  EXPECT_TRUE(token.starts_with("sgt_"));
  EXPECT_EQ(token.size(), 4u + 43u);  // 256 bits, URL-safe base64
  for (char c : token)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-');
  EXPECT_EQ(made->record.role, "operator");
  EXPECT_EQ(made->record.name, "ci bot");
  EXPECT_EQ(made->record.id.size(), 12u);
  EXPECT_EQ(made->record.created_at, 1000);
  EXPECT_EQ(made->record.hash, TokenHash(token));
  EXPECT_EQ(made->record.hash.size(), 64u);
  auto listed = tokens_.List();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_NE(listed->front().hash, token);
  EXPECT_EQ(listed->front().hash.find(token.substr(4)), std::string::npos);

  auto who = tokens_.Authenticate(token);
  ASSERT_TRUE(who) << who.error().message;
  EXPECT_EQ(who->id, made->record.id);
  EXPECT_NE(tokens_.Create("operator", "").value().token, token);
}

TEST_F(TokensTest, UnknownAndRevokedTokensAreRefusedWithoutRepeatingThem) {
  auto made = tokens_.Create("admin", "");
  ASSERT_TRUE(made);
  auto unknown = tokens_.Authenticate(made->token + "x");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message.find(made->token), std::string::npos);
  ASSERT_TRUE(tokens_.Revoke(made->record.id));
  auto revoked = tokens_.Authenticate(made->token);
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(tokens_.Revoke(made->record.id).error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(tokens_.Revoke("nope").error().code, ErrorCode::kNotFound);
}

TEST_F(TokensTest, ATokenWorksUntilItExpiresThenIsRefusedAsARevokedOneIs) {
  auto made = tokens_.Create("operator", "ci", "90s");
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made->record.expires_at, 1090);
  EXPECT_FALSE(TokenExpired(made->record, 1089));
  EXPECT_TRUE(TokenExpired(made->record, 1090));
  EXPECT_TRUE(tokens_.Authenticate(made->token));
  clock_.Set(1089);
  EXPECT_TRUE(tokens_.Authenticate(made->token));
  clock_.Set(1090);
  auto expired = tokens_.Authenticate(made->token);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos);
  EXPECT_EQ(expired.error().message.find(made->token), std::string::npos);
  // Still listed, with its expiry.
  EXPECT_EQ(tokens_.List()->front().expires_at, 1090);
  EXPECT_EQ(tokens_.Create("auditor", "", "90d")->record.expires_at, 1090 + 90 * 86400);
}

TEST_F(TokensTest, WithoutAnExpiryTheDefaultAppliesAndZeroMeansNever) {
  auto never = tokens_.Create("admin", "");
  ASSERT_TRUE(never);
  EXPECT_EQ(never->record.expires_at, 0);
  clock_.Advance(100LL * 365 * 86400);
  EXPECT_TRUE(tokens_.Authenticate(never->token));

  Tokens ninety(store_, clock_, random_, /*default_expiry_days=*/90);
  auto defaulted = ninety.Create("admin", "");
  ASSERT_TRUE(defaulted);
  EXPECT_EQ(defaulted->record.expires_at, clock_.Now() + 90 * 86400);
  auto given = ninety.Create("admin", "", "12h");
  EXPECT_EQ(given->record.expires_at, clock_.Now() + 12 * 3600);
  clock_.Advance(90 * 86400);
  EXPECT_FALSE(ninety.Authenticate(defaulted->token));
  EXPECT_TRUE(tokens_.Authenticate(never->token));
}

TEST_F(TokensTest, BadExpiriesAreRefusedAndNothingIsStored) {
  for (const char* bad :
       {"0", "0s", "90", "-1d", "1w", "soon", "36501d", "99999999999999999999s"}) {
    auto made = tokens_.Create("admin", "", bad);
    ASSERT_FALSE(made) << bad;
    EXPECT_EQ(made.error().code, ErrorCode::kInvalidArgument) << bad;
    EXPECT_TRUE(made.error().message.starts_with("token expiry: ")) << made.error().message;
  }
  EXPECT_TRUE(tokens_.List()->empty());
}

TEST_F(TokensTest, BadRolesAndNamesAreRefused) {
  EXPECT_EQ(tokens_.Create("root", "").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(tokens_.Create("Admin", "").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(tokens_.Create("admin", "a\nb").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(tokens_.Create("admin", std::string(101, 'x')).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_TRUE(tokens_.List()->empty());
}

TEST(RoleTest, EachRoleMayDoWhatTheOneBeforeMay) {
  EXPECT_TRUE(RoleAllows(Role::kAdmin, Role::kOperator));
  EXPECT_TRUE(RoleAllows(Role::kOperator, Role::kAuditor));
  EXPECT_TRUE(RoleAllows(Role::kAuditor, Role::kAuditor));
  EXPECT_FALSE(RoleAllows(Role::kAuditor, Role::kOperator));
  EXPECT_FALSE(RoleAllows(Role::kOperator, Role::kAdmin));
  for (Role r : {Role::kAuditor, Role::kOperator, Role::kAdmin})
    EXPECT_EQ(*ParseRole(RoleName(r)), r);
}

TEST(AuditLogTest, RecordsTheOutcomeOfEachChange) {
  store::MemoryStore store;
  FakeClock clock(42);
  AuditLog log(store, clock);
  store::TokenRecord token;
  token.id = "abc";
  token.name = "ci";
  ASSERT_TRUE(log.Record({TokenActor(token), "device.add", "d1", R"({"name":"x"})"}, nullptr));
  Error e = Error::NotFound("no user with UPN a@b");
  ASSERT_TRUE(log.Record({"cli:root", "user.disable", "a@b", ""}, &e));
  auto page = [&](int limit, const std::string& cursor = "") {
    AuditQuery q;
    q.limit = limit;
    q.cursor = cursor;
    return log.List(q);
  };
  auto listed = page(0);
  ASSERT_TRUE(listed);
  const auto& all = listed->items;
  ASSERT_EQ(all.size(), 2u);
  EXPECT_TRUE(listed->next_cursor.empty());
  EXPECT_EQ(all[0].actor, "cli:root");
  EXPECT_EQ(all[0].outcome, "notFound");
  EXPECT_EQ(all[0].detail, "no user with UPN a@b");
  EXPECT_EQ(all[0].args, "{}");
  EXPECT_EQ(all[1].actor, "token:abc (ci)");
  EXPECT_EQ(all[1].outcome, "ok");
  EXPECT_EQ(all[1].at, 42);
  // A page of one names where the next starts; the next holds the older entry.
  auto first = page(1);
  ASSERT_EQ(first->items.size(), 1u);
  ASSERT_FALSE(first->next_cursor.empty());
  auto second = page(1, first->next_cursor);
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].actor, "token:abc (ci)");
  EXPECT_FALSE(page(-1));
  EXPECT_FALSE(page(1, "x"));
  AuditQuery bad_time;
  bad_time.after = "tomorrow";
  EXPECT_EQ(log.List(bad_time).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace scepgate::mgmt
