// SqliteStore's directory: devices, users, groups and their members (schema version 2).
#include <string>
#include <utility>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statement.h"

namespace scepgate::store {
namespace {

constexpr const char* kSelectDevicesSql =
    "SELECT id, name, platform, serial_number, owner, retired, retired_at, created_at, rowid"
    " FROM devices";
constexpr const char* kSelectUsersSql =
    "SELECT upn, email, sid, on_prem_dn, disabled, disabled_at, created_at, identity_by_admin"
    " FROM users";
constexpr const char* kSelectGroupsSql = "SELECT name, description, created_at FROM groups";

DeviceRecord ReadDevice(const Query& q) {
  DeviceRecord d;
  d.id = q.Text(0);
  d.name = q.Text(1);
  d.platform = q.Text(2);
  d.serial_number = q.Text(3);
  d.owner = q.Text(4);
  d.retired = q.Int(5) != 0;
  d.retired_at = q.Int(6);
  d.created_at = q.Int(7);
  d.seq = q.Int(8);
  return d;
}

UserRecord ReadUser(const Query& q) {
  UserRecord u;
  u.upn = q.Text(0);
  u.email = q.Text(1);
  u.sid = q.Text(2);
  u.on_prem_dn = q.Text(3);
  u.disabled = q.Int(4) != 0;
  u.disabled_at = q.Int(5);
  u.created_at = q.Int(6);
  u.identity_by_admin = q.Int(7) != 0;
  return u;
}

GroupRecord ReadGroup(const Query& q) {
  GroupRecord g;
  g.name = q.Text(0);
  g.description = q.Text(1);
  g.created_at = q.Int(2);
  return g;
}

GroupMember ReadMember(const Query& q) {
  GroupMember m;
  m.kind = q.Text(0) == "user" ? MemberKind::kUser : MemberKind::kDevice;
  m.id = q.Text(1);
  return m;
}

std::string Describe(const GroupMember& member) {
  return std::string(MemberKindName(member.kind)) + " " + member.id;
}

// Replaces the message of a kAlreadyExists error (SQLite's names a constraint, not the record).
Status Clarify(Status s, const std::string& message) {
  if (!s && s.error().code == ErrorCode::kAlreadyExists) {
    return Fail(Error::AlreadyExists(message));
  }
  return s;
}

template <class Row>
Result<std::optional<Row>> First(Result<std::vector<Row>> rows) {
  if (!rows) return Fail(std::move(rows).error());
  if (rows->empty()) return std::nullopt;
  return std::move(rows->front());
}

}  // namespace

template <class Row, class BindFn, class ReadFn>
Result<std::vector<Row>> SqliteStore::SelectLocked(const std::string& sql, BindFn bind,
                                                   ReadFn read) {
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, StatementLocked(sql));
  Query q(*stmt, "select");
  bind(q);
  std::vector<Row> out;
  while (true) {
    SG_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back(read(q));
  }
}

Result<bool> SqliteStore::ExistsLocked(const std::string& sql, std::string_view key) {
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, StatementLocked(sql));
  Query q(*stmt, "exists");
  q.BindText(1, key);
  return q.Step();
}

Result<int64_t> SqliteStore::GroupIdLocked(std::string_view name) {
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("SELECT id FROM groups WHERE name = ?1"));
  Query q(*stmt, "find group");
  q.BindText(1, name);
  SG_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Fail(Error::NotFound("group " + std::string(name) + " not found"));
  return q.Int(0);
}

Status SqliteStore::UpdateOnceLocked(const std::string& update_sql, const std::string& exists_sql,
                                     std::string_view key, int64_t at, const std::string& what,
                                     std::string_view state) {
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db_));
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * update, StatementLocked(update_sql));
  {
    Query q(*update, "update " + std::string(key));
    q.BindText(1, key).BindInt(2, at);
    SG_TRY_STATUS(q.Run());
  }
  if (sqlite3_changes(db_.get()) == 1) return tx.Commit();
  SG_ASSIGN_OR_RETURN(bool found, ExistsLocked(exists_sql, key));
  if (!found) return Fail(Error::NotFound(what + " not found"));
  return Fail(Error::AlreadyExists(what + " is already " + std::string(state)));
}

Status SqliteStore::InsertDevice(const DeviceRecord& d) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db_));
  if (!d.owner.empty()) {
    SG_ASSIGN_OR_RETURN(bool owner, ExistsLocked("SELECT 1 FROM users WHERE upn = ?1", d.owner));
    if (!owner) return Fail(Error::NotFound("owner " + d.owner + " not found"));
  }
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("INSERT INTO devices (id, name, platform, serial_number,"
                                      " owner, retired, retired_at, created_at)"
                                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  {
    Query q(*stmt, "insert device " + d.id);
    q.BindText(1, d.id).BindText(2, d.name).BindText(3, d.platform);
    q.BindText(4, d.serial_number).BindText(5, d.owner).BindInt(6, d.retired ? 1 : 0);
    q.BindInt(7, d.retired_at).BindInt(8, d.created_at);
    SG_TRY_STATUS(Clarify(q.Run(), "device " + d.id + " already exists"));
  }
  return tx.Commit();
}

Result<std::optional<DeviceRecord>> SqliteStore::FindDevice(std::string_view id) {
  std::lock_guard lock(mu_);
  return First(SelectLocked<DeviceRecord>(
      std::string(kSelectDevicesSql) + " WHERE id = ?1", [&](Query& q) { q.BindText(1, id); },
      ReadDevice));
}

Result<std::vector<DeviceRecord>> SqliteStore::ListDevices(const DeviceFilter& filter) {
  std::lock_guard lock(mu_);
  // Only fixed fragments go into the SQL; every value is a bound parameter. The order is
  // (created_at, rowid), rowid being the cursor's seq.
  std::string sql = std::string(kSelectDevicesSql) + " WHERE 1";
  if (!filter.include_retired) sql += " AND retired = 0";
  if (filter.owner) sql += " AND owner = ?1";
  if (!filter.platform.empty()) sql += " AND platform = ?3";
  if (!filter.name_prefix.empty()) sql += " AND substr(name, 1, length(?4)) = ?4";
  if (filter.after) sql += " AND (created_at, rowid) > (?5, ?6)";
  // Targeting (mgmt/targeting.h) as two index lookups per device: the profile's id only when its
  // type matches, its assignments, the group's member by the primary key (member is NOCASE).
  if (!filter.targeted_by.empty()) {
    sql +=
        " AND retired = 0 AND (EXISTS (SELECT 1 FROM assignments a JOIN group_members m"
        " ON m.group_id = a.group_id AND m.kind = 'device' AND m.member = devices.id"
        " WHERE a.profile_id = (SELECT id FROM profiles WHERE name = ?7 AND cert_type = 'device'))"
        " OR (owner <> '' AND EXISTS (SELECT 1 FROM assignments a JOIN group_members m"
        " ON m.group_id = a.group_id AND m.kind = 'user' AND m.member = devices.owner"
        " WHERE a.profile_id = (SELECT id FROM profiles WHERE name = ?7 AND cert_type = 'user'))))";
  }
  sql += " ORDER BY created_at ASC, rowid ASC LIMIT ?2";
  auto bind = [&](Query& q) {
    if (filter.owner) q.BindText(1, *filter.owner);
    q.BindInt(2, SqlLimit(filter.limit));
    if (!filter.platform.empty()) q.BindText(3, filter.platform);
    if (!filter.name_prefix.empty()) q.BindText(4, filter.name_prefix);
    if (filter.after) q.BindInt(5, filter.after->created_at).BindInt(6, filter.after->seq);
    if (!filter.targeted_by.empty()) q.BindText(7, filter.targeted_by);
  };
  return SelectLocked<DeviceRecord>(sql, bind, ReadDevice);
}

Status SqliteStore::RetireDevice(std::string_view id, int64_t retired_at) {
  std::lock_guard lock(mu_);
  return UpdateOnceLocked(
      "UPDATE devices SET retired = 1, retired_at = ?2 WHERE id = ?1 AND retired = 0",
      "SELECT 1 FROM devices WHERE id = ?1", id, retired_at, "device " + std::string(id),
      "retired");
}

Status SqliteStore::InsertUser(const UserRecord& u) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("INSERT INTO users (upn, email, sid, on_prem_dn, disabled,"
                                      " disabled_at, created_at, identity_by_admin)"
                                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  Query q(*stmt, "insert user " + u.upn);
  q.BindText(1, u.upn).BindText(2, u.email).BindText(3, u.sid).BindText(4, u.on_prem_dn);
  q.BindInt(5, u.disabled ? 1 : 0).BindInt(6, u.disabled_at).BindInt(7, u.created_at);
  q.BindInt(8, u.identity_by_admin ? 1 : 0);
  return Clarify(q.Run(), "user " + u.upn + " already exists");
}

Result<std::optional<UserRecord>> SqliteStore::FindUser(std::string_view upn) {
  std::lock_guard lock(mu_);
  return First(SelectLocked<UserRecord>(
      std::string(kSelectUsersSql) + " WHERE upn = ?1", [&](Query& q) { q.BindText(1, upn); },
      ReadUser));
}

Result<std::vector<UserRecord>> SqliteStore::ListUsers(const UserFilter& filter) {
  std::lock_guard lock(mu_);
  // upn is COLLATE NOCASE: its order and comparisons fold ASCII case, as the cursor does.
  std::string sql = std::string(kSelectUsersSql) + " WHERE 1";
  if (!filter.include_disabled) sql += " AND disabled = 0";
  if (!filter.after.empty()) sql += " AND upn > ?2";
  sql += " ORDER BY upn LIMIT ?1";
  auto bind = [&](Query& q) {
    q.BindInt(1, SqlLimit(filter.limit));
    if (!filter.after.empty()) q.BindText(2, filter.after);
  };
  return SelectLocked<UserRecord>(sql, bind, ReadUser);
}

Status SqliteStore::DisableUser(std::string_view upn, int64_t disabled_at) {
  std::lock_guard lock(mu_);
  return UpdateOnceLocked(
      "UPDATE users SET disabled = 1, disabled_at = ?2 WHERE upn = ?1 AND disabled = 0",
      "SELECT 1 FROM users WHERE upn = ?1", upn, disabled_at, "user " + std::string(upn),
      "disabled");
}

Status SqliteStore::UpdateUserIdentity(const UserRecord& u) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("UPDATE users SET email = ?2, sid = ?3, on_prem_dn = ?4,"
                                      " identity_by_admin = ?5 WHERE upn = ?1"));
  Query q(*stmt, "update user " + u.upn);
  q.BindText(1, u.upn).BindText(2, u.email).BindText(3, u.sid).BindText(4, u.on_prem_dn);
  q.BindInt(5, u.identity_by_admin ? 1 : 0);
  SG_TRY_STATUS(q.Run());
  if (sqlite3_changes(db_.get()) == 0) return Fail(Error::NotFound("user " + u.upn + " not found"));
  return {};
}

Status SqliteStore::InsertGroup(const GroupRecord& g) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("INSERT INTO groups (name, description, created_at)"
                                      " VALUES (?1, ?2, ?3)"));
  Query q(*stmt, "insert group " + g.name);
  q.BindText(1, g.name).BindText(2, g.description).BindInt(3, g.created_at);
  return Clarify(q.Run(), "group " + g.name + " already exists");
}

Result<std::optional<GroupRecord>> SqliteStore::FindGroup(std::string_view name) {
  std::lock_guard lock(mu_);
  return First(SelectLocked<GroupRecord>(
      std::string(kSelectGroupsSql) + " WHERE name = ?1", [&](Query& q) { q.BindText(1, name); },
      ReadGroup));
}

Result<std::vector<GroupRecord>> SqliteStore::ListGroups(const GroupFilter& filter) {
  std::lock_guard lock(mu_);
  // name is COLLATE NOCASE: its order and comparisons fold ASCII case, as the cursor does.
  return SelectLocked<GroupRecord>(
      std::string(kSelectGroupsSql) + " WHERE name > ?2 ORDER BY name LIMIT ?1",
      [&](Query& q) { q.BindInt(1, SqlLimit(filter.limit)).BindText(2, filter.after); }, ReadGroup);
}

Status SqliteStore::AddGroupMember(std::string_view group, const GroupMember& member) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db_));
  SG_ASSIGN_OR_RETURN(int64_t group_id, GroupIdLocked(group));
  const char* exists_sql = member.kind == MemberKind::kUser ? "SELECT 1 FROM users WHERE upn = ?1"
                                                            : "SELECT 1 FROM devices WHERE id = ?1";
  SG_ASSIGN_OR_RETURN(bool exists, ExistsLocked(exists_sql, member.id));
  if (!exists) return Fail(Error::NotFound(Describe(member) + " not found"));
  SG_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      StatementLocked("INSERT INTO group_members (group_id, kind, member) VALUES (?1, ?2, ?3)"));
  {
    Query q(*stmt, "add group member");
    q.BindInt(1, group_id).BindText(2, MemberKindName(member.kind)).BindText(3, member.id);
    SG_TRY_STATUS(
        Clarify(q.Run(), Describe(member) + " is already a member of group " + std::string(group)));
  }
  return tx.Commit();
}

Status SqliteStore::RemoveGroupMember(std::string_view group, const GroupMember& member) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db_));
  SG_ASSIGN_OR_RETURN(int64_t group_id, GroupIdLocked(group));
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("DELETE FROM group_members"
                                      " WHERE group_id = ?1 AND kind = ?2 AND member = ?3"));
  {
    Query q(*stmt, "remove group member");
    q.BindInt(1, group_id).BindText(2, MemberKindName(member.kind)).BindText(3, member.id);
    SG_TRY_STATUS(q.Run());
  }
  if (sqlite3_changes(db_.get()) == 0) {
    return Fail(
        Error::NotFound(Describe(member) + " is not a member of group " + std::string(group)));
  }
  return tx.Commit();
}

Result<std::vector<GroupMember>> SqliteStore::ListGroupMembers(std::string_view group,
                                                               const MemberFilter& filter) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(int64_t group_id, GroupIdLocked(group));
  // The primary key's order, (kind, member) with member COLLATE NOCASE: a range of the index
  // from the cursor (or the kind asked for) to the last kind asked for.
  const MemberPosition from = MemberListStart(filter);
  const char* last_kind = MemberKindName(filter.kind.value_or(MemberKind::kUser));
  return SelectLocked<GroupMember>(
      "SELECT kind, member FROM group_members WHERE group_id = ?1"
      " AND (kind, member) > (?2, ?3) AND kind <= ?4 ORDER BY kind, member LIMIT ?5",
      [&](Query& q) {
        q.BindInt(1, group_id).BindText(2, from.kind).BindText(3, from.id).BindText(4, last_kind);
        q.BindInt(5, SqlLimit(filter.limit));
      },
      ReadMember);
}

Result<MemberCounts> SqliteStore::CountGroupMembers(std::string_view group) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(int64_t group_id, GroupIdLocked(group));
  SG_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      StatementLocked(
          "SELECT kind, count(*) FROM group_members WHERE group_id = ?1 GROUP BY kind"));
  Query q(*stmt, "count group members");
  q.BindInt(1, group_id);
  MemberCounts counts;
  for (;;) {
    SG_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    (q.Text(0) == "user" ? counts.users : counts.devices) = q.Int(1);
  }
  return counts;
}

Result<std::vector<GroupRecord>> SqliteStore::GroupsOf(const GroupMember& member) {
  std::lock_guard lock(mu_);
  return SelectLocked<GroupRecord>(
      "SELECT g.name, g.description, g.created_at FROM groups g"
      " JOIN group_members m ON m.group_id = g.id"
      " WHERE m.kind = ?1 AND m.member = ?2 ORDER BY g.name",
      [&](Query& q) { q.BindText(1, MemberKindName(member.kind)).BindText(2, member.id); },
      ReadGroup);
}

}  // namespace scepgate::store
