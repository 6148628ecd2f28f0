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
  auto all = log.List(0);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].actor, "cli:root");
  EXPECT_EQ((*all)[0].outcome, "notFound");
  EXPECT_EQ((*all)[0].detail, "no user with UPN a@b");
  EXPECT_EQ((*all)[0].args, "{}");
  EXPECT_EQ((*all)[1].actor, "token:abc (ci)");
  EXPECT_EQ((*all)[1].outcome, "ok");
  EXPECT_EQ((*all)[1].at, 42);
  EXPECT_EQ(log.List(1)->size(), 1u);
  EXPECT_FALSE(log.List(-1));
}

}  // namespace
}  // namespace scepgate::mgmt
