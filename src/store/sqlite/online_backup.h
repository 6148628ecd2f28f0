// A consistent copy of a live SQLite database (SQLite's online backup API), for `scepgate
// backup` while `scepgate serve` runs on the same file.
#pragma once

#include <cstdint>
#include <filesystem>

#include "common/error.h"

namespace scepgate::store {

struct OnlineBackupStats {
  int64_t pages = 0;       // pages copied
  int steps = 0;           // sqlite3_backup_step calls
  int schema_version = 0;  // the copy's schema version (migrations.h)
};

// Copies the database `source` into the new file `dest`, `pages_per_step` pages at a time, all
// inside one read transaction on `source`: the copy is the snapshot of that moment, and (the
// store runs in WAL mode) writers go on meanwhile; a busy source is waited for (10 s timeout).
// Returns kNotFound when `source` does not exist, kAlreadyExists when `dest` does, kDatabase
// with SQLite's message otherwise (a partly written `dest` is removed). Thread-safe (it opens
// its own connections).
Result<OnlineBackupStats> BackupDatabase(const std::filesystem::path& source,
                                         const std::filesystem::path& dest,
                                         int pages_per_step = 4096);

// Runs PRAGMA integrity_check on the database file and returns its schema version. Returns
// kNotFound when the file does not exist, kDatabase naming SQLite's first complaint when the
// check fails, and kFailedPrecondition when its schema is newer than this build's. Thread-safe.
Result<int> CheckDatabaseFile(const std::filesystem::path& file);

}  // namespace scepgate::store
