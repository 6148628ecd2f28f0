// The rows of a bulk import file (mgmt/import.h) as read, before any rule is checked: CSV with a
// header row (RFC 4180, common/csv.h) or JSON lines (one object per line). Pure functions,
// thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace scepgate::mgmt {

enum class ImportFormat { kCsv, kJsonLines };

// The format a file name says: ".csv" is CSV, ".jsonl" or ".ndjson" JSON lines; nullopt otherwise.
std::optional<ImportFormat> ImportFormatOfPath(std::string_view path);
// "csv", "jsonl" (or "ndjson"); kInvalidArgument for anything else.
Result<ImportFormat> ParseImportFormat(std::string_view name);

// One row: its columns or keys (type, name, platform, serial_number, owner, id, upn, email, sid,
// dn, group, device, user), with empty values left out, and its groups.
struct ImportRow {
  int line = 0;       // where it starts in the file, from 1
  std::string error;  // not empty: the row could not be read (the reason)
  std::map<std::string, std::string, std::less<>> fields;
  std::vector<std::string> groups;  // CSV: the "groups" column split at ';'; JSON: an array
};

// Every row of `text`, in file order; a row that cannot be read is kept with its error.
// kInvalidArgument for a file that cannot be read at all: a CSV header naming an unknown or
// repeated column, or no header.
Result<std::vector<ImportRow>> ReadImportRows(std::string_view text, ImportFormat format);

}  // namespace scepgate::mgmt
