// The SCEP operations (RFC 8894 §4) wired across codec, policy, ca and store. Knows no HTTP:
// bytes in, a Reply out. Thread-safe: every method may run on several workers at once.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "ca/cert_template.h"
#include "codec/pki_message.h"
#include "common/clock.h"
#include "common/overlap.h"
#include "common/random.h"
#include "policy/policy.h"
#include "scep/ca_state.h"
#include "scep/crl_publisher.h"
#include "store/store.h"

namespace scepgate::scep {

struct ServiceOptions {
  ca::CertTemplate signature_template;
  ca::CertTemplate encryption_template;
  ca::CertTemplate general_template;
  // Where an enrollment's record is written while its reply is signed, when it is the only
  // PKIOperation in flight (with more, every core is busy anyway); null: one after the other
  // on the request's thread. Must outlive the Service.
  Overlap* overlap = nullptr;
  // Longer transactionIDs, and any with control characters, are refused with HTTP 400 before
  // anything else is done with the message.
  size_t max_transaction_id = 128;
  // A first enrollment's self-signed signer must be valid now, give or take this many seconds.
  int64_t signer_clock_skew_seconds = 300;
  // Intune mode's [intune] wait_for_success_notification: the answer to a request Intune
  // validated waits (at most this long) until Intune took its successNotification; 0: it does
  // not wait.
  std::chrono::milliseconds intune_wait{0};
  // Called once a notification to Intune is queued with a certificate, to have it delivered at
  // once (the Intune notifier's Wake), whether the answer waits or not; may be empty.
  std::function<void()> wake_intune_notifier;
};

// Who is asking; goes into the request record and the log line.
struct Peer {
  std::string remote_addr;
  std::string correlation_id;
};

// An HTTP-agnostic answer, plus what the log line needs.
struct Reply {
  int http_status = 200;
  std::string content_type;
  std::string body;
  // For the log line and the request record.
  std::string message_type;
  std::string transaction_id;
  std::string outcome;    // "ok", "issued", "resent", "failed", "rejected"
  std::string fail_info;  // failInfo name when failed
  std::string reason;
  // Set with HTTP 503 (the store cannot be reached): seconds the client should wait (Retry-After).
  int retry_after_seconds = 0;
};

class Service {
 public:
  Service(const CaState& cas, store::Store& store, policy::Policy& policy, CrlPublisher& crls,
          const Clock& clock, Random& random, ServiceOptions options);

  // GetCACaps: text/plain, one capability per line.
  Reply GetCaCaps() const;
  // GetCACert: RA + issuing CA (+ root) as application/x-x509-ca-ra-cert. `message` is ignored.
  Reply GetCaCert() const;
  // GetNextCACert: 404 when no rollover is staged.
  Reply GetNextCaCert() const;
  // PKIOperation: a CertRep (HTTP 200, also for FAILURE), or HTTP 400 for bytes that are not a
  // pkiMessage. Records every call in the store. A signer key refused before verification is
  // FAILURE badRequest KeyParametersRejected; a first enrollment (signer not issued by us) signed
  // with another key than the CSR's is SignerKeyMismatch (badMessageCheck), by a certificate not
  // valid now is SignerCertificateExpired (badTime).
  Reply PkiOperation(ByteView der, const Peer& peer);

 private:
  struct Context;  // one PKIOperation in flight (service_internal.h)
  Reply Dispatch(Context& ctx);
  // HTTP 400 for a message refused before it is looked at (not a pkiMessage, a transactionID
  // out of bounds), recorded with `code` and `why`.
  Reply Refuse(Context& ctx, std::string_view code, const std::string& why);
  Reply Enroll(Context& ctx);
  Reply CertPoll(Context& ctx);
  Reply GetCert(Context& ctx);
  Reply GetCrl(Context& ctx);
  Status ClassifySigner(Context& ctx);
  // Issues, records and answers with the certificate, or answers FAILURE (stage "issue").
  // `completes_pending`: the id of the approved held request this issuance completes, or 0.
  Reply IssueAndAnswer(Context& ctx, const codec::ParsedCsr& csr, const std::string& pubkey_sha,
                       const policy::Grant& grant, int64_t completes_pending = 0);
  // The success reply once the issuance is stored; the error when issuing or storing failed.
  Result<Reply> IssueAndRecord(Context& ctx, const codec::ParsedCsr& csr,
                               const std::string& pubkey_sha, const policy::Grant& grant,
                               int64_t completes_pending);
  // What RecordIssuance stores for `cert`; sets the request record's state and serial.
  // kCrypto when the certificate cannot be read back.
  Result<store::Issuance> IssuanceOf(Context& ctx, const X509& cert, const std::string& pubkey_sha,
                                     const policy::Grant& grant, const std::string& template_name,
                                     int64_t now);
  // The claim this request makes on its transaction (resends.cc).
  store::TransactionClaim ClaimOf(const Context& ctx, const std::string& pubkey_sha,
                                  int64_t now) const;
  // The claim already made on this request's transaction, nullopt when none; kDatabase.
  Result<std::optional<store::TransactionClaim>> FindClaim(const Context& ctx);
  // Answers a copy of a claimed transaction as the claim's request was answered: the certificate
  // issued for it, or the held request's decision. FAILURE (TransactionIdReused) when the copy
  // asks for another key.
  Reply AnswerClaimed(Context& ctx, const store::TransactionClaim& claim,
                      const std::string& pubkey_sha);
  // Re-signs the CRL of `issuer_id` after a renewal revoked the certificate it replaced.
  void PublishAfterSupersede(const Context& ctx, const std::string& issuer_id);
  // Wakes the Intune notifier, then waits (options_.intune_wait at most) until the intune.success
  // event of request `request_id` is delivered or given up; logs when the time runs out (the
  // event stays queued).
  void WaitForIntune(const Context& ctx, int64_t request_id);
  // Requests held for approval (approval.cc). Hold stores a verified request and answers PENDING;
  // AnswerHeld answers a resend or CertPoll of a held transaction by its decision: PENDING,
  // FAILURE (rejected), the certificate issued now (approved) or before (issued).
  Reply Hold(Context& ctx, const std::string& pubkey_sha, const policy::Grant& grant);
  Reply AnswerHeld(Context& ctx, const store::PendingRecord& held);
  Reply IssueApproved(Context& ctx, const store::PendingRecord& held, policy::Grant grant);
  Reply Pending(Context& ctx);
  // Whether the signer of this message may collect `held`: the same signer, or one over the
  // requested key.
  bool MayCollect(const Context& ctx, const store::PendingRecord& held) const;
  // The profile's template when the grant names one, else the one the CSR's key usage selects.
  Result<ca::CertTemplate> TemplateFor(const X509_REQ& csr, const policy::Grant& grant) const;

  // Answers with a CertRep; the status/failInfo come from the Context.
  Reply Success(Context& ctx, std::vector<const X509*> certs, std::vector<const X509_CRL*> crls,
                std::string outcome);
  // A CertRep FAILURE for `error`, or HTTP 503 (Unavailable) when it is kUnavailable.
  Reply Failure(Context& ctx, const Error& error);
  Reply Unavailable(Context& ctx, const Error& error);
  Reply Encode(Context& ctx, codec::CertRepParams params);
  void Record(Context& ctx, const Reply& reply);

  const CaState& cas_;
  store::Store& store_;
  policy::Policy& policy_;
  CrlPublisher& crls_;
  const Clock& clock_;
  Random& random_;
  ServiceOptions options_;
  InOrder in_order_;
  Overlap& overlap_;
  std::atomic<int> in_flight_{0};  // PKIOperations under way
};

}  // namespace scepgate::scep
