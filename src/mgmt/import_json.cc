#include "mgmt/import_json.h"

namespace scepgate::mgmt {
namespace {

nlohmann::json CountsJson(const ImportCounts& c) {
  return {{"added", c.added}, {"existing", c.existing}, {"refused", c.refused}};
}

}  // namespace

nlohmann::json ImportCountsJson(const ImportReport& report) {
  return {{"rows", report.rows},
          {"devices", CountsJson(report.devices)},
          {"users", CountsJson(report.users)},
          {"groups", CountsJson(report.groups)},
          {"memberships", CountsJson(report.members)}};
}

nlohmann::json ImportReportJson(const ImportReport& report, bool dry_run) {
  nlohmann::json out = ImportCountsJson(report);
  out["dry_run"] = dry_run;
  nlohmann::json refused = nlohmann::json::array();
  for (const RefusedRow& r : report.refused)
    refused.push_back({{"line", r.line}, {"type", r.type}, {"reason", r.reason}});
  out["refused"] = std::move(refused);
  nlohmann::json ids = nlohmann::json::array();
  for (const MintedId& m : report.minted)
    ids.push_back({{"line", m.line}, {"id", m.id}, {"name", m.name}});
  out["ids"] = std::move(ids);
  return out;
}

}  // namespace scepgate::mgmt
