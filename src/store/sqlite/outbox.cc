// SqliteStore's notification outbox (schema version 5).
#include <algorithm>
#include <string>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statement.h"

namespace scepgate::store {
namespace {

constexpr const char* kSelectEventsSql =
    "SELECT id, type, payload, request_id, created_at, state, attempts, next_attempt_at,"
    " delivered_at, last_error FROM outbox";

OutboxEvent ReadEvent(const Query& q) {
  OutboxEvent e;
  e.id = q.Int(0);
  e.type = q.Text(1);
  e.payload = q.Text(2);
  e.request_id = q.Int(3);
  e.created_at = q.Int(4);
  e.state = q.Text(5);
  e.attempts = static_cast<int>(q.Int(6));
  e.next_attempt_at = q.Int(7);
  e.delivered_at = q.Int(8);
  e.last_error = q.Text(9);
  return e;
}

}  // namespace

Result<int64_t> SqliteStore::EnqueueEventLocked(const OutboxEvent& e, int64_t request_id) {
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("INSERT INTO outbox (type, payload, request_id, created_at,"
                                      " next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5)"));
  Query q(*stmt, "enqueue event");
  q.BindText(1, e.type).BindText(2, e.payload).BindInt(3, request_id);
  q.BindInt(4, e.created_at).BindInt(5, e.next_attempt_at);
  SG_TRY_STATUS(q.Run());
  return sqlite3_last_insert_rowid(db_.get());
}

Result<int64_t> SqliteStore::EnqueueEvent(const OutboxEvent& event) {
  std::lock_guard lock(mu_);
  return EnqueueEventLocked(event, event.request_id);
}

Result<std::vector<OutboxEvent>> SqliteStore::SelectEventsLocked(
    const std::string& sql, const std::function<void(Query&)>& bind) {
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, StatementLocked(sql));
  Query q(*stmt, "select events");
  bind(q);
  std::vector<OutboxEvent> out;
  while (true) {
    SG_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out.push_back(ReadEvent(q));
  }
}

Result<std::vector<OutboxEvent>> SqliteStore::DueEvents(int64_t now, int limit) {
  std::lock_guard lock(mu_);
  return SelectEventsLocked(std::string(kSelectEventsSql) +
                                " WHERE state = 'pending' AND next_attempt_at <= ?1"
                                " ORDER BY id ASC LIMIT ?2",
                            [&](Query& q) { q.BindInt(1, now).BindInt(2, SqlLimit(limit)); });
}

Result<std::vector<OutboxEvent>> SqliteStore::ListEvents(const EventFilter& filter) {
  std::lock_guard lock(mu_);
  std::string sql = std::string(kSelectEventsSql) + " WHERE 1";
  if (filter.state) sql += " AND state = ?1";
  if (!filter.type.empty()) sql += " AND type = ?3";
  if (filter.before_id != 0) sql += " AND id < ?4";
  if (filter.request_id != 0) sql += " AND request_id = ?5";
  sql += " ORDER BY id DESC LIMIT ?2";
  return SelectEventsLocked(sql, [&](Query& q) {
    if (filter.state) q.BindText(1, *filter.state);
    q.BindInt(2, SqlLimit(filter.limit));
    if (!filter.type.empty()) q.BindText(3, filter.type);
    if (filter.before_id != 0) q.BindInt(4, filter.before_id);
    if (filter.request_id != 0) q.BindInt(5, filter.request_id);
  });
}

Result<std::map<std::string, int64_t>> SqliteStore::CountEvents() {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt,
                      StatementLocked("SELECT state, COUNT(*) FROM outbox GROUP BY state"));
  Query q(*stmt, "count events");
  std::map<std::string, int64_t> out;
  while (true) {
    SG_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return out;
    out[q.Text(0)] = q.Int(1);
  }
}

Result<std::vector<OutboxEvent>> SqliteStore::ClaimEvents(int64_t now, int limit, int lease_seconds,
                                                          std::string_view owner,
                                                          const EventScope& scope) {
  std::lock_guard lock(mu_);
  // One statement, under the write lock: no other connection can lease the same rows between
  // choosing them and marking them.
  SG_ASSIGN_OR_RETURN(
      auto claimed,
      SelectEventsLocked(
          "UPDATE outbox SET lease_owner = ?3, lease_until = ?4 WHERE id IN (SELECT id FROM outbox"
          " WHERE state = 'pending' AND next_attempt_at <= ?1 AND lease_until <= ?1"
          " AND (?5 = '' OR (substr(type, 1, length(?5)) = ?5) != ?6)"
          " ORDER BY id ASC LIMIT ?2) RETURNING id, type, payload, request_id, created_at, state,"
          " attempts, next_attempt_at, delivered_at, last_error",
          [&](Query& q) {
            q.BindInt(1, now).BindInt(2, SqlLimit(limit)).BindText(3, owner);
            q.BindInt(4, now + lease_seconds).BindText(5, scope.type_prefix);
            q.BindInt(6, scope.exclude ? 1 : 0);
          }));
  std::ranges::sort(claimed, {}, &OutboxEvent::id);  // RETURNING promises no order
  return claimed;
}

Status SqliteStore::MarkEventDelivered(int64_t id, std::string_view owner, int64_t at,
                                       const std::optional<RequestTransition>& then) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(*db_));
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * update,
                      StatementLocked("UPDATE outbox SET state = 'delivered', delivered_at = ?2,"
                                      " attempts = attempts + 1, last_error = '',"
                                      " lease_owner = '', lease_until = 0"
                                      " WHERE id = ?1 AND state = 'pending' AND lease_owner = ?3"));
  {
    Query q(*update, "mark event delivered");
    q.BindInt(1, id).BindInt(2, at).BindText(3, owner);
    SG_TRY_STATUS(q.Run());
  }
  if (sqlite3_changes(db_.get()) != 1)
    return Fail(
        Error::Conflict("event " + std::to_string(id) + " is not leased to " + std::string(owner)));
  if (then) {
    SG_ASSIGN_OR_RETURN(sqlite3_stmt * moved,
                        StatementLocked("UPDATE requests SET state = ?3 WHERE state = ?2"
                                        " AND id = (SELECT request_id FROM outbox WHERE id = ?1)"));
    Query q(*moved, "move request");
    q.BindInt(1, id).BindText(2, then->from).BindText(3, then->to);
    SG_TRY_STATUS(q.Run());
  }
  return tx.Commit();
}

Status SqliteStore::MarkEventFailed(int64_t id, std::string_view owner, std::string_view error,
                                    int64_t next_attempt_at, bool give_up) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * update,
                      StatementLocked("UPDATE outbox SET attempts = attempts + 1, last_error = ?2,"
                                      " next_attempt_at = ?3, lease_owner = '', lease_until = 0,"
                                      " state = CASE WHEN ?4 THEN 'dead' ELSE state END"
                                      " WHERE id = ?1 AND state = 'pending' AND lease_owner = ?5"));
  Query q(*update, "mark event failed");
  q.BindInt(1, id).BindText(2, error).BindInt(3, next_attempt_at).BindInt(4, give_up ? 1 : 0);
  q.BindText(5, owner);
  SG_TRY_STATUS(q.Run());
  if (sqlite3_changes(db_.get()) != 1)
    return Fail(
        Error::Conflict("event " + std::to_string(id) + " is not leased to " + std::string(owner)));
  return {};
}

Result<int> SqliteStore::PruneEvents(int64_t created_before, int limit) {
  std::lock_guard lock(mu_);
  // The oldest rows by id, up to the first one young enough to keep: a range of the rowid, so
  // neither statement scans the table. Ids only grow, so the range holds no newer event.
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * oldest,
                      StatementLocked("SELECT id, created_at FROM outbox ORDER BY id LIMIT ?1"));
  int64_t last = 0;
  int count = 0;
  {
    Query q(*oldest, "select oldest events");
    q.BindInt(1, SqlLimit(limit));
    while (true) {
      SG_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row || q.Int(1) >= created_before) break;
      last = q.Int(0);
      ++count;
    }
  }
  if (count == 0) return 0;
  SG_ASSIGN_OR_RETURN(sqlite3_stmt * prune, StatementLocked("DELETE FROM outbox WHERE id <= ?1"));
  {
    Query q(*prune, "prune events");
    q.BindInt(1, last);
    SG_TRY_STATUS(q.Run());
  }
  return count;
}

}  // namespace scepgate::store
