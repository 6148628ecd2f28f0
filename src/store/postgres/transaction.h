// A transaction on one connection that is rolled back unless committed: the PostgreSQL store's
// unit of work. It runs at READ COMMITTED, the server's default: every exactly-once rule of the
// store is a constraint, a conditional UPDATE, an INSERT ... ON CONFLICT or a row lock, and those
// hold at that level (a writer that waits on a row re-reads it once the holder commits).
// Not thread-safe: used by the thread that holds the connection's lease.
#pragma once

#include <utility>

#include "common/error.h"
#include "store/postgres/connection.h"

namespace scepgate::store::pg {

class Transaction {
 public:
  // Sends BEGIN. Errors as in pg_error.h (kUnavailable when the connection is lost).
  static Result<Transaction> Begin(Connection& conn);

  Transaction(Transaction&& other) noexcept : conn_(std::exchange(other.conn_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  // Sends ROLLBACK unless committed. Its failure is ignored: a connection that cannot roll back
  // is broken, and the pool closes it when the lease returns.
  ~Transaction();

  // Sends COMMIT; the transaction is over either way. Returns kDatabase without committing when
  // a statement of the transaction failed (PostgreSQL would turn the COMMIT into a ROLLBACK), and
  // COMMIT's own error otherwise (kUnavailable: the connection was lost and the outcome is
  // unknown).
  Status Commit();

 private:
  explicit Transaction(Connection& conn) : conn_(&conn) {}

  Connection* conn_;  // null once committed or moved from
};

}  // namespace scepgate::store::pg
