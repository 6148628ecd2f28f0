// One PostgreSQL connection: plain statements, statements with parameters, prepared statements,
// and errors as values (see pg_error.h for the codes).
// Not thread-safe: one thread at a time uses a Connection (it may move between threads); share
// connections across threads through a Pool.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "common/error.h"
#include "store/postgres/param.h"
#include "store/postgres/pq_ptr.h"
#include "store/postgres/query_result.h"

namespace scepgate::store::pg {

// Returns kInvalidArgument when `dsn` does not parse as a libpq connection string (URI or
// key=value). Connects to nothing. Thread-safe.
Status CheckDsn(const std::string& dsn);
// True when `dsn` parses and sets a password (which belongs in a password file, not in a
// configuration). kInvalidArgument when it does not parse. Thread-safe.
Result<bool> DsnHasPassword(const std::string& dsn);

class Connection {
 public:
  // Opens a connection to `dsn` (a URI "postgresql://user@host:port/db?..." or "key=value ..."),
  // with client_encoding UTF8 and a 10 s connect_timeout unless the DSN sets its own.
  // Returns kInvalidArgument when the DSN does not parse, kUnavailable when the server cannot be
  // reached or refuses the login (the message names host, port and database, never a password).
  // `password`, when not empty, is given to libpq beside the DSN (never inside a string that
  // could be logged) and overrides any the DSN or the environment sets.
  static Result<Connection> Connect(const std::string& dsn, const std::string& password = "");

  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;

  // Runs one or more statements without parameters (DDL, BEGIN/COMMIT, migrations) and returns
  // the result of the last one. Errors as in pg_error.h.
  Result<QueryResult> Exec(const std::string& sql);

  // Runs one statement with parameters $1..$n. Returns kInvalidArgument when a text parameter
  // holds a zero byte (PostgreSQL text cannot), otherwise errors as in pg_error.h.
  Result<QueryResult> ExecParams(const std::string& sql, const std::vector<Param>& params);

  // Prepares `sql` under `name` on this connection; parameter types are inferred from the
  // statement (write $1::bytea where the context does not say). Preparing the same name with the
  // same SQL again does nothing, so callers may prepare before each use. Returns kInvalidArgument
  // when `name` is already prepared with other SQL, otherwise errors as in pg_error.h.
  Status Prepare(const std::string& name, const std::string& sql);

  // True when `name` was prepared on this connection by Prepare().
  bool IsPrepared(const std::string& name) const { return prepared_.contains(name); }

  // Runs the statement prepared as `name`. Errors as for ExecParams; a name never prepared on
  // this connection is the server's error 26000 (kDatabase).
  Result<QueryResult> ExecPrepared(const std::string& name, const std::vector<Param>& params);

  // True once the connection is known to be lost (a statement failed with kUnavailable, or libpq
  // reports CONNECTION_BAD). A broken connection stays broken; open a new one.
  bool IsBroken() const;

  // libpq's transaction state: PQTRANS_IDLE outside a transaction, PQTRANS_INTRANS inside,
  // PQTRANS_INERROR inside a failed one, PQTRANS_UNKNOWN when broken.
  PGTransactionStatusType TransactionStatus() const;

  // The server process serving this connection (pg_stat_activity.pid).
  int BackendPid() const;

  // The libpq handle, for what this class does not cover. Never null.
  PGconn& raw() { return *conn_; }

 private:
  explicit Connection(PqConnPtr conn) : conn_(std::move(conn)) {}
  // Turns libpq's answer into a QueryResult or an Error, marking the connection broken on
  // kUnavailable.
  Result<QueryResult> Check(PGresult* raw_result, std::string_view what);

  PqConnPtr conn_;
  bool broken_ = false;
  std::unordered_map<std::string, std::string> prepared_;  // name -> SQL
};

}  // namespace scepgate::store::pg
