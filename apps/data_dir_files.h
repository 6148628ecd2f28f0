// The files of a data dir as its layout prescribes them (ca/ca_dir.h): which there are and with
// which modes. Shared by `init --join` (which copies them to a new node) and `backup` (which
// archives them), so that both agree on what a data dir holds. Thread-safe (no shared state).
#pragma once

#include <filesystem>
#include <functional>
#include <vector>

#include "common/error.h"

namespace scepgate::app {

inline constexpr unsigned kPrivateMode = 0600;    // keys, config, secrets
inline constexpr unsigned kPublicMode = 0644;     // certificates, key URIs, markers
inline constexpr unsigned kDirectoryMode = 0700;  // every directory

// One entry of a data dir, relative to it.
struct DataDirFile {
  std::filesystem::path path;
  unsigned mode = kPublicMode;
  bool directory = false;
};

// A path relative to the data dir that stays inside it.
bool InsideDataDir(const std::filesystem::path& file);

// The mode of a file in ca/ or admin/: kPrivateMode for a .key, kPublicMode otherwise.
unsigned LayoutMode(const std::filesystem::path& file);

// Lists DIR/`sub` (e.g. "ca") recursively, each directory before what it holds, with the modes
// the layout prescribes; `sub` itself is not listed. `skip(relative path)` returning true leaves
// an entry out (a directory with everything in it). Entries other than files and directories
// are ignored. Returns kIo when a directory cannot be read.
Result<std::vector<DataDirFile>> ListLayoutFiles(
    const std::filesystem::path& dir, const std::filesystem::path& sub,
    const std::function<bool(const std::filesystem::path&)>& skip = nullptr);

}  // namespace scepgate::app
