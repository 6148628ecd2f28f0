#include "common/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace scepgate {

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return Fail(Error::NotFound(path.string() + ": no such file"));
    return Fail(Error::Io(path.string() + ": " + std::strerror(errno)));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::string> ReadPrivateFile(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Fail(Error::NotFound(path.string() + ": no such file"));
    return Fail(Error::Io(path.string() + ": " + std::strerror(errno)));
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Fail(Error::FailedPrecondition(path.string() + " holds a secret but is mode " + mode +
                                          ": make it 0600 (chmod 600)"));
  }
  return ReadFile(path);
}

Status WriteFile(const std::filesystem::path& path, std::string_view data, unsigned mode) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Fail(Error::Io(tmp.string() + ": " + std::strerror(errno)));
  ::fchmod(fd, mode);  // umask must not widen or narrow what we asked for
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return Fail(Error::Io(tmp.string() + ": " + std::strerror(err)));
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0)
    return Fail(Error::Io(tmp.string() + ": " + std::strerror(errno)));
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return Fail(Error::Io(path.string() + ": " + std::strerror(errno)));
  return {};
}

Status CreatePrivateFile(const std::filesystem::path& path, std::string_view data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::string what = path.string() + ": " + std::strerror(errno);
    if (errno == EEXIST) return Fail(Error::AlreadyExists(what));
    if (errno == ENOENT) return Fail(Error::NotFound(what));
    return Fail(Error::Io(what));
  }
  auto failed = [&](int err) {
    ::close(fd);
    ::unlink(path.c_str());
    return Fail(Error::Io(path.string() + ": " + std::strerror(err)));
  };
  if (::fchmod(fd, 0600) != 0) return failed(errno);  // the umask could only narrow it
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failed(errno);
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return failed(errno);
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(path.c_str());
    return Fail(Error::Io(path.string() + ": " + std::strerror(err)));
  }
  return {};
}

Status MakePrivateDirectory(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (!ec)
    std::filesystem::permissions(path, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
  if (ec) return Fail(Error::Io("cannot create " + path.string() + ": " + ec.message()));
  return {};
}

}  // namespace scepgate
