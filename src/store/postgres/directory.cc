// PostgresStore's devices and users. A UPN matches regardless of ASCII case through users.upn_key
// (lower(upn COLLATE "C"), the primary key) and devices.owner_key; device ids match exactly.
#include <string>

#include "store/postgres/pooled_work.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/row_reader.h"
#include "store/postgres/statements.h"
#include "store/postgres/update_once.h"
#include "store/postgres/violations.h"

namespace scepgate::store {
namespace {

constexpr const char* kSelectDevices =
    "SELECT id, name, platform, serial_number, owner, retired, retired_at, created_at, seq"
    " FROM devices";
constexpr const char* kSelectUsers =
    "SELECT upn, email, sid, on_prem_dn, disabled, disabled_at, created_at, identity_by_admin"
    " FROM users";

// Inserts only when the owner is empty or names a user (users are never deleted), in one
// statement.
const pg::Prepared kInsertDevice{
    "sg_insert_device",
    "INSERT INTO devices (id, name, platform, serial_number, owner, retired, retired_at,"
    " created_at) SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::boolean,"
    " $7::bigint, $8::bigint WHERE $5::text = '' OR EXISTS (SELECT 1 FROM users"
    " WHERE upn_key = lower($5::text COLLATE \"C\"))"};
const pg::Prepared kFindDevice{"sg_find_device", std::string(kSelectDevices) + " WHERE id = $1"};
const pg::Prepared kRetireDevice{
    "sg_retire_device",
    "WITH changed AS (UPDATE devices SET retired = true, retired_at = $2"
    " WHERE id = $1 AND NOT retired RETURNING 1)"
    " SELECT (SELECT count(*) FROM changed) > 0, EXISTS (SELECT 1 FROM devices WHERE id = $1)"};
const pg::Prepared kInsertUser{"sg_insert_user",
                               "INSERT INTO users (upn, email, sid, on_prem_dn, disabled,"
                               " disabled_at, created_at, identity_by_admin)"
                               " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};
const pg::Prepared kFindUser{
    "sg_find_user", std::string(kSelectUsers) + " WHERE upn_key = lower($1::text COLLATE \"C\")"};
const pg::Prepared kDisableUser{
    "sg_disable_user",
    "WITH changed AS (UPDATE users SET disabled = true, disabled_at = $2"
    " WHERE upn_key = lower($1::text COLLATE \"C\") AND NOT disabled RETURNING 1)"
    " SELECT (SELECT count(*) FROM changed) > 0,"
    " EXISTS (SELECT 1 FROM users WHERE upn_key = lower($1::text COLLATE \"C\"))"};
const pg::Prepared kUpdateIdentity{"sg_update_user_identity",
                                   "UPDATE users SET email = $2, sid = $3, on_prem_dn = $4,"
                                   " identity_by_admin = $5"
                                   " WHERE upn_key = lower($1::text COLLATE \"C\")"};

DeviceRecord ReadDevice(pg::RowReader& in) {
  DeviceRecord d;
  d.id = in.Text();
  d.name = in.Text();
  d.platform = in.Text();
  d.serial_number = in.Text();
  d.owner = in.Text();
  d.retired = in.Bool();
  d.retired_at = in.Int();
  d.created_at = in.Int();
  d.seq = in.Int();
  return d;
}

UserRecord ReadUser(pg::RowReader& in) {
  UserRecord u;
  u.upn = in.Text();
  u.email = in.Text();
  u.sid = in.Text();
  u.on_prem_dn = in.Text();
  u.disabled = in.Bool();
  u.disabled_at = in.Int();
  u.created_at = in.Int();
  u.identity_by_admin = in.Bool();
  return u;
}

}  // namespace

Status PostgresStore::InsertDevice(const DeviceRecord& d) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    auto inserted = pg::Run(c, kInsertDevice,
                            {d.id, d.name, d.platform, d.serial_number, d.owner, d.retired,
                             d.retired_at, d.created_at});
    if (!inserted) {
      return Fail(pg::Explain(inserted.error(),
                              {{pg::kUniqueViolation, "devices_pkey",
                                Error::AlreadyExists("device " + d.id + " already exists")}}));
    }
    if (inserted->AffectedRows() != 1)
      return Fail(Error::NotFound("owner " + d.owner + " not found"));
    return {};
  });
}

Result<std::optional<DeviceRecord>> PostgresStore::FindDevice(std::string_view id) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::optional<DeviceRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kFindDevice, {id}));
    return pg::ReadFirst(rows, ReadDevice);
  });
}

Result<std::vector<DeviceRecord>> PostgresStore::ListDevices(const DeviceFilter& filter) {
  // Only fixed fragments go into the SQL; every value is a parameter.
  pg::ParamList params;
  std::string sql = std::string(kSelectDevices) + " WHERE true";
  if (!filter.include_retired) sql += " AND NOT retired";
  if (filter.owner) {
    sql += " AND owner_key = lower(" + params.Add(*filter.owner) + "::text COLLATE \"C\")";
  }
  if (!filter.platform.empty()) sql += " AND platform = " + params.Add(filter.platform);
  if (!filter.name_prefix.empty())
    sql += " AND starts_with(name, " + params.Add(filter.name_prefix) + ")";
  if (filter.after) {
    sql += " AND (created_at, seq) > (" + params.Add(filter.after->created_at) + ", " +
           params.Add(filter.after->seq) + ")";
  }
  // Targeting (mgmt/targeting.h) as index lookups per device: the profile's id only when its
  // type matches, its assignments, the group's member by the primary key.
  if (!filter.targeted_by.empty()) {
    const std::string name = "lower(" + params.Add(filter.targeted_by) + "::text COLLATE \"C\")";
    sql +=
        " AND NOT retired AND (EXISTS (SELECT 1 FROM assignments a JOIN group_members m"
        " ON m.group_id = a.group_id AND m.kind = 'device' AND m.member_key = devices.id"
        " WHERE a.profile_id = (SELECT id FROM profiles WHERE name_key = " +
        name +
        " AND cert_type = 'device'))"
        " OR (owner_key <> '' AND EXISTS (SELECT 1 FROM assignments a JOIN group_members m"
        " ON m.group_id = a.group_id AND m.kind = 'user' AND m.member_key = devices.owner_key"
        " WHERE a.profile_id = (SELECT id FROM profiles WHERE name_key = " +
        name + " AND cert_type = 'user'))))";
  }
  sql += " ORDER BY created_at ASC, seq ASC LIMIT " + params.Add(pg::LimitParam(filter.limit));
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<DeviceRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, c.ExecParams(sql, params.values()));
    return pg::ReadRows(rows, ReadDevice);
  });
}

Status PostgresStore::RetireDevice(std::string_view id, int64_t retired_at) {
  return pg::Write(*pool_, [&](pg::Connection& c) {
    return pg::UpdateOnce(c, kRetireDevice, id, retired_at, "device " + std::string(id), "retired");
  });
}

Status PostgresStore::InsertUser(const UserRecord& u) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    auto inserted = pg::Run(c, kInsertUser,
                            {u.upn, u.email, u.sid, u.on_prem_dn, u.disabled, u.disabled_at,
                             u.created_at, u.identity_by_admin});
    if (!inserted) {
      return Fail(pg::Explain(inserted.error(),
                              {{pg::kUniqueViolation, "users_pkey",
                                Error::AlreadyExists("user " + u.upn + " already exists")}}));
    }
    return {};
  });
}

Result<std::optional<UserRecord>> PostgresStore::FindUser(std::string_view upn) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::optional<UserRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kFindUser, {upn}));
    return pg::ReadFirst(rows, ReadUser);
  });
}

Result<std::vector<UserRecord>> PostgresStore::ListUsers(const UserFilter& filter) {
  // upn_key is the UPN with ASCII case folded, in byte order: the cursor's order.
  pg::ParamList params;
  std::string sql = std::string(kSelectUsers) + " WHERE true";
  if (!filter.include_disabled) sql += " AND NOT disabled";
  if (!filter.after.empty())
    sql += " AND upn_key > (" + params.Add(filter.after) + "::text COLLATE \"C\")";
  sql += " ORDER BY upn_key LIMIT " + params.Add(pg::LimitParam(filter.limit));
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<UserRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, c.ExecParams(sql, params.values()));
    return pg::ReadRows(rows, ReadUser);
  });
}

Status PostgresStore::DisableUser(std::string_view upn, int64_t disabled_at) {
  return pg::Write(*pool_, [&](pg::Connection& c) {
    return pg::UpdateOnce(c, kDisableUser, upn, disabled_at, "user " + std::string(upn),
                          "disabled");
  });
}

Status PostgresStore::UpdateUserIdentity(const UserRecord& u) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    SG_ASSIGN_OR_RETURN(
        pg::QueryResult done,
        pg::Run(c, kUpdateIdentity, {u.upn, u.email, u.sid, u.on_prem_dn, u.identity_by_admin}));
    if (done.AffectedRows() == 0) return Fail(Error::NotFound("user " + u.upn + " not found"));
    return {};
  });
}

}  // namespace scepgate::store
