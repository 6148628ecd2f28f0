// PostgresStore's groups and their static members. Group names and members match regardless of
// ASCII case through groups.name_key and group_members.member_key (as SQLite's NOCASE columns
// do, for device members too); a member is added once by the group_members primary key.
#include <string>

#include "store/postgres/pooled_work.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/row_reader.h"
#include "store/postgres/statements.h"
#include "store/postgres/violations.h"

namespace scepgate::store {
namespace {

const pg::Prepared kInsert{"sg_insert_group",
                           "INSERT INTO groups (name, description, created_at)"
                           " VALUES ($1, $2, $3)"};
const pg::Prepared kFind{"sg_find_group",
                         "SELECT name, description, created_at FROM groups"
                         " WHERE name_key = lower($1::text COLLATE \"C\")"};
// name_key is the name with ASCII case folded, in byte order: the cursor's order.
const pg::Prepared kList{"sg_list_groups",
                         "SELECT name, description, created_at FROM groups"
                         " WHERE name_key > ($1::text COLLATE \"C\") ORDER BY name_key LIMIT $2"};
const pg::Prepared kGroupExists{"sg_group_exists",
                                "SELECT EXISTS (SELECT 1 FROM groups"
                                " WHERE name_key = lower($1::text COLLATE \"C\"))"};
// Adds the member only when the group and the member exist (neither is ever deleted).
const pg::Prepared kAddMember{
    "sg_add_group_member",
    "INSERT INTO group_members (group_id, kind, member) SELECT g.id, $2::text, $3::text"
    " FROM groups g WHERE g.name_key = lower($1::text COLLATE \"C\") AND CASE $2::text"
    " WHEN 'user' THEN EXISTS (SELECT 1 FROM users WHERE upn_key = lower($3::text COLLATE \"C\"))"
    " ELSE EXISTS (SELECT 1 FROM devices WHERE id = $3::text) END"};
const pg::Prepared kRemoveMember{
    "sg_remove_group_member",
    "DELETE FROM group_members m USING groups g WHERE m.group_id = g.id"
    " AND g.name_key = lower($1::text COLLATE \"C\") AND m.kind = $2"
    " AND m.member_key = lower($3::text COLLATE \"C\")"};
// The members after position ($2, $3) up to kind $4, at most $5 (NULL: all), in the primary
// key's order (kind, member_key): one row per member, or one row of NULLs when none is in the
// range, or none for an unknown group.
const pg::Prepared kListMembers{
    "sg_list_group_members",
    "SELECT m.kind, m.member FROM groups g LEFT JOIN LATERAL (SELECT kind, member, member_key"
    " FROM group_members WHERE group_id = g.id AND (kind, member_key) > ($2::text, $3::text)"
    " AND kind <= $4::text ORDER BY kind, member_key LIMIT $5) m ON true"
    " WHERE g.name_key = lower($1::text COLLATE \"C\") ORDER BY m.kind, m.member_key"};
// One row per kind the group has members of, or one row of NULLs, or none for an unknown group.
const pg::Prepared kCountMembers{
    "sg_count_group_members",
    "SELECT m.kind, count(m.kind) FROM groups g LEFT JOIN group_members m ON m.group_id = g.id"
    " WHERE g.name_key = lower($1::text COLLATE \"C\") GROUP BY m.kind"};
const pg::Prepared kGroupsOf{"sg_groups_of_member",
                             "SELECT g.name, g.description, g.created_at FROM groups g"
                             " JOIN group_members m ON m.group_id = g.id WHERE m.kind = $1"
                             " AND m.member_key = lower($2::text COLLATE \"C\")"
                             " ORDER BY g.name_key"};

GroupRecord ReadGroup(pg::RowReader& in) {
  GroupRecord g;
  g.name = in.Text();
  g.description = in.Text();
  g.created_at = in.Int();
  return g;
}

GroupMember ReadMember(pg::RowReader& in) {
  GroupMember m;
  m.kind = in.Text() == "user" ? MemberKind::kUser : MemberKind::kDevice;
  m.id = in.Text();
  return m;
}

std::string Describe(const GroupMember& member) {
  return std::string(MemberKindName(member.kind)) + " " + member.id;
}

// Returns kNotFound naming the group when it does not exist, else `otherwise`.
Status GroupNotFoundOr(pg::Connection& c, std::string_view group, Error otherwise) {
  SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kGroupExists, {group}));
  SG_ASSIGN_OR_RETURN(bool exists, rows.Bool(0, 0));
  if (!exists) return Fail(Error::NotFound("group " + std::string(group) + " not found"));
  return Fail(std::move(otherwise));
}

}  // namespace

Status PostgresStore::InsertGroup(const GroupRecord& g) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    auto inserted = pg::Run(c, kInsert, {g.name, g.description, g.created_at});
    if (!inserted) {
      return Fail(pg::Explain(inserted.error(),
                              {{pg::kUniqueViolation, "groups_name_key",
                                Error::AlreadyExists("group " + g.name + " already exists")}}));
    }
    return {};
  });
}

Result<std::optional<GroupRecord>> PostgresStore::FindGroup(std::string_view name) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::optional<GroupRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kFind, {name}));
    return pg::ReadFirst(rows, ReadGroup);
  });
}

Result<std::vector<GroupRecord>> PostgresStore::ListGroups(const GroupFilter& filter) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<GroupRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows,
                        pg::Run(c, kList, {filter.after, pg::LimitParam(filter.limit)}));
    return pg::ReadRows(rows, ReadGroup);
  });
}

Status PostgresStore::AddGroupMember(std::string_view group, const GroupMember& member) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    auto added = pg::Run(c, kAddMember, {group, MemberKindName(member.kind), member.id});
    if (!added) {
      return Fail(
          pg::Explain(added.error(),
                      {{pg::kUniqueViolation, "group_members_pkey",
                        Error::AlreadyExists(Describe(member) + " is already a member of group " +
                                             std::string(group))}}));
    }
    if (added->AffectedRows() == 1) return {};
    return GroupNotFoundOr(c, group, Error::NotFound(Describe(member) + " not found"));
  });
}

Status PostgresStore::RemoveGroupMember(std::string_view group, const GroupMember& member) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    SG_ASSIGN_OR_RETURN(pg::QueryResult removed,
                        pg::Run(c, kRemoveMember, {group, MemberKindName(member.kind), member.id}));
    if (removed.AffectedRows() > 0) return {};
    return GroupNotFoundOr(
        c, group,
        Error::NotFound(Describe(member) + " is not a member of group " + std::string(group)));
  });
}

Result<std::vector<GroupMember>> PostgresStore::ListGroupMembers(std::string_view group,
                                                                 const MemberFilter& filter) {
  const MemberPosition from = MemberListStart(filter);
  const char* last_kind = MemberKindName(filter.kind.value_or(MemberKind::kUser));
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<GroupMember>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kListMembers,
                                                      {group, from.kind, from.id, last_kind,
                                                       pg::LimitParam(filter.limit)}));
    if (rows.Rows() == 0)
      return Fail(Error::NotFound("group " + std::string(group) + " not found"));
    return pg::ReadJoinedRows(rows, 0, ReadMember);
  });
}

Result<MemberCounts> PostgresStore::CountGroupMembers(std::string_view group) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<MemberCounts> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kCountMembers, {group}));
    if (rows.Rows() == 0)
      return Fail(Error::NotFound("group " + std::string(group) + " not found"));
    MemberCounts counts;
    for (int i = 0; i < rows.Rows(); ++i) {
      if (rows.IsNull(i, 0)) continue;
      pg::RowReader in(rows, i);
      const bool user = in.Text() == "user";
      (user ? counts.users : counts.devices) = in.Int();
      SG_TRY_STATUS(in.status());
    }
    return counts;
  });
}

Result<std::vector<GroupRecord>> PostgresStore::GroupsOf(const GroupMember& member) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<GroupRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows,
                        pg::Run(c, kGroupsOf, {MemberKindName(member.kind), member.id}));
    return pg::ReadRows(rows, ReadGroup);
  });
}

}  // namespace scepgate::store
