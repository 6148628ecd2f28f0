// The policy boundary: one verdict on one enrollment request, as a chain of checks.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ossl.h"
#include "store/store.h"

namespace scepgate::policy {

// What the gateway knows about a PKCSReq/RenewalReq once the envelope is open.
struct EnrollmentRequest {
  const X509_REQ& csr;
  const X509& signer;    // signer of the outer SignedData
  bool renewal = false;  // signer is a valid, unrevoked certificate this CA issued
  std::string transaction_id;
  std::string public_key_sha256;                      // of the CSR's SubjectPublicKeyInfo
  const store::CertificateRecord* renewed = nullptr;  // the signer's record when renewal
  // The CSR's decoded public key when `csr` was parsed without it (codec::ParseCsr); null: the
  // key decoded inside `csr`.
  const EVP_PKEY* csr_key = nullptr;
};

// The CSR's public key: request.csr_key, else the one decoded in the CSR; null when neither.
inline const EVP_PKEY* CsrKey(const EnrollmentRequest& request) {
  return request.csr_key != nullptr ? request.csr_key
                                    : X509_REQ_get0_pubkey(const_cast<X509_REQ*>(&request.csr));
}

// What the policy learnt and decided while verifying: who the request is for (filled as soon as
// it is known, so a refusal is recorded against the device too) and how to issue.
struct Grant {
  std::string device_id;
  std::string user_upn;
  std::string profile;
  std::string challenge_id;
  bool consume_challenge = false;  // mark challenge_id used, atomically with the issuance
  // The profile's template; unset: chosen from the key usage the CSR asks for.
  std::optional<std::string> purpose;     // signature|encryption|general
  std::vector<std::string> ekus;          // dotted OIDs or names; with purpose
  int validity_days = 0;                  // with purpose
  std::optional<std::string> supersedes;  // serial to revoke (superseded) once issued
  // The profile requires an administrator's approval: hold the request (PENDING) instead of
  // issuing; `scepgate requests approve|reject` decides, CertPoll collects.
  bool hold_for_approval = false;
  // Intune validated the request's challenge (Intune mode): Intune is told the outcome, a
  // successNotification or a failureNotification, whatever it is.
  bool intune = false;
};

// Thread-safe: implementations are called from every worker thread at once.
class Policy {
 public:
  virtual ~Policy() = default;
  // Returns nothing when the request may be issued as `grant` says. Otherwise an error whose
  // message starts with a stable code ("ChallengeInvalid: ...") that goes into failInfoText and
  // the request record: kBadMessageCheck for a CSR whose signature does not verify, kPolicyDenied
  // for a refusal, kDatabase when the store fails. `grant` holds what was learnt either way.
  virtual Status Verify(const EnrollmentRequest& request, Grant& grant) = 0;
  // Checks again, just before a held and since approved request is issued, what may have
  // changed while it waited: for a device's grant, DeviceRetired, UserDisabled and
  // ScepProfileNoLongerTargetedToTheClient (kPolicyDenied); kDatabase when the store fails.
  virtual Status Recheck(Grant& grant) = 0;
};

// Whether a profile still targets a device (mgmt::Targeting in production).
class TargetingView {
 public:
  virtual ~TargetingView() = default;
  // kNotFound for an unknown profile or device; kDatabase.
  virtual Result<bool> IsTargeted(std::string_view profile, std::string_view device_id) = 0;
};

}  // namespace scepgate::policy
