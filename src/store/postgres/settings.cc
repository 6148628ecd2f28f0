// PostgresStore's counters and settings. A counter's next value is one atomic upsert, so each
// value is returned once across every process on the database.
#include "store/postgres/pooled_work.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/statements.h"

namespace scepgate::store {
namespace {

const pg::Prepared kNextCounter{"sg_next_counter",
                                "INSERT INTO counters AS c (name, value) VALUES ($1, 1)"
                                " ON CONFLICT (name) DO UPDATE SET value = c.value + 1"
                                " RETURNING value"};
const pg::Prepared kGetSetting{"sg_get_setting", "SELECT value FROM settings WHERE key = $1"};
const pg::Prepared kSetSetting{"sg_set_setting",
                               "INSERT INTO settings (key, value) VALUES ($1, $2)"
                               " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"};
const pg::Prepared kTakeLease{
    "sg_take_lease",
    "INSERT INTO leases AS l (name, owner, held_until) VALUES ($1, $2, $4)"
    " ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner,"
    " held_until = EXCLUDED.held_until WHERE l.held_until <= $3 OR l.owner = $2"
    " RETURNING owner"};

}  // namespace

Result<int64_t> PostgresStore::NextCounter(std::string_view name) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Result<int64_t> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kNextCounter, {name}));
    return rows.Int64(0, 0);
  });
}

Result<std::optional<std::string>> PostgresStore::GetSetting(std::string_view key) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::optional<std::string>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kGetSetting, {key}));
    if (rows.Rows() == 0) return std::nullopt;
    return rows.Text(0, 0);
  });
}

Status PostgresStore::SetSetting(std::string_view key, std::string_view value) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    SG_TRY_STATUS(pg::Run(c, kSetSetting, {key, value}));
    return {};
  });
}

Result<bool> PostgresStore::TakeLease(std::string_view name, std::string_view owner, int64_t now,
                                      int64_t until) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Result<bool> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kTakeLease, {name, owner, now, until}));
    return rows.Rows() == 1;
  });
}

}  // namespace scepgate::store
