// Small file helpers. Thread-safe (no shared state).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/error.h"

namespace scepgate {

// Returns the whole file, or kNotFound / kIo.
Result<std::string> ReadFile(const std::filesystem::path& path);
// Returns the whole of a secret's file, refusing (kFailedPrecondition, naming the mode) one that
// its group or others may read or write; kNotFound / kIo as ReadFile.
Result<std::string> ReadPrivateFile(const std::filesystem::path& path);
// Writes atomically (temp file + rename) with the given permission bits. Returns kIo on failure.
Status WriteFile(const std::filesystem::path& path, std::string_view data, unsigned mode = 0644);
// Same, with mode 0600: for private keys and other secrets.
inline Status WritePrivateFile(const std::filesystem::path& path, std::string_view data) {
  return WriteFile(path, data, 0600);
}
// Creates the directory `path` (and its parents) and sets its mode to 0700, also when it existed.
// Returns kIo on failure.
Status MakePrivateDirectory(const std::filesystem::path& path);
// Creates `path` with mode 0600 and writes `data`, never replacing or following what is there
// (O_CREAT | O_EXCL | O_NOFOLLOW): for a secret written once. Returns kAlreadyExists when the path
// exists (a symlink, even a dangling one, included), kNotFound when its directory does not, kIo
// otherwise (a partly written file is removed).
Status CreatePrivateFile(const std::filesystem::path& path, std::string_view data);

}  // namespace scepgate
