// The JSON form of an import report (mgmt/import.h), shared by `scepgate device import --json` and
// POST /api/v1/devices/import. Pure, thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "mgmt/import.h"

namespace scepgate::mgmt {

// {"dry_run", "rows", "devices": {"added", "existing", "refused"}, "users", "groups",
//  "memberships", "refused": [{"line", "type", "reason"}], "ids": [{"line", "id", "name"}]}
nlohmann::json ImportReportJson(const ImportReport& report, bool dry_run);

// The counts alone, for the audit entry of an import.
nlohmann::json ImportCountsJson(const ImportReport& report);

}  // namespace scepgate::mgmt
