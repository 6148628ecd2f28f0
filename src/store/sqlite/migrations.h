// Versioned schema migrations for the SQLite store. Each step runs once, in its own transaction,
// and is recorded in schema_migrations(version, applied_at). Not thread-safe: call while holding
// the connection (SqliteStore does so before it is shared).
#pragma once

#include <sqlite3.h>

#include <span>

#include "common/error.h"

namespace scepgate::store {

struct Migration {
  int version;      // strictly increasing, starting at 1
  const char* sql;  // one or more statements
};

// The ordered list of every migration this build knows.
std::span<const Migration> Migrations();

// The version the schema has once every known migration is applied.
int LatestSchemaVersion();

// Returns the highest applied version (0 for an empty database). kDatabase on failure.
Result<int> CurrentSchemaVersion(sqlite3& db);

// Applies every migration not applied yet and returns the resulting version. Returns kDatabase
// when a step fails (that step is rolled back, earlier ones stay) or when the database was
// written by a newer scepgate ("database schema version N is newer than this scepgate (M)").
Result<int> Migrate(sqlite3& db);

}  // namespace scepgate::store
