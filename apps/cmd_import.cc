// `scepgate device import FILE` and `scepgate user import FILE`: a bulk import of devices, users
// and memberships from CSV or JSON lines (mgmt/import.h), audited as one entry with the counts.
#include <iostream>
#include <iterator>
#include <memory>

#include "cli_audit.h"
#include "commands.h"
#include "common/csv.h"
#include "common/files.h"
#include "data_dir.h"
#include "mgmt/import.h"
#include "mgmt/import_json.h"

namespace scepgate::app {
namespace {

struct ImportFlags {
  std::string dir;
  std::string file;
  std::string format;
  std::string ids_out;
  bool create_groups = false;
  bool dry_run = false;
  bool json = false;
  size_t batch = 2000;
};

std::string ReadInput(const std::string& file) {
  if (file == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  return OrDie(ReadFile(file));
}

mgmt::ImportFormat FormatOf(const ImportFlags& f) {
  if (!f.format.empty()) return OrDie(mgmt::ParseImportFormat(f.format));
  if (auto format = mgmt::ImportFormatOfPath(f.file)) return *format;
  Die(Error::InvalidArgument("cannot tell the format of " + f.file +
                             " from its name (.csv, .jsonl, .ndjson): give --format csv|jsonl"));
}

// "line,id,name" for each minted id, as CSV.
std::string IdsCsv(const mgmt::ImportReport& report) {
  std::string out = "line,id,name\n";
  for (const mgmt::MintedId& m : report.minted)
    out += std::to_string(m.line) + "," + m.id + "," + CsvField(m.name) + "\n";
  return out;
}

void RunImport(const ImportFlags& f, const std::string& default_type) {
  mgmt::ImportOptions options;
  options.format = FormatOf(f);
  options.default_type = default_type;
  options.create_groups = f.create_groups;
  options.dry_run = f.dry_run;
  options.batch_size = f.batch;
  options.by = mgmt::Role::kAdmin;  // the local CLI acts as an admin, as `user add` does
  std::string text = ReadInput(f.file);
  SystemClock clock;
  SystemRandom random;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  mgmt::Importer importer(*data->store, clock, random);
  auto imported = importer.Import(text, options);
  nlohmann::json args = {
      {"file", f.file}, {"dry_run", f.dry_run}, {"create_groups", f.create_groups}};
  if (imported) args["counts"] = mgmt::ImportCountsJson(*imported);
  if (!f.dry_run) {  // one audit entry with the counts, never one per row
    imported = Audited(*data->store, default_type + ".import", f.file, args, std::move(imported));
  } else if (!imported) {
    Die(imported.error());
  }
  const mgmt::ImportReport& report = *imported;
  if (!f.ids_out.empty() && !f.dry_run) {
    if (f.ids_out == "-") {
      std::cout << IdsCsv(report);
    } else {
      OrDie(WriteFile(f.ids_out, IdsCsv(report)));
    }
  }
  if (f.json) {
    std::cout << mgmt::ImportReportJson(report, f.dry_run).dump(2) << "\n";
  } else {
    (f.ids_out == "-" ? std::cerr : std::cout) << mgmt::FormatImportSummary(report, f.dry_run);
    if (!report.minted.empty() && f.ids_out.empty() && !f.dry_run)
      std::cerr << "scepgate: " << report.minted.size()
                << " device id(s) minted; give --ids-out FILE to keep them by line\n";
  }
  if (!report.refused.empty()) {
    Die(Error::InvalidArgument(std::to_string(report.refused.size()) + " row(s) refused" +
                               (f.dry_run ? "" : "; the other rows were imported")));
  }
}

}  // namespace

void AddImportCommand(CLI::App& parent, const std::string& default_type) {
  auto f = std::make_shared<ImportFlags>();
  CLI::App* cmd = parent.add_subcommand(
      "import", "import devices, users and memberships from CSV or JSON lines (rows of type " +
                    default_type + " unless a 'type' column says otherwise)");
  AddDirOption(*cmd, f->dir);
  cmd->add_option("file", f->file, "the file (.csv, .jsonl, .ndjson; - for standard input)")
      ->required();
  cmd->add_option("--format", f->format, "csv|jsonl (default: from the file name)");
  cmd->add_flag("--create-groups", f->create_groups,
                "create the groups named that do not exist (else such a row is refused)");
  cmd->add_flag("--dry-run", f->dry_run, "check every row, write nothing");
  cmd->add_option("--ids-out", f->ids_out,
                  "write line,id,name of each device given no id to this file (- for stdout)");
  cmd->add_option("--batch", f->batch, "rows per transaction (default 2000)")
      ->check(CLI::Range(1, 100000));
  cmd->add_flag("--json", f->json, "print the report as JSON");
  cmd->callback([f, default_type] { RunImport(*f, default_type); });
}

}  // namespace scepgate::app
