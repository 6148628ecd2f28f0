// How libpq failures become Errors, and how callers read them back.
//
// A failure the server reports ends its message with the SQLSTATE, "... [SQLSTATE 23505]", and
// carries the server's primary message but never its DETAIL (which may quote row values). When
// the server names the constraint that failed (unique, foreign key, check, not-null violations),
// the constraint precedes it: "... [constraint users_pkey] [SQLSTATE 23505]".
// Codes: unique_violation (23505) -> kAlreadyExists; a lost connection (the socket closed, libpq's
// CONNECTION_BAD, SQLSTATE class 08, or the server shutting the session down: 57P01, 57P02,
// 57P03) -> kUnavailable; everything else -> kDatabase.
// All functions are thread-safe.
#pragma once

#include <libpq-fe.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace scepgate::store::pg {

// True when `error` says the connection (or the server) went away: the statement may or may not
// have run, the connection is useless, and a fresh one may succeed. Survives Error::With().
bool IsConnectionLost(const Error& error);

// The five-character SQLSTATE that the server attached to `error`, or nullopt when the error did
// not come from the server (libpq's own failures, connection loss without a message).
std::optional<std::string> SqlState(const Error& error);

// The constraint that the server named in `error` (PG_DIAG_CONSTRAINT_NAME), or nullopt when it
// named none. Survives Error::With().
std::optional<std::string> ConstraintName(const Error& error);

// True for the SQLSTATEs that mean the session is gone (class 08, 57P01, 57P02, 57P03).
bool IsConnectionLostState(std::string_view sqlstate);

// The Error for a failed statement. `result` may be null (libpq could not even send it).
// `what` names the operation. Reads `conn`'s status to tell a lost connection.
Error ErrorFromResult(const PGconn& conn, const PGresult* result, std::string_view what);

// The Error for a failure that only the connection describes (connect, prepare without result).
Error ErrorFromConnection(const PGconn& conn, std::string_view what);

}  // namespace scepgate::store::pg
