// Reads a ustar archive (archive/tar_format.h) entry by entry from a file, streaming each
// entry's data, and refusing what a scepgate backup never holds: links, devices, unsafe paths,
// damaged headers, a truncated archive. Not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>

#include "archive/tar_format.h"
#include "archive/unique_fd.h"
#include "common/error.h"

namespace scepgate::archive {

class TarReader {
 public:
  // Opens `file` for reading. Returns kNotFound or kIo.
  static Result<TarReader> Open(const std::filesystem::path& file);

  // The next entry's header (the data of the current entry, unread, is skipped), or nullopt at
  // the end marker. Returns DecodeTarHeader's kInvalidArgument for a damaged header, and
  // kInvalidArgument "truncated" when the file ends before the end marker; kIo.
  Result<std::optional<TarHeader>> Next();

  // Streams the current entry's data to `sink` in pieces of at most 64 KiB; at most once per
  // entry. Returns the sink's first error, kInvalidArgument "truncated", kIo.
  Status ReadData(const std::function<Status(std::string_view)>& sink);

 private:
  explicit TarReader(UniqueFd fd, std::filesystem::path file)
      : fd_(std::move(fd)), file_(std::move(file)) {}
  // Reads exactly `size` bytes; kInvalidArgument "truncated" at an early end of file.
  Status ReadExactly(char* out, size_t size);
  Status Skip(uint64_t size);

  UniqueFd fd_;
  std::filesystem::path file_;
  uint64_t unread_ = 0;  // data bytes of the current entry not read yet
  size_t padding_ = 0;   // padding after the current entry's data
  bool at_end_ = false;
};

}  // namespace scepgate::archive
