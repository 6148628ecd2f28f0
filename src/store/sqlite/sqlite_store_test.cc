// SQLite-specific behaviour: persistence across reopen, migrations, refusal of newer schemas,
// open failures, pragmas, and rows that do not decode.
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <functional>

#include <chrono>
#include <fstream>
#include <thread>

#include "store/sqlite/migrations.h"
#include "store/sqlite/statement.h"
#include "store/store_test_fixture.h"
#include "store/test_temp_dir.h"

namespace scepgate::store {
namespace {

// What versions 8 to 17 added, for taking a file back to an older schema.
const std::string kDropV17 = " DROP TABLE leases; DROP INDEX outbox_request;";
const std::string kDropV16 =
    kDropV17 +
    " DROP INDEX certificates_device_id;"
    " CREATE INDEX certificates_device_id ON certificates (device_id);"
    " DROP INDEX requests_device_id; CREATE INDEX requests_device_id ON requests (device_id);"
    " CREATE INDEX certificates_status ON certificates (status);";
const std::string kDropV15 = kDropV16 + " DROP TABLE ra_certificates; DROP TABLE node_ra;";
const std::string kDropV14 =
    kDropV15 +
    " DROP INDEX certificates_created_at; DROP INDEX certificates_profile;"
    " DROP INDEX certificates_subject; DROP INDEX certificates_status_created_at;";
const std::string kDropV12 =
    " ALTER TABLE profiles DROP COLUMN ca_fingerprint;"
    " ALTER TABLE profiles DROP COLUMN key_extractable;" +
    kDropV14;
const std::string kDropV11 = " DROP TABLE issuers;" + kDropV12;
const std::string kDropV10 =
    " DROP TABLE transactions; DROP TABLE crls; ALTER TABLE outbox DROP COLUMN lease_owner;"
    " ALTER TABLE outbox DROP COLUMN lease_until;" +
    kDropV11;
const std::string kDropV9 = " ALTER TABLE api_tokens DROP COLUMN expires_at;" + kDropV10;
const std::string kDropV8 = " ALTER TABLE users DROP COLUMN identity_by_admin;";

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::filesystem::path File() const { return dir_.path() / "scepgate.db"; }

  // A second, raw connection to the same file, for looking behind the store's back.
  SqlitePtr Raw() {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(File().c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
    SqlitePtr db(raw);
    EXPECT_EQ(rc, SQLITE_OK);
    return db;
  }

  // The first column of the first row of `sql`, as text.
  std::string Scalar(sqlite3& db, const std::string& sql) {
    auto stmt = Prepare(db, sql, false);
    EXPECT_TRUE(stmt) << stmt.error().message;
    if (!stmt) return {};
    Query q(**stmt, "scalar");
    auto row = q.Step();
    EXPECT_TRUE(row && *row);
    return row && *row ? q.Text(0) : "";
  }

  // Opens a store at the latest schema and lets `seed` write to it, then takes the file back to
  // schema `version` as an older gateway left it (`drop_newer` removes the later tables), and
  // opens it again, which upgrades it.
  Result<std::unique_ptr<SqliteStore>> UpgradedFrom(int version, const std::string& drop_newer,
                                                    const std::function<void(Store&)>& seed) {
    {
      auto store = SqliteStore::Open(File());
      EXPECT_TRUE(store) << store.error().message;
      if (!store) return store;
      seed(**store);
    }
    {
      auto raw = Raw();
      EXPECT_TRUE(Exec(*raw, drop_newer + " DELETE FROM schema_migrations WHERE version > " +
                                 std::to_string(version)));
    }
    return SqliteStore::Open(File());
  }

  TempDir dir_;
};

TEST_F(SqliteStoreTest, DataSurvivesCloseAndReopen) {
  CertificateRecord cert = MakeCert("cafe", 100);
  cert.sans = {"DNS:a,b", "email:\"x\"@y"};
  {
    auto store = SqliteStore::Open(File());
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE((*store)->RecordIssuance(MakeIssuance(cert, MakeRequest("corr", 100))));
    ASSERT_TRUE((*store)->NextCounter("c"));
    ASSERT_TRUE((*store)->SetSetting("k", "v"));
    ASSERT_TRUE((*store)->Revoke("cafe", 1, 200));
  }
  auto store = SqliteStore::Open(File());
  ASSERT_TRUE(store) << store.error().message;
  auto found = (*store)->FindCertificate("cafe");
  ASSERT_TRUE(found && found->has_value());
  cert.status = CertStatus::kRevoked;
  cert.revoked_at = 200;
  cert.revocation_reason = 1;
  ExpectSameCert(cert, **found);
  auto requests = (*store)->ListRequests({});
  ASSERT_TRUE(requests);
  ASSERT_EQ(requests->size(), 1u);
  EXPECT_EQ(requests->front().cert_serial, "cafe");
  EXPECT_EQ(*(*store)->NextCounter("c"), 2);
  EXPECT_EQ(**(*store)->GetSetting("k"), "v");
}

TEST_F(SqliteStoreTest, MigrationsRunOnce) {
  std::string applied_at;
  {
    auto store = SqliteStore::Open(File());
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ((*store)->SchemaVersion(), LatestSchemaVersion());
    EXPECT_GE((*store)->SchemaVersion(), 1);
    auto raw = Raw();
    EXPECT_EQ(Scalar(*raw, "SELECT COUNT(*) FROM schema_migrations"),
              std::to_string(Migrations().size()));
    applied_at = Scalar(*raw, "SELECT applied_at FROM schema_migrations WHERE version = 1");
  }
  auto store = SqliteStore::Open(File());
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->SchemaVersion(), LatestSchemaVersion());
  auto raw = Raw();
  EXPECT_EQ(Scalar(*raw, "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(Migrations().size()));
  EXPECT_EQ(Scalar(*raw, "SELECT applied_at FROM schema_migrations WHERE version = 1"), applied_at);
}

TEST_F(SqliteStoreTest, AVersionFiveDatabaseIsUpgradedWithItsDataKept) {
  // What a gateway of schema version 5 left: no approval, token or audit tables.
  auto store = UpgradedFrom(
      5, "DROP TABLE pending; DROP TABLE api_tokens; DROP TABLE audit_log;" + kDropV8 + kDropV10,
      [](Store& s) {
        ASSERT_TRUE(s.RecordIssuance(MakeIssuance(MakeCert("cafe", 100), MakeRequest("r", 100))));
      });
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->SchemaVersion(), LatestSchemaVersion());
  auto cert = (*store)->FindCertificate("cafe");
  ASSERT_TRUE(cert && *cert);
  EXPECT_EQ((*store)->ListRequests({})->size(), 1u);
  // The new tables work.
  PendingRecord held;
  held.transaction_id = "tx-up";
  held.grant_json = "{}";
  EXPECT_TRUE((*store)->RecordPending(MakeRequest("p", 200, "received", "tx-up"), held,
                                      std::nullopt, TransactionClaim{"tx-up", "", "", 0, "", 200}));
  TokenRecord token;
  token.id = "abc";
  token.role = "auditor";
  token.hash = "h";
  EXPECT_TRUE((*store)->InsertToken(token));
}

TEST_F(SqliteStoreTest, AVersionSixDatabaseKeepsItsHeldRequestsAndGainsTokensAndAudit) {
  // What a gateway of schema version 6 left: approvals, but no token or audit tables.
  auto store = UpgradedFrom(
      6, "DROP TABLE api_tokens; DROP TABLE audit_log;" + kDropV8 + kDropV10, [](Store& s) {
        PendingRecord held;
        held.transaction_id = "tx-held";
        held.grant_json = R"({"profile":"wifi"})";
        ASSERT_TRUE(s.RecordPending(MakeRequest("p", 100, "received", "tx-held"), held,
                                    std::nullopt, TransactionClaim{"tx-held", "", "", 0, "", 100}));
      });
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->SchemaVersion(), LatestSchemaVersion());
  auto kept = (*store)->FindPendingByTransaction("tx-held");
  ASSERT_TRUE(kept && *kept);
  EXPECT_EQ((*kept)->grant_json, R"({"profile":"wifi"})");
  EXPECT_EQ((*store)->ListRequests({})->front().state, "pending");
  TokenRecord token;
  token.id = "abc";
  token.role = "admin";
  token.hash = "h";
  ASSERT_TRUE((*store)->InsertToken(token));
  auto found = (*store)->FindTokenByHash("h");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->role, "admin");
  AuditRecord entry;
  entry.at = 300;
  entry.actor = "token:abc";
  entry.action = "profile.create";
  entry.target = "wifi";
  entry.outcome = "ok";
  ASSERT_TRUE((*store)->AppendAudit(entry));
  EXPECT_EQ((*store)->ListAudit({})->size(), 1u);
}

TEST_F(SqliteStoreTest, AVersionSevenDatabaseMarksOnlyUsersAnOperatorTokenAddedAsNotAdminSet) {
  auto store = UpgradedFrom(7, kDropV8 + kDropV9, [](Store& s) {
    for (const char* upn : {"cli@example.com", "Op@example.com", "adm@example.com"}) {
      UserRecord u;
      u.upn = upn;
      ASSERT_TRUE(s.InsertUser(u));
    }
    for (const char* role : {"operator", "admin"}) {
      TokenRecord t;
      t.id = std::string(role).substr(0, 3);
      t.name = "n";
      t.role = role;
      t.hash = role;
      ASSERT_TRUE(s.InsertToken(t));
    }
    auto added = [&](std::string actor, std::string upn, std::string outcome) {
      AuditRecord a;
      a.actor = std::move(actor);
      a.action = "user.add";
      a.target = std::move(upn);
      a.outcome = std::move(outcome);
      ASSERT_TRUE(s.AppendAudit(a));
    };
    added("token:ope (n)", "op@example.com", "ok");  // the UPN in another case
    added("token:adm (n)", "adm@example.com", "ok");
    added("token:ope (n)", "cli@example.com", "alreadyExists");
  });
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->SchemaVersion(), LatestSchemaVersion());
  EXPECT_TRUE((**(*store)->FindUser("cli@example.com")).identity_by_admin);
  EXPECT_TRUE((**(*store)->FindUser("adm@example.com")).identity_by_admin);
  EXPECT_FALSE((**(*store)->FindUser("op@example.com")).identity_by_admin);
}

TEST_F(SqliteStoreTest, AVersionEightDatabaseKeepsItsTokensWhichNeverExpire) {
  auto store = UpgradedFrom(8, kDropV9, [](Store& s) {
    TokenRecord t;
    t.id = "old";
    t.name = "ci";
    t.role = "operator";
    t.hash = "h-old";
    t.created_at = 100;
    ASSERT_TRUE(s.InsertToken(t));
    ASSERT_TRUE(s.RevokeToken("old", 200));
  });
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->SchemaVersion(), LatestSchemaVersion());
  auto kept = (*store)->FindTokenByHash("h-old");
  ASSERT_TRUE(kept && *kept);
  EXPECT_EQ((*kept)->role, "operator");
  EXPECT_EQ((*kept)->created_at, 100);
  EXPECT_TRUE((*kept)->revoked);
  EXPECT_EQ((*kept)->revoked_at, 200);
  EXPECT_EQ((*kept)->expires_at, 0);
  // A new token keeps its expiry in the added column.
  TokenRecord fresh;
  fresh.id = "new";
  fresh.role = "auditor";
  fresh.hash = "h-new";
  fresh.expires_at = 5000;
  ASSERT_TRUE((*store)->InsertToken(fresh));
  EXPECT_EQ((**(*store)->FindTokenByHash("h-new")).expires_at, 5000);
}

TEST_F(SqliteStoreTest, AVersionNineDatabaseClaimsItsTransactionsOldestFirst) {
  // What the race of an older gateway could leave: two certificates for one transaction, and
  // a held request; a CRL kept in settings; an event waiting.
  auto store = UpgradedFrom(9, kDropV10, [](Store& s) {
    CertificateRecord older = MakeCert("0a", 100, "tx-dup");
    older.public_key_sha256 = "pk-dup";
    CertificateRecord newer = MakeCert("0b", 101, "tx-dup");
    newer.public_key_sha256 = "pk-dup";
    RequestRecord first = MakeRequest("r1", 100, "issued", "tx-dup");
    first.renewal = false;
    RequestRecord second = MakeRequest("r2", 101, "issued", "tx-dup");
    second.renewal = false;
    ASSERT_TRUE(s.RecordIssuance(MakeIssuance(newer, second)));
    ASSERT_TRUE(s.RecordIssuance(MakeIssuance(older, first)));
    PendingRecord held;
    held.transaction_id = "tx-held";
    held.public_key_sha256 = "pk-held";
    held.grant_json = "{}";
    RequestRecord pending = MakeRequest("p", 120, "received", "tx-held");
    pending.renewal = false;
    ASSERT_TRUE(s.RecordPending(pending, held, std::nullopt,
                                TransactionClaim{"tx-held", "", "pk-held", 0, "", 120}));
    ASSERT_TRUE(s.SetSetting("crl.der.issuer-a", "MAA="));
    ASSERT_TRUE(s.SetSetting("crl.this_update.issuer-a", "100"));
    OutboxEvent e;
    e.type = "request.failed";
    e.payload = "{}";
    e.created_at = 100;
    e.next_attempt_at = 100;
    ASSERT_TRUE(s.EnqueueEvent(e));
  });
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->SchemaVersion(), LatestSchemaVersion());
  auto dup = (*store)->FindTransaction("tx-dup", "");
  ASSERT_TRUE(dup && *dup);
  EXPECT_EQ((*dup)->serial, "0a");  // the oldest certificate answers resends from now on
  EXPECT_EQ((*dup)->public_key_sha256, "pk-dup");
  auto held = (*store)->FindTransaction("tx-held", "");
  ASSERT_TRUE(held && *held);
  EXPECT_EQ((*held)->serial, "");
  EXPECT_EQ((*held)->public_key_sha256, "pk-held");
  EXPECT_FALSE(*(*store)->GetSetting("crl.der.issuer-a"));
  EXPECT_FALSE(*(*store)->FindCrl("issuer-a"));
  EXPECT_EQ((*store)->ClaimEvents(200, 10, 60, "w", {})->size(), 1u);
}

TEST_F(SqliteStoreTest, NewerSchemaIsRefused) {
  ASSERT_TRUE(SqliteStore::Open(File()));
  const int future = LatestSchemaVersion() + 1;
  {
    auto raw = Raw();
    ASSERT_TRUE(Exec(*raw, "INSERT INTO schema_migrations (version, applied_at) VALUES (" +
                               std::to_string(future) + ", 0)"));
  }
  auto store = SqliteStore::Open(File());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kDatabase);
  std::string expected = "database schema version " + std::to_string(future) +
                         " is newer than this scepgate (" + std::to_string(LatestSchemaVersion()) +
                         ")";
  EXPECT_NE(store.error().message.find(expected), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find(File().string()), std::string::npos);
}

TEST_F(SqliteStoreTest, MissingDirectoryIsAClearDatabaseError) {
  auto file = dir_.path() / "no-such-dir" / "scepgate.db";
  auto store = SqliteStore::Open(file);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kDatabase);
  EXPECT_NE(store.error().message.find(file.string()), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find("unable to open"), std::string::npos)
      << store.error().message;
  EXPECT_FALSE(std::filesystem::exists(file.parent_path()));
}

TEST_F(SqliteStoreTest, NotADatabaseIsADatabaseError) {
  std::ofstream(File()) << std::string(4096, 'x');
  auto store = SqliteStore::Open(File());
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kDatabase);
  EXPECT_NE(store.error().message.find(File().string()), std::string::npos);
}

TEST_F(SqliteStoreTest, JournalModeIsWal) {
  auto store = SqliteStore::Open(File());
  ASSERT_TRUE(store) << store.error().message;
  auto raw = Raw();
  EXPECT_EQ(Scalar(*raw, "PRAGMA journal_mode"), "wal");
}

// Records `n` issuances with serials prefix0, prefix1, ..., pausing `gap` after each as the
// signing between two requests' records would.
void RecordMany(Store& store, const std::string& prefix, int n,
                std::chrono::microseconds gap = std::chrono::microseconds(0)) {
  for (int i = 0; i < n; ++i) {
    std::this_thread::sleep_for(gap);
    std::string serial = prefix + std::to_string(i);
    ASSERT_TRUE(store.RecordIssuance(MakeIssuance(MakeCert(serial, i), MakeRequest(serial, i))));
  }
}

TEST_F(SqliteStoreTest, CommandsKeepSqlitesOwnCheckpoints) {
  auto store = SqliteStore::Open(File());
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->checkpointer(), nullptr);
}

// The log's size after `n` issuances with checkpoints at `thresholds` (background ones), in the
// file `path`; with `background_runs`, after the thread ran once (or 10 s), and how often it ran.
uintmax_t LogSizeAfter(const std::filesystem::path& path, const CheckpointOptions& thresholds,
                       int n, uint64_t* background_runs = nullptr) {
  SqliteOptions options;
  options.background_checkpoints = true;
  options.checkpoints = thresholds;
  auto store = SqliteStore::Open(path, options);
  EXPECT_TRUE(store) << store.error().message;
  if (!store) return 0;
  const Checkpointer& cp = *(*store)->checkpointer();
  RecordMany(**store, "bg", n, std::chrono::microseconds(200));
  for (int i = 0; background_runs != nullptr && i < 1000 && cp.background_runs() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (background_runs != nullptr) *background_runs = cp.background_runs();
  EXPECT_EQ(cp.inline_runs(), 0u);
  return std::filesystem::file_size(path.string() + "-wal");
}

TEST_F(SqliteStoreTest, BackgroundCheckpointsKeepTheLogShortAndLoseNothing) {
  // The peer never checkpoints: its log holds every frame the 400 issuances wrote.
  const uintmax_t whole = LogSizeAfter(dir_.path() / "peer.db",
                                       {.wake_frames = 1'000'000, .inline_frames = 1'000'000}, 400);
  uint64_t runs = 0;
  const uintmax_t wal = LogSizeAfter(
      File(), {.wake_frames = 40, .tail_frames = 120, .inline_frames = 1'000'000}, 400, &runs);
  EXPECT_GT(runs, 0u);
  // The log is reused from its start after each checkpoint that caught up, so it stays a
  // fraction of the whole; how small depends on how far the thread lagged behind the writes
  // (3-8% here, 0.8-2.1 MB of 25.8 MB, also with three busy loops on two cores).
  EXPECT_LT(wal, whole / 4) << "the log was not reused: " << wal << " of " << whole << " bytes";
  {
    auto raw = Raw();
    EXPECT_EQ(Scalar(*raw, "SELECT COUNT(*) FROM certificates"), "400");
  }
  auto reopened = SqliteStore::Open(File());
  ASSERT_TRUE(reopened) << reopened.error().message;
  EXPECT_EQ((*reopened)->ListRequests({})->size(), 400u);
  auto raw = Raw();
  EXPECT_EQ(Scalar(*raw, "PRAGMA integrity_check"), "ok");
}

TEST_F(SqliteStoreTest, ACommitCheckpointsInlineWhenTheLogOutgrowsTheThread) {
  SqliteOptions options;
  options.background_checkpoints = true;
  options.checkpoints = {.wake_frames = 1'000'000, .inline_frames = 40};
  auto store = SqliteStore::Open(File(), options);
  ASSERT_TRUE(store) << store.error().message;
  RecordMany(**store, "in", 100);
  const Checkpointer& cp = *(*store)->checkpointer();
  EXPECT_GT(cp.inline_runs(), 0u);
  EXPECT_EQ(cp.background_runs(), 0u);
  auto raw = Raw();
  EXPECT_EQ(Scalar(*raw, "SELECT COUNT(*) FROM requests"), "100");
}

// The certificate insert fails after the request insert succeeded: the whole issuance must be
// rolled back, not just the failed half.
TEST_F(SqliteStoreTest, RecordIssuanceRollsBackWhenTheCertificateInsertFails) {
  auto store = SqliteStore::Open(File());
  ASSERT_TRUE(store) << store.error().message;
  {
    auto raw = Raw();
    ASSERT_TRUE(Exec(*raw,
                     "CREATE TRIGGER refuse BEFORE INSERT ON certificates"
                     " WHEN NEW.serial = 'aa' BEGIN SELECT RAISE(ABORT, 'refused'); END"));
  }
  auto id = (*store)->RecordIssuance(MakeIssuance(MakeCert("aa", 1), MakeRequest("refused", 1)));
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, ErrorCode::kDatabase) << id.error().message;
  EXPECT_FALSE((*store)->FindCertificate("aa")->has_value());
  EXPECT_TRUE((*store)->ListRequests({})->empty());
  // No transaction is left open: the next issuance commits and is visible to other connections.
  ASSERT_TRUE((*store)->RecordIssuance(MakeIssuance(MakeCert("bb", 2), MakeRequest("ok", 2))));
  auto raw = Raw();
  EXPECT_EQ(Scalar(*raw, "SELECT COUNT(*) FROM certificates"), "1");
}

TEST_F(SqliteStoreTest, MalformedSansRowIsADatabaseError) {
  auto store = SqliteStore::Open(File());
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->InsertCertificate(MakeCert("aa", 1)));
  {
    auto raw = Raw();
    ASSERT_TRUE(Exec(*raw, "UPDATE certificates SET sans = 'not json'"));
  }
  auto found = (*store)->FindCertificate("aa");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, ErrorCode::kDatabase) << found.error().message;
}

}  // namespace
}  // namespace scepgate::store
