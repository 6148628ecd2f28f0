#include "policy/intune_challenges.h"

#include "policy/denial.h"

namespace scepgate::policy {

using intune::ValidationCode;

std::string_view FailureCodeFor(ValidationCode code) {
  switch (code) {
    case ValidationCode::kSuccess:
      return "Success";
    case ValidationCode::kCertificateRequestDecodingFailed:
      return "CsrMalformed";
    case ValidationCode::kChallengePasswordMissing:
      return "ChallengePasswordMissing";
    case ValidationCode::kChallengeDeserializationError:
    case ValidationCode::kChallengeDecryptionError:
    case ValidationCode::kChallengeDecodingError:
    case ValidationCode::kChallengeInvalidTimestamp:
    case ValidationCode::kBadCertificateRequestIdInChallenge:
    case ValidationCode::kBadDeviceIdInChallenge:
    case ValidationCode::kBadUserIdInChallenge:
    case ValidationCode::kSignatureValidationFailed:
      return "ChallengeInvalid";
    case ValidationCode::kChallengeExpired:
      return "ChallengeExpired";
    case ValidationCode::kSubjectNameMissing:
    case ValidationCode::kSubjectNameMismatch:
      return "SubjectNameMismatch";
    case ValidationCode::kSubjectAltNameMissing:
    case ValidationCode::kSubjectAltNameMismatch:
      return "SubjectAltNameMismatch";
    case ValidationCode::kKeyUsageMismatch:
      return "KeyUsageMismatch";
    case ValidationCode::kKeyLengthMismatch:
      return "KeyLengthMismatch";
    case ValidationCode::kEnhancedKeyUsageMissing:
    case ValidationCode::kEnhancedKeyUsageMismatch:
      return "EnhancedKeyUsageMismatch";
    case ValidationCode::kScepProfileNoLongerTargetedToTheClient:
      return "ScepProfileNoLongerTargetedToTheClient";
    case ValidationCode::kAadKeyIdentifierListMissing:
    case ValidationCode::kRegisteredKeyMismatch:
    case ValidationCode::kSigningCertThumbprintMismatch:
      return intune::ValidationCodeName(code);
    case ValidationCode::kUnknown:
      break;
  }
  return "ValidationDenied";
}

Status IntuneChallenges::Check(std::string_view transaction_id, const X509_REQ& csr) {
  SG_ASSIGN_OR_RETURN(Bytes der, CsrToDer(csr));
  auto answer = api_.Validate(transaction_id, der);
  if (!answer)
    return Fail(
        Denied("ValidationUnavailable", "Intune could not be asked (" +
                                            std::string(ErrorCodeName(answer.error().code)) +
                                            "): " + answer.error().message));
  if (answer->accepted()) return {};
  std::string why = "Intune answered " + answer->received_code;
  if (!answer->description.empty()) why += ": " + answer->description;
  return Fail(Denied(FailureCodeFor(answer->code), why));
}

}  // namespace scepgate::policy
