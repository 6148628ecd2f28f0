// SqliteStore::ApplyDirectoryBatch: a bulk import's batch in one transaction, with the cached
// prepared statements and INSERT ... ON CONFLICT DO NOTHING (sqlite3_changes tells added from
// already there).
#include <map>
#include <string>

#include "common/text.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statement.h"

namespace scepgate::store {

Result<DirectoryBatchOutcome> SqliteStore::ApplyDirectoryBatch(const DirectoryBatch& batch) {
  std::lock_guard lock(mu_);
  // A bulk import touches pages all over the devices' and members' indexes (random UUIDs): with
  // SQLite's default 2 MB page cache a batch re-reads and re-writes them hundreds of thousands of
  // times (100,000 devices: 13 s). 64 MiB, taken only as pages are used, holds a large directory's
  // indexes. The setting stays on this connection.
  SG_TRY_STATUS(Exec(*db_, "PRAGMA cache_size = -65536"));
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db_));
  DirectoryBatchOutcome out;
  auto added = [&] { return sqlite3_changes(db_.get()) == 1; };
  for (const UserRecord& u : batch.users) {
    SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                        StatementLocked("INSERT INTO users (upn, email, sid, on_prem_dn, disabled,"
                                        " disabled_at, created_at, identity_by_admin)"
                                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                                        " ON CONFLICT DO NOTHING"));
    Query q(*stmt, "import user " + u.upn);
    q.BindText(1, u.upn).BindText(2, u.email).BindText(3, u.sid).BindText(4, u.on_prem_dn);
    q.BindInt(5, u.disabled ? 1 : 0).BindInt(6, u.disabled_at).BindInt(7, u.created_at);
    q.BindInt(8, u.identity_by_admin ? 1 : 0);
    SG_TRY_STATUS(q.Run());
    out.users.push_back(added());
  }
  for (const GroupRecord& g : batch.groups) {
    SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                        StatementLocked("INSERT INTO groups (name, description, created_at)"
                                        " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING"));
    Query q(*stmt, "import group " + g.name);
    q.BindText(1, g.name).BindText(2, g.description).BindInt(3, g.created_at);
    SG_TRY_STATUS(q.Run());
    out.groups.push_back(added());
  }
  for (const DeviceRecord& d : batch.devices) {
    if (!d.owner.empty()) {
      SG_ASSIGN_OR_RETURN(bool owner, ExistsLocked("SELECT 1 FROM users WHERE upn = ?1", d.owner));
      if (!owner) return Fail(Error::NotFound("owner " + d.owner + " not found"));
    }
    SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                        StatementLocked("INSERT INTO devices (id, name, platform, serial_number,"
                                        " owner, retired, retired_at, created_at)"
                                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
                                        " ON CONFLICT DO NOTHING"));
    Query q(*stmt, "import device " + d.id);
    q.BindText(1, d.id).BindText(2, d.name).BindText(3, d.platform);
    q.BindText(4, d.serial_number).BindText(5, d.owner).BindInt(6, d.retired ? 1 : 0);
    q.BindInt(7, d.retired_at).BindInt(8, d.created_at);
    SG_TRY_STATUS(q.Run());
    out.devices.push_back(added());
  }
  std::map<std::string, int64_t> group_ids;  // folded name -> rowid
  for (const BatchMember& m : batch.members) {
    auto [it, fresh] = group_ids.try_emplace(AsciiLower(m.group), 0);
    if (fresh) {
      SG_ASSIGN_OR_RETURN(it->second, GroupIdLocked(m.group));
    }
    const char* exists_sql = m.member.kind == MemberKind::kUser
                                 ? "SELECT 1 FROM users WHERE upn = ?1"
                                 : "SELECT 1 FROM devices WHERE id = ?1";
    SG_ASSIGN_OR_RETURN(bool exists, ExistsLocked(exists_sql, m.member.id));
    if (!exists) {
      return Fail(Error::NotFound(std::string(MemberKindName(m.member.kind)) + " " + m.member.id +
                                  " not found"));
    }
    SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                        StatementLocked("INSERT INTO group_members (group_id, kind, member)"
                                        " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING"));
    Query q(*stmt, "import group member");
    q.BindInt(1, it->second).BindText(2, MemberKindName(m.member.kind)).BindText(3, m.member.id);
    SG_TRY_STATUS(q.Run());
    out.members.push_back(added());
  }
  SG_TRY_STATUS(tx.Commit());
  return out;
}

}  // namespace scepgate::store
