// The POSIX ustar header (IEEE Std 1003.1, "pax" format's ustar subset): 512-byte blocks, a
// header block per entry followed by its data padded to a block, two zero blocks at the end.
// Only what a scepgate backup holds is supported: regular files and directories, paths of up to
// 255 bytes (name + prefix), sizes below 8 GiB. Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/error.h"

namespace scepgate::archive {

constexpr size_t kTarBlock = 512;
// The largest size the 11 octal digits of a ustar header hold.
constexpr uint64_t kTarMaxSize = (uint64_t{1} << 33) - 1;

enum class TarType : char { kFile = '0', kDirectory = '5' };

struct TarHeader {
  std::string path;  // relative, '/'-separated, without a trailing '/'
  TarType type = TarType::kFile;
  unsigned mode = 0644;  // permission bits only (07777 at most; set-id bits are refused)
  uint64_t size = 0;     // 0 for a directory
  int64_t mtime = 0;     // unix seconds
};

using TarBlock = std::array<char, kTarBlock>;

// Whether `path` is safe to extract below a directory: relative, non-empty, of printable ASCII
// without backslashes, with no empty, "." or ".." component.
bool IsSafeArchivePath(std::string_view path);

// Encodes a header block (owner root:root, uid/gid 0). Returns kInvalidArgument for an unsafe
// path, a path that does not fit (a name over 100 bytes is split at a '/' into prefix and name;
// over 255 bytes, or with no such split, it does not fit), a mode with bits beyond 0777, a
// directory with a size, a size over kTarMaxSize or a negative mtime.
Result<TarBlock> EncodeTarHeader(const TarHeader& header);

// Decodes a header block. Returns kInvalidArgument naming the problem for a bad checksum, a
// block that is not ustar, a malformed number, a type other than a file or a directory, a mode
// beyond 0777, or an unsafe path (absolute, "..", ...).
Result<TarHeader> DecodeTarHeader(std::span<const char, kTarBlock> block);

// Whether every byte of the block is zero (the end-of-archive marker).
bool IsZeroBlock(std::span<const char, kTarBlock> block);

// Bytes of padding after `size` bytes of data, up to the next block boundary.
inline size_t TarPadding(uint64_t size) {
  return static_cast<size_t>((kTarBlock - size % kTarBlock) % kTarBlock);
}

}  // namespace scepgate::archive
