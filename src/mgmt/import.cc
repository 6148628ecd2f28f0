#include "mgmt/import.h"

#include <span>
#include <utility>

#include "common/text.h"
#include "mgmt/import_plan.h"

namespace scepgate::mgmt {
namespace {

ImportCounts& CountsOf(ImportReport& report, std::string_view type) {
  if (type == "user") return report.users;
  if (type == "member") return report.members;
  return report.devices;
}

std::string TypeOf(const ImportRow& row, const ImportOptions& options) {
  auto it = row.fields.find("type");
  std::string type = it == row.fields.end() ? options.default_type : AsciiLower(it->second);
  return type == "user" || type == "member" ? type : "device";
}

void Refuse(ImportReport& report, int line, const std::string& type, std::string reason) {
  ++CountsOf(report, type).refused;
  report.refused.push_back({line, type, std::move(reason)});
}

void Tally(ImportCounts& counts, bool added) { ++(added ? counts.added : counts.existing); }

// Counts a dry run's plan as if it were written.
void TallyDryRun(ImportReport& report, const RowPlan& plan) {
  if (plan.user) Tally(report.users, !plan.existing);
  if (plan.device) Tally(report.devices, !plan.existing);
  if (plan.device && plan.minted) report.minted.push_back({plan.line, plan.device->id, ""});
  report.groups.added += static_cast<int>(plan.new_groups.size());
  report.members.added += static_cast<int>(plan.members.size());
}

// Writes `plans` through the store, one batch; on kNotFound (a row's reference vanished
// since it was checked) row by row, refusing those that still fail.
Status Write(store::DirectoryStore& store, std::span<const RowPlan> plans, ImportReport& report) {
  store::DirectoryBatch batch;
  std::vector<const RowPlan*> device_rows;
  for (const RowPlan& p : plans) {
    if (p.user) batch.users.push_back(*p.user);
    for (const store::GroupRecord& g : p.new_groups) batch.groups.push_back(g);
    if (p.device) {
      batch.devices.push_back(*p.device);
      device_rows.push_back(&p);
    }
    for (const store::BatchMember& m : p.members) batch.members.push_back(m);
  }
  auto out = store.ApplyDirectoryBatch(batch);
  if (!out) {
    if (out.error().code != ErrorCode::kNotFound) return Fail(out.error());
    if (plans.size() == 1) {
      Refuse(report, plans[0].line, plans[0].type, out.error().message);
      return {};
    }
    for (size_t i = 0; i < plans.size(); ++i)
      SG_TRY_STATUS(Write(store, plans.subspan(i, 1), report));
    return {};
  }
  for (bool added : out->users) Tally(report.users, added);
  for (bool added : out->groups) Tally(report.groups, added);
  for (bool added : out->members) Tally(report.members, added);
  for (size_t i = 0; i < out->devices.size(); ++i) {
    Tally(report.devices, out->devices[i]);
    const RowPlan& p = *device_rows[i];
    if (p.minted && out->devices[i])
      report.minted.push_back({p.line, p.device->id, p.device->name});
  }
  return {};
}

}  // namespace

Result<ImportReport> Importer::Import(std::string_view text, const ImportOptions& options) {
  if (options.default_type != "device" && options.default_type != "user" &&
      options.default_type != "member")
    return Fail(Error::InvalidArgument("unknown row type '" + options.default_type + "'"));
  SG_ASSIGN_OR_RETURN(std::vector<ImportRow> rows, ReadImportRows(text, options.format));
  // Ids given: read every device's id once rather than look each one up.
  bool with_devices = std::ranges::any_of(rows, [](const ImportRow& r) {
    return r.fields.contains("id") || r.fields.contains("device");
  });
  SG_ASSIGN_OR_RETURN(ImportPlanner planner, ImportPlanner::Load(store_, with_devices));
  ImportReport report;
  report.rows = static_cast<int>(rows.size());
  std::vector<RowPlan> pending;
  size_t batch_size = std::max<size_t>(options.batch_size, 1);
  int written = 0;
  auto flush = [&]() -> Status {
    if (pending.empty()) return {};
    Status s = Write(store_, pending, report);
    if (!s) {
      return Fail(Error{s.error().code, s.error().message + " (the " + std::to_string(written) +
                                            " rows before this batch were imported)"});
    }
    written += static_cast<int>(pending.size());
    pending.clear();
    return {};
  };
  for (const ImportRow& row : rows) {
    auto plan = planner.Plan(row, options, clock_, random_);
    if (!plan) {
      Refuse(report, row.line, TypeOf(row, options), plan.error().message);
      continue;
    }
    if (options.dry_run) {
      TallyDryRun(report, *plan);
      continue;
    }
    pending.push_back(std::move(*plan));
    if (pending.size() >= batch_size) SG_TRY_STATUS(flush());
  }
  SG_TRY_STATUS(flush());
  std::ranges::stable_sort(report.refused, std::ranges::less{}, &RefusedRow::line);
  return report;
}

std::string FormatImportSummary(const ImportReport& report, bool dry_run) {
  std::string out = dry_run ? "dry run, nothing written: " : "";
  out += std::to_string(report.rows) + " rows\n";
  auto line = [&](const char* kind, const ImportCounts& c) {
    out += std::string(kind) + ": " + std::to_string(c.added) +
           (dry_run ? " to add, " : " added, ") + std::to_string(c.existing) + " existing, " +
           std::to_string(c.refused) + " refused\n";
  };
  line("devices", report.devices);
  line("users", report.users);
  line("groups", report.groups);
  line("memberships", report.members);
  for (const RefusedRow& r : report.refused)
    out += "line " + std::to_string(r.line) + " (" + r.type + "): " + r.reason + "\n";
  return out;
}

}  // namespace scepgate::mgmt
