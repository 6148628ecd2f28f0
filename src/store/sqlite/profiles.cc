// SqliteStore's SCEP profiles and their assignments to groups (schema version 3).
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "store/sqlite/records.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statement.h"

namespace scepgate::store {
namespace {

// Every column but the rowid, in the order ReadProfile and BindProfile use.
constexpr const char* kSelectProfilesSql =
    "SELECT p.name, p.cert_type, p.subject, p.sans, p.strong_mapping, p.purpose, p.ekus,"
    " p.key_type, p.min_key_size, p.hash, p.validity_days, p.renewal_threshold, p.urls,"
    " p.trusted_ca, p.require_approval, p.created_at, p.updated_at, p.ca_fingerprint,"
    " p.key_extractable FROM profiles p";

Result<ProfileRecord> ReadProfile(const Query& q) {
  ProfileRecord p;
  p.name = q.Text(0);
  p.cert_type = q.Text(1);
  p.subject = q.Text(2);
  SG_ASSIGN_OR_RETURN(p.sans, ListFromJson(q.Text(3), "SANs"));
  p.strong_mapping = q.Int(4) != 0;
  p.purpose = q.Text(5);
  SG_ASSIGN_OR_RETURN(p.ekus, ListFromJson(q.Text(6), "EKUs"));
  p.key_type = q.Text(7);
  p.min_key_size = static_cast<int>(q.Int(8));
  p.hash = q.Text(9);
  p.validity_days = static_cast<int>(q.Int(10));
  p.renewal_threshold = static_cast<int>(q.Int(11));
  SG_ASSIGN_OR_RETURN(p.urls, ListFromJson(q.Text(12), "URLs"));
  p.trusted_ca = q.Text(13);
  p.require_approval = q.Int(14) != 0;
  p.created_at = q.Int(15);
  p.updated_at = q.Int(16);
  p.ca_fingerprint = q.Text(17);
  p.key_extractable = q.Int(18) != 0;
  return p;
}

// Binds every field but the name (?1) and created_at (?17) to ?2..?16, ?18 and ?19.
Status BindProfileFields(Query& q, const ProfileRecord& p) {
  SG_ASSIGN_OR_RETURN(std::string sans, ListToJson(p.sans, "SANs"));
  SG_ASSIGN_OR_RETURN(std::string ekus, ListToJson(p.ekus, "EKUs"));
  SG_ASSIGN_OR_RETURN(std::string urls, ListToJson(p.urls, "URLs"));
  q.BindText(2, p.cert_type).BindText(3, p.subject).BindText(4, sans);
  q.BindInt(5, p.strong_mapping ? 1 : 0).BindText(6, p.purpose).BindText(7, ekus);
  q.BindText(8, p.key_type).BindInt(9, p.min_key_size).BindText(10, p.hash);
  q.BindInt(11, p.validity_days).BindInt(12, p.renewal_threshold).BindText(13, urls);
  q.BindText(14, p.trusted_ca).BindInt(15, p.require_approval ? 1 : 0);
  q.BindInt(16, p.updated_at).BindText(18, p.ca_fingerprint);
  q.BindInt(19, p.key_extractable ? 1 : 0);
  return {};
}

GroupRecord ReadGroupRow(const Query& q) {
  GroupRecord g;
  g.name = q.Text(0);
  g.description = q.Text(1);
  g.created_at = q.Int(2);
  return g;
}

}  // namespace

Result<int64_t> SqliteStore::ProfileIdLocked(std::string_view name) {
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("SELECT id FROM profiles WHERE name = ?1"));
  Query q(*stmt, "find profile");
  q.BindText(1, name);
  SG_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Fail(Error::NotFound("profile " + std::string(name) + " not found"));
  return q.Int(0);
}

Result<std::vector<ProfileRecord>> SqliteStore::SelectProfilesLocked(
    const std::string& sql, const std::function<void(Query&)>& bind) {
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, StatementLocked(sql));
  Query q(*stmt, "select profiles");
  bind(q);
  std::vector<ProfileRecord> out;
  while (true) {
    SG_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    SG_ASSIGN_OR_RETURN(ProfileRecord p, ReadProfile(q));
    out.push_back(std::move(p));
  }
}

Status SqliteStore::InsertProfile(const ProfileRecord& p) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      StatementLocked("INSERT INTO profiles (name, cert_type, subject, sans, strong_mapping,"
                      " purpose, ekus, key_type, min_key_size, hash, validity_days,"
                      " renewal_threshold, urls, trusted_ca, require_approval, updated_at,"
                      " created_at, ca_fingerprint, key_extractable) VALUES (?1, ?2, ?3, ?4, ?5,"
                      " ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"));
  Query q(*stmt, "insert profile " + p.name);
  q.BindText(1, p.name).BindInt(17, p.created_at);
  SG_TRY_STATUS(BindProfileFields(q, p));
  auto ran = q.Run();
  if (!ran && ran.error().code == ErrorCode::kAlreadyExists) {
    return Fail(Error::AlreadyExists("profile " + p.name + " already exists"));
  }
  return ran;
}

Result<std::optional<ProfileRecord>> SqliteStore::FindProfile(std::string_view name) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(auto rows,
                      SelectProfilesLocked(std::string(kSelectProfilesSql) + " WHERE name = ?1",
                                           [&](Query& q) { q.BindText(1, name); }));
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

Result<std::vector<ProfileRecord>> SqliteStore::ListProfiles() {
  std::lock_guard lock(mu_);
  return SelectProfilesLocked(std::string(kSelectProfilesSql) + " ORDER BY name", [](Query&) {});
}

Status SqliteStore::UpdateProfile(const ProfileRecord& p) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      StatementLocked("UPDATE profiles SET cert_type = ?2, subject = ?3, sans = ?4,"
                      " strong_mapping = ?5, purpose = ?6, ekus = ?7, key_type = ?8,"
                      " min_key_size = ?9, hash = ?10, validity_days = ?11,"
                      " renewal_threshold = ?12, urls = ?13, trusted_ca = ?14,"
                      " require_approval = ?15, updated_at = ?16, ca_fingerprint = ?18,"
                      " key_extractable = ?19 WHERE name = ?1"));
  {
    Query q(*stmt, "update profile " + p.name);
    q.BindText(1, p.name);
    SG_TRY_STATUS(BindProfileFields(q, p));
    SG_TRY_STATUS(q.Run());
  }
  if (sqlite3_changes(db_.get()) == 0) {
    return Fail(Error::NotFound("profile " + p.name + " not found"));
  }
  return {};
}

Status SqliteStore::DeleteProfile(std::string_view name) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, StatementLocked("DELETE FROM profiles WHERE name = ?1"));
  {
    Query q(*stmt, "delete profile " + std::string(name));
    q.BindText(1, name);
    SG_TRY_STATUS(q.Run());
  }
  if (sqlite3_changes(db_.get()) == 0) {
    return Fail(Error::NotFound("profile " + std::string(name) + " not found"));
  }
  return {};
}

Status SqliteStore::AddAssignment(std::string_view profile, std::string_view group) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db_));
  SG_ASSIGN_OR_RETURN(int64_t profile_id, ProfileIdLocked(profile));
  SG_ASSIGN_OR_RETURN(int64_t group_id, GroupIdLocked(group));
  SG_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      StatementLocked("INSERT INTO assignments (profile_id, group_id) VALUES (?1, ?2)"));
  {
    Query q(*stmt, "add assignment");
    q.BindInt(1, profile_id).BindInt(2, group_id);
    auto ran = q.Run();
    if (!ran && ran.error().code == ErrorCode::kAlreadyExists) {
      return Fail(Error::AlreadyExists("profile " + std::string(profile) +
                                       " is already assigned to group " + std::string(group)));
    }
    SG_TRY_STATUS(ran);
  }
  return tx.Commit();
}

Status SqliteStore::RemoveAssignment(std::string_view profile, std::string_view group) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db_));
  SG_ASSIGN_OR_RETURN(int64_t profile_id, ProfileIdLocked(profile));
  SG_ASSIGN_OR_RETURN(int64_t group_id, GroupIdLocked(group));
  SG_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      StatementLocked("DELETE FROM assignments WHERE profile_id = ?1 AND group_id = ?2"));
  {
    Query q(*stmt, "remove assignment");
    q.BindInt(1, profile_id).BindInt(2, group_id);
    SG_TRY_STATUS(q.Run());
  }
  if (sqlite3_changes(db_.get()) == 0) {
    return Fail(Error::NotFound("profile " + std::string(profile) + " is not assigned to group " +
                                std::string(group)));
  }
  return tx.Commit();
}

Result<std::vector<GroupRecord>> SqliteStore::ListAssignments(std::string_view profile) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(int64_t profile_id, ProfileIdLocked(profile));
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("SELECT g.name, g.description, g.created_at FROM groups g"
                                      " JOIN assignments a ON a.group_id = g.id"
                                      " WHERE a.profile_id = ?1 ORDER BY g.name"));
  Query q(*stmt, "list assignments");
  q.BindInt(1, profile_id);
  std::vector<GroupRecord> out;
  while (true) {
    SG_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back(ReadGroupRow(q));
  }
}

Result<std::vector<ProfileRecord>> SqliteStore::ProfilesAssignedTo(std::string_view group) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(int64_t group_id, GroupIdLocked(group));
  return SelectProfilesLocked(std::string(kSelectProfilesSql) +
                                  " JOIN assignments a ON a.profile_id = p.id"
                                  " WHERE a.group_id = ?1 ORDER BY p.name",
                              [&](Query& q) { q.BindInt(1, group_id); });
}

}  // namespace scepgate::store
