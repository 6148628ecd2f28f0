// Challenges Microsoft Intune minted (Intune mode, docs/intune.md): a first enrollment whose
// challenge is not scepgate's own is put to Intune's validateRequest, and Intune's answer code is
// recorded as the same failure codes scepgate's own checks give.
#pragma once

#include <string_view>

#include "common/error.h"
#include "common/ossl.h"
#include "intune/intune_api.h"

namespace scepgate::policy {

// The failure code scepgate records for an Intune refusal code: ChallengeInvalid for a challenge
// Intune could not read, ChallengeExpired, SubjectNameMismatch, SubjectAltNameMismatch,
// KeyUsageMismatch, KeyLengthMismatch, EnhancedKeyUsageMismatch, ChallengePasswordMissing,
// CsrMalformed, ScepProfileNoLongerTargetedToTheClient; Intune's own name for the device-key codes
// scepgate has no equivalent of (RegisteredKeyMismatch, ...); ValidationDenied for an unknown one.
// Thread-safe.
std::string_view FailureCodeFor(intune::ValidationCode code);

// Thread-safe as far as the IntuneApi is (IntuneClient is).
class IntuneChallenges {
 public:
  explicit IntuneChallenges(intune::IntuneApi& api) : api_(api) {}

  // Asks Intune whether `csr`, sent under `transaction_id`, may be issued. Nothing when Intune
  // answers Success. kPolicyDenied "<FailureCodeFor>: Intune answered <its code>: <its
  // description>" for a refusal; kPolicyDenied "ValidationUnavailable: ..." when Intune cannot be
  // asked or gives no usable answer (unreachable, 5xx, timeout, the app's token refused): a
  // request is never issued unvalidated. kCrypto when the CSR cannot be encoded.
  Status Check(std::string_view transaction_id, const X509_REQ& csr);

 private:
  intune::IntuneApi& api_;
};

}  // namespace scepgate::policy
