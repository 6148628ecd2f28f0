#include "archive/tar_reader.h"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace scepgate::archive {
namespace {

constexpr size_t kChunk = 1 << 16;

}  // namespace

Result<TarReader> TarReader::Open(const std::filesystem::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    std::string what = file.string() + ": " + std::strerror(errno);
    if (errno == ENOENT) return Fail(Error::NotFound(what));
    return Fail(Error::Io(what));
  }
  return TarReader(std::move(fd), file);
}

Status TarReader::ReadExactly(char* out, size_t size) {
  while (size > 0) {
    ssize_t n = ::read(fd_.get(), out, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(Error::Io(file_.string() + ": " + std::strerror(errno)));
    if (n == 0)
      return Fail(Error::InvalidArgument(file_.string() + ": truncated archive (it ends early)"));
    out += n;
    size -= static_cast<size_t>(n);
  }
  return {};
}

Status TarReader::Skip(uint64_t size) {
  std::vector<char> buf(static_cast<size_t>(std::min<uint64_t>(size, kChunk)));
  while (size > 0) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(size, kChunk));
    SG_TRY_STATUS(ReadExactly(buf.data(), n));
    size -= n;
  }
  return {};
}

Result<std::optional<TarHeader>> TarReader::Next() {
  if (at_end_) return std::optional<TarHeader>();
  SG_TRY_STATUS(Skip(unread_ + padding_));
  unread_ = 0;
  padding_ = 0;
  TarBlock block{};
  SG_TRY_STATUS(ReadExactly(block.data(), block.size()));
  if (IsZeroBlock(block)) {
    SG_TRY_STATUS(ReadExactly(block.data(), block.size()));
    if (!IsZeroBlock(block))
      return Fail(Error::InvalidArgument(file_.string() + ": damaged end of archive"));
    at_end_ = true;
    return std::optional<TarHeader>();
  }
  auto header = DecodeTarHeader(block);
  if (!header) return Fail(header.error().With(file_.string()));
  unread_ = header->size;
  padding_ = TarPadding(header->size);
  return std::optional<TarHeader>(std::move(*header));
}

Status TarReader::ReadData(const std::function<Status(std::string_view)>& sink) {
  std::vector<char> buf(static_cast<size_t>(std::min<uint64_t>(unread_, kChunk)));
  while (unread_ > 0) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(unread_, kChunk));
    SG_TRY_STATUS(ReadExactly(buf.data(), n));
    unread_ -= n;
    SG_TRY_STATUS(sink(std::string_view(buf.data(), n)));
  }
  return {};
}

}  // namespace scepgate::archive
