// Writes a ustar archive (archive/tar_format.h) to a new file, entry by entry, streaming file
// contents so that a large database copy is never held in memory. Not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "archive/tar_format.h"
#include "archive/unique_fd.h"
#include "common/error.h"

namespace scepgate::archive {

class TarWriter {
 public:
  // Creates `file` with mode 0600 (O_EXCL | O_NOFOLLOW: never over an existing file or link).
  // Returns kAlreadyExists when the path exists, kNotFound when its directory does not, kIo.
  static Result<TarWriter> Create(const std::filesystem::path& file);

  // Each Add* writes one entry. They return EncodeTarHeader's kInvalidArgument (unsafe or too
  // long path, bad mode) or kIo; after an error the archive is unusable (see Abandon).
  Status AddDirectory(const std::string& path, unsigned mode, int64_t mtime);
  Status AddData(const std::string& path, std::string_view data, unsigned mode, int64_t mtime);
  // Streams the regular file `source` into the entry. Returns the SHA-256 (hex) of what was
  // written; kIo when it cannot be read or its size changes while it is copied.
  Result<std::string> AddFile(const std::string& path, const std::filesystem::path& source,
                              unsigned mode, int64_t mtime);

  // Writes the end marker, syncs and closes the file. kIo on failure.
  Status Finish();
  // Closes and removes the unfinished file. Safe to call after Finish (does nothing then).
  void Abandon();

 private:
  TarWriter(UniqueFd fd, std::filesystem::path file) : fd_(std::move(fd)), file_(std::move(file)) {}
  Status Write(std::string_view data);
  Status WriteHeader(const TarHeader& header);

  UniqueFd fd_;
  std::filesystem::path file_;
  bool finished_ = false;
};

}  // namespace scepgate::archive
