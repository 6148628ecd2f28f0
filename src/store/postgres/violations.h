// Which constraint a failed statement broke, and what the store answers for it. The server names
// the constraint (PG_DIAG_CONSTRAINT_NAME, read back with ConstraintName()); the store matches
// the SQLSTATE and that name, never the message, and never guesses from the code alone.
// Thread-safe (pure functions).
#pragma once

#include <initializer_list>
#include <string_view>

#include "common/error.h"

namespace scepgate::store::pg {

inline constexpr std::string_view kUniqueViolation = "23505";
inline constexpr std::string_view kForeignKeyViolation = "23503";

// One known violation: the SQLSTATE, the constraint's name, and the error the store returns.
struct Violation {
  std::string_view sqlstate;
  std::string_view constraint;
  Error answer;
};

// Returns the answer of the entry of `known` that matches `error`'s SQLSTATE and constraint, or
// `error` itself when none does.
Error Explain(const Error& error, std::initializer_list<Violation> known);

}  // namespace scepgate::store::pg
