// `scepgate restore`: the half of backup.h that puts a backup back.
#include <system_error>

#include "backup.h"
#include "ca/ca_dir.h"
#include "cli_audit.h"
#include "common/config.h"
#include "data_dir.h"
#include "store/sqlite/online_backup.h"

namespace scepgate::app {
namespace {

namespace fs = std::filesystem;

// What a restored data dir must pass before it is handed over.
Status CheckRestored(const fs::path& dir, RestoreReport& report) {
  auto config = LoadConfig(ConfigPath(dir));
  if (!config) return Fail(config.error().With("the restored scepgate.toml"));
  report.store_backend = config->store_backend;
  if (config->store_backend != "postgres") {
    auto version = store::CheckDatabaseFile(DatabasePath(dir));
    if (!version) return Fail(version.error().With("the restored database"));
    report.schema_version = *version;
  }
  if (config->pkcs11_module.empty() && config->pkcs11_uri.empty()) {
    // Loading the CA directory checks that each key matches its certificate.
    auto cas = ca::LoadCaDirectory(dir);
    if (!cas) return Fail(cas.error().With("the restored ca/"));
    report.keys_checked = true;
  }
  return {};
}

void Empty(const fs::path& dir, bool existed) {
  std::error_code ec;
  if (!existed) {
    fs::remove_all(dir, ec);
    return;
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) fs::remove_all(entry.path(), ec);
}

}  // namespace

Result<RestoreReport> RestoreDataDir(const fs::path& from, const fs::path& dir) {
  std::error_code ec;
  const bool existed = fs::exists(dir, ec);
  RestoreReport report;
  auto is_backup = [&](const archive::Bundle& b) -> Status {
    if (b.about.value("format", "") != "scepgate-backup")
      return Fail(Error::InvalidArgument(from.string() + " is not a scepgate backup"));
    return {};
  };
  SG_ASSIGN_OR_RETURN(report.bundle, archive::ExtractBundle(from, dir, is_backup));
  if (auto st = CheckRestored(dir, report); !st) {
    Empty(dir, existed);
    return Fail(st.error().With("nothing was restored"));
  }
  if (report.store_backend != "postgres") {
    // The restored store's own audit log says where it came from.
    auto config = LoadConfig(ConfigPath(dir));
    if (config) {
      if (auto store = OpenStore(dir, *config); store) {
        nlohmann::json args = {{"from", from.string()},
                               {"backup_created_at", report.bundle.about.value("created_at", "")}};
        RecordCliChange(**store, "restore", dir.string(), args, nullptr);
      }
    }
  }
  return report;
}

}  // namespace scepgate::app
