// Bulk import of devices, users and group memberships from CSV or JSON lines (import_rows.h):
// every row is checked with the rules of Directory::AddDevice / AddUser / AddGroup / AddMember
// (directory_rules.h), a row that breaks one is refused with its line and reason and nothing of
// it is written, and the good rows are written in batches through
// DirectoryStore::ApplyDirectoryBatch (all or nothing per batch). What is already there (a user
// with the same UPN in any case, a device with the same id, a membership) is left unchanged and
// counted as existing, so running the same file again adds nothing twice. The CLI
// (`scepgate device import`) and the REST API (POST /api/v1/devices/import) both call Import.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "common/random.h"
#include "mgmt/import_rows.h"
#include "mgmt/tokens.h"
#include "store/directory.h"

namespace scepgate::mgmt {

struct ImportOptions {
  ImportFormat format = ImportFormat::kCsv;
  std::string default_type = "device";  // the type of a row without one: device|user|member
  bool create_groups = false;           // a group named that does not exist is created, not refused
  bool dry_run = false;                 // check every row, write nothing
  size_t batch_size = 2000;             // rows per store transaction
  Role by = Role::kAdmin;               // who imports: only an admin may set a SID
};

struct ImportCounts {
  int added = 0;     // dry run: would be added
  int existing = 0;  // already there, left unchanged
  int refused = 0;   // rows refused (groups: never counted here)
};

struct RefusedRow {
  int line = 0;
  std::string type;
  std::string reason;
};

// A device added without an id in the file: the id scepgate minted for it.
struct MintedId {
  int line = 0;
  std::string id;
  std::string name;
};

struct ImportReport {
  int rows = 0;  // rows read
  ImportCounts devices, users, groups, members;
  std::vector<RefusedRow> refused;  // in line order
  std::vector<MintedId> minted;     // in line order (dry run: the ids are not kept)
};

// Thread-safe as far as the store is: holds no state of its own.
class Importer {
 public:
  Importer(store::DirectoryStore& store, const Clock& clock, Random& random)
      : store_(store), clock_(clock), random_(random) {}

  // Imports `text`. Refused rows are reported, not returned as errors. kInvalidArgument for a
  // file that cannot be read at all (import_rows.h) or a bad option; kDatabase (and what
  // ApplyDirectoryBatch returns besides kNotFound) when the store fails: the batches written
  // before stay, and the message says how many rows they held.
  Result<ImportReport> Import(std::string_view text, const ImportOptions& options);

 private:
  store::DirectoryStore& store_;
  const Clock& clock_;
  Random& random_;
};

// Formats `report` for a person: one line per kind with added/existing/refused, then each refused
// row as "line N (type): reason".
std::string FormatImportSummary(const ImportReport& report, bool dry_run);

}  // namespace scepgate::mgmt
