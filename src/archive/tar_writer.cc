#include "archive/tar_writer.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "archive/sha256.h"

namespace scepgate::archive {
namespace {

constexpr size_t kChunk = 1 << 16;

Error IoError(const std::filesystem::path& file, int err) {
  return Error::Io(file.string() + ": " + std::strerror(err));
}

}  // namespace

Result<TarWriter> TarWriter::Create(const std::filesystem::path& file) {
  UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) {
    std::string what = file.string() + ": " + std::strerror(errno);
    if (errno == EEXIST) return Fail(Error::AlreadyExists(what));
    if (errno == ENOENT) return Fail(Error::NotFound(what));
    return Fail(Error::Io(what));
  }
  if (::fchmod(fd.get(), 0600) != 0) {
    int err = errno;
    ::unlink(file.c_str());
    return Fail(IoError(file, err));
  }
  return TarWriter(std::move(fd), file);
}

Status TarWriter::Write(std::string_view data) {
  if (!fd_) return Fail(Error::Io(file_.string() + ": already closed"));
  while (!data.empty()) {
    ssize_t n = ::write(fd_.get(), data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Fail(IoError(file_, errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Status TarWriter::WriteHeader(const TarHeader& header) {
  SG_ASSIGN_OR_RETURN(TarBlock block, EncodeTarHeader(header));
  return Write(std::string_view(block.data(), block.size()));
}

Status TarWriter::AddDirectory(const std::string& path, unsigned mode, int64_t mtime) {
  return WriteHeader({path, TarType::kDirectory, mode, 0, mtime});
}

Status TarWriter::AddData(const std::string& path, std::string_view data, unsigned mode,
                          int64_t mtime) {
  SG_TRY_STATUS(WriteHeader({path, TarType::kFile, mode, data.size(), mtime}));
  SG_TRY_STATUS(Write(data));
  static const char kZeros[kTarBlock] = {};
  return Write(std::string_view(kZeros, TarPadding(data.size())));
}

Result<std::string> TarWriter::AddFile(const std::string& path, const std::filesystem::path& source,
                                       unsigned mode, int64_t mtime) {
  UniqueFd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) return Fail(IoError(source, errno));
  struct stat st {};
  if (::fstat(in.get(), &st) != 0) return Fail(IoError(source, errno));
  if (!S_ISREG(st.st_mode)) return Fail(Error::Io(source.string() + ": not a regular file"));
  const auto size = static_cast<uint64_t>(st.st_size);
  SG_TRY_STATUS(WriteHeader({path, TarType::kFile, mode, size, mtime}));
  Sha256 hash;
  std::vector<char> buf(kChunk);
  uint64_t left = size;
  while (left > 0) {
    ssize_t n = ::read(in.get(), buf.data(), static_cast<size_t>(std::min<uint64_t>(left, kChunk)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(IoError(source, errno));
    if (n == 0) return Fail(Error::Io(source.string() + ": shrank while it was copied"));
    std::string_view piece(buf.data(), static_cast<size_t>(n));
    hash.Update(piece);
    SG_TRY_STATUS(Write(piece));
    left -= static_cast<uint64_t>(n);
  }
  char extra = 0;
  if (::read(in.get(), &extra, 1) > 0)
    return Fail(Error::Io(source.string() + ": grew while it was copied"));
  static const char kZeros[kTarBlock] = {};
  SG_TRY_STATUS(Write(std::string_view(kZeros, TarPadding(size))));
  return hash.HexDigest();
}

Status TarWriter::Finish() {
  static const char kZeros[2 * kTarBlock] = {};
  SG_TRY_STATUS(Write(std::string_view(kZeros, sizeof kZeros)));
  if (::fsync(fd_.get()) != 0) return Fail(IoError(file_, errno));
  if (fd_.Reset() != 0) return Fail(IoError(file_, errno));
  finished_ = true;
  return {};
}

void TarWriter::Abandon() {
  if (finished_) return;
  fd_.Reset();
  ::unlink(file_.c_str());
  finished_ = true;
}

}  // namespace scepgate::archive
