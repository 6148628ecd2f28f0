#include "store/postgres/violations.h"

#include "store/postgres/pg_error.h"

namespace scepgate::store::pg {

Error Explain(const Error& error, std::initializer_list<Violation> known) {
  std::optional<std::string> state = SqlState(error);
  std::optional<std::string> constraint = ConstraintName(error);
  if (!state || !constraint) return error;
  for (const Violation& v : known) {
    if (*state == v.sqlstate && *constraint == v.constraint) return v.answer;
  }
  return error;
}

}  // namespace scepgate::store::pg
