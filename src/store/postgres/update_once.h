// A change that happens once to a record that is never deleted (retire a device, disable a user,
// revoke a token), as one statement that also says why nothing changed:
//   WITH changed AS (UPDATE ... WHERE <key> = $1 AND <still in the old state> RETURNING 1)
//   SELECT (SELECT count(*) FROM changed) > 0, EXISTS (SELECT 1 FROM ... WHERE <key> = $1)
// The UPDATE re-reads a row that a concurrent change holds once that commits, so of two racing
// changes exactly one succeeds; the EXISTS reads the statement's snapshot, which holds the row
// whenever the UPDATE could have seen it.
// Not thread-safe: used with the connection the caller holds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"
#include "store/postgres/connection.h"
#include "store/postgres/statements.h"

namespace scepgate::store::pg {

// Runs `statement` (of the form above, with $1 = `key` and $2 = `at`). When nothing changed:
// kNotFound ("<what> not found") for an unknown key, else kAlreadyExists ("<what> is already
// <state>").
Status UpdateOnce(Connection& conn, const Prepared& statement, std::string_view key, int64_t at,
                  const std::string& what, std::string_view state);

}  // namespace scepgate::store::pg
