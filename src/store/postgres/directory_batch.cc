// PostgresStore::ApplyDirectoryBatch: a bulk import's batch in one transaction, set-based: each
// table gets one INSERT ... SELECT FROM json_to_recordset($1) ... ON CONFLICT DO NOTHING RETURNING
// the keys added, and the references are checked by one query per kind before that.
#include <cstdint>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "common/text.h"
#include "store/postgres/pooled_work.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/statements.h"

namespace scepgate::store {
namespace {

const pg::Prepared kImportUsers{
    "sg_import_users",
    "INSERT INTO users (upn, email, sid, on_prem_dn, identity_by_admin, disabled, disabled_at,"
    " created_at) SELECT r.upn, r.email, r.sid, r.dn, r.admin, r.disabled, r.disabled_at, r.at"
    " FROM json_to_recordset($1::json) AS r(upn text, email text, sid text, dn text,"
    " admin boolean, disabled boolean, disabled_at bigint, at bigint)"
    " ON CONFLICT DO NOTHING RETURNING upn_key"};
const pg::Prepared kImportGroups{
    "sg_import_groups",
    "INSERT INTO groups (name, description, created_at) SELECT r.name, r.description, r.at"
    " FROM json_to_recordset($1::json) AS r(name text, description text, at bigint)"
    " ON CONFLICT DO NOTHING RETURNING name_key"};
const pg::Prepared kMissingOwner{
    "sg_import_missing_owner",
    "SELECT r.owner FROM json_to_recordset($1::json) AS r(owner text) WHERE r.owner <> ''"
    " AND NOT EXISTS (SELECT 1 FROM users u WHERE u.upn_key = lower(r.owner COLLATE \"C\"))"
    " LIMIT 1"};
const pg::Prepared kImportDevices{
    "sg_import_devices",
    "INSERT INTO devices (id, name, platform, serial_number, owner, retired, retired_at,"
    " created_at) SELECT r.id, r.name, r.platform, r.serial, r.owner, r.retired, r.retired_at,"
    " r.at FROM json_to_recordset($1::json) AS r(n bigint, id text, name text, platform text,"
    " serial text, owner text, retired boolean, retired_at bigint, at bigint) ORDER BY r.n"
    " ON CONFLICT DO NOTHING RETURNING id"};
const pg::Prepared kMissingMember{
    "sg_import_missing_member",
    "SELECT r.grp, r.kind, r.member FROM json_to_recordset($1::json)"
    " AS r(grp text, kind text, member text) WHERE NOT EXISTS (SELECT 1 FROM groups g"
    " WHERE g.name_key = lower(r.grp COLLATE \"C\")) OR (r.kind = 'user' AND NOT EXISTS"
    " (SELECT 1 FROM users u WHERE u.upn_key = lower(r.member COLLATE \"C\"))) OR"
    " (r.kind = 'device' AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.id = r.member)) LIMIT 1"};
const pg::Prepared kImportMembers{
    "sg_import_members",
    "WITH ins AS (INSERT INTO group_members (group_id, kind, member) SELECT g.id, r.kind, r.member"
    " FROM json_to_recordset($1::json) AS r(n bigint, grp text, kind text, member text)"
    " JOIN groups g ON g.name_key = lower(r.grp COLLATE \"C\") ORDER BY r.n"
    " ON CONFLICT DO NOTHING RETURNING group_id, kind, member_key)"
    " SELECT g.name_key || '/' || ins.kind || '/' || ins.member_key FROM ins"
    " JOIN groups g ON g.id = ins.group_id"};

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The keys a RETURNING gave, each matched once: the first item of a key is the one added.
Result<std::set<std::string>> Keys(const pg::QueryResult& rows) {
  std::set<std::string> out;
  for (int i = 0; i < rows.Rows(); ++i) {
    SG_ASSIGN_OR_RETURN(std::string key, rows.Text(i, 0));
    out.insert(std::move(key));
  }
  return out;
}

std::string MemberKey(const BatchMember& m) {
  return AsciiLower(m.group) + "/" + MemberKindName(m.member.kind) + "/" + AsciiLower(m.member.id);
}

// Runs `statement` with `rows` and marks each of `keys` added when the statement returned it.
Result<std::vector<bool>> Insert(pg::Connection& c, const pg::Prepared& statement,
                                 const nlohmann::json& rows, const std::vector<std::string>& keys) {
  std::vector<bool> out;
  if (keys.empty()) return out;
  SG_ASSIGN_OR_RETURN(pg::QueryResult result, pg::Run(c, statement, {Dump(rows)}));
  SG_ASSIGN_OR_RETURN(std::set<std::string> added, Keys(result));
  for (const std::string& key : keys) out.push_back(added.erase(key) == 1);
  return out;
}

Result<DirectoryBatchOutcome> Apply(pg::Connection& c, const DirectoryBatch& batch) {
  DirectoryBatchOutcome out;
  nlohmann::json users = nlohmann::json::array(), groups = nlohmann::json::array(),
                 devices = nlohmann::json::array(), members = nlohmann::json::array();
  std::vector<std::string> user_keys, group_keys, device_keys, member_keys;
  for (const UserRecord& u : batch.users) {
    users.push_back({{"upn", u.upn},
                     {"email", u.email},
                     {"sid", u.sid},
                     {"dn", u.on_prem_dn},
                     {"admin", u.identity_by_admin},
                     {"disabled", u.disabled},
                     {"disabled_at", u.disabled_at},
                     {"at", u.created_at}});
    user_keys.push_back(AsciiLower(u.upn));
  }
  for (const GroupRecord& g : batch.groups) {
    groups.push_back({{"name", g.name}, {"description", g.description}, {"at", g.created_at}});
    group_keys.push_back(AsciiLower(g.name));
  }
  for (const DeviceRecord& d : batch.devices) {
    devices.push_back({{"n", devices.size()},
                       {"id", d.id},
                       {"name", d.name},
                       {"platform", d.platform},
                       {"serial", d.serial_number},
                       {"owner", d.owner},
                       {"retired", d.retired},
                       {"retired_at", d.retired_at},
                       {"at", d.created_at}});
    device_keys.push_back(d.id);
  }
  for (const BatchMember& m : batch.members) {
    members.push_back({{"n", members.size()},
                       {"grp", m.group},
                       {"kind", MemberKindName(m.member.kind)},
                       {"member", m.member.id}});
    member_keys.push_back(MemberKey(m));
  }
  SG_ASSIGN_OR_RETURN(out.users, Insert(c, kImportUsers, users, user_keys));
  SG_ASSIGN_OR_RETURN(out.groups, Insert(c, kImportGroups, groups, group_keys));
  if (!devices.empty()) {
    SG_ASSIGN_OR_RETURN(pg::QueryResult missing, pg::Run(c, kMissingOwner, {Dump(devices)}));
    if (missing.Rows() > 0) {
      SG_ASSIGN_OR_RETURN(std::string owner, missing.Text(0, 0));
      return Fail(Error::NotFound("owner " + owner + " not found"));
    }
  }
  SG_ASSIGN_OR_RETURN(out.devices, Insert(c, kImportDevices, devices, device_keys));
  if (!members.empty()) {
    SG_ASSIGN_OR_RETURN(pg::QueryResult missing, pg::Run(c, kMissingMember, {Dump(members)}));
    if (missing.Rows() > 0) {
      SG_ASSIGN_OR_RETURN(std::string group, missing.Text(0, 0));
      SG_ASSIGN_OR_RETURN(std::string kind, missing.Text(0, 1));
      SG_ASSIGN_OR_RETURN(std::string member, missing.Text(0, 2));
      return Fail(Error::NotFound("group " + group + " or " + kind + " " + member + " not found"));
    }
  }
  SG_ASSIGN_OR_RETURN(out.members, Insert(c, kImportMembers, members, member_keys));
  return out;
}

}  // namespace

Result<DirectoryBatchOutcome> PostgresStore::ApplyDirectoryBatch(const DirectoryBatch& batch) {
  return pg::InTransaction(
      *pool_, [&](pg::Connection& c) -> Result<DirectoryBatchOutcome> { return Apply(c, batch); });
}

}  // namespace scepgate::store
