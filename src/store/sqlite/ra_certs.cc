// SqliteStore's RA certificate renewals and what each node serves.
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statement.h"

namespace scepgate::store {

Status SqliteStore::PublishRaCertificate(const RaCertificateRecord& r) {
  std::lock_guard lock(mu_);
  // UNIQUE (replaces) and the primary key decide between nodes publishing at once.
  SG_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      StatementLocked("INSERT INTO ra_certificates (id, key_id, replaces, cert_der, not_after,"
                      " created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                      " ON CONFLICT DO NOTHING"));
  Query q(*stmt, "publish RA certificate");
  q.BindText(1, r.id)
      .BindText(2, r.key_id)
      .BindText(3, r.replaces)
      .BindBlob(4, r.cert_der)
      .BindInt(5, r.not_after)
      .BindInt(6, r.created_at)
      .BindText(7, r.created_by);
  SG_TRY_STATUS(q.Run());
  if (sqlite3_changes(db_.get()) != 1)
    return Fail(Error::AlreadyExists("a renewal of RA certificate " + r.replaces +
                                     " is published already"));
  return {};
}

Result<std::optional<RaCertificateRecord>> SqliteStore::LatestRaCertificate(
    std::string_view key_id) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      StatementLocked("SELECT id, key_id, replaces, cert_der, not_after, created_at, created_by"
                      " FROM ra_certificates WHERE key_id = ?1"
                      " ORDER BY not_after DESC, rowid DESC LIMIT 1"));
  Query q(*stmt, "latest RA certificate");
  q.BindText(1, key_id);
  SG_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::optional<RaCertificateRecord>();
  return RaCertificateRecord{q.Text(0), q.Text(1), q.Text(2), q.Blob(3),
                             q.Int(4),  q.Int(5),  q.Text(6)};
}

Status SqliteStore::ReportNodeRa(const NodeRaRecord& r) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(
      sqlite3_stmt * stmt,
      StatementLocked("INSERT INTO node_ra (node, key_id, serving, loaded, seen_at) VALUES (?1, ?5,"
                      " ?2, ?3, ?4) ON CONFLICT (node) DO UPDATE SET key_id = excluded.key_id,"
                      " serving = excluded.serving,"
                      " loaded = excluded.loaded, seen_at = excluded.seen_at"));
  Query q(*stmt, "report node RA");
  q.BindText(1, r.node)
      .BindText(2, r.serving)
      .BindText(3, r.loaded)
      .BindInt(4, r.seen_at)
      .BindText(5, r.key_id);
  return q.Run();
}

Result<std::vector<NodeRaRecord>> SqliteStore::ListNodeRa() {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("SELECT node, key_id, serving, loaded, seen_at FROM node_ra"
                                      " ORDER BY node"));
  Query q(*stmt, "list node RA");
  std::vector<NodeRaRecord> out;
  while (true) {
    SG_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back({q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Int(4)});
  }
}

}  // namespace scepgate::store
