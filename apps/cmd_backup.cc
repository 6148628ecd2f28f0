// `scepgate backup --out FILE` and `scepgate restore --from FILE --dir NEWDIR` (backup.h).
#include <cstdio>
#include <iostream>

#include "backup.h"
#include "cli_audit.h"
#include "commands.h"
#include "data_dir.h"

namespace scepgate::app {
namespace {

std::string Fixed(double value, const char* format) {
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

void PrintBackup(const std::string& out, const BackupReport& r) {
  std::cout << "backup written to " << out << ": " << r.entries.size() << " entries, " << r.bytes
            << " bytes, in " << Fixed(r.seconds, "%.2f") << " s (mode 0600: it holds private "
            << "keys; keep it as you keep ca/)\n";
  if (r.database_included) {
    std::cout << "  database: scepgate.db, schema " << r.schema_version << ", " << r.database_pages
              << " pages copied online in " << Fixed(r.database_seconds, "%.2f") << " s\n";
  } else {
    std::cout << "  database: NOT included: the records are in PostgreSQL. Save them with\n"
              << "    pg_dump -Fc --dbname=\"<the [store] dsn>\" --file=scepgate.pgdump\n"
              << "  and restore with pg_restore into an empty database (docs/multi-node.md)\n";
  }
  if (r.keys_in_token)
    std::cout << "  keys: in the PKCS#11 token [pkcs11] names, not in this file: back the token "
                 "up with its own procedure\n";
  if (r.root_offline)
    std::cout << "  root CA key: offline (ca/root.offline is in the backup, the key is not)\n";
  for (const auto& path : r.outside)
    std::cout << "  not included (outside the data dir): " << path << "\n";
  std::cout << "  manifest.json in the file lists every entry with its mode and SHA-256\n";
}

void PrintRestore(const std::string& dir, const RestoreReport& r) {
  std::cout << "restored " << r.bundle.entries.size() << " entries into " << dir
            << " from the backup of " << r.bundle.about.value("created_at", "?") << "\n";
  for (const auto& e : r.bundle.entries)
    std::cout << "  " << archive::ModeText(e.mode) << " " << e.path
              << (e.type == archive::TarType::kDirectory ? "/" : "") << "\n";
  if (r.store_backend == "postgres") {
    std::cout << "database: in PostgreSQL, not in the backup: pg_restore it into an empty "
                 "database and point [store] dsn at it (docs/multi-node.md)\n";
  } else {
    std::cout << "database: scepgate.db passes PRAGMA integrity_check, schema " << r.schema_version
              << "\n";
  }
  std::cout << (r.keys_checked ? "keys: each CA key file matches its certificate\n"
                               : "keys: in the PKCS#11 token; restore the token with its own "
                                 "procedure\n");
}

void AddBackupCommand(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "backup",
      "write DIR's config, CA certificates and keys, admin TLS, secrets and (SQLite) a "
      "consistent online copy of the database to one tar file; serve may keep running");
  AddDirOption(*cmd, *dir);
  cmd->add_option("--out", *out, "the backup file to write (must not exist; mode 0600)")
      ->required();
  cmd->callback([dir, out] {
    auto config = LoadConfig(ConfigPath(*dir));
    std::unique_ptr<store::Store> store;
    if (config) {
      auto opened = OpenStore(*dir, *config);
      if (opened) {
        store = std::move(*opened);
      } else {
        std::cerr << "scepgate: warning: cannot open the store to record the backup in the "
                     "audit log: "
                  << opened.error().message << "\n";
      }
    }
    auto report = BackupDataDir(*dir, *out);
    if (store) {
      nlohmann::json args = {{"out", *out}};
      if (report) args["bytes"] = report->bytes;
      RecordCliChange(*store, "backup", *out, args, report ? nullptr : &report.error());
    }
    PrintBackup(*out, OrDie(std::move(report)));
  });
}

void AddRestoreCommand(CLI::App& app) {
  auto from = std::make_shared<std::string>();
  auto dir = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "restore",
      "check every SHA-256 of a `scepgate backup` file, then write it into a new data dir "
      "with its modes and check the database and the CA keys");
  cmd->add_option("--from", *from, "the backup file")->required();
  cmd->add_option("--dir", *dir, "the new data dir (absent or empty)")->required();
  cmd->callback([from, dir] { PrintRestore(*dir, OrDie(RestoreDataDir(*from, *dir))); });
}

}  // namespace

void AddBackupCommands(CLI::App& app) {
  AddBackupCommand(app);
  AddRestoreCommand(app);
}

}  // namespace scepgate::app
