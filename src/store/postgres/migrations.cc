#include "store/postgres/migrations.h"

#include <string>

#include "store/postgres/transaction.h"

namespace scepgate::store::pg {
namespace {

// Version 1: the SQLite store's schema at its version 10, in PostgreSQL's types. Identity columns
// named `seq` keep the insertion order that SQLite's rowid gives (lists ordered by time, then by
// insertion). Names that match regardless of ASCII case (UPNs, group and profile names, group
// members) get a `*_key` column generated as lower(... COLLATE "C"): under the C collation lower()
// folds ASCII letters only, as SQLite's NOCASE does, whatever the database's locale; uniqueness,
// lookups and sorting use the key, and the name is kept as given. Lists (SANs, EKUs, URLs) are
// JSON arrays in text columns, as in SQLite.
constexpr const char* kV1[] = {
    R"sql(CREATE TABLE certificates (
  serial TEXT NOT NULL,
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  issuer_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  sans TEXT NOT NULL DEFAULT '[]',
  not_before BIGINT NOT NULL,
  not_after BIGINT NOT NULL,
  sha1 TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  public_key_sha256 TEXT NOT NULL,
  transaction_id TEXT NOT NULL,
  request_signer_sha256 TEXT NOT NULL,
  template_name TEXT NOT NULL,
  der BYTEA NOT NULL,
  status TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked')),
  revoked_at BIGINT NOT NULL DEFAULT 0,
  revocation_reason INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  device_id TEXT NOT NULL DEFAULT '',
  user_upn TEXT NOT NULL DEFAULT '',
  profile TEXT NOT NULL DEFAULT '',
  challenge_id TEXT NOT NULL DEFAULT '',
  request_id BIGINT NOT NULL DEFAULT 0,
  CONSTRAINT certificates_pkey PRIMARY KEY (serial)
))sql",
    "CREATE INDEX certificates_transaction_id ON certificates (transaction_id)",
    "CREATE INDEX certificates_issuer_subject ON certificates (issuer_id, subject)",
    "CREATE INDEX certificates_status ON certificates (status)",
    "CREATE INDEX certificates_device_id ON certificates (device_id)",
    "CREATE INDEX certificates_created_at ON certificates (created_at, seq)",

    R"sql(CREATE TABLE requests (
  id BIGINT GENERATED ALWAYS AS IDENTITY,
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
  renewal BOOLEAN NOT NULL,
  created_at BIGINT NOT NULL,
  duration_us BIGINT NOT NULL,
  device_id TEXT NOT NULL DEFAULT '',
  user_upn TEXT NOT NULL DEFAULT '',
  profile TEXT NOT NULL DEFAULT '',
  challenge_id TEXT NOT NULL DEFAULT '',
  stage TEXT NOT NULL DEFAULT '',
  CONSTRAINT requests_pkey PRIMARY KEY (id)
))sql",
    "CREATE INDEX requests_state ON requests (state)",
    "CREATE INDEX requests_transaction_id ON requests (transaction_id)",
    "CREATE INDEX requests_created_at ON requests (created_at, id)",
    "CREATE INDEX requests_device_id ON requests (device_id)",

    // One claim per SCEP transaction: the primary key is the exactly-once rule.
    R"sql(CREATE TABLE transactions (
  transaction_id TEXT NOT NULL,
  renews TEXT NOT NULL,
  public_key_sha256 TEXT NOT NULL,
  request_id BIGINT NOT NULL,
  serial TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  CONSTRAINT transactions_pkey PRIMARY KEY (transaction_id, renews)
))sql",
    "CREATE INDEX transactions_request_id ON transactions (request_id)",

    "CREATE TABLE counters (name TEXT NOT NULL PRIMARY KEY, value BIGINT NOT NULL)",
    "CREATE TABLE settings (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)",

    R"sql(CREATE TABLE crls (
  issuer_id TEXT NOT NULL PRIMARY KEY,
  number BIGINT NOT NULL,
  this_update BIGINT NOT NULL,
  der BYTEA NOT NULL
))sql",

    R"sql(CREATE TABLE users (
  upn TEXT NOT NULL,
  upn_key TEXT COLLATE "C" NOT NULL GENERATED ALWAYS AS (lower(upn COLLATE "C")) STORED,
  email TEXT NOT NULL,
  sid TEXT NOT NULL,
  on_prem_dn TEXT NOT NULL,
  identity_by_admin BOOLEAN NOT NULL DEFAULT false,
  disabled BOOLEAN NOT NULL DEFAULT false,
  disabled_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  CONSTRAINT users_pkey PRIMARY KEY (upn_key)
))sql",

    R"sql(CREATE TABLE devices (
  id TEXT NOT NULL,
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  name TEXT NOT NULL,
  platform TEXT NOT NULL,
  serial_number TEXT NOT NULL,
  owner TEXT NOT NULL,
  owner_key TEXT COLLATE "C" NOT NULL GENERATED ALWAYS AS (lower(owner COLLATE "C")) STORED,
  retired BOOLEAN NOT NULL DEFAULT false,
  retired_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  CONSTRAINT devices_pkey PRIMARY KEY (id)
))sql",
    "CREATE INDEX devices_owner ON devices (owner_key)",
    "CREATE INDEX devices_serial_number ON devices (serial_number)",
    "CREATE INDEX devices_created_at ON devices (created_at, seq)",

    R"sql(CREATE TABLE groups (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT COLLATE "C" NOT NULL GENERATED ALWAYS AS (lower(name COLLATE "C")) STORED,
  description TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT groups_name_key UNIQUE (name_key)
))sql",

    R"sql(CREATE TABLE group_members (
  group_id BIGINT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('device', 'user')),
  member TEXT NOT NULL,
  member_key TEXT COLLATE "C" NOT NULL GENERATED ALWAYS AS (lower(member COLLATE "C")) STORED,
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  CONSTRAINT group_members_pkey PRIMARY KEY (group_id, kind, member_key)
))sql",
    "CREATE INDEX group_members_member ON group_members (kind, member_key)",

    R"sql(CREATE TABLE profiles (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT COLLATE "C" NOT NULL GENERATED ALWAYS AS (lower(name COLLATE "C")) STORED,
  cert_type TEXT NOT NULL CHECK (cert_type IN ('device', 'user')),
  subject TEXT NOT NULL,
  sans TEXT NOT NULL DEFAULT '[]',
  strong_mapping BOOLEAN NOT NULL DEFAULT false,
  purpose TEXT NOT NULL,
  ekus TEXT NOT NULL DEFAULT '[]',
  key_type TEXT NOT NULL,
  min_key_size INTEGER NOT NULL,
  hash TEXT NOT NULL,
  validity_days INTEGER NOT NULL,
  renewal_threshold INTEGER NOT NULL,
  urls TEXT NOT NULL DEFAULT '[]',
  trusted_ca TEXT NOT NULL,
  require_approval BOOLEAN NOT NULL DEFAULT false,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT profiles_name_key UNIQUE (name_key)
))sql",

    R"sql(CREATE TABLE assignments (
  profile_id BIGINT NOT NULL,
  group_id BIGINT NOT NULL,
  CONSTRAINT assignments_pkey PRIMARY KEY (profile_id, group_id),
  CONSTRAINT assignments_profile_id_fkey FOREIGN KEY (profile_id)
    REFERENCES profiles (id) ON DELETE CASCADE,
  CONSTRAINT assignments_group_id_fkey FOREIGN KEY (group_id)
    REFERENCES groups (id) ON DELETE CASCADE
))sql",
    "CREATE INDEX assignments_group_id ON assignments (group_id)",

    R"sql(CREATE TABLE challenges (
  id TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('stored', 'sealed')),
  device_id TEXT NOT NULL,
  user_upn TEXT NOT NULL,
  profile TEXT NOT NULL,
  subject TEXT NOT NULL,
  sans TEXT NOT NULL DEFAULT '[]',
  key_usage BIGINT NOT NULL,
  ekus TEXT NOT NULL DEFAULT '[]',
  key_type TEXT NOT NULL,
  min_key_size INTEGER NOT NULL,
  validity_days INTEGER NOT NULL,
  purpose TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  CONSTRAINT challenges_pkey PRIMARY KEY (id),
  CONSTRAINT challenges_device_id_fkey FOREIGN KEY (device_id) REFERENCES devices (id)
))sql",
    "CREATE INDEX challenges_device_id ON challenges (device_id)",

    // One use per challenge: the primary key is the exactly-once rule.
    R"sql(CREATE TABLE challenge_uses (
  challenge_id TEXT NOT NULL,
  transaction_id TEXT NOT NULL,
  public_key_sha256 TEXT NOT NULL,
  cert_serial TEXT NOT NULL,
  used_at BIGINT NOT NULL,
  CONSTRAINT challenge_uses_pkey PRIMARY KEY (challenge_id)
))sql",

    R"sql(CREATE TABLE pending (
  request_id BIGINT NOT NULL PRIMARY KEY,
  transaction_id TEXT NOT NULL,
  public_key_sha256 TEXT NOT NULL,
  signer_sha256 TEXT NOT NULL,
  csr BYTEA NOT NULL,
  grant_json TEXT NOT NULL,
  decision TEXT NOT NULL DEFAULT 'pending'
    CHECK (decision IN ('pending', 'approved', 'rejected', 'issued')),
  reason TEXT NOT NULL DEFAULT '',
  decided_at BIGINT NOT NULL DEFAULT 0
))sql",
    "CREATE INDEX pending_transaction_id ON pending (transaction_id)",

    R"sql(CREATE TABLE outbox (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  request_id BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  delivered_at BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_until BIGINT NOT NULL DEFAULT 0
))sql",
    "CREATE INDEX outbox_due ON outbox (state, next_attempt_at)",

    R"sql(CREATE TABLE api_tokens (
  id TEXT NOT NULL,
  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'auditor')),
  hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked BOOLEAN NOT NULL DEFAULT false,
  revoked_at BIGINT NOT NULL DEFAULT 0,
  expires_at BIGINT NOT NULL DEFAULT 0,
  CONSTRAINT api_tokens_pkey PRIMARY KEY (id),
  CONSTRAINT api_tokens_hash_key UNIQUE (hash)
))sql",

    R"sql(CREATE TABLE audit_log (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  args TEXT NOT NULL DEFAULT '{}',
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
))sql",
    "CREATE INDEX audit_log_at ON audit_log (at)",
};

// The issuing CAs of the deployment (option 2 of docs/high-availability.md); as SQLite's v11.
constexpr const char* kV2[] = {
    R"sql(CREATE TABLE issuers (
  id TEXT NOT NULL PRIMARY KEY,
  cert_der BYTEA NOT NULL,
  name TEXT NOT NULL,
  active BOOLEAN NOT NULL DEFAULT true,
  created_at BIGINT NOT NULL,
  crl_wanted BIGINT NOT NULL DEFAULT 0,
  crl_published BIGINT NOT NULL DEFAULT 0,
  seq BIGINT GENERATED ALWAYS AS IDENTITY
))sql",
};

// Profile settings for Apple payloads; as SQLite's v12.
constexpr const char* kV3[] = {
    "ALTER TABLE profiles ADD COLUMN ca_fingerprint TEXT NOT NULL DEFAULT 'sha1'"
    " CHECK (ca_fingerprint IN ('sha1', 'sha256'))",
    "ALTER TABLE profiles ADD COLUMN key_extractable BOOLEAN NOT NULL DEFAULT true",
};

// Revoked issuing CAs, listed on their root's CRL; as SQLite's v13.
constexpr const char* kV4[] = {
    "ALTER TABLE issuers ADD COLUMN revoked_at BIGINT NOT NULL DEFAULT 0",
    "ALTER TABLE issuers ADD COLUMN revocation_reason INTEGER NOT NULL DEFAULT 0",
};

// Lists of certificates filtered by profile, paged newest first; as SQLite's v14.
constexpr const char* kV5[] = {
    "CREATE INDEX certificates_profile ON certificates (profile, created_at, seq)",
};

// Renewals of the shared RA certificate and what each node serves; as SQLite's v15.
constexpr const char* kV6[] = {
    R"sql(CREATE TABLE ra_certificates (
  id TEXT NOT NULL PRIMARY KEY,
  key_id TEXT NOT NULL,
  replaces TEXT NOT NULL UNIQUE,
  cert_der BYTEA NOT NULL,
  not_after BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  seq BIGINT GENERATED ALWAYS AS IDENTITY
))sql",
    "CREATE INDEX ra_certificates_key ON ra_certificates (key_id, not_after)",
    R"sql(CREATE TABLE node_ra (
  node TEXT NOT NULL PRIMARY KEY,
  key_id TEXT NOT NULL,
  serving TEXT NOT NULL,
  loaded TEXT NOT NULL,
  seen_at BIGINT NOT NULL
))sql",
};

// Lists of certificates filtered by status, subject prefix or serial prefix, paged newest first:
// SQLite's v14 index on (status, created_at), and subject and serial in the C collation. The
// prefix filters are starts_with(), which the planner (PostgreSQL 15 and later) turns into a
// range over a btree index only when the index's collation is C; the database's default
// collation may be another, and then neither the primary key nor a plain index would serve it.
// The index on status alone goes: the new one serves every query it did (status is its first
// column), and one index fewer on certificates is one write fewer per enrollment.
constexpr const char* kV7[] = {
    "CREATE INDEX certificates_status_created_at ON certificates (status, created_at, seq)",
    "DROP INDEX certificates_status",
    R"sql(CREATE INDEX certificates_subject ON certificates (subject COLLATE "C"))sql",
    // Serials are lower-case hex: in the C collation they sort and compare as in any other, and
    // the primary key itself then serves the prefix, with no second index to write.
    R"sql(ALTER TABLE certificates ALTER COLUMN serial TYPE TEXT COLLATE "C")sql",
};

// Named leases and the events of a request; as SQLite's v17.
constexpr const char* kV8[] = {
    "CREATE INDEX outbox_request ON outbox (request_id)",
    R"sql(CREATE TABLE leases (
  name TEXT NOT NULL PRIMARY KEY,
  owner TEXT NOT NULL,
  held_until BIGINT NOT NULL
))sql",
};

constexpr Migration kMigrations[] = {
    {1, kV1}, {2, kV2}, {3, kV3}, {4, kV4}, {5, kV5}, {6, kV6}, {7, kV7}, {8, kV8},
};

// Takes the migration lock for the rest of the transaction.
Status Lock(Connection& conn) {
  SG_TRY_STATUS(conn.ExecParams("SELECT pg_advisory_xact_lock($1::bigint)", {kMigrationLockKey}));
  return {};
}

// True once schema_version exists.
Result<bool> HasVersionTable(Connection& conn) {
  SG_ASSIGN_OR_RETURN(QueryResult found,
                      conn.Exec("SELECT to_regclass('schema_version') IS NOT NULL"));
  return found.Bool(0, 0);
}

// Creates schema_version when missing (under the lock, so that two processes do not race on it;
// only when missing, so that a role without CREATE may open a migrated database).
Status EnsureVersionTable(Connection& conn) {
  SG_ASSIGN_OR_RETURN(bool exists, HasVersionTable(conn));
  if (exists) return {};
  SG_TRY_STATUS(
      conn.Exec("CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY,"
                " applied_at BIGINT NOT NULL)"));
  return {};
}

// Applies one step unless another process applied it first (checked under the lock).
Status ApplyStep(Connection& conn, const Migration& step) {
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
  SG_TRY_STATUS(Lock(conn));
  SG_ASSIGN_OR_RETURN(int current, CurrentSchemaVersion(conn));
  if (current >= step.version) return tx.Commit();
  const std::string what = "migration " + std::to_string(step.version);
  for (const char* statement : step.statements) {
    if (auto done = conn.Exec(statement); !done) return Fail(done.error().With(what));
  }
  auto recorded = conn.ExecParams(
      "INSERT INTO schema_version (version, applied_at)"
      " VALUES ($1, EXTRACT(EPOCH FROM now())::bigint)",
      {step.version});
  if (!recorded) return Fail(recorded.error().With(what));
  return tx.Commit();
}

// Creates schema_version when missing and returns the applied version, refusing one newer than
// this build knows.
Result<int> CheckVersion(Connection& conn) {
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(conn));
  SG_TRY_STATUS(Lock(conn));
  SG_TRY_STATUS(EnsureVersionTable(conn));
  SG_ASSIGN_OR_RETURN(int current, CurrentSchemaVersion(conn));
  SG_TRY_STATUS(tx.Commit());
  const int latest = LatestSchemaVersion();
  if (current > latest) {
    return Fail(Error::FailedPrecondition("the database is at schema version " +
                                          std::to_string(current) + "; this scepgate knows up to " +
                                          std::to_string(latest) + ": upgrade scepgate"));
  }
  return current;
}

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

Result<int> CurrentSchemaVersion(Connection& conn) {
  SG_ASSIGN_OR_RETURN(bool exists, HasVersionTable(conn));
  if (!exists) return 0;
  SG_ASSIGN_OR_RETURN(QueryResult rows,
                      conn.Exec("SELECT COALESCE(MAX(version), 0) FROM schema_version"));
  SG_ASSIGN_OR_RETURN(int64_t version, rows.Int64(0, 0));
  return static_cast<int>(version);
}

Result<int> Migrate(Connection& conn) {
  SG_ASSIGN_OR_RETURN(int current, CheckVersion(conn));
  for (const Migration& step : kMigrations) {
    if (step.version > current) SG_TRY_STATUS(ApplyStep(conn, step));
  }
  return CurrentSchemaVersion(conn);
}

}  // namespace scepgate::store::pg
