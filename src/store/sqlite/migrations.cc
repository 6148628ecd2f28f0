#include "store/sqlite/migrations.h"

#include <chrono>
#include <string>

#include "store/sqlite/statement.h"

namespace scepgate::store {
namespace {

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " applied_at INTEGER NOT NULL)";

// Version 1: certificates, requests, counters, settings.
constexpr const char* kV1 = R"sql(
CREATE TABLE certificates (
  serial TEXT PRIMARY KEY NOT NULL,
  issuer_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  sans TEXT NOT NULL DEFAULT '[]',
  not_before INTEGER NOT NULL,
  not_after INTEGER NOT NULL,
  sha1 TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  public_key_sha256 TEXT NOT NULL,
  transaction_id TEXT NOT NULL,
  request_signer_sha256 TEXT NOT NULL,
  template_name TEXT NOT NULL,
  der BLOB NOT NULL,
  status TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked')),
  revoked_at INTEGER NOT NULL DEFAULT 0,
  revocation_reason INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX certificates_transaction_id ON certificates (transaction_id);
CREATE INDEX certificates_issuer_subject ON certificates (issuer_id, subject);
CREATE INDEX certificates_status ON certificates (status);

CREATE TABLE requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  correlation_id TEXT NOT NULL,
  transaction_id TEXT NOT NULL,
  message_type TEXT NOT NULL,
  state TEXT NOT NULL,
  fail_info TEXT NOT NULL,
  reason TEXT NOT NULL,
  signer_subject TEXT NOT NULL,
  signer_sha256 TEXT NOT NULL,
  cert_serial TEXT NOT NULL,
  remote_addr TEXT NOT NULL,
  renewal INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  duration_us INTEGER NOT NULL
);
CREATE INDEX requests_state ON requests (state);
CREATE INDEX requests_transaction_id ON requests (transaction_id);
CREATE INDEX requests_created_at ON requests (created_at);

CREATE TABLE counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
CREATE TABLE settings (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
)sql";

// Version 2: the directory (users, devices, groups and their static members). UPNs and group
// names are unique regardless of ASCII case; a member is a device id or a UPN, by kind.
constexpr const char* kV2 = R"sql(
CREATE TABLE users (
  upn TEXT PRIMARY KEY NOT NULL COLLATE NOCASE,
  email TEXT NOT NULL,
  sid TEXT NOT NULL,
  on_prem_dn TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  disabled_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

CREATE TABLE devices (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  platform TEXT NOT NULL,
  serial_number TEXT NOT NULL,
  owner TEXT NOT NULL COLLATE NOCASE,
  retired INTEGER NOT NULL DEFAULT 0,
  retired_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX devices_owner ON devices (owner);
CREATE INDEX devices_serial_number ON devices (serial_number);
CREATE INDEX devices_created_at ON devices (created_at);

CREATE TABLE groups (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  description TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE group_members (
  group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('device', 'user')),
  member TEXT NOT NULL COLLATE NOCASE,
  PRIMARY KEY (group_id, kind, member)
);
CREATE INDEX group_members_member ON group_members (kind, member);
)sql";

// Version 3: SCEP profiles and their assignments to groups. Profile names are unique regardless of
// ASCII case; list fields (SANs, EKUs, URLs) are JSON arrays of strings.
constexpr const char* kV3 = R"sql(
CREATE TABLE profiles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  cert_type TEXT NOT NULL CHECK (cert_type IN ('device', 'user')),
  subject TEXT NOT NULL,
  sans TEXT NOT NULL DEFAULT '[]',
  strong_mapping INTEGER NOT NULL DEFAULT 0,
  purpose TEXT NOT NULL,
  ekus TEXT NOT NULL DEFAULT '[]',
  key_type TEXT NOT NULL,
  min_key_size INTEGER NOT NULL,
  hash TEXT NOT NULL,
  validity_days INTEGER NOT NULL,
  renewal_threshold INTEGER NOT NULL,
  urls TEXT NOT NULL DEFAULT '[]',
  trusted_ca TEXT NOT NULL,
  require_approval INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE assignments (
  profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  PRIMARY KEY (profile_id, group_id)
);
CREATE INDEX assignments_group_id ON assignments (group_id);
)sql";

// Version 4: one-time challenges and their single use; certificates and requests linked to the
// device, user, profile and challenge they were for.
constexpr const char* kV4 = R"sql(
CREATE TABLE challenges (
  id TEXT PRIMARY KEY NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('stored', 'sealed')),
  device_id TEXT NOT NULL REFERENCES devices (id),
  user_upn TEXT NOT NULL,
  profile TEXT NOT NULL,
  subject TEXT NOT NULL,
  sans TEXT NOT NULL DEFAULT '[]',
  key_usage INTEGER NOT NULL,
  ekus TEXT NOT NULL DEFAULT '[]',
  key_type TEXT NOT NULL,
  min_key_size INTEGER NOT NULL,
  validity_days INTEGER NOT NULL,
  purpose TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX challenges_device_id ON challenges (device_id);

CREATE TABLE challenge_uses (
  challenge_id TEXT PRIMARY KEY NOT NULL,
  transaction_id TEXT NOT NULL,
  public_key_sha256 TEXT NOT NULL,
  cert_serial TEXT NOT NULL,
  used_at INTEGER NOT NULL
);

ALTER TABLE certificates ADD COLUMN device_id TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN user_upn TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN profile TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN challenge_id TEXT NOT NULL DEFAULT '';
ALTER TABLE certificates ADD COLUMN request_id INTEGER NOT NULL DEFAULT 0;
CREATE INDEX certificates_device_id ON certificates (device_id);

ALTER TABLE requests ADD COLUMN device_id TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN user_upn TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN profile TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN challenge_id TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN stage TEXT NOT NULL DEFAULT '';
CREATE INDEX requests_device_id ON requests (device_id);
)sql";

// Version 5: the notification outbox, written in the same transaction as what it reports.
constexpr const char* kV5 = R"sql(
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  request_id INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  delivered_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
)sql";

// Version 6: requests held for approval, with what is needed to issue them later.
constexpr const char* kV6 = R"sql(
CREATE TABLE pending (
  request_id INTEGER PRIMARY KEY NOT NULL,
  transaction_id TEXT NOT NULL,
  public_key_sha256 TEXT NOT NULL,
  signer_sha256 TEXT NOT NULL,
  csr BLOB NOT NULL,
  grant_json TEXT NOT NULL,
  decision TEXT NOT NULL DEFAULT 'pending'
    CHECK (decision IN ('pending', 'approved', 'rejected', 'issued')),
  reason TEXT NOT NULL DEFAULT '',
  decided_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX pending_transaction_id ON pending (transaction_id);
)sql";

// Version 7: REST API bearer tokens (only their SHA-256 is kept) and the audit log of every change
// made through the CLI or the API.
constexpr const char* kV7 = R"sql(
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'auditor')),
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  revoked_at INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  args TEXT NOT NULL DEFAULT '{}',
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
)sql";

// Version 8: whether a user's identity (UPN, e-mail, SID, DN) was set by an admin, which an
// operator needs to mint a challenge that puts it into a certificate. Users from before are
// admin-set, unless the audit log shows a non-admin token added them (before version 7 only the
// CLI, which acts as admin, could add users).
constexpr const char* kV8 = R"sql(
ALTER TABLE users ADD COLUMN identity_by_admin INTEGER NOT NULL DEFAULT 0;
UPDATE users SET identity_by_admin = 1 WHERE upn NOT IN (
  SELECT a.target FROM audit_log a JOIN api_tokens t
    ON a.actor = 'token:' || t.id OR a.actor LIKE 'token:' || t.id || ' (%'
  WHERE a.action = 'user.add' AND a.outcome = 'ok' AND t.role <> 'admin');
)sql";

// Version 9: a REST API token may expire (unix seconds; 0, as for every token from before, never).
constexpr const char* kV9 = R"sql(
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 10: the claims that make the exactly-once rules the database's own (docs/consistency.md).
// One claim per SCEP transaction, the first issued or held copy winning (existing rows: the oldest
// wins); one stored CRL per issuer, replaced only by a higher number (the CRLs kept in settings
// before are signed again on first use); an outbox lease per event.
constexpr const char* kV10 = R"sql(
CREATE TABLE transactions (
  transaction_id TEXT NOT NULL,
  renews TEXT NOT NULL,
  public_key_sha256 TEXT NOT NULL,
  request_id INTEGER NOT NULL,
  serial TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  PRIMARY KEY (transaction_id, renews)
);
CREATE INDEX transactions_request_id ON transactions (request_id);
INSERT OR IGNORE INTO transactions
  (transaction_id, renews, public_key_sha256, request_id, serial, created_at)
  SELECT c.transaction_id,
         CASE WHEN COALESCE(r.renewal, 0) = 1 THEN 'before-v10:' || c.serial ELSE '' END,
         c.public_key_sha256, c.request_id, c.serial, c.created_at
  FROM certificates c LEFT JOIN requests r ON r.id = c.request_id
  ORDER BY c.created_at, c.rowid;
INSERT OR IGNORE INTO transactions
  (transaction_id, renews, public_key_sha256, request_id, serial, created_at)
  SELECT p.transaction_id,
         CASE WHEN COALESCE(r.renewal, 0) = 1 THEN 'before-v10:' || p.request_id ELSE '' END,
         p.public_key_sha256, p.request_id, '', COALESCE(r.created_at, 0)
  FROM pending p LEFT JOIN requests r ON r.id = p.request_id
  WHERE p.decision <> 'issued'
  ORDER BY p.request_id;

CREATE TABLE crls (
  issuer_id TEXT PRIMARY KEY NOT NULL,
  number INTEGER NOT NULL,
  this_update INTEGER NOT NULL,
  der BLOB NOT NULL
);
DELETE FROM settings WHERE key LIKE 'crl.der.%' OR key LIKE 'crl.this_update.%';

ALTER TABLE outbox ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
)sql";

// The issuing CAs of the deployment, each listed in GetCACert by every node (option 2 of
// docs/high-availability.md), and the CRL each one's key holders owe.
constexpr const char* kV11 = R"sql(
CREATE TABLE issuers (
  id TEXT PRIMARY KEY NOT NULL,
  cert_der BLOB NOT NULL,
  name TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  crl_wanted INTEGER NOT NULL DEFAULT 0,
  crl_published INTEGER NOT NULL DEFAULT 0
);
)sql";

// Profile settings for Apple payloads: the CAFingerprint hash and whether the key may leave the
// device.
constexpr const char* kV12 = R"sql(
ALTER TABLE profiles ADD COLUMN ca_fingerprint TEXT NOT NULL DEFAULT 'sha1'
  CHECK (ca_fingerprint IN ('sha1', 'sha256'));
ALTER TABLE profiles ADD COLUMN key_extractable INTEGER NOT NULL DEFAULT 1;
)sql";

// Revoked issuing CAs, listed on their root's CRL.
constexpr const char* kV13 = R"sql(
ALTER TABLE issuers ADD COLUMN revoked_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE issuers ADD COLUMN revocation_reason INTEGER NOT NULL DEFAULT 0;
)sql";

// Lists of certificates page by (created_at, rowid), newest first, and filter by status, profile
// or subject prefix; an index on created_at carries the rowid with it.
constexpr const char* kV14 = R"sql(
CREATE INDEX certificates_created_at ON certificates (created_at);
CREATE INDEX certificates_profile ON certificates (profile, created_at);
CREATE INDEX certificates_subject ON certificates (subject);
CREATE INDEX certificates_status_created_at ON certificates (status, created_at);
)sql";

// Renewals of the shared RA certificate (one per certificate it replaces) and what each node
// serves (scep/ra_renewal.h).
constexpr const char* kV15 = R"sql(
CREATE TABLE ra_certificates (
  id TEXT NOT NULL PRIMARY KEY,
  key_id TEXT NOT NULL,
  replaces TEXT NOT NULL UNIQUE,
  cert_der BLOB NOT NULL,
  not_after INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX ra_certificates_key ON ra_certificates (key_id, not_after);
CREATE TABLE node_ra (
  node TEXT NOT NULL PRIMARY KEY,
  key_id TEXT NOT NULL,
  serving TEXT NOT NULL,
  loaded TEXT NOT NULL,
  seen_at INTEGER NOT NULL
);
)sql";

// The per-profile status report reads, for each device, its certificates' issue time, status,
// expiry, profile and serial, and its requests' time, profile, state and reason: indexes holding
// them answer it without reading the rows (a certificate's DER, about 1 KB, pushes its later
// columns into overflow pages). Each serves every other use of the one-column index it replaces
// (a device's certificates, newest first, included). The index on status alone goes:
// (status, created_at) of v14 serves every query it did, and it cost a write per enrollment.
constexpr const char* kV16 = R"sql(
DROP INDEX certificates_device_id;
CREATE INDEX certificates_device_id ON certificates (device_id, created_at, status, not_after,
                                                     profile, serial);
DROP INDEX requests_device_id;
CREATE INDEX requests_device_id ON requests (device_id, created_at, profile, state, reason);
DROP INDEX certificates_status;
)sql";

// Named leases: background work one node at a time (SettingsStore::TakeLease); the events of a
// request (an enrollment waiting for Intune to take its notification).
constexpr const char* kV17 = R"sql(
CREATE INDEX outbox_request ON outbox (request_id);
CREATE TABLE leases (
  name TEXT NOT NULL PRIMARY KEY,
  owner TEXT NOT NULL,
  held_until INTEGER NOT NULL
);
)sql";

constexpr Migration kMigrations[] = {
    {1, kV1},   {2, kV2},   {3, kV3},   {4, kV4},   {5, kV5},   {6, kV6},
    {7, kV7},   {8, kV8},   {9, kV9},   {10, kV10}, {11, kV11}, {12, kV12},
    {13, kV13}, {14, kV14}, {15, kV15}, {16, kV16}, {17, kV17},
};

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Applies one step unless another process applied it first (checked under the write lock).
Status ApplyStep(sqlite3& db, const Migration& step) {
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db));
  SG_ASSIGN_OR_RETURN(int current, CurrentSchemaVersion(db));
  if (current >= step.version) return tx.Commit();
  auto failed = [&](const Error& e) {
    return Error::Database("migration " + std::to_string(step.version) + ": " + e.message);
  };
  if (auto applied = Exec(db, step.sql); !applied) return Fail(failed(applied.error()));
  SG_ASSIGN_OR_RETURN(
      SqliteStmtPtr insert,
      Prepare(db, "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)", false));
  {
    Query q(*insert, "record migration");
    q.BindInt(1, step.version).BindInt(2, UnixNow());
    if (auto ran = q.Run(); !ran) return Fail(failed(ran.error()));
  }
  return tx.Commit();
}

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

Result<int> CurrentSchemaVersion(sqlite3& db) {
  SG_ASSIGN_OR_RETURN(
      SqliteStmtPtr stmt,
      Prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", false));
  Query q(*stmt, "read schema version");
  SG_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return 0;
  return static_cast<int>(q.Int(0));
}

Result<int> Migrate(sqlite3& db) {
  SG_TRY_STATUS(Exec(db, kCreateMigrationsTable));
  SG_ASSIGN_OR_RETURN(int current, CurrentSchemaVersion(db));
  const int latest = LatestSchemaVersion();
  if (current > latest) {
    return Fail(Error::Database("database schema version " + std::to_string(current) +
                                " is newer than this scepgate (" + std::to_string(latest) + ")"));
  }
  for (const Migration& step : kMigrations) {
    if (step.version > current) SG_TRY_STATUS(ApplyStep(db, step));
  }
  return CurrentSchemaVersion(db);
}

}  // namespace scepgate::store
