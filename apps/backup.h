// `scepgate backup` and `scepgate restore`: a data dir (config, CA certificates and key files,
// admin TLS, seal keys, password files and, on SQLite, a consistent online copy of the database)
// into one tar file with a manifest of SHA-256 digests, and back into a new data dir.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "archive/bundle.h"
#include "common/error.h"

namespace scepgate::app {

struct BackupReport {
  std::vector<archive::BundleEntry> entries;  // what the file holds (besides manifest.json)
  std::string store_backend;                  // "sqlite" | "postgres"
  bool database_included = false;             // false on PostgreSQL: pg_dump saves it
  int schema_version = 0;                     // of the database copy (SQLite)
  int64_t database_pages = 0;
  double database_seconds = 0;       // the online copy
  double seconds = 0;                // the whole backup
  uint64_t bytes = 0;                // size of the output file
  bool keys_in_token = false;        // [pkcs11]: the CA keys are in the token, not in the file
  bool root_offline = false;         // ca/root.offline: the root key is elsewhere
  std::vector<std::string> outside;  // files the config names outside the data dir (not saved)
};

// Writes `out` (a new file, mode 0600): manifest.json, scepgate.toml, ca/, admin/, the seal key
// file, the database password file and the PKCS#11 PIN file when they are in DIR, and on SQLite
// scepgate.db copied online (store/sqlite/online_backup.h: `serve` may keep running; the copy is
// made in a temporary directory beside `out` and removed). Returns kNotFound when DIR is not a
// data dir, kAlreadyExists when `out` exists, kFailedPrecondition for a key or secret file that
// others may read, kDatabase / kIo otherwise; on failure `out` is not left behind. Not
// thread-safe with itself on the same `out`.
Result<BackupReport> BackupDataDir(const std::filesystem::path& dir,
                                   const std::filesystem::path& out);

struct RestoreReport {
  archive::Bundle bundle;  // the manifest
  std::string store_backend;
  int schema_version = 0;     // of the restored database (SQLite)
  bool keys_checked = false;  // false: keys in a PKCS#11 token, not checked here
};

// Checks every digest of the backup `from`, then writes it into `dir` (absent or empty; 0700)
// with the recorded modes, and checks the result: the config loads, the database passes PRAGMA
// integrity_check and its schema is not newer than this build's, each CA key file matches its
// certificate. Then records "restore" in the restored store's audit log (SQLite).
// Returns ExtractBundle's errors (kAlreadyExists for a non-empty `dir`; kInvalidArgument for a
// damaged archive, with nothing written), kFailedPrecondition for a newer schema, kDatabase /
// kInvalidArgument when a check fails; after a failed check `dir` is emptied again (and removed
// when this made it). Not thread-safe with itself on the same `dir`.
Result<RestoreReport> RestoreDataDir(const std::filesystem::path& from,
                                     const std::filesystem::path& dir);

}  // namespace scepgate::app
