#include "store/sqlite/online_backup.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statement.h"
#include "store/test_temp_dir.h"

namespace scepgate::store {
namespace {

namespace fs = std::filesystem;

int64_t Count(const fs::path& file, const char* sql) {
  auto db = OpenDatabase(file, SQLITE_OPEN_READONLY, "test");
  EXPECT_TRUE(db);
  auto stmt = Prepare(**db, sql, false);
  EXPECT_TRUE(stmt);
  Query q(**stmt, "count");
  EXPECT_TRUE(*q.Step());
  return q.Int(0);
}

TEST(OnlineBackup, CopiesAConsistentSnapshotWhileAnotherConnectionWrites) {
  TempDir dir;
  const fs::path live = dir.path() / "live.db";
  ASSERT_TRUE(SqliteStore::Open(live));  // migrated, WAL
  auto writer = OpenDatabase(live, SQLITE_OPEN_READWRITE, "writer");
  ASSERT_TRUE(writer);
  sqlite3_busy_timeout(writer->get(), 5000);
  ASSERT_TRUE(Exec(**writer, "PRAGMA synchronous=OFF"));
  ASSERT_TRUE(Exec(**writer, "CREATE TABLE t (id INTEGER PRIMARY KEY, pad BLOB)"));
  ASSERT_TRUE(Exec(**writer,
                   "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                   "INSERT INTO t (pad) SELECT randomblob(2000) FROM n"));

  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread load([&] {
    while (!stop) {
      if (Exec(**writer, "INSERT INTO t (pad) VALUES (randomblob(2000))")) ++written;
    }
  });
  while (written < 10) std::this_thread::yield();
  const int before = written;
  auto stats = BackupDatabase(live, dir.path() / "copy.db", 64);  // many small steps
  const int during = written - before;
  stop = true;
  load.join();
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_GT(stats->steps, 10);
  EXPECT_EQ(stats->schema_version, LatestSchemaVersion());
  EXPECT_GT(during, 0) << "the writer was blocked during the whole backup";
  // The copy is whole and a prefix of the rows: ids 1..n without a gap.
  ASSERT_TRUE(CheckDatabaseFile(dir.path() / "copy.db"));
  int64_t rows = Count(dir.path() / "copy.db", "SELECT count(*) FROM t");
  EXPECT_GE(rows, 2000 + before);
  EXPECT_EQ(Count(dir.path() / "copy.db", "SELECT max(id) FROM t"), rows);
  EXPECT_FALSE(fs::exists(dir.path() / "copy.db-wal"));
}

TEST(OnlineBackup, RefusesAnExistingDestinationAndAMissingSource) {
  TempDir dir;
  ASSERT_TRUE(SqliteStore::Open(dir.path() / "live.db"));
  std::ofstream(dir.path() / "taken") << "x";
  EXPECT_EQ(BackupDatabase(dir.path() / "live.db", dir.path() / "taken").error().code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(BackupDatabase(dir.path() / "none.db", dir.path() / "copy").error().code,
            ErrorCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir.path() / "copy"));
}

TEST(OnlineBackup, CheckRefusesANewerSchemaAndADamagedFile) {
  TempDir dir;
  const fs::path file = dir.path() / "db";
  ASSERT_TRUE(SqliteStore::Open(file));
  auto ok = CheckDatabaseFile(file);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(*ok, LatestSchemaVersion());
  {
    auto db = OpenDatabase(file, SQLITE_OPEN_READWRITE, "test");
    ASSERT_TRUE(db);
    ASSERT_TRUE(Exec(**db, "INSERT INTO schema_migrations (version, applied_at) VALUES (" +
                               std::to_string(LatestSchemaVersion() + 1) + ", 0)"));
  }
  auto newer = CheckDatabaseFile(file);
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().code, ErrorCode::kFailedPrecondition);

  std::ofstream(dir.path() / "junk", std::ios::binary) << std::string(8192, 'j');
  auto junk = CheckDatabaseFile(dir.path() / "junk");
  ASSERT_FALSE(junk);
  EXPECT_EQ(junk.error().code, ErrorCode::kDatabase);
}

}  // namespace
}  // namespace scepgate::store
