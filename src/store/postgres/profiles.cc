// PostgresStore's SCEP profiles and their assignments to groups. Profile names match regardless of
// ASCII case through profiles.name_key; an assignment is made once by its primary key, and goes
// with its profile (ON DELETE CASCADE).
#include <string>

#include "store/json_lists.h"
#include "store/postgres/pooled_work.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/row_reader.h"
#include "store/postgres/statements.h"
#include "store/postgres/violations.h"

namespace scepgate::store {
namespace {

// Every column but the id, in ReadProfile's order.
constexpr const char* kColumns =
    "p.name, p.cert_type, p.subject, p.sans, p.strong_mapping, p.purpose, p.ekus, p.key_type,"
    " p.min_key_size, p.hash, p.validity_days, p.renewal_threshold, p.urls, p.trusted_ca,"
    " p.require_approval, p.created_at, p.updated_at, p.ca_fingerprint, p.key_extractable";

const pg::Prepared kInsert{
    "sg_insert_profile",
    "INSERT INTO profiles (name, cert_type, subject, sans, strong_mapping, purpose, ekus,"
    " key_type, min_key_size, hash, validity_days, renewal_threshold, urls, trusted_ca,"
    " require_approval, updated_at, ca_fingerprint, key_extractable, created_at) VALUES ($1, $2,"
    " $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"};
const pg::Prepared kUpdate{
    "sg_update_profile",
    "UPDATE profiles SET cert_type = $2, subject = $3, sans = $4, strong_mapping = $5,"
    " purpose = $6, ekus = $7, key_type = $8, min_key_size = $9, hash = $10,"
    " validity_days = $11, renewal_threshold = $12, urls = $13, trusted_ca = $14,"
    " require_approval = $15, updated_at = $16, ca_fingerprint = $17, key_extractable = $18"
    " WHERE name_key = lower($1::text COLLATE \"C\")"};
const pg::Prepared kFind{"sg_find_profile",
                         "SELECT " + std::string(kColumns) +
                             " FROM profiles p WHERE p.name_key = lower($1::text COLLATE \"C\")"};
const pg::Prepared kList{
    "sg_list_profiles", "SELECT " + std::string(kColumns) + " FROM profiles p ORDER BY p.name_key"};
const pg::Prepared kDelete{"sg_delete_profile",
                           "DELETE FROM profiles WHERE name_key = lower($1::text COLLATE \"C\")"};
const pg::Prepared kAssign{"sg_add_assignment",
                           "INSERT INTO assignments (profile_id, group_id) SELECT p.id, g.id"
                           " FROM profiles p, groups g"
                           " WHERE p.name_key = lower($1::text COLLATE \"C\")"
                           " AND g.name_key = lower($2::text COLLATE \"C\")"};
const pg::Prepared kUnassign{"sg_remove_assignment",
                             "DELETE FROM assignments a USING profiles p, groups g"
                             " WHERE a.profile_id = p.id AND a.group_id = g.id"
                             " AND p.name_key = lower($1::text COLLATE \"C\")"
                             " AND g.name_key = lower($2::text COLLATE \"C\")"};
const pg::Prepared kBothExist{
    "sg_profile_and_group_exist",
    "SELECT EXISTS (SELECT 1 FROM profiles WHERE name_key = lower($1::text COLLATE \"C\")),"
    " EXISTS (SELECT 1 FROM groups WHERE name_key = lower($2::text COLLATE \"C\"))"};
// One row per assigned group by name, or one row of NULLs for a profile without assignments, or
// none for an unknown profile.
const pg::Prepared kAssignments{
    "sg_list_assignments",
    "SELECT g.name, g.description, g.created_at FROM profiles p"
    " LEFT JOIN assignments a ON a.profile_id = p.id LEFT JOIN groups g ON g.id = a.group_id"
    " WHERE p.name_key = lower($1::text COLLATE \"C\") ORDER BY g.name_key"};
// The same from the group's side: its profiles by name.
const pg::Prepared kAssignedTo{
    "sg_profiles_assigned_to",
    "SELECT " + std::string(kColumns) +
        " FROM groups g LEFT JOIN assignments a ON a.group_id = g.id"
        " LEFT JOIN profiles p ON p.id = a.profile_id"
        " WHERE g.name_key = lower($1::text COLLATE \"C\") ORDER BY p.name_key"};

ProfileRecord ReadProfile(pg::RowReader& in) {
  ProfileRecord p;
  p.name = in.Text();
  p.cert_type = in.Text();
  p.subject = in.Text();
  p.sans = in.JsonList("SANs");
  p.strong_mapping = in.Bool();
  p.purpose = in.Text();
  p.ekus = in.JsonList("EKUs");
  p.key_type = in.Text();
  p.min_key_size = static_cast<int>(in.Int());
  p.hash = in.Text();
  p.validity_days = static_cast<int>(in.Int());
  p.renewal_threshold = static_cast<int>(in.Int());
  p.urls = in.JsonList("URLs");
  p.trusted_ca = in.Text();
  p.require_approval = in.Bool();
  p.created_at = in.Int();
  p.updated_at = in.Int();
  p.ca_fingerprint = in.Text();
  p.key_extractable = in.Bool();
  return p;
}

GroupRecord ReadGroup(pg::RowReader& in) {
  GroupRecord g;
  g.name = in.Text();
  g.description = in.Text();
  g.created_at = in.Int();
  return g;
}

// The parameters $1..$18 of kInsert and kUpdate: the name, then every field but created_at.
Result<std::vector<pg::Param>> ProfileParams(const ProfileRecord& p) {
  SG_ASSIGN_OR_RETURN(std::string sans, ListToJson(p.sans, "SANs"));
  SG_ASSIGN_OR_RETURN(std::string ekus, ListToJson(p.ekus, "EKUs"));
  SG_ASSIGN_OR_RETURN(std::string urls, ListToJson(p.urls, "URLs"));
  return std::vector<pg::Param>{
      p.name, p.cert_type,  p.subject,          sans,         p.strong_mapping, p.purpose,
      ekus,   p.key_type,   p.min_key_size,     p.hash,       p.validity_days,  p.renewal_threshold,
      urls,   p.trusted_ca, p.require_approval, p.updated_at, p.ca_fingerprint, p.key_extractable};
}

// kNotFound naming the profile or the group that does not exist, else `otherwise`.
Status ProfileOrGroupNotFoundOr(pg::Connection& c, std::string_view profile, std::string_view group,
                                Error otherwise) {
  SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kBothExist, {profile, group}));
  SG_ASSIGN_OR_RETURN(bool profile_exists, rows.Bool(0, 0));
  SG_ASSIGN_OR_RETURN(bool group_exists, rows.Bool(0, 1));
  if (!profile_exists)
    return Fail(Error::NotFound("profile " + std::string(profile) + " not found"));
  if (!group_exists) return Fail(Error::NotFound("group " + std::string(group) + " not found"));
  return Fail(std::move(otherwise));
}

}  // namespace

Status PostgresStore::InsertProfile(const ProfileRecord& p) {
  SG_ASSIGN_OR_RETURN(std::vector<pg::Param> params, ProfileParams(p));
  params.emplace_back(p.created_at);
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    auto inserted = pg::Run(c, kInsert, params);
    if (!inserted) {
      return Fail(pg::Explain(inserted.error(),
                              {{pg::kUniqueViolation, "profiles_name_key",
                                Error::AlreadyExists("profile " + p.name + " already exists")}}));
    }
    return {};
  });
}

Result<std::optional<ProfileRecord>> PostgresStore::FindProfile(std::string_view name) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::optional<ProfileRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kFind, {name}));
    return pg::ReadFirst(rows, ReadProfile);
  });
}

Result<std::vector<ProfileRecord>> PostgresStore::ListProfiles() {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<ProfileRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kList, {}));
    return pg::ReadRows(rows, ReadProfile);
  });
}

Status PostgresStore::UpdateProfile(const ProfileRecord& p) {
  SG_ASSIGN_OR_RETURN(std::vector<pg::Param> params, ProfileParams(p));
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    SG_ASSIGN_OR_RETURN(pg::QueryResult done, pg::Run(c, kUpdate, params));
    if (done.AffectedRows() == 0) return Fail(Error::NotFound("profile " + p.name + " not found"));
    return {};
  });
}

Status PostgresStore::DeleteProfile(std::string_view name) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    SG_ASSIGN_OR_RETURN(pg::QueryResult done, pg::Run(c, kDelete, {name}));
    if (done.AffectedRows() == 0) {
      return Fail(Error::NotFound("profile " + std::string(name) + " not found"));
    }
    return {};
  });
}

Status PostgresStore::AddAssignment(std::string_view profile, std::string_view group) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    auto added = pg::Run(c, kAssign, {profile, group});
    if (!added) {
      std::string pair = "profile " + std::string(profile);
      return Fail(pg::Explain(
          added.error(),
          {{pg::kUniqueViolation, "assignments_pkey",
            Error::AlreadyExists(pair + " is already assigned to group " + std::string(group))},
           // The profile was deleted between the statement's snapshot and its insert.
           {pg::kForeignKeyViolation, "assignments_profile_id_fkey",
            Error::NotFound(pair + " not found")}}));
    }
    if (added->AffectedRows() == 1) return {};
    // Both exist now but not in the statement's snapshot: one was created meanwhile.
    return ProfileOrGroupNotFoundOr(
        c, profile, group,
        Error::NotFound("profile " + std::string(profile) + " or group " + std::string(group) +
                        " not found"));
  });
}

Status PostgresStore::RemoveAssignment(std::string_view profile, std::string_view group) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    SG_ASSIGN_OR_RETURN(pg::QueryResult removed, pg::Run(c, kUnassign, {profile, group}));
    if (removed.AffectedRows() > 0) return {};
    return ProfileOrGroupNotFoundOr(
        c, profile, group,
        Error::NotFound("profile " + std::string(profile) + " is not assigned to group " +
                        std::string(group)));
  });
}

Result<std::vector<GroupRecord>> PostgresStore::ListAssignments(std::string_view profile) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<GroupRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kAssignments, {profile}));
    if (rows.Rows() == 0) {
      return Fail(Error::NotFound("profile " + std::string(profile) + " not found"));
    }
    return pg::ReadJoinedRows(rows, 0, ReadGroup);
  });
}

Result<std::vector<ProfileRecord>> PostgresStore::ProfilesAssignedTo(std::string_view group) {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<ProfileRecord>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, kAssignedTo, {group}));
    if (rows.Rows() == 0)
      return Fail(Error::NotFound("group " + std::string(group) + " not found"));
    return pg::ReadJoinedRows(rows, 0, ReadProfile);
  });
}

}  // namespace scepgate::store
