#include "archive/bundle.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <vector>

#include "archive/sha256.h"
#include "archive/tar_reader.h"
#include "archive/tar_writer.h"
#include "archive/unique_fd.h"

namespace scepgate::archive {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMaxManifest = 1 << 20;
constexpr size_t kChunk = 1 << 16;

Error Damaged(const fs::path& file, const std::string& why) {
  return Error::InvalidArgument(file.string() + ": " + why + "; nothing was restored");
}

Result<std::string> HashFile(const fs::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Fail(Error::Io(file.string() + ": " + std::strerror(errno)));
  Sha256 hash;
  std::vector<char> buf(kChunk);
  for (;;) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(Error::Io(file.string() + ": " + std::strerror(errno)));
    if (n == 0) break;
    hash.Update(std::string_view(buf.data(), static_cast<size_t>(n)));
  }
  return hash.HexDigest();
}

Result<BundleEntry> Describe(const BundleSource& s) {
  BundleEntry e{s.path, s.type, s.mode, 0, ""};
  if (s.type == TarType::kDirectory) return e;
  if (s.file.empty()) {
    e.size = s.data.size();
    e.sha256 = Sha256Hex(s.data);
    return e;
  }
  std::error_code ec;
  e.size = fs::file_size(s.file, ec);
  if (ec) return Fail(Error::Io(s.file.string() + ": " + ec.message()));
  SG_ASSIGN_OR_RETURN(e.sha256, HashFile(s.file));
  return e;
}

nlohmann::json ManifestOf(const nlohmann::json& about, const std::vector<BundleEntry>& entries) {
  nlohmann::json m = about;
  auto& files = m["files"] = nlohmann::json::array();
  for (const auto& e : entries) {
    nlohmann::json f = {{"path", e.path},
                        {"type", e.type == TarType::kDirectory ? "directory" : "file"},
                        {"mode", ModeText(e.mode)}};
    if (e.type == TarType::kFile) {
      f["size"] = e.size;
      f["sha256"] = e.sha256;
    }
    files.push_back(std::move(f));
  }
  return m;
}

Status WriteEntries(TarWriter& w, const std::vector<BundleSource>& sources,
                    const std::vector<BundleEntry>& entries, int64_t mtime) {
  for (size_t i = 0; i < sources.size(); ++i) {
    const auto& s = sources[i];
    if (s.type == TarType::kDirectory) {
      SG_TRY_STATUS(w.AddDirectory(s.path, s.mode, mtime));
    } else if (s.file.empty()) {
      SG_TRY_STATUS(w.AddData(s.path, s.data, s.mode, mtime));
    } else {
      SG_ASSIGN_OR_RETURN(std::string sha, w.AddFile(s.path, s.file, s.mode, mtime));
      if (sha != entries[i].sha256)
        return Fail(Error::Io(s.file.string() + " changed while it was written"));
    }
  }
  return {};
}

// The manifest's entries, checked: safe unique paths, known types, modes, digests.
Result<Bundle> ParseManifest(const fs::path& file, const std::string& text) {
  Bundle b;
  try {
    b.about = nlohmann::json::parse(text);
    std::set<std::string> seen{kManifestName};
    for (const auto& f : b.about.at("files")) {
      BundleEntry e;
      e.path = f.at("path").get<std::string>();
      std::string type = f.at("type").get<std::string>();
      if (type != "file" && type != "directory") throw std::runtime_error("unknown type " + type);
      e.type = type == "file" ? TarType::kFile : TarType::kDirectory;
      std::string mode = f.at("mode").get<std::string>();
      unsigned long m = std::stoul(mode, nullptr, 8);
      if (m > 0777) throw std::runtime_error("mode beyond 0777: " + mode);
      e.mode = static_cast<unsigned>(m);
      if (e.type == TarType::kFile) {
        e.size = f.at("size").get<uint64_t>();
        e.sha256 = f.at("sha256").get<std::string>();
      }
      if (!IsSafeArchivePath(e.path)) throw std::runtime_error("unsafe path " + e.path);
      if (!seen.insert(e.path).second) throw std::runtime_error("duplicate path " + e.path);
      b.entries.push_back(std::move(e));
    }
    b.about.erase("files");
  } catch (const std::exception& ex) {
    return Fail(Damaged(file, std::string("malformed manifest.json: ") + ex.what()));
  }
  return b;
}

// Reads the manifest entry (which must come first) and returns it parsed.
Result<Bundle> ReadManifest(TarReader& r, const fs::path& file) {
  SG_ASSIGN_OR_RETURN(auto first, r.Next());
  if (!first || first->path != kManifestName || first->type != TarType::kFile)
    return Fail(Damaged(file, "the first entry is not manifest.json: not a scepgate backup"));
  if (first->size > kMaxManifest) return Fail(Damaged(file, "manifest.json is too large"));
  std::string text;
  SG_TRY_STATUS(r.ReadData([&](std::string_view piece) -> Status {
    text.append(piece);
    return {};
  }));
  return ParseManifest(file, text);
}

// Calls `entry(header, listed)` for each entry after the manifest, having checked it against
// the manifest; then checks that none is missing.
template <class F>
Status WalkEntries(TarReader& r, const fs::path& file, const Bundle& b, F&& entry) {
  std::map<std::string, const BundleEntry*> listed;
  for (const auto& e : b.entries) listed[e.path] = &e;
  for (;;) {
    auto next = r.Next();
    if (!next) return Fail(next.error().With("archive damaged; nothing was restored"));
    if (!*next) break;
    const TarHeader& h = **next;
    auto it = listed.find(h.path);
    if (it == listed.end()) return Fail(Damaged(file, h.path + " is not in the manifest"));
    const BundleEntry& e = *it->second;
    listed.erase(it);
    if (h.type != e.type || h.mode != e.mode || h.size != e.size)
      return Fail(Damaged(file, h.path + ": type, mode or size differs from the manifest"));
    SG_TRY_STATUS(entry(h, e));
  }
  if (!listed.empty())
    return Fail(Damaged(file, listed.begin()->first + " is in the manifest but not the archive"));
  return {};
}

// Streams the current entry through SHA-256 (and `sink`); kInvalidArgument on a mismatch.
Status CheckData(TarReader& r, const fs::path& file, const BundleEntry& e,
                 const std::function<Status(std::string_view)>& sink) {
  Sha256 hash;
  SG_TRY_STATUS(r.ReadData([&](std::string_view piece) -> Status {
    hash.Update(piece);
    return sink ? sink(piece) : Status{};
  }));
  if (hash.HexDigest() != e.sha256)
    return Fail(Damaged(file, e.path + ": SHA-256 differs from the manifest's"));
  return {};
}

Status WriteAll(int fd, const fs::path& path, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(Error::Io(path.string() + ": " + std::strerror(errno)));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Status ExtractEntry(TarReader& r, const fs::path& file, const fs::path& dir, const BundleEntry& e) {
  fs::path target = dir / e.path;
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return Fail(Error::Io(target.parent_path().string() + ": " + ec.message()));
  if (e.type == TarType::kDirectory) {
    if (::mkdir(target.c_str(), 0700) != 0 && errno != EEXIST)
      return Fail(Error::Io(target.string() + ": " + std::strerror(errno)));
    if (::chmod(target.c_str(), e.mode | 0700) != 0)
      return Fail(Error::Io(target.string() + ": " + std::strerror(errno)));
    return {};
  }
  UniqueFd fd(::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) return Fail(Error::Io(target.string() + ": " + std::strerror(errno)));
  if (::fchmod(fd.get(), e.mode) != 0)
    return Fail(Error::Io(target.string() + ": " + std::strerror(errno)));
  SG_TRY_STATUS(CheckData(
      r, file, e, [&](std::string_view piece) { return WriteAll(fd.get(), target, piece); }));
  if (::fsync(fd.get()) != 0 || fd.Reset() != 0)
    return Fail(Error::Io(target.string() + ": " + std::strerror(errno)));
  return {};
}

}  // namespace

std::string ModeText(unsigned mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode & 07777);
  return text;
}

Result<std::vector<BundleEntry>> WriteBundle(const fs::path& out, const nlohmann::json& about,
                                             const std::vector<BundleSource>& sources,
                                             int64_t mtime) {
  std::vector<BundleEntry> entries;
  std::set<std::string> seen{kManifestName};
  for (const auto& s : sources) {
    if (!seen.insert(s.path).second)
      return Fail(Error::InvalidArgument("backup: duplicate entry " + s.path));
    SG_ASSIGN_OR_RETURN(BundleEntry e, Describe(s));
    entries.push_back(std::move(e));
  }
  std::string manifest = ManifestOf(about, entries).dump(2) + "\n";
  SG_ASSIGN_OR_RETURN(TarWriter w, TarWriter::Create(out));
  Status st = w.AddData(kManifestName, manifest, 0644, mtime);
  if (st) st = WriteEntries(w, sources, entries, mtime);
  if (st) st = w.Finish();
  if (!st) {
    w.Abandon();
    return Fail(st.error());
  }
  return entries;
}

Result<Bundle> VerifyBundle(const fs::path& file) {
  SG_ASSIGN_OR_RETURN(TarReader r, TarReader::Open(file));
  auto manifest = ReadManifest(r, file);
  if (!manifest) return Fail(manifest.error());
  SG_TRY_STATUS(WalkEntries(r, file, *manifest, [&](const TarHeader&, const BundleEntry& e) {
    return e.type == TarType::kFile ? CheckData(r, file, e, nullptr) : Status{};
  }));
  return manifest;
}

Result<Bundle> ExtractBundle(const fs::path& file, const fs::path& dir,
                             const std::function<Status(const Bundle&)>& accept) {
  std::error_code ec;
  const bool existed = fs::exists(dir, ec);
  if (existed && !fs::is_empty(dir, ec))
    return Fail(Error::AlreadyExists(dir.string() + " is not empty: restore into a new directory"));
  SG_ASSIGN_OR_RETURN(Bundle bundle, VerifyBundle(file));
  if (accept) SG_TRY_STATUS(accept(bundle));
  SG_ASSIGN_OR_RETURN(TarReader r, TarReader::Open(file));
  Status st;
  if (!existed && dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    st = Fail(Error::Io(dir.string() + ": " + std::strerror(errno)));
  if (st && ::chmod(dir.c_str(), 0700) != 0)
    st = Fail(Error::Io(dir.string() + ": " + std::strerror(errno)));
  if (st) {
    auto again = ReadManifest(r, file);
    if (!again ||
        ManifestOf(again->about, again->entries) != ManifestOf(bundle.about, bundle.entries))
      st = Fail(Damaged(file, "the archive changed while it was read"));
  }
  if (st)
    st = WalkEntries(r, file, bundle, [&](const TarHeader&, const BundleEntry& e) {
      return ExtractEntry(r, file, dir, e);
    });
  if (!st) {
    if (existed) {
      for (const auto& entry : fs::directory_iterator(dir, ec)) fs::remove_all(entry.path(), ec);
    } else {
      fs::remove_all(dir, ec);
    }
    return Fail(st.error());
  }
  return bundle;
}

}  // namespace scepgate::archive
