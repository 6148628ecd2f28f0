// How CertificateRecord, RequestRecord and OutboxEvent map onto rows of the PostgreSQL store: the
// column lists, and the functions that bind and read them in that same order. (The other records
// are read where their area is, e.g. directory.cc.)
#pragma once

#include <string_view>
#include <vector>

#include "common/error.h"
#include "store/postgres/param.h"
#include "store/postgres/row_reader.h"
#include "store/store.h"

namespace scepgate::store::pg {

// Every certificate column, in the order of CertificateParams ($1..$22) and ReadCertificate.
inline constexpr std::string_view kCertificateColumns =
    "serial, issuer_id, subject, sans, not_before, not_after, sha1, sha256, public_key_sha256,"
    " transaction_id, request_signer_sha256, template_name, der, status, revoked_at,"
    " revocation_reason, created_at, device_id, user_upn, profile, challenge_id, request_id";

// Every request column but the id, in the order of RequestParams ($1..$18) and ReadRequest
// (which reads the id first).
inline constexpr std::string_view kRequestColumns =
    "correlation_id, transaction_id, message_type, state, fail_info, reason, signer_subject,"
    " signer_sha256, cert_serial, remote_addr, renewal, created_at, duration_us, device_id,"
    " user_upn, profile, challenge_id, stage";

// The outbox columns that OutboxEvent holds, in ReadEvent's order (the lease is not read).
inline constexpr std::string_view kEventColumns =
    "id, type, payload, request_id, created_at, state, attempts, next_attempt_at, delivered_at,"
    " last_error";

// Returns "valid" or "revoked", as stored in certificates.status.
const char* CertStatusName(CertStatus status);

// The parameters for kCertificateColumns. kDatabase when the SANs cannot be encoded as JSON.
Result<std::vector<Param>> CertificateParams(const CertificateRecord& cert);
// Reads kCertificateColumns; a malformed row (SANs that are no JSON array of strings, an unknown
// status) is the reader's kDatabase.
CertificateRecord ReadCertificate(RowReader& in);

// The parameters for kRequestColumns.
std::vector<Param> RequestParams(const RequestRecord& request);
// Reads "id, " + kRequestColumns.
RequestRecord ReadRequest(RowReader& in);

// Reads kEventColumns.
OutboxEvent ReadEvent(RowReader& in);

}  // namespace scepgate::store::pg
