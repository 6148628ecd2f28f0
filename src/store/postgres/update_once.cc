#include "store/postgres/update_once.h"

namespace scepgate::store::pg {

Status UpdateOnce(Connection& conn, const Prepared& statement, std::string_view key, int64_t at,
                  const std::string& what, std::string_view state) {
  SG_ASSIGN_OR_RETURN(QueryResult rows, Run(conn, statement, {key, at}));
  SG_ASSIGN_OR_RETURN(bool changed, rows.Bool(0, 0));
  if (changed) return {};
  SG_ASSIGN_OR_RETURN(bool known, rows.Bool(0, 1));
  if (!known) return Fail(Error::NotFound(what + " not found"));
  return Fail(Error::AlreadyExists(what + " is already " + std::string(state)));
}

}  // namespace scepgate::store::pg
