// Versioned schema migrations for the PostgreSQL store. Each version is a list of statements
// applied in one transaction and recorded in schema_version(version, applied_at). Every step runs
// under a transaction-scoped advisory lock with a fixed key, so that processes (nodes) opening
// the store at once migrate it once: the others wait for the lock, then find the step applied.
// Not thread-safe: call with a connection nobody else uses (PostgresStore::Open does).
#pragma once

#include <cstdint>
#include <span>

#include "common/error.h"
#include "store/postgres/connection.h"

namespace scepgate::store::pg {

struct Migration {
  int version;                              // strictly increasing, starting at 1
  std::span<const char* const> statements;  // applied in order, in one transaction
};

// The key of pg_advisory_xact_lock under which every migration step runs ("SCEPGATE" in ASCII).
inline constexpr int64_t kMigrationLockKey = 0x5343455047415445;

// The ordered list of every migration this build knows.
std::span<const Migration> Migrations();

// The version the schema has once every known migration is applied.
int LatestSchemaVersion();

// Returns the highest applied version (0 for a database without schema_version). Errors as in
// pg_error.h.
Result<int> CurrentSchemaVersion(Connection& conn);

// Applies every migration not applied yet and returns the resulting version. Returns
// kFailedPrecondition when the database was migrated by a newer scepgate ("the database is at
// schema version N; this scepgate knows up to M: upgrade scepgate"); a failed step's error
// (kUnavailable when the connection was lost), that step rolled back and earlier ones kept.
Result<int> Migrate(Connection& conn);

}  // namespace scepgate::store::pg
