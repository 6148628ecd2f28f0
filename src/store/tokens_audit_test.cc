// Behavioural tests of REST API tokens and the audit log, run against every Store.
#include <gtest/gtest.h>

#include "store/store_test_fixture.h"

namespace scepgate::store {
namespace {

template <class Backend>
class TokensAuditStoreTest : public StoreTest<Backend> {};
TYPED_TEST_SUITE(TokensAuditStoreTest, Backends, BackendNames);

TokenRecord MakeToken(const std::string& id, int64_t created_at,
                      const std::string& role = "admin") {
  TokenRecord t;
  t.id = id;
  t.name = "name of " + id;
  t.role = role;
  t.hash = "hash-" + id;
  t.created_at = created_at;
  return t;
}

AuditRecord MakeAudit(const std::string& action, int64_t at) {
  AuditRecord a;
  a.at = at;
  a.actor = "cli:alice";
  a.action = action;
  a.target = "target of " + action;
  a.args = R"({"name":"x"})";
  a.outcome = "ok";
  return a;
}

TYPED_TEST(TokensAuditStoreTest, TokensAreFoundByHashAndListedOldestFirst) {
  Store& s = this->store();
  ASSERT_TRUE(s.InsertToken(MakeToken("b2", 20, "auditor")));
  ASSERT_TRUE(s.InsertToken(MakeToken("a1", 10, "operator")));
  auto found = s.FindTokenByHash("hash-b2");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, "b2");
  EXPECT_EQ((*found)->name, "name of b2");
  EXPECT_EQ((*found)->role, "auditor");
  EXPECT_EQ((*found)->created_at, 20);
  EXPECT_FALSE((*found)->revoked);
  EXPECT_FALSE(*s.FindTokenByHash("hash-unknown"));
  EXPECT_FALSE(*s.FindTokenByHash("b2"));  // by hash only, never by id

  auto all = s.ListTokens();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "a1");
  EXPECT_EQ((*all)[1].id, "b2");
}

TYPED_TEST(TokensAuditStoreTest, AnExpiryIsKeptAndNoneIsZero) {
  Store& s = this->store();
  TokenRecord expiring = MakeToken("e1", 10);
  expiring.expires_at = 7776010;
  ASSERT_TRUE(s.InsertToken(expiring));
  ASSERT_TRUE(s.InsertToken(MakeToken("n2", 20)));
  auto found = s.FindTokenByHash("hash-e1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->expires_at, 7776010);
  auto all = s.ListTokens();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].expires_at, 7776010);
  EXPECT_EQ((*all)[1].expires_at, 0);
  ASSERT_TRUE(s.RevokeToken("e1", 30));
  EXPECT_EQ((**s.FindTokenByHash("hash-e1")).expires_at, 7776010);
}

TYPED_TEST(TokensAuditStoreTest, ATakenIdOrHashIsRefused) {
  Store& s = this->store();
  ASSERT_TRUE(s.InsertToken(MakeToken("a1", 10)));
  ExpectCode(s.InsertToken(MakeToken("a1", 11)), ErrorCode::kAlreadyExists);
  TokenRecord same_hash = MakeToken("c3", 12);
  same_hash.hash = "hash-a1";
  ExpectCode(s.InsertToken(same_hash), ErrorCode::kAlreadyExists);
  EXPECT_EQ(s.ListTokens()->size(), 1u);
}

TYPED_TEST(TokensAuditStoreTest, ATokenIsRevokedOnceAndStillFound) {
  Store& s = this->store();
  ASSERT_TRUE(s.InsertToken(MakeToken("a1", 10)));
  ASSERT_TRUE(s.RevokeToken("a1", 30));
  auto found = s.FindTokenByHash("hash-a1");
  ASSERT_TRUE(found && *found);
  EXPECT_TRUE((*found)->revoked);
  EXPECT_EQ((*found)->revoked_at, 30);
  ExpectCode(s.RevokeToken("a1", 31), ErrorCode::kAlreadyExists);
  ExpectCode(s.RevokeToken("zz", 31), ErrorCode::kNotFound);
  EXPECT_EQ(s.ListTokens()->front().revoked_at, 30);
}

TYPED_TEST(TokensAuditStoreTest, TheAuditLogKeepsEveryFieldNewestFirst) {
  Store& s = this->store();
  auto first = s.AppendAudit(MakeAudit("device.add", 10));
  ASSERT_TRUE(first) << first.error().message;
  AuditRecord failed = MakeAudit("user.disable", 11);
  failed.actor = "token:a1 (ci)";
  failed.outcome = "notFound";
  failed.detail = "no user with UPN ghost@example.com";
  auto second = s.AppendAudit(failed);
  ASSERT_TRUE(second);
  EXPECT_GT(*second, *first);

  auto all = s.ListAudit({});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  const AuditRecord& newest = (*all)[0];
  EXPECT_EQ(newest.id, *second);
  EXPECT_EQ(newest.at, 11);
  EXPECT_EQ(newest.actor, "token:a1 (ci)");
  EXPECT_EQ(newest.action, "user.disable");
  EXPECT_EQ(newest.target, "target of user.disable");
  EXPECT_EQ(newest.args, R"({"name":"x"})");
  EXPECT_EQ(newest.outcome, "notFound");
  EXPECT_EQ(newest.detail, "no user with UPN ghost@example.com");
  EXPECT_EQ((*all)[1].action, "device.add");
  EXPECT_EQ((*all)[1].detail, "");

  AuditFilter one;
  one.limit = 1;
  auto limited = s.ListAudit(one);
  ASSERT_EQ(limited->size(), 1u);
  EXPECT_EQ(limited->front().action, "user.disable");
}

}  // namespace
}  // namespace scepgate::store
