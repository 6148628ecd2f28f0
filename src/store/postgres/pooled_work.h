// How the PostgreSQL store runs its work on pooled connections, and what a lost connection does to
// each kind of work (postgres_store.h documents it for callers):
//   - Read: statements that write nothing. When the connection turns out to be lost, the read runs
//     once more on a fresh connection; a second loss is returned (kUnavailable).
//   - Write: one statement that writes, run once. A lost connection is returned (kUnavailable) and
//   never
//     retried here: the write may or may not have happened, and only the caller can tell whether
//     repeating it is safe.
//   - WritePrepared: Write for one prepared statement, prepared again on a fresh connection when
//     the connection is found lost while preparing (nothing was sent that writes).
//   - InTransaction: several statements in one transaction on one connection, committed when the
//     body succeeds and rolled back when it fails. When BEGIN finds the connection lost (nothing
//     of the work was sent), it starts once more on a fresh connection; a loss after that is
//     returned (kUnavailable), the outcome unknown only when it struck the COMMIT.
// After any lost connection the pool's idle connections are closed too (see Pool::DropIdle).
// The Store interface knows no kInvalidArgument: the wrapper's (a text parameter with a zero
// byte, a misused statement name or column) reaches callers as kDatabase.
// Thread-safe: the pool is; each call holds its own lease.
#pragma once

#include <type_traits>
#include <utility>

#include "common/error.h"
#include "store/postgres/connection.h"
#include "store/postgres/pg_error.h"
#include "store/postgres/pool.h"
#include "store/postgres/statements.h"
#include "store/postgres/transaction.h"

namespace scepgate::store::pg {

// Closes the pool's idle connections when `error` says the connection was lost. Returns `error`.
inline const Error& ForgetIdleOnLoss(Pool& pool, const Error& error) {
  if (IsConnectionLost(error)) pool.DropIdle();
  return error;
}

// Turns the wrapper's kInvalidArgument into kDatabase, the code the Store interface gives it.
template <class R>
R AsStoreResult(R result) {
  if (!result && result.error().code == ErrorCode::kInvalidArgument) {
    return Fail(Error::Database(result.error().message));
  }
  return result;
}

// `work(Connection&)` returns a Status or a Result<T>; each function returns the same type.
template <class Work>
auto Read(Pool& pool, Work&& work) -> std::invoke_result_t<Work&, Connection&> {
  for (int attempt = 1;; ++attempt) {
    auto lease = pool.Acquire();
    if (!lease) return Fail(std::move(lease).error());
    auto result = AsStoreResult(work(**lease));
    if (result || !IsConnectionLost(result.error())) return result;
    ForgetIdleOnLoss(pool, result.error());
    if (attempt == 2) return result;
  }
}

template <class Work>
auto Write(Pool& pool, Work&& work) -> std::invoke_result_t<Work&, Connection&> {
  auto lease = pool.Acquire();
  if (!lease) return Fail(std::move(lease).error());
  auto result = AsStoreResult(work(**lease));
  if (!result) ForgetIdleOnLoss(pool, result.error());
  return result;
}

// Write, for work whose one statement is `statement`: preparing sends nothing that writes, so when
// the connection turns out lost while preparing, it starts once more on a fresh connection (as
// InTransaction does after BEGIN); the statement itself runs once.
template <class Work>
auto WritePrepared(Pool& pool, const Prepared& statement, Work&& work)
    -> std::invoke_result_t<Work&, Connection&> {
  for (int attempt = 1;; ++attempt) {
    auto lease = pool.Acquire();
    if (!lease) return Fail(std::move(lease).error());
    if (!(*lease)->IsPrepared(statement.name)) {
      Status prepared = AsStoreResult((*lease)->Prepare(statement.name, statement.sql));
      if (!prepared) {
        ForgetIdleOnLoss(pool, prepared.error());
        if (attempt == 2 || !IsConnectionLost(prepared.error()))
          return Fail(std::move(prepared).error());
        continue;
      }
    }
    auto result = AsStoreResult(work(**lease));
    if (!result) ForgetIdleOnLoss(pool, result.error());
    return result;
  }
}

template <class Work>
auto InTransaction(Pool& pool, Work&& work) -> std::invoke_result_t<Work&, Connection&> {
  for (int attempt = 1;; ++attempt) {
    auto lease = pool.Acquire();
    if (!lease) return Fail(std::move(lease).error());
    Result<Transaction> tx = Transaction::Begin(**lease);
    if (!tx) {
      ForgetIdleOnLoss(pool, tx.error());
      if (attempt == 2 || !IsConnectionLost(tx.error())) return Fail(std::move(tx).error());
      continue;  // nothing of the work was sent: start again on a fresh connection
    }
    auto result = AsStoreResult(work(**lease));
    if (result) {
      if (Status committed = tx->Commit(); !committed) {
        return Fail(ForgetIdleOnLoss(pool, committed.error()));
      }
    } else {
      ForgetIdleOnLoss(pool, result.error());
    }
    return result;  // on failure, `tx` rolls back as it goes
  }
}

}  // namespace scepgate::store::pg
