// SCEP requests and the atomic writes of an enrollment: the transaction claim, the issuance, the
// hold for approval and its decision. Part of the store (store.h): every PKIOperation and what it
// wrote, all or nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ossl.h"
#include "store/certificates.h"
#include "store/challenges.h"
#include "store/outbox.h"

namespace scepgate::store {

// One PKIOperation (or other SCEP request worth keeping), whatever its outcome.
struct RequestRecord {
  int64_t id = 0;              // assigned by the store
  std::string correlation_id;  // also in the log line
  std::string transaction_id;
  std::string
      message_type;   // "PKCSReq", "RenewalReq", "CertPoll", "GetCert", "GetCRL", "" if unparsed
  std::string state;  // "issued", "failed", "pending", "answered"
  std::string fail_info;  // "badRequest", ... ("" unless failed)
  std::string reason;     // human reason / stable code
  std::string signer_subject;
  std::string signer_sha256;
  std::string cert_serial;  // issued or returned certificate
  std::string remote_addr;
  bool renewal = false;
  int64_t created_at = 0;
  int64_t duration_us = 0;
  // Known once the challenge (or the renewed certificate) has been read; "" otherwise.
  std::string device_id;
  std::string user_upn;
  std::string profile;
  std::string challenge_id;
  std::string stage;  // where a failed request stopped: "parse", "verify", "issue"
};

struct RequestFilter {
  std::optional<std::string> state;
  std::optional<std::string> transaction_id;
  std::optional<std::string> device_id;
  int limit = 0;                   // 0 = no limit; newest first
  std::string profile;             // of this profile (any case); "" = any
  int64_t created_from = 0;        // created_at >= this; 0 = no bound
  int64_t created_until = 0;       // created_at < this; 0 = no bound
  std::optional<SeqCursor> after;  // only what comes after (created_at, id) (the next page)
};

// A SCEP transaction, claimed by the first request that is issued or held for it: at most one
// claim per (transaction_id, renews), whatever number of copies arrive at once, on however many
// connections, processes or nodes. Copies that lose read the claim and answer with its outcome.
struct TransactionClaim {
  std::string transaction_id;
  // The serial of the certificate a renewal is signed with; "" for a first enrollment (signed
  // with a self-signed certificate over the requested key). A renewal is a transaction of its own.
  std::string renews;
  std::string public_key_sha256;  // of the key the transaction asks to certify
  int64_t request_id = 0;         // the request that claimed it; set by the store
  std::string serial;             // the certificate issued for it; "" while held for approval
  int64_t created_at = 0;
};

// A request held for an administrator's decision (profiles that require approval): what is
// needed to issue it later. The request record itself says "pending" meanwhile.
struct PendingRecord {
  int64_t request_id = 0;  // set by the store
  std::string transaction_id;
  std::string public_key_sha256;
  std::string signer_sha256;
  Bytes csr;                         // DER
  std::string grant_json;            // what the policy granted, as the service serialises it
  std::string decision = "pending";  // "pending" | "approved" | "rejected" | "issued"
  std::string reason;                // why rejected, when rejected
  int64_t decided_at = 0;
};

// The decision on a held request, and what it does to the request's record.
struct Decision {
  std::string decision;  // "approved" | "rejected"
  std::string reason;    // why rejected; "" when approved
  int64_t at = 0;
  // The held request's record is updated to these in the same transaction.
  std::string request_state;
  std::string request_reason;
  std::string request_stage;
  std::string request_fail_info;
  std::optional<OutboxEvent> event;  // queued with the decision when set
};

// Everything one issuance writes, in one transaction.
struct Issuance {
  // Claimed with the issuance (kConflict when taken). Not set for an issuance that completes an
  // approved request: the hold claimed it, and the issuance fills in its serial.
  std::optional<TransactionClaim> claim;
  CertificateRecord cert;
  RequestRecord request;                      // linked to the serial by RecordIssuance
  std::optional<ChallengeUse> challenge_use;  // consumed, once only
  // A certificate this one supersedes, revoked (reason superseded) in the same transaction when
  // set; nothing happens when it is already revoked.
  std::optional<std::string> supersedes;
  int supersede_reason = 0;  // the RFC 5280 reason the superseded certificate is revoked with
  std::vector<OutboxEvent> events;  // queued with it; their request_id is set to the request's
  // When the issuance completes an approved pending request: that request id. Its record moves to
  // "issued" with the serial, and the pending decision to "issued".
  int64_t completes_pending = 0;
};

// Requests, claims, issuances and held requests (store/memory_store.cc, store/memory_pending.cc,
// sqlite/sqlite_store.cc, sqlite/claims.cc, sqlite/pending.cc). Thread-safe: every implementation
// may be called from several threads at once.
class RequestStore {
 public:
  virtual ~RequestStore() = default;

  // Stores the request record, the transaction's claim, the certificate (linked to the request),
  // the challenge's use and the revocation of the superseded certificate in one transaction (all
  // or nothing). Across threads and processes (and nodes, on a shared backend): one claim per
  // transaction, one use per challenge, one certificate per serial, one issuance per approved
  // request; the checks are in that order, so a copy of a transaction learns of the copy that
  // won before it learns that the challenge is spent.
  // Returns the request id; kConflict when the transaction is claimed already (read it with
  // FindTransaction), kFailedPrecondition when the challenge has already been used or the
  // approved request was issued already, kAlreadyExists when the serial is taken, kDatabase.
  virtual Result<int64_t> RecordIssuance(const Issuance& issuance) = 0;

  // Returns the claim on (transaction_id, renews), nullopt when none; kDatabase.
  virtual Result<std::optional<TransactionClaim>> FindTransaction(std::string_view transaction_id,
                                                                  std::string_view renews) = 0;

  // Stores a request record and returns its id. kDatabase.
  virtual Result<int64_t> InsertRequest(const RequestRecord& request) = 0;

  // Stores a request record and queues the events about it (their request_id set to its id), in
  // one transaction. Returns the request id; kDatabase.
  virtual Result<int64_t> RecordRequest(const RequestRecord& request,
                                        const std::vector<OutboxEvent>& events) = 0;

  // Newest first. kDatabase.
  virtual Result<std::vector<RequestRecord>> ListRequests(const RequestFilter& filter) = 0;

  // Stores the request record (state "pending"), the pending row, the transaction's claim (with no
  // serial) and the challenge's use in one transaction. Returns the request id; kConflict when
  // the transaction is claimed already, kFailedPrecondition when the challenge is used already,
  // kDatabase otherwise.
  virtual Result<int64_t> RecordPending(const RequestRecord& request, const PendingRecord& pending,
                                        const std::optional<ChallengeUse>& use,
                                        const TransactionClaim& claim) = 0;

  // The newest pending row of a transaction, nullopt when none; kDatabase.
  virtual Result<std::optional<PendingRecord>> FindPendingByTransaction(
      std::string_view transaction_id) = 0;

  // The pending row of a request, nullopt when none; kDatabase.
  virtual Result<std::optional<PendingRecord>> FindPending(int64_t request_id) = 0;

  // Decides a pending request once: the pending row takes the decision only while it is still
  // "pending" (a conditional update, so of two deciders racing in any processes exactly one
  // wins); its request record is updated and the event queued in the same transaction.
  // kNotFound for a request that was never pending, kFailedPrecondition when already decided
  // (the message names the decision); kDatabase.
  virtual Status DecidePending(int64_t request_id, const Decision& decision) = 0;
};

}  // namespace scepgate::store
