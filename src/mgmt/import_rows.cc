#include "mgmt/import_rows.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/csv.h"
#include "common/text.h"

namespace scepgate::mgmt {
namespace {

const std::set<std::string, std::less<>>& Columns() {
  static const std::set<std::string, std::less<>> kColumns = {
      "type",  "name", "platform", "serial_number", "owner",  "id",   "upn",
      "email", "sid",  "dn",       "group",         "device", "user", "groups"};
  return kColumns;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> SplitGroups(std::string_view list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = std::min(list.find(';', start), list.size());
    std::string group = Trim(list.substr(start, end - start));
    if (!group.empty()) out.push_back(std::move(group));
    start = end + 1;
  }
  return out;
}

void SetField(ImportRow& row, const std::string& column, std::string value) {
  if (column == "groups") {
    row.groups = SplitGroups(value);
  } else if (!value.empty()) {
    row.fields[column] = std::move(value);
  }
}

Result<std::vector<ImportRow>> ReadCsv(std::string_view text) {
  CsvReader reader(text);
  std::vector<std::string> header;
  std::vector<ImportRow> rows;
  while (true) {
    auto next = reader.Next();
    if (!next) {
      if (header.empty()) return Fail(next.error());
      ImportRow bad;
      bad.error = next.error().message;
      // "line N: why" into its line and its reason.
      if (bad.error.starts_with("line ")) {
        bad.line = std::atoi(bad.error.c_str() + 5);
        size_t colon = bad.error.find(": ");
        if (colon != std::string::npos) bad.error.erase(0, colon + 2);
      }
      rows.push_back(std::move(bad));
      continue;
    }
    if (!*next) break;
    CsvRecord& record = **next;
    if (header.empty()) {
      for (std::string& column : record.fields) {
        std::string name = AsciiLower(Trim(column));
        if (!Columns().contains(name)) {
          return Fail(Error::InvalidArgument(
              "line " + std::to_string(record.line) + ": unknown column '" + column +
              "' (type, name, platform, serial_number, owner, id, groups, upn, email, sid, dn, "
              "group, device, user)"));
        }
        if (std::ranges::find(header, name) != header.end()) {
          return Fail(Error::InvalidArgument("line " + std::to_string(record.line) + ": column '" +
                                             column + "' is named twice"));
        }
        header.push_back(std::move(name));
      }
      continue;
    }
    ImportRow row;
    row.line = record.line;
    if (record.fields.size() != header.size()) {
      row.error = std::to_string(record.fields.size()) + " fields where the header names " +
                  std::to_string(header.size());
    } else {
      for (size_t i = 0; i < header.size(); ++i) SetField(row, header[i], Trim(record.fields[i]));
    }
    rows.push_back(std::move(row));
  }
  if (header.empty()) return Fail(Error::InvalidArgument("the CSV file has no header row"));
  return rows;
}

// One JSON object into `row`; the reason when it cannot be read.
std::string ReadJsonObject(const nlohmann::json& object, ImportRow& row) {
  if (!object.is_object()) return "not a JSON object";
  for (const auto& [key, value] : object.items()) {
    if (!Columns().contains(key)) return "unknown key '" + key + "'";
    if (key == "groups") {
      if (value.is_string()) {
        row.groups = SplitGroups(value.get<std::string>());
        continue;
      }
      if (!value.is_array()) return "\"groups\" is neither an array nor a string";
      for (const auto& g : value) {
        if (!g.is_string()) return "\"groups\" holds a value that is not a string";
        std::string group = Trim(g.get<std::string>());
        if (!group.empty()) row.groups.push_back(std::move(group));
      }
    } else if (value.is_string()) {
      SetField(row, key, Trim(value.get<std::string>()));
    } else if (!value.is_null()) {
      return "\"" + key + "\" is not a string";
    }
  }
  return "";
}

std::vector<ImportRow> ReadJsonLines(std::string_view text) {
  std::vector<ImportRow> rows;
  int line = 0;
  size_t start = 0;
  if (text.starts_with("\xEF\xBB\xBF")) start = 3;
  while (start < text.size()) {
    ++line;
    size_t end = std::min(text.find('\n', start), text.size());
    std::string_view one = text.substr(start, end - start);
    start = end + 1;
    if (Trim(one).empty() || Trim(one) == "\r") continue;
    ImportRow row;
    row.line = line;
    nlohmann::json object = nlohmann::json::parse(one, nullptr, false);
    if (object.is_discarded()) {
      row.error = "not valid JSON";
    } else {
      row.error = ReadJsonObject(object, row);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

std::optional<ImportFormat> ImportFormatOfPath(std::string_view path) {
  std::string lower = AsciiLower(path);
  if (lower.ends_with(".csv")) return ImportFormat::kCsv;
  if (lower.ends_with(".jsonl") || lower.ends_with(".ndjson")) return ImportFormat::kJsonLines;
  return std::nullopt;
}

Result<ImportFormat> ParseImportFormat(std::string_view name) {
  std::string lower = AsciiLower(name);
  if (lower == "csv") return ImportFormat::kCsv;
  if (lower == "jsonl" || lower == "ndjson") return ImportFormat::kJsonLines;
  return Fail(
      Error::InvalidArgument("unknown import format '" + std::string(name) + "' (csv|jsonl)"));
}

Result<std::vector<ImportRow>> ReadImportRows(std::string_view text, ImportFormat format) {
  if (format == ImportFormat::kCsv) return ReadCsv(text);
  return ReadJsonLines(text);
}

}  // namespace scepgate::mgmt
