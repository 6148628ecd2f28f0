// Copies of one transaction: a resend, or many copies racing. The first copy to be issued or held
// claims the transaction in the store; every other copy is answered as that one was.
#include "scep/service.h"
#include "scep/service_internal.h"

namespace scepgate::scep {

store::TransactionClaim Service::ClaimOf(const Context& ctx, const std::string& pubkey_sha,
                                         int64_t now) const {
  store::TransactionClaim claim;
  claim.transaction_id = ctx.request.transaction_id;
  claim.renews = ctx.renewed ? ctx.renewed->serial : "";
  claim.public_key_sha256 = pubkey_sha;
  claim.created_at = now;
  return claim;
}

Result<std::optional<store::TransactionClaim>> Service::FindClaim(const Context& ctx) {
  return store_.FindTransaction(ctx.request.transaction_id, ctx.renewed ? ctx.renewed->serial : "");
}

// The copy proves possession of the same key (a first enrollment is signed with the requested
// key; a renewal with the certificate it renews), whatever signer certificate it carries, so it
// is the same requester; the answer is encrypted to this copy's signer.
Reply Service::AnswerClaimed(Context& ctx, const store::TransactionClaim& claim,
                             const std::string& pubkey_sha) {
  ctx.intune_csr_der.clear();  // the copy that claimed the transaction tells Intune
  if (claim.public_key_sha256 != pubkey_sha)
    return Failure(ctx,
                   Error::BadRequest(
                       "TransactionIdReused: this transactionID was used with another public key"));
  if (claim.serial.empty()) {  // held for approval: answered by its decision
    auto held = store_.FindPending(claim.request_id);
    if (!held) return Failure(ctx, StoreError(held.error()));
    if (!*held)
      return Failure(ctx, Error::Internal("transaction held by request " +
                                          std::to_string(claim.request_id) + " has no hold"));
    return AnswerHeld(ctx, **held);
  }
  auto found = store_.FindCertificate(claim.serial);
  if (!found) return Failure(ctx, StoreError(found.error()));
  if (!*found)
    return Failure(ctx,
                   Error::Internal("certificate " + claim.serial + " of transaction is missing"));
  // The transaction's certificate was revoked (by an administrator, or superseded by a renewal):
  // handing it out again would install a certificate every relying party refuses. The requester
  // needs a new key, hence a new transaction.
  if ((*found)->status == store::CertStatus::kRevoked)
    return Failure(
        ctx, Error::BadRequest("CertificateRevoked: the certificate issued for this "
                               "transaction (serial " +
                               claim.serial + ") has been revoked; enroll again with a new key"));
  auto cert = CertFromDer((*found)->der);
  if (!cert) return Failure(ctx, Error::Internal("stored certificate unreadable"));
  ctx.record.cert_serial = claim.serial;
  ctx.record.reason = "resend of an answered transaction";
  return Success(ctx, {cert->get()}, {}, "resent");
}

}  // namespace scepgate::scep
