// The PostgreSQL store's migrations: processes opening a fresh database at once migrate it once,
// a database migrated by a newer scepgate is refused, and opening a migrated one changes nothing.
#include "store/postgres/migrations.h"

#include <gtest/gtest.h>

#include <string>

#include "store/postgres/connection.h"
#include "store/postgres/fork_race.h"
#include "store/postgres/pg_test_fixture.h"
#include "store/postgres/postgres_store.h"

namespace scepgate::store {
namespace {

using pg::CodeOf;
using pg::Connection;
using pg::CountOf;

class PgMigrationsTest : public pg::PgTest {
 protected:
  PostgresOptions Options() const {
    PostgresOptions options;
    options.dsn = dsn_;
    options.pool_size = 2;
    return options;
  }

  // "version:count" for each row of schema_version, in order.
  std::vector<std::string> VersionCounts() {
    Result<Connection> conn = Connection::Connect(dsn_);
    EXPECT_TRUE(conn) << conn.error().message;
    if (!conn) return {};
    auto rows = conn->Exec(
        "SELECT version, count(*) FROM schema_version GROUP BY version ORDER BY version");
    EXPECT_TRUE(rows) << rows.error().message;
    std::vector<std::string> out;
    for (int i = 0; rows && i < rows->Rows(); ++i) {
      out.push_back(std::to_string(rows->Int64(i, 0).value()) + ":" +
                    std::to_string(rows->Int64(i, 1).value()));
    }
    return out;
  }

  std::vector<std::string> EachVersionOnce() const {
    std::vector<std::string> want;
    for (const pg::Migration& m : pg::Migrations())
      want.push_back(std::to_string(m.version) + ":1");
    return want;
  }
};

TEST_F(PgMigrationsTest, ProcessesOpeningAFreshDatabaseAtOnceMigrateItOnce) {
  constexpr int kProcesses = 4;
  constexpr int kRounds = 5;
  for (int round = 0; round < kRounds; ++round) {
    if (round > 0) {  // a fresh database each round
      auto database = server_->CreateDatabase();
      ASSERT_TRUE(database) << database.error().message;
      dsn_ = server_->Dsn(*database);
    }
    PostgresOptions options = Options();
    auto codes = pg::ForkRace(kProcesses, [&](int i, const pg::StartSignal& start) {
      start();  // then every child opens, and so migrates, at once
      auto store = PostgresStore::Open(options);
      if (!store) return 10;
      if ((*store)->SchemaVersion() != pg::LatestSchemaVersion()) return 11;
      // The store works: a write, a counter and a read.
      std::string key = "opened-by-" + std::to_string(i);
      if (!(*store)->SetSetting(key, "yes")) return 12;
      if (!(*store)->NextCounter("opened")) return 13;
      auto value = (*store)->GetSetting(key);
      if (!value || !*value || **value != "yes") return 14;
      store->reset();
      return 0;
    });
    EXPECT_EQ(CountOf(codes, 0), kProcesses) << "round " << round;
    EXPECT_EQ(VersionCounts(), EachVersionOnce()) << "round " << round;
    auto store = PostgresStore::Open(options);
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ(*(*store)->NextCounter("opened"), kProcesses + 1);
  }
}

TEST_F(PgMigrationsTest, OpeningAMigratedDatabaseAgainChangesNothing) {
  for (int i = 0; i < 2; ++i) {
    auto store = PostgresStore::Open(Options());
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ((*store)->SchemaVersion(), pg::LatestSchemaVersion());
  }
  EXPECT_EQ(VersionCounts(), EachVersionOnce());
}

TEST_F(PgMigrationsTest, ADatabaseOfANewerScepgateIsRefused) {
  ASSERT_TRUE(PostgresStore::Open(Options()));
  const int newer = pg::LatestSchemaVersion() + 1;
  {
    PG_ASSERT_OK_AND_ASSIGN(conn, Connection::Connect(dsn_));
    PG_ASSERT_OK(conn.ExecParams("INSERT INTO schema_version (version, applied_at) VALUES ($1, 0)",
                                 {newer}));
  }
  auto refused = PostgresStore::Open(Options());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition) << refused.error().message;
  std::string want = "the database is at schema version " + std::to_string(newer) +
                     "; this scepgate knows up to " + std::to_string(pg::LatestSchemaVersion()) +
                     ": upgrade scepgate";
  EXPECT_NE(refused.error().message.find(want), std::string::npos) << refused.error().message;
}

// What the planner does with the filters of a certificate list (version 7) when it may not read
// the whole table: a page of one status walks down its own index, and a prefix (starts_with)
// becomes a range over an index (the C-collated one, which serves it in any database collation).
TEST_F(PgMigrationsTest, TheStatusAndPrefixFiltersOfTheCertificateListHaveIndexes) {
  ASSERT_TRUE(PostgresStore::Open(Options()));
  PG_ASSERT_OK_AND_ASSIGN(conn, Connection::Connect(dsn_));
  PG_ASSERT_OK(conn.Exec("SET enable_seqscan = off"));
  auto plan_of = [&](const std::string& where) {
    auto rows = conn.Exec("EXPLAIN (COSTS OFF) SELECT * FROM certificates WHERE " + where +
                          " ORDER BY created_at DESC, seq DESC LIMIT 100");
    EXPECT_TRUE(rows) << rows.error().message;
    std::string plan;
    for (int i = 0; rows && i < rows->Rows(); ++i) plan += rows->Text(i, 0).value() + "\n";
    return plan;
  };
  std::string status = plan_of("status = 'revoked'");
  EXPECT_NE(status.find("Index Scan Backward using certificates_status_created_at"),
            std::string::npos)
      << status;
  std::string subject = plan_of("starts_with(subject, 'CN=device-1')");
  EXPECT_NE(subject.find("using certificates_subject"), std::string::npos) << subject;
  EXPECT_NE(subject.find("subject >= 'CN=device-1'"), std::string::npos) << subject;
  std::string serial = plan_of("starts_with(serial, 'ab')");
  EXPECT_NE(serial.find("using certificates_pkey"), std::string::npos) << serial;
  EXPECT_NE(serial.find("serial >= 'ab'"), std::string::npos) << serial;
}

// A page of a group's members is a range of the membership's primary key from the cursor on,
// whatever the group's size.
TEST_F(PgMigrationsTest, APageOfGroupMembersIsARangeOfThePrimaryKey) {
  ASSERT_TRUE(PostgresStore::Open(Options()));
  PG_ASSERT_OK_AND_ASSIGN(conn, Connection::Connect(dsn_));
  PG_ASSERT_OK(conn.Exec("SET enable_seqscan = off"));
  auto rows = conn.Exec(
      "EXPLAIN (COSTS OFF) SELECT kind, member FROM group_members WHERE group_id = 1"
      " AND (kind, member_key) > ('device'::text, 'x'::text) AND kind <= 'user'::text"
      " ORDER BY kind, member_key LIMIT 100");
  ASSERT_TRUE(rows) << rows.error().message;
  std::string plan;
  for (int i = 0; i < rows->Rows(); ++i) plan += rows->Text(i, 0).value() + "\n";
  EXPECT_NE(plan.find("Index Scan using group_members_pkey"), std::string::npos) << plan;
  EXPECT_NE(plan.find("ROW(kind, member_key) > ROW('device'::text, 'x'::text)"), std::string::npos)
      << plan;
  EXPECT_EQ(plan.find("Sort"), std::string::npos) << plan;
}

TEST_F(PgMigrationsTest, AnUnreachableServerIsConnectionLost) {
  PostgresOptions options;
  options.dsn = "postgresql://postgres@127.0.0.1:1/x?connect_timeout=2";
  EXPECT_EQ(CodeOf(PostgresStore::Open(options)), ErrorCode::kUnavailable);
  options.dsn = "dbname='unterminated";
  EXPECT_EQ(CodeOf(PostgresStore::Open(options)), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace scepgate::store
