// `scepgate migrate --from-sqlite FILE`: moves a single-machine deployment's records (SQLite)
// into the PostgreSQL database that several nodes will share.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/error.h"
#include "store/postgres/postgres_store.h"

namespace scepgate::store {

struct CopiedTable {
  std::string table;
  int64_t rows = 0;
};

// Brings both databases to the latest schema, then copies every row of every table of the SQLite
// database `file` into the PostgreSQL database of `target`, in one PostgreSQL transaction: row
// ids, serials, counters (CRL numbers), challenge uses, held requests, tokens (hashed as they
// are), the audit log and undelivered webhook events all keep their values, and identity
// sequences continue after the highest id copied. Afterwards the row count of each table is
// compared. Returns the tables and their row counts.
// Errors: kFailedPrecondition when the PostgreSQL database already holds records (nothing is
// written) or the two schemas do not have the same tables and columns; kNotFound when `file`
// does not exist; kUnavailable when PostgreSQL cannot be reached; kDatabase otherwise (the
// transaction is rolled back). Not thread-safe; run it while no node serves on either database.
Result<std::vector<CopiedTable>> CopySqliteToPostgres(const std::filesystem::path& file,
                                                      const PostgresOptions& target);

}  // namespace scepgate::store
