// The five calls scepgate makes to Intune as a third-party CA (docs/intune-protocol.md §4), as an
// interface: IntuneClient speaks HTTPS to Intune, FakeIntuneApi (fake_intune_api.h) answers in
// memory for the pipeline's unit tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/ossl.h"

namespace scepgate::intune {

// The codes of validateRequest and the notifications (enum ErrorCode of Microsoft's library).
enum class ValidationCode {
  kUnknown,  // also any code the library does not know: a refusal
  kSuccess,
  kCertificateRequestDecodingFailed,
  kChallengePasswordMissing,
  kChallengeDeserializationError,
  kChallengeDecryptionError,
  kChallengeDecodingError,
  kChallengeInvalidTimestamp,
  kChallengeExpired,
  kSubjectNameMissing,
  kSubjectNameMismatch,
  kSubjectAltNameMissing,
  kSubjectAltNameMismatch,
  kKeyUsageMismatch,
  kKeyLengthMismatch,
  kEnhancedKeyUsageMissing,
  kEnhancedKeyUsageMismatch,
  kAadKeyIdentifierListMissing,
  kRegisteredKeyMismatch,
  kSigningCertThumbprintMismatch,
  kScepProfileNoLongerTargetedToTheClient,
  kSignatureValidationFailed,
  kBadCertificateRequestIdInChallenge,
  kBadDeviceIdInChallenge,
  kBadUserIdInChallenge,
};

// The wire name ("Success", "ChallengeExpired", ...). Thread-safe.
std::string_view ValidationCodeName(ValidationCode code);
// The code of a wire name, matched exactly (case-sensitive); kUnknown for any other. Thread-safe.
ValidationCode ValidationCodeFromName(std::string_view name);

// Intune's answer to validateRequest or a notification. A refusal is an answer, not an error.
struct ValidationAnswer {
  ValidationCode code = ValidationCode::kUnknown;
  std::string received_code;  // the code as sent (differs from the name for an unknown one)
  std::string description;    // errorDescription, "" on success
  bool accepted() const { return code == ValidationCode::kSuccess; }
};

// successNotification: the certificate issued for a request Intune validated.
struct SuccessNotification {
  std::string transaction_id;         // as given to Validate
  Bytes csr_der;                      // the request as the device sent it
  std::string thumbprint;             // SHA-1 of the certificate's DER, hex (sent upper-case)
  std::string serial_number;          // hex (sent upper-case, as Windows shows it)
  int64_t not_after = 0;              // unix seconds; sent as ISO 8601 UTC "2026-12-05T10:00:00Z"
  std::string issuing_ca;             // issuingCertificateAuthority: the issuer's name
  std::string ca_configuration;       // "" = JSON null
  std::string certificate_authority;  // "" = JSON null
};

// A SuccessNotification for `cert`: thumbprint, serial, expiry and issuer name taken from it
// (the issuer as RFC 2253 text). kCrypto when OpenSSL cannot read it. Thread-safe.
Result<SuccessNotification> SuccessNotificationFor(std::string transaction_id, Bytes csr_der,
                                                   const X509& cert);

// failureNotification: a request validated by Intune that scepgate did not issue.
struct FailureNotification {
  std::string transaction_id;
  Bytes csr_der;
  int64_t hresult = 0;      // a Windows HRESULT, e.g. -2147418113 for 0x8000FFFF (E_UNEXPECTED)
  std::string description;  // sent cut to 255 characters; "" sends a generic text
};

// One revocation request handed out by downloadRevocationRequests.
struct RevocationRequest {
  std::string request_context;  // opaque: echo it in the result
  std::string serial_number;
  std::string issuer_name;       // "" when Intune sent none
  std::string ca_configuration;  // "" when Intune sent none
};

// CARequestErrorCode of Microsoft's library, with its values.
enum class RevocationErrorCode : int {
  kNone = 0,
  kNonRetryableServiceException = 4000,
  kDataSerializationError = 4001,
  kParameterDataInvalidError = 4002,
  kCryptographyError = 4003,
  kCertificateNotFoundError = 4004,
  kConflictError = 4005,  // e.g. already revoked
  kNotSupportedError = 4006,
  kPayloadTooLargeError = 4007,
  kRetryableServiceException = 4100,
  kServiceUnavailableException = 4101,
  kServiceTooBusyException = 4102,
  kAuthenticationException = 4103,
};

// The wire name ("None", "CertificateNotFoundError", ...). Thread-safe.
std::string_view RevocationErrorCodeName(RevocationErrorCode code);

// What became of one revocation request.
struct RevocationResult {
  std::string request_context;
  bool succeeded = false;
  RevocationErrorCode error_code = RevocationErrorCode::kNone;  // kNone exactly when succeeded
  std::string error_message;  // "" = null; must be "" when succeeded
};

inline constexpr int kMaxRevocationRequests = 500;

// Implementations are thread-safe.
class IntuneApi {
 public:
  virtual ~IntuneApi() = default;

  // validateRequest. Returns Intune's answer: accepted() or a refusal code. Errors (nothing known
  // about the challenge, so do not issue): kUnavailable when Intune cannot be reached in time or
  // answers 5xx or an answer it cannot read, kPermissionDenied when it refuses the app's tokens,
  // kInternal when it calls the request malformed (400), kInvalidArgument for an empty argument.
  virtual Result<ValidationAnswer> Validate(std::string_view transaction_id, ByteView csr_der) = 0;

  // successNotification. Returns Intune's answer (a refusal code is an answer); errors as
  // Validate. A CA does not issue when this fails.
  virtual Result<ValidationAnswer> NotifySuccess(const SuccessNotification& notification) = 0;

  // failureNotification. Returns Intune's answer; errors as Validate.
  virtual Result<ValidationAnswer> NotifyFailure(const FailureNotification& notification) = 0;

  // downloadRevocationRequests: at most `max` (1..500) requests, only those for `issuer_name`
  // when given. kInvalidArgument for `max` out of range (nothing sent); otherwise errors as
  // Validate (a 2xx answer without a "value" list is kUnavailable).
  virtual Result<std::vector<RevocationRequest>> DownloadRevocations(
      int max, std::optional<std::string> issuer_name) = 0;

  // uploadRevocationResults. OK when Intune answers {"value": true}; kUnavailable for any other
  // answer; kInvalidArgument (nothing sent) for no results or a result whose code contradicts
  // `succeeded`; otherwise errors as Validate.
  virtual Status UploadRevocationResults(const std::vector<RevocationResult>& results) = 0;
};

}  // namespace scepgate::intune
