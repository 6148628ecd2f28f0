// The writes that the PostgreSQL store's operations compose, each run on the connection of the
// caller's transaction (pooled_work.h), each defined in its area's file. The atomic ones hold
// across processes by themselves: a claim is an INSERT ... ON CONFLICT DO NOTHING on the
// transactions primary key, a challenge's use the same on challenge_uses, a completion an UPDATE
// conditional on the pending row's decision.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/error.h"
#include "store/postgres/connection.h"
#include "store/store.h"

namespace scepgate::store::pg {

// requests.cc: stores a request record and returns its id.
Result<int64_t> InsertRequestRow(Connection& conn, const RequestRecord& request);

// certificates.cc: stores a certificate. kAlreadyExists when the serial is taken.
Status InsertCertificateRow(Connection& conn, const CertificateRecord& cert);
// certificates.cc: revokes a valid certificate. Returns true when it changed, false when it is
// unknown or already revoked.
Result<bool> RevokeRow(Connection& conn, std::string_view serial, int reason, int64_t revoked_at);
// certificates.cc: revokes a valid certificate; kNotFound / kAlreadyExists as Store::Revoke.
Status RevokeOrExplain(Connection& conn, std::string_view serial, int reason, int64_t revoked_at);

// outbox.cc: queues an event about request `request_id` (0: none) and returns its id.
Result<int64_t> EnqueueEventRow(Connection& conn, const OutboxEvent& event, int64_t request_id);

// claims.cc: claims a transaction. kConflict when it is claimed already (by a committed
// transaction, or by one in flight that then commits: the insert waits for it).
Status InsertClaimRow(Connection& conn, const TransactionClaim& claim);
// claims.cc: fills in the serial of the claim made by held request `request_id`.
Status FillClaimRow(Connection& conn, int64_t request_id, std::string_view serial);

// challenges.cc: records a challenge's one use. kFailedPrecondition when it is used already.
Status InsertChallengeUseRow(Connection& conn, const ChallengeUse& use);

// pending.cc: marks an approved held request issued with `serial`, its record too.
// kFailedPrecondition when it is not approved (or was issued already).
Status CompletePendingRow(Connection& conn, int64_t request_id, std::string_view serial);

}  // namespace scepgate::store::pg
