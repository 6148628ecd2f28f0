// The wire names of ValidationCode and RevocationErrorCode, and SuccessNotificationFor.
#include <openssl/x509.h>

#include <array>
#include <utility>

#include "common/text.h"
#include "intune/intune_api.h"

namespace scepgate::intune {
namespace {

using VC = ValidationCode;
constexpr std::array<std::pair<VC, std::string_view>, 25> kValidationNames{{
    {VC::kUnknown, "Unknown"},
    {VC::kSuccess, "Success"},
    {VC::kCertificateRequestDecodingFailed, "CertificateRequestDecodingFailed"},
    {VC::kChallengePasswordMissing, "ChallengePasswordMissing"},
    {VC::kChallengeDeserializationError, "ChallengeDeserializationError"},
    {VC::kChallengeDecryptionError, "ChallengeDecryptionError"},
    {VC::kChallengeDecodingError, "ChallengeDecodingError"},
    {VC::kChallengeInvalidTimestamp, "ChallengeInvalidTimestamp"},
    {VC::kChallengeExpired, "ChallengeExpired"},
    {VC::kSubjectNameMissing, "SubjectNameMissing"},
    {VC::kSubjectNameMismatch, "SubjectNameMismatch"},
    {VC::kSubjectAltNameMissing, "SubjectAltNameMissing"},
    {VC::kSubjectAltNameMismatch, "SubjectAltNameMismatch"},
    {VC::kKeyUsageMismatch, "KeyUsageMismatch"},
    {VC::kKeyLengthMismatch, "KeyLengthMismatch"},
    {VC::kEnhancedKeyUsageMissing, "EnhancedKeyUsageMissing"},
    {VC::kEnhancedKeyUsageMismatch, "EnhancedKeyUsageMismatch"},
    {VC::kAadKeyIdentifierListMissing, "AadKeyIdentifierListMissing"},
    {VC::kRegisteredKeyMismatch, "RegisteredKeyMismatch"},
    {VC::kSigningCertThumbprintMismatch, "SigningCertThumbprintMismatch"},
    {VC::kScepProfileNoLongerTargetedToTheClient, "ScepProfileNoLongerTargetedToTheClient"},
    {VC::kSignatureValidationFailed, "SignatureValidationFailed"},
    {VC::kBadCertificateRequestIdInChallenge, "BadCertificateRequestIdInChallenge"},
    {VC::kBadDeviceIdInChallenge, "BadDeviceIdInChallenge"},
    {VC::kBadUserIdInChallenge, "BadUserIdInChallenge"},
}};

using RC = RevocationErrorCode;
constexpr std::array<std::pair<RC, std::string_view>, 13> kRevocationNames{{
    {RC::kNone, "None"},
    {RC::kNonRetryableServiceException, "NonRetryableServiceException"},
    {RC::kDataSerializationError, "DataSerializationError"},
    {RC::kParameterDataInvalidError, "ParameterDataInvalidError"},
    {RC::kCryptographyError, "CryptographyError"},
    {RC::kCertificateNotFoundError, "CertificateNotFoundError"},
    {RC::kConflictError, "ConflictError"},
    {RC::kNotSupportedError, "NotSupportedError"},
    {RC::kPayloadTooLargeError, "PayloadTooLargeError"},
    {RC::kRetryableServiceException, "RetryableServiceException"},
    {RC::kServiceUnavailableException, "ServiceUnavailableException"},
    {RC::kServiceTooBusyException, "ServiceTooBusyException"},
    {RC::kAuthenticationException, "AuthenticationException"},
}};

}  // namespace

std::string_view ValidationCodeName(ValidationCode code) {
  for (const auto& [c, name] : kValidationNames)
    if (c == code) return name;
  return "Unknown";
}

ValidationCode ValidationCodeFromName(std::string_view name) {
  for (const auto& [c, n] : kValidationNames)
    if (n == name) return c;
  return ValidationCode::kUnknown;
}

std::string_view RevocationErrorCodeName(RevocationErrorCode code) {
  for (const auto& [c, name] : kRevocationNames)
    if (c == code) return name;
  return "NonRetryableServiceException";
}

Result<SuccessNotification> SuccessNotificationFor(std::string transaction_id, Bytes csr_der,
                                                   const X509& cert) {
  SuccessNotification n;
  n.transaction_id = std::move(transaction_id);
  n.csr_der = std::move(csr_der);
  unsigned char sha1[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(&cert, EVP_sha1(), sha1, &length) != 1)
    return Fail(CryptoError("cannot take the certificate's SHA-1 thumbprint"));
  n.thumbprint = HexEncode(ByteView(sha1, length));
  // The serial's bytes, as Windows and OpenSSL show it (an even number of digits; scepgate's
  // stored form drops a leading zero); upper-cased when sent.
  const ASN1_INTEGER* serial = X509_get0_serialNumber(&cert);
  n.serial_number = HexEncode(
      ByteView(ASN1_STRING_get0_data(serial), static_cast<size_t>(ASN1_STRING_length(serial))));
  SG_ASSIGN_OR_RETURN(n.not_after, AsnTimeToUnix(*X509_get0_notAfter(&cert)));
  n.issuing_ca = NameToString(*X509_get_issuer_name(&cert));
  return n;
}

}  // namespace scepgate::intune
