#include "store/postgres/statements.h"

namespace scepgate::store::pg {

Result<QueryResult> Run(Connection& conn, const Prepared& statement,
                        const std::vector<Param>& params) {
  SG_TRY_STATUS(conn.Prepare(statement.name, statement.sql));
  return conn.ExecPrepared(statement.name, params);
}

}  // namespace scepgate::store::pg
