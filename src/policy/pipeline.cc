#include "policy/pipeline.h"

#include "ca/cert_template.h"
#include "policy/csr_info.h"
#include "policy/denial.h"
#include "policy/name_match.h"
#include "policy/renewal.h"

namespace scepgate::policy {
namespace {

Error NotTargeted(const std::string& profile, const std::string& device_id) {
  return Denied("ScepProfileNoLongerTargetedToTheClient",
                "profile '" + profile + "' no longer targets device " + device_id);
}

void Take(const Expected& e, Grant& grant) {
  grant.purpose = e.purpose;
  grant.ekus = e.ekus;
  grant.validity_days = e.validity_days;
}

}  // namespace

Pipeline::Pipeline(PipelineOptions options, store::Store& store, TargetingView& targeting,
                   const Clock& clock)
    : options_(std::move(options)),
      static_(options_.static_options),
      store_(store),
      targeting_(targeting),
      clock_(clock) {}

Status Pipeline::Verify(const EnrollmentRequest& request, Grant& grant) {
  SG_TRY_STATUS(Check(request, grant));
  if (options_.validator == nullptr) return {};
  return Validate(request, grant);
}

Status Pipeline::Validate(const EnrollmentRequest& request, const Grant& grant) {
  ValidationRequest v;
  v.transaction_id = request.transaction_id;
  SG_ASSIGN_OR_RETURN(v.csr_pem, CsrToPem(request.csr));
  SG_ASSIGN_OR_RETURN(std::optional<std::string> challenge, ChallengePassword(request.csr));
  v.challenge = challenge.value_or("");
  v.device_id = grant.device_id;
  v.user_upn = grant.user_upn;
  v.profile = grant.profile;
  v.renewal = request.renewal;
  v.subject = NameToString(*X509_REQ_get_subject_name(&request.csr));
  SG_ASSIGN_OR_RETURN(v.sans, CsrSans(request.csr));
  return options_.validator->Validate(v);
}

Status Pipeline::Check(const EnrollmentRequest& request, Grant& grant) {
  SG_TRY_STATUS(static_.CheckRequest(request));  // key, CSR signature, names: on every path
  bool renewal_without_challenge =
      request.renewal && !options_.static_options.renewal_requires_challenge;
  if (renewal_without_challenge && request.renewed != nullptr &&
      !request.renewed->device_id.empty())
    return VerifyLinkedRenewal(request, grant);
  if (renewal_without_challenge) {
    SG_TRY_STATUS(static_.VerifyChecked(request));
    if (request.renewed != nullptr) return KeepProfileTemplate(*request.renewed, grant);
    return {};
  }
  SG_ASSIGN_OR_RETURN(std::optional<std::string> given, ChallengePassword(request.csr));
  if (!given || static_.IsStaticChallenge(*given)) return static_.VerifyChecked(request);
  if (options_.intune != nullptr) {
    SG_ASSIGN_OR_RETURN(bool own, IsOwnChallenge(*given));
    if (!own) return VerifyIntune(request, grant);
  }
  return VerifyOneTime(request, *given, grant);
}

Status Pipeline::KeepProfileTemplate(const store::CertificateRecord& renewed, Grant& grant) {
  if (renewed.profile.empty()) return {};
  auto e = ExpectedForProfile(renewed.profile);
  if (!e && e.error().code == ErrorCode::kNotFound) return {};  // the CSR's key usage decides
  if (!e) return Fail(e.error());
  grant.profile = renewed.profile;
  Take(*e, grant);
  return {};
}

Result<bool> Pipeline::IsOwnChallenge(const std::string& challenge) {
  if (LooksSealed(challenge)) return true;
  SG_ASSIGN_OR_RETURN(Bytes digest, Digest("SHA256", AsView(challenge)));
  SG_ASSIGN_OR_RETURN(auto record, store_.FindChallenge(HexEncode(digest)));
  return record.has_value();
}

Status Pipeline::VerifyIntune(const EnrollmentRequest& request, Grant& grant) {
  grant.intune = true;  // from here on, whatever happens, Intune hears of it
  grant.profile = options_.intune_profile;
  SG_TRY_STATUS(options_.intune->Check(request.transaction_id, request.csr));
  if (options_.intune_profile.empty()) return {};
  auto e = ExpectedForProfile(options_.intune_profile);
  if (!e && e.error().code == ErrorCode::kNotFound)
    return Fail(Error::Internal("IntuneProfileMissing: [intune] profile '" +
                                options_.intune_profile + "' does not exist"));
  if (!e) return Fail(e.error());
  Take(*e, grant);
  return {};
}

Result<Expected> Pipeline::LoadChallenge(const std::string& challenge) {
  Expected e;
  if (LooksSealed(challenge)) {
    auto claims = Unseal(challenge, options_.seal_keys);
    if (!claims) return Fail(Denied("ChallengeInvalid", "the sealed challenge does not open"));
    e = ExpectedFromClaims(*claims);
  } else {
    SG_ASSIGN_OR_RETURN(Bytes digest, Digest("SHA256", AsView(challenge)));
    SG_ASSIGN_OR_RETURN(auto record, store_.FindChallenge(HexEncode(digest)));
    if (!record) return Fail(Denied("ChallengeInvalid", "the challenge password is not valid"));
    auto expected = ExpectedFromRecord(*record);
    if (!expected) return Fail(expected.error().With("stored challenge " + record->id));
    e = std::move(*expected);
  }
  return e;
}

Status Pipeline::CheckDevice(const std::string& device_id, const std::string& profile,
                             Grant& grant) {
  SG_ASSIGN_OR_RETURN(auto device, store_.FindDevice(device_id));
  if (!device) return Fail(NotTargeted(profile, device_id));
  if (device->retired) return Fail(Denied("DeviceRetired", "device " + device_id + " is retired"));
  grant.user_upn = device->owner;
  if (!device->owner.empty()) {
    SG_ASSIGN_OR_RETURN(auto owner, store_.FindUser(device->owner));
    if (owner && owner->disabled)
      return Fail(Denied("UserDisabled", "the device's user " + owner->upn + " is disabled"));
  }
  auto targeted = targeting_.IsTargeted(profile, device_id);
  if (!targeted && targeted.error().code != ErrorCode::kNotFound) return Fail(targeted.error());
  if (!targeted || !*targeted) return Fail(NotTargeted(profile, device_id));
  return {};
}

Status Pipeline::VerifyOneTime(const EnrollmentRequest& request, const std::string& challenge,
                               Grant& grant) {
  SG_ASSIGN_OR_RETURN(Expected e, LoadChallenge(challenge));
  grant.challenge_id = e.challenge_id;
  grant.device_id = e.device_id;
  grant.user_upn = e.user_upn;
  grant.profile = e.profile;
  if (clock_.Now() >= e.expires_at)
    return Fail(Denied("ChallengeExpired", "the challenge expired at " +
                                               std::to_string(e.expires_at) + " (unix time)"));
  SG_ASSIGN_OR_RETURN(auto use, store_.FindChallengeUse(e.challenge_id));
  if (use)
    return Fail(Denied("ChallengeAlreadyUsed",
                       "the challenge was used by transaction " + use->transaction_id));
  SG_TRY_STATUS(CheckDevice(e.device_id, e.profile, grant));
  SG_TRY_STATUS(CheckCsr(e, request.csr, CsrKey(request)));
  Take(e, grant);
  grant.consume_challenge = true;
  SG_ASSIGN_OR_RETURN(auto profile, store_.FindProfile(e.profile));
  grant.hold_for_approval = profile && profile->require_approval;
  return {};
}

Status Pipeline::Recheck(Grant& grant) {
  if (grant.device_id.empty()) return {};
  return CheckDevice(grant.device_id, grant.profile, grant);
}

Result<Expected> Pipeline::ExpectedForProfile(const std::string& name) {
  SG_ASSIGN_OR_RETURN(auto profile, store_.FindProfile(name));
  if (!profile) return Fail(Error::NotFound("no profile '" + name + "'"));
  Expected e;
  SG_ASSIGN_OR_RETURN(ca::Purpose purpose, ca::ParsePurpose(profile->purpose));
  e.purpose = profile->purpose;
  e.key_type = profile->key_type;
  e.key_usage = ca::KeyUsageFor(purpose, profile->key_type);
  for (const std::string& eku : profile->ekus) {
    SG_ASSIGN_OR_RETURN(std::string oid, ca::EkuOid(eku));
    e.ekus.push_back(std::move(oid));
  }
  e.min_key_size = profile->min_key_size;
  e.validity_days = profile->validity_days;
  return e;
}

Result<Expected> Pipeline::ExpectedForRenewal(const EnrollmentRequest& request,
                                              const store::CertificateRecord& renewed) {
  auto found = ExpectedForProfile(renewed.profile);
  if (!found && found.error().code == ErrorCode::kNotFound)
    return Fail(NotTargeted(renewed.profile, renewed.device_id));
  if (!found) return Fail(found.error());
  Expected e = std::move(*found);
  SG_ASSIGN_OR_RETURN(e.subject_digest, SubjectDigest(*X509_get_subject_name(&request.signer)));
  e.subject = renewed.subject;
  SG_ASSIGN_OR_RETURN(e.sans_digest, SansDigest(renewed.sans));
  return e;
}

// A renewal signed by a certificate issued for a device: no challenge, but the device must still
// be targeted and the new certificate keep the old one's subject and keep or narrow its SANs.
Status Pipeline::VerifyLinkedRenewal(const EnrollmentRequest& request, Grant& grant) {
  const store::CertificateRecord& renewed = *request.renewed;
  grant.device_id = renewed.device_id;
  grant.user_upn = renewed.user_upn;
  grant.profile = renewed.profile;
  SG_TRY_STATUS(CheckDevice(renewed.device_id, renewed.profile, grant));
  SG_ASSIGN_OR_RETURN(Expected e, ExpectedForRenewal(request, renewed));
  SG_TRY_STATUS(CheckRenewalNames(request));  // the subject kept, the SANs kept or narrowed
  SG_TRY_STATUS(CheckCsrKeyAndUsages(e, request.csr, CsrKey(request)));
  Take(e, grant);
  if (options_.revoke_superseded) grant.supersedes = renewed.serial;
  return {};
}

}  // namespace scepgate::policy
