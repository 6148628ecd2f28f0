// How CertificateRecord and RequestRecord map onto rows of the SQLite store: the SQL that names
// their columns, and the functions that bind and read them in that same order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "store/json_lists.h"
#include "store/sqlite/statement.h"
#include "store/store.h"

namespace scepgate::store {

// "INSERT INTO certificates (...) VALUES (?1, ..., ?22)".
extern const char* const kInsertCertificateSql;
// "SELECT <every certificate column> FROM certificates"; append WHERE / ORDER BY / LIMIT.
extern const char* const kSelectCertificatesSql;
// The same with the rowid last (column kCertificateSeqColumn): the seq of a list's cursor.
extern const char* const kSelectCertificatesWithSeqSql;
inline constexpr int kCertificateSeqColumn = 22;
// "INSERT INTO requests (...) VALUES (?1, ..., ?18)" (the id is assigned by SQLite).
extern const char* const kInsertRequestSql;
// "SELECT id, <every other request column> FROM requests"; append WHERE / ORDER BY / LIMIT.
extern const char* const kSelectRequestsSql;

// Returns "valid" or "revoked", as stored in certificates.status.
const char* CertStatusName(CertStatus status);

// Binds every field of `cert` to the parameters of kInsertCertificateSql. Returns kDatabase when
// the SANs cannot be encoded as JSON (e.g. a value that is not UTF-8).
Status BindCertificate(Query& q, const CertificateRecord& cert);
// Reads the current row of a kSelectCertificatesSql query. Returns kDatabase when the row is
// malformed (SANs that are not a JSON array of strings, an unknown status).
Result<CertificateRecord> ReadCertificate(const Query& q);

// Binds every field of `request` except the id to the parameters of kInsertRequestSql.
void BindRequest(Query& q, const RequestRecord& request);
// Reads the current row of a kSelectRequestsSql query.
RequestRecord ReadRequest(const Query& q);

}  // namespace scepgate::store
