// PostgresStore's notification outbox. An event is leased to one worker at a time: ClaimEvents is
// one UPDATE over the rows its subquery locked with FOR UPDATE SKIP LOCKED, so concurrent workers
// (threads, processes, nodes) take disjoint events without waiting on each other; completion and
// failure are UPDATEs conditional on the lease's owner.
#include <algorithm>
#include <string>

#include "store/postgres/pooled_work.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/records.h"
#include "store/postgres/statements.h"
#include "store/postgres/writes.h"

namespace scepgate::store {
namespace {

const std::string kSelect = "SELECT " + std::string(pg::kEventColumns) + " FROM outbox";

const pg::Prepared kEnqueue{"sg_enqueue_event",
                            "INSERT INTO outbox (type, payload, request_id, created_at,"
                            " next_attempt_at) VALUES ($1, $2, $3, $4, $5) RETURNING id"};
const pg::Prepared kDue{"sg_due_events", kSelect +
                                             " WHERE state = 'pending' AND next_attempt_at <= $1"
                                             " ORDER BY id ASC LIMIT $2"};
const pg::Prepared kClaim{
    "sg_claim_events",
    "WITH due AS (SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $1"
    " AND lease_until <= $1 AND ($5 = '' OR starts_with(type, $5) <> $6::boolean)"
    " ORDER BY id ASC LIMIT $2 FOR UPDATE SKIP LOCKED)"
    " UPDATE outbox o SET lease_owner = $3, lease_until = $4 FROM due WHERE o.id = due.id"
    " RETURNING o.id, o.type, o.payload, o.request_id, o.created_at, o.state, o.attempts,"
    " o.next_attempt_at, o.delivered_at, o.last_error"};  // kEventColumns, of `o`
const pg::Prepared kDelivered{"sg_event_delivered",
                              "UPDATE outbox SET state = 'delivered', delivered_at = $2,"
                              " attempts = attempts + 1, last_error = '', lease_owner = '',"
                              " lease_until = 0"
                              " WHERE id = $1 AND state = 'pending' AND lease_owner = $3"};
const pg::Prepared kMoveRequest{"sg_move_request_of_event",
                                "UPDATE requests SET state = $3 WHERE state = $2"
                                " AND id = (SELECT request_id FROM outbox WHERE id = $1)"};
const pg::Prepared kFailed{"sg_event_failed",
                           "UPDATE outbox SET attempts = attempts + 1, last_error = $2,"
                           " next_attempt_at = $3, lease_owner = '', lease_until = 0,"
                           " state = CASE WHEN $4 THEN 'dead' ELSE state END"
                           " WHERE id = $1 AND state = 'pending' AND lease_owner = $5"};
// The `limit` oldest rows by id, up to the first one young enough to keep: one statement, so
// that it deletes exactly the rows it looked at.
const pg::Prepared kPrune{"sg_prune_events",
                          "WITH oldest AS (SELECT id, created_at FROM outbox ORDER BY id LIMIT $2),"
                          " kept AS (SELECT MIN(id) AS id FROM oldest WHERE created_at >= $1)"
                          " DELETE FROM outbox WHERE id IN (SELECT o.id FROM oldest o, kept k"
                          " WHERE k.id IS NULL OR o.id < k.id)"};

Error NotLeased(int64_t id, std::string_view owner) {
  return Error::Conflict("event " + std::to_string(id) + " is not leased to " + std::string(owner));
}

Result<std::vector<OutboxEvent>> SelectEvents(pg::Connection& c, const pg::Prepared& statement,
                                              const std::vector<pg::Param>& params) {
  SG_ASSIGN_OR_RETURN(pg::QueryResult rows, pg::Run(c, statement, params));
  return pg::ReadRows(rows, pg::ReadEvent);
}

}  // namespace

namespace pg {

Result<int64_t> EnqueueEventRow(Connection& c, const OutboxEvent& e, int64_t request_id) {
  SG_ASSIGN_OR_RETURN(
      QueryResult rows,
      Run(c, kEnqueue, {e.type, e.payload, request_id, e.created_at, e.next_attempt_at}));
  return rows.Int64(0, 0);
}

}  // namespace pg

Result<int64_t> PostgresStore::EnqueueEvent(const OutboxEvent& event) {
  return pg::Write(
      *pool_, [&](pg::Connection& c) { return pg::EnqueueEventRow(c, event, event.request_id); });
}

Result<std::vector<OutboxEvent>> PostgresStore::DueEvents(int64_t now, int limit) {
  return pg::Read(*pool_, [&](pg::Connection& c) {
    return SelectEvents(c, kDue, {now, pg::LimitParam(limit)});
  });
}

Result<std::vector<OutboxEvent>> PostgresStore::ClaimEvents(int64_t now, int limit,
                                                            int lease_seconds,
                                                            std::string_view owner,
                                                            const EventScope& scope) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Result<std::vector<OutboxEvent>> {
    SG_ASSIGN_OR_RETURN(
        auto claimed, SelectEvents(c, kClaim,
                                   {now, pg::LimitParam(limit), owner, now + int64_t{lease_seconds},
                                    scope.type_prefix, scope.exclude}));
    std::ranges::sort(claimed, {}, &OutboxEvent::id);  // RETURNING promises no order
    return claimed;
  });
}

Status PostgresStore::MarkEventDelivered(int64_t id, std::string_view owner, int64_t at,
                                         const std::optional<RequestTransition>& then) {
  return pg::InTransaction(*pool_, [&](pg::Connection& c) -> Status {
    SG_ASSIGN_OR_RETURN(pg::QueryResult done, pg::Run(c, kDelivered, {id, at, owner}));
    if (done.AffectedRows() != 1) return Fail(NotLeased(id, owner));
    if (then) SG_TRY_STATUS(pg::Run(c, kMoveRequest, {id, then->from, then->to}));
    return {};
  });
}

Status PostgresStore::MarkEventFailed(int64_t id, std::string_view owner, std::string_view error,
                                      int64_t next_attempt_at, bool give_up) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Status {
    SG_ASSIGN_OR_RETURN(pg::QueryResult done,
                        pg::Run(c, kFailed, {id, error, next_attempt_at, give_up, owner}));
    if (done.AffectedRows() != 1) return Fail(NotLeased(id, owner));
    return {};
  });
}

Result<std::vector<OutboxEvent>> PostgresStore::ListEvents(const EventFilter& filter) {
  pg::ParamList params;
  std::string sql = kSelect + " WHERE true";
  if (filter.state) sql += " AND state = " + params.Add(*filter.state);
  if (!filter.type.empty()) sql += " AND type = " + params.Add(filter.type);
  if (filter.before_id != 0) sql += " AND id < " + params.Add(filter.before_id);
  if (filter.request_id != 0) sql += " AND request_id = " + params.Add(filter.request_id);
  sql += " ORDER BY id DESC LIMIT " + params.Add(pg::LimitParam(filter.limit));
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::vector<OutboxEvent>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows, c.ExecParams(sql, params.values()));
    return pg::ReadRows(rows, pg::ReadEvent);
  });
}

Result<std::map<std::string, int64_t>> PostgresStore::CountEvents() {
  return pg::Read(*pool_, [&](pg::Connection& c) -> Result<std::map<std::string, int64_t>> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult rows,
                        c.ExecParams("SELECT state, count(*) FROM outbox GROUP BY state", {}));
    SG_ASSIGN_OR_RETURN(auto pairs, pg::ReadRows(rows, [](pg::RowReader& in) {
                          std::string state = in.Text();
                          return std::pair{state, in.Int()};
                        }));
    return std::map<std::string, int64_t>(pairs.begin(), pairs.end());
  });
}

Result<int> PostgresStore::PruneEvents(int64_t created_before, int limit) {
  return pg::Write(*pool_, [&](pg::Connection& c) -> Result<int> {
    SG_ASSIGN_OR_RETURN(pg::QueryResult done,
                        pg::Run(c, kPrune, {created_before, pg::LimitParam(limit)}));
    return static_cast<int>(done.AffectedRows());
  });
}

}  // namespace scepgate::store
