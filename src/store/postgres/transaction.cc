#include "store/postgres/transaction.h"

namespace scepgate::store::pg {

Result<Transaction> Transaction::Begin(Connection& conn) {
  SG_TRY_STATUS(conn.Exec("BEGIN"));
  return Transaction(conn);
}

Transaction::~Transaction() {
  if (conn_ != nullptr && !conn_->IsBroken()) (void)conn_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  Connection& conn = *std::exchange(conn_, nullptr);
  if (conn.TransactionStatus() == PQTRANS_INERROR) {
    (void)conn.Exec("ROLLBACK");
    return Fail(Error::Database("commit: a statement of the transaction failed; rolled back"));
  }
  SG_TRY_STATUS(conn.Exec("COMMIT"));
  return {};
}

}  // namespace scepgate::store::pg
