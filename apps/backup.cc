#include "backup.h"

#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <set>

#include "common/config.h"
#include "common/files.h"
#include "data_dir.h"
#include "data_dir_files.h"
#include "store/sqlite/online_backup.h"
#include "views.h"

#ifndef SCEPGATE_VERSION
#define SCEPGATE_VERSION "unknown"
#endif

namespace scepgate::app {
namespace {

namespace fs = std::filesystem;
using archive::BundleSource;
using archive::TarType;

constexpr int kFormatVersion = 1;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A temporary directory beside the output, removed with what it holds on destruction.
class ScratchDir {
 public:
  static Result<ScratchDir> Beside(const fs::path& out) {
    std::string pattern = out.string() + ".tmp-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
      return Fail(Error::Io("cannot make a temporary directory beside " + out.string() + ": " +
                            std::strerror(errno)));
    return ScratchDir(pattern);
  }
  ScratchDir(ScratchDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  explicit ScratchDir(fs::path path) : path_(std::move(path)) {}
  fs::path path_;
};

// Adds a file of DIR read into memory (secrets refused when others may read them).
Status AddFile(const fs::path& dir, const fs::path& rel, unsigned mode,
               std::vector<BundleSource>& sources) {
  auto data = mode == kPrivateMode ? ReadPrivateFile(dir / rel) : ReadFile(dir / rel);
  if (!data) return Fail(data.error());
  sources.push_back({rel.generic_string(), TarType::kFile, mode, std::move(*data), {}});
  return {};
}

// ca/ and admin/ as the layout has them.
Status AddLayoutDir(const fs::path& dir, const fs::path& sub, std::vector<BundleSource>& sources) {
  std::error_code ec;
  if (!fs::is_directory(dir / sub, ec)) return {};
  sources.push_back({sub.generic_string(), TarType::kDirectory, kDirectoryMode, "", {}});
  SG_ASSIGN_OR_RETURN(auto files, ListLayoutFiles(dir, sub));
  // In name order (a directory still comes before what it holds): the same data dir gives the
  // same listing.
  std::ranges::sort(files, {}, [](const DataDirFile& f) { return f.path.generic_string(); });
  for (const DataDirFile& f : files) {
    if (f.directory) {
      sources.push_back({f.path.generic_string(), TarType::kDirectory, f.mode, "", {}});
    } else {
      SG_TRY_STATUS(AddFile(dir, f.path, f.mode, sources));
    }
  }
  return {};
}

// The files the config names (admin TLS, secrets) that are in DIR but not listed yet; those
// outside DIR are reported, not saved.
Status AddNamedFiles(const fs::path& dir, const Config& config, std::vector<BundleSource>& sources,
                     BackupReport& report) {
  std::set<std::string> listed;
  for (const auto& s : sources) listed.insert(s.path);
  struct Named {
    std::string path;
    unsigned mode;
  };
  for (const Named& n :
       {Named{config.admin_tls_cert, kPublicMode}, Named{config.admin_tls_key, kPrivateMode},
        Named{config.seal_key_file, kPrivateMode}, Named{config.store_password_file, kPrivateMode},
        Named{config.pkcs11_pin_file, kPrivateMode}}) {
    if (n.path.empty()) continue;
    fs::path rel = fs::path(n.path).lexically_normal();
    if (!InsideDataDir(rel)) {
      report.outside.push_back(n.path);
      continue;
    }
    std::error_code ec;
    if (listed.contains(rel.generic_string()) || !fs::exists(dir / rel, ec)) continue;
    SG_TRY_STATUS(AddFile(dir, rel, n.mode, sources));
    listed.insert(rel.generic_string());
  }
  return {};
}

nlohmann::json About(const Config& config, const BackupReport& r, int64_t now) {
  nlohmann::json about = {
      {"format", "scepgate-backup"},
      {"format_version", kFormatVersion},
      {"scepgate_version", SCEPGATE_VERSION},
      {"created_at", IsoTime(now)},
      {"store_backend", config.store_backend},
      {"keys", r.keys_in_token ? "in the PKCS#11 token [pkcs11] names: not in this backup"
                               : "files in ca/"},
      {"root_key", r.root_offline ? "offline (ca/root.offline): not in this backup"
                                  : (r.keys_in_token ? "in the token" : "ca/root.key")},
  };
  if (r.database_included) {
    about["database"] = "scepgate.db";
    about["schema_version"] = r.schema_version;
  } else {
    about["database"] =
        "not included: the records are in PostgreSQL; save them with pg_dump -Fc "
        "(docs/multi-node.md)";
  }
  if (!r.outside.empty()) about["not_included_outside_data_dir"] = r.outside;
  return about;
}

}  // namespace

Result<BackupReport> BackupDataDir(const fs::path& dir, const fs::path& out) {
  const auto start = std::chrono::steady_clock::now();
  auto config = LoadConfig(ConfigPath(dir));
  if (!config)
    return Fail(
        Error::NotFound(dir.string() + " is not a scepgate data dir: " + config.error().message));
  std::error_code ec;
  if (fs::exists(out, ec) || fs::is_symlink(out, ec))
    return Fail(Error::AlreadyExists(out.string() + " exists: name a new file"));
  BackupReport report;
  report.store_backend = config->store_backend;
  report.keys_in_token = !config->pkcs11_module.empty() || !config->pkcs11_uri.empty();
  report.root_offline = fs::exists(dir / "ca" / "root.offline", ec);

  std::vector<BundleSource> sources;
  SG_TRY_STATUS(AddFile(dir, "scepgate.toml", kPrivateMode, sources));
  SG_TRY_STATUS(AddLayoutDir(dir, "ca", sources));
  SG_TRY_STATUS(AddLayoutDir(dir, "admin", sources));
  SG_TRY_STATUS(AddNamedFiles(dir, *config, sources, report));

  // The database last: its snapshot is then as recent as the files before it.
  SG_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Beside(out));
  if (config->store_backend != "postgres") {
    const auto db_start = std::chrono::steady_clock::now();
    fs::path copy = scratch.path() / "scepgate.db";
    SG_ASSIGN_OR_RETURN(store::OnlineBackupStats stats,
                        store::BackupDatabase(DatabasePath(dir), copy));
    report.database_seconds = SecondsSince(db_start);
    report.database_pages = stats.pages;
    report.schema_version = stats.schema_version;
    report.database_included = true;
    sources.push_back({"scepgate.db", TarType::kFile, kPrivateMode, "", copy});
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  SG_ASSIGN_OR_RETURN(report.entries,
                      archive::WriteBundle(out, About(*config, report, now), sources, now));
  report.bytes = fs::file_size(out, ec);
  report.seconds = SecondsSince(start);
  return report;
}

}  // namespace scepgate::app
