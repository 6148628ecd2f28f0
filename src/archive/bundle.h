// A bundle: a ustar archive whose first entry, manifest.json, describes the archive (caller's
// fields) and lists every other entry with its type, mode, size and SHA-256. What `scepgate
// backup` writes and `scepgate restore` reads; an administrator can inspect it with tar(1).
// Functions are thread-safe (no shared state) but must not work on the same files at once.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "archive/tar_format.h"
#include "common/error.h"

namespace scepgate::archive {

inline constexpr const char* kManifestName = "manifest.json";

// One entry to write: a directory, a file from memory (`data`), or a file streamed from disk
// (`file` set, for a large database copy).
struct BundleSource {
  std::string path;  // inside the archive: relative, '/'-separated
  TarType type = TarType::kFile;
  unsigned mode = 0600;
  std::string data;
  std::filesystem::path file;
};

// One entry as the manifest records it.
struct BundleEntry {
  std::string path;
  TarType type = TarType::kFile;
  unsigned mode = 0;
  uint64_t size = 0;
  std::string sha256;  // hex; empty for a directory
};

struct Bundle {
  nlohmann::json about;  // the manifest without "files"
  std::vector<BundleEntry> entries;
};

// Writes `out` (a new file, mode 0600): manifest.json (`about` plus "files"), then each source
// in order (a directory must come before what it holds). Returns the entries written;
// kAlreadyExists when `out` exists, kInvalidArgument for a path tar cannot hold or a duplicate,
// kIo (also when a streamed file changes while it is written). On failure `out` is removed.
Result<std::vector<BundleEntry>> WriteBundle(const std::filesystem::path& out,
                                             const nlohmann::json& about,
                                             const std::vector<BundleSource>& sources,
                                             int64_t mtime);

// Reads the whole archive and checks it, writing nothing: manifest.json first and well-formed,
// every other entry listed there once with the same type and mode, and with the recorded size
// and SHA-256, no entry missing. Returns the manifest; kInvalidArgument naming the first problem
// (damaged or truncated archive, unsafe path, digest mismatch, ...), kNotFound, kIo.
Result<Bundle> VerifyBundle(const std::filesystem::path& file);

// VerifyBundle, then writes the entries below `dir` with their recorded modes (`dir` itself is
// created with mode 0700, its missing parents as mkdir -p makes them), checking each digest again
// as it writes. Returns the manifest;
// kAlreadyExists when `dir` exists and is not empty, VerifyBundle's errors (nothing written),
// kInvalidArgument / kIo while writing (what was written is removed, `dir` too if this made it).
// `accept`, when given, sees the verified manifest before anything is written; its error is
// returned as it is.
Result<Bundle> ExtractBundle(const std::filesystem::path& file, const std::filesystem::path& dir,
                             const std::function<Status(const Bundle&)>& accept = nullptr);

// "0600" for 0600.
std::string ModeText(unsigned mode);

}  // namespace scepgate::archive
