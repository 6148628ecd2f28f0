// Requests held for an administrator's approval: held with a PENDING answer, then answered to
// every resend and CertPoll by the decision (RFC 8894 §3.3.2: the client polls with CertPoll).
#include "policy/csr_info.h"
#include "policy/grant_json.h"
#include "scep/service.h"
#include "scep/service_internal.h"

namespace scepgate::scep {

Reply Service::Pending(Context& ctx) {
  codec::CertRepParams p;
  p.status = codec::PkiStatus::kPending;
  p.recipient = ctx.request.signer.get();
  p.recipient_key = ctx.request.signer_key.get();
  Reply r = Encode(ctx, std::move(p));
  if (r.http_status == 200) {
    r.outcome = "pending";
    ctx.record.state = "pending";
    ctx.record.reason = "PendingApproval: the profile requires an administrator's approval";
  }
  return r;
}

Reply Service::Hold(Context& ctx, const std::string& pubkey_sha, const policy::Grant& grant) {
  Reply r = Pending(ctx);
  if (r.http_status != 200) return r;  // nothing is held when the answer cannot be made
  int64_t now = clock_.Now();
  store::PendingRecord held;
  held.transaction_id = ctx.request.transaction_id;
  held.public_key_sha256 = pubkey_sha;
  held.signer_sha256 = ctx.signer_sha256;
  held.csr = ctx.request.enveloped;  // the decrypted content: the CSR's DER
  policy::Grant kept = grant;
  kept.consume_challenge = false;  // used now, with the hold
  held.grant_json = policy::GrantToJson(kept);
  std::optional<store::ChallengeUse> use;
  if (grant.consume_challenge)
    use = store::ChallengeUse{grant.challenge_id, ctx.request.transaction_id, pubkey_sha, "", now};
  ctx.record.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - ctx.started)
                               .count();
  auto id = store_.RecordPending(ctx.record, held, use, ClaimOf(ctx, pubkey_sha, now));
  if (!id) {
    if (id.error().code == ErrorCode::kConflict) {  // another copy was held or issued meanwhile
      auto claimed = FindClaim(ctx);
      if (claimed && *claimed) return AnswerClaimed(ctx, **claimed, pubkey_sha);
    }
    if (id.error().code == ErrorCode::kFailedPrecondition)
      return Failure(ctx, Error::PolicyDenied("ChallengeAlreadyUsed: the challenge was used by "
                                              "another request meanwhile"));
    return Failure(ctx, StoreError(id.error()));
  }
  ctx.recorded = true;
  return r;
}

bool Service::MayCollect(const Context& ctx, const store::PendingRecord& held) const {
  if (held.signer_sha256 == ctx.signer_sha256) return true;
  // A client that made a new self-signed signer over the same key.
  auto key = policy::CertPublicKeySha256(*ctx.request.signer);
  return key && *key == held.public_key_sha256;
}

Reply Service::AnswerHeld(Context& ctx, const store::PendingRecord& held) {
  auto grant = policy::GrantFromJson(held.grant_json);
  if (!grant)
    return Failure(ctx, grant.error().With("held request " + std::to_string(held.request_id)));
  ctx.record.device_id = grant->device_id;
  ctx.record.user_upn = grant->user_upn;
  ctx.record.profile = grant->profile;
  ctx.record.challenge_id = grant->challenge_id;
  if (held.decision == "pending") return Pending(ctx);
  if (held.decision == "rejected") {
    ctx.notify_failure = false;  // told once, when it was rejected
    ctx.record.stage = "approval";
    return Failure(ctx, Error::PolicyDenied(held.reason));  // "RequestRejected: why"
  }
  if (held.decision == "approved") return IssueApproved(ctx, held, std::move(*grant));
  // Issued already: answer with that certificate.
  auto earlier = store_.FindByTransaction(held.transaction_id);
  if (!earlier) return Failure(ctx, StoreError(earlier.error()));
  for (const auto& prior : *earlier) {
    if (prior.public_key_sha256 != held.public_key_sha256) continue;
    auto cert = CertFromDer(prior.der);
    if (!cert) return Failure(ctx, Error::Internal("stored certificate unreadable"));
    ctx.record.cert_serial = prior.serial;
    return Success(ctx, {cert->get()}, {}, "answered");
  }
  return Failure(ctx, Error::Internal("held request " + std::to_string(held.request_id) +
                                      " is marked issued but its certificate is missing"));
}

Reply Service::IssueApproved(Context& ctx, const store::PendingRecord& held, policy::Grant grant) {
  // The device may have been retired, or the profile unassigned, while the request waited.
  if (auto still = policy_.Recheck(grant); !still) {
    ctx.record.stage = "verify";
    return Failure(ctx, still.error());
  }
  auto csr = codec::ParseCsr(held.csr);
  if (!csr) return Failure(ctx, Error::Internal("held CSR unreadable: " + csr.error().message));
  grant.consume_challenge = false;
  return IssueAndAnswer(ctx, *csr, held.public_key_sha256, grant, held.request_id);
}

}  // namespace scepgate::scep
