// `scepgate init --join DSN --from NODE_DIR`: a new gateway node of a deployment whose records
// are in one PostgreSQL database, made from an existing node's data dir.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/error.h"

namespace scepgate::app {

struct JoinOptions {
  std::filesystem::path dir;   // the new node's data dir: absent or empty
  std::string dsn;             // the deployment's database, without a password
  std::filesystem::path from;  // an existing node's data dir (or a copy of it)
  // A file (mode 0600) holding the database password, copied to DIR/db-password; empty = the
  // source node's password file, if it names one in its data dir.
  std::filesystem::path password_file;
  // A directory holding issuing.crt and issuing.key of an issuing CA made by `ca add-issuer`:
  // the new node signs with it instead of the source's issuing CA (whose key, current, staged or
  // archived, it then does not get). Empty = the source's.
  std::filesystem::path issuer;
  // Names of the node's own admin TLS certificate (apps/admin_cert.h); empty: the defaults.
  std::vector<std::string> admin_names;
};

// One file the new node got, for the report `init --join` prints.
struct JoinedFile {
  std::filesystem::path path;  // relative to the new data dir
  unsigned mode = 0;
};

// Writes DIR: scepgate.toml (the source's settings, [store] pointing at `dsn`), ca/ (every
// certificate and key of the source but the root CA's key, which stays where it is: the new node
// gets ca/root.offline instead), the seal key file and the password file when they live in the
// source's data dir. Keys, config and secrets 0600, certificates 0644, directories 0700. Then
// opens the database to check that it answers and holds this CA's records, and issues the node
// its own admin TLS certificate. With `issuer`, DIR/ca gets that issuing CA
// instead of the source's.
// Returns kAlreadyExists when DIR holds anything, kFailedPrecondition when the source keeps its
// records in SQLite, the database holds certificates of another CA, or `issuer` is not
// registered in it (or was not issued by the deployment's root), kInvalidArgument for a
// DSN with a password, kNotFound when FROM is not a data dir, kUnavailable when the database
// cannot be reached; on any failure after DIR was created, DIR is removed. Not thread-safe.
Result<std::vector<JoinedFile>> JoinNode(const JoinOptions& options);

}  // namespace scepgate::app
