// A root CA whose private key is kept away from the data dir (`scepgate init --offline-root`):
// the key is written once to a file the administrator names, DIR/ca keeps only root.crt (for
// GetCACert and chains) and the marker root.offline, and what needs the key (staging a
// rollover) asks for it by its flag (--root-key) instead of failing on a missing file.
#pragma once

#include <filesystem>

#include "ca/ca_dir.h"
#include "common/error.h"
#include "common/ossl.h"

namespace scepgate::ca {

// Whether `file` may receive the offline root key of the data dir `dir`. Returns kInvalidArgument
// when it is `dir` or inside it (symlinks resolved), kAlreadyExists when something is there (a
// dangling symlink included), kNotFound when its directory does not exist. Thread-safe.
Status CheckOfflineRootKeyPath(const std::filesystem::path& dir, const std::filesystem::path& file);

// Writes DIR/ca/root.offline, then `key` to `file` (created 0600, never over an existing file).
// Returns kAlreadyExists / kNotFound as CreatePrivateFile does, kIo, kCrypto. Thread-safe for
// distinct files.
Status WriteOfflineRootKey(const std::filesystem::path& ca_dir, const std::filesystem::path& file,
                           const EVP_PKEY& key);

// Writes DIR/ca/root.offline saying why the root key is not here (`why`, for people), so that
// what needs the key asks for --root-key. kIo on failure. Thread-safe.
Status MarkRootKeyElsewhere(const std::filesystem::path& ca_dir, std::string_view why);

// True when DIR/ca/root.offline says the root key was kept away at init. Thread-safe.
bool RootKeyOffline(const std::filesystem::path& dir);

// The root CA's private key, to sign with: read from `root_key_file` when given, else from
// DIR/ca/root.key, or `set.root_key` when a token holds it (root.p11); it must be the key of
// `set.root`, which must have issued the current issuing
// CA. Returns kFailedPrecondition naming --root-key when the key is offline and no file is
// given; kInvalidArgument when there is no root key here (an imported CA), no root certificate,
// a key of another certificate, or a current CA the root did not issue; kNotFound (with the path)
// for a missing file. Thread-safe.
Result<EvpPkeyPtr> LoadRootKey(const std::filesystem::path& dir, const CaSet& set,
                               const std::filesystem::path& root_key_file);

}  // namespace scepgate::ca
