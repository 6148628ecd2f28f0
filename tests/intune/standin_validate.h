// The stand-in's validateRequest decision: the CSR against the challenge it carries.
// Thread-safe (reads the state under its lock).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "intune/standin_state.h"

namespace scepgate::testing {

// A validateRequest answer: "Success" or one of Intune's documented error codes, and a reason.
struct Verdict {
  std::string code;
  std::string description;
};

// Decodes `csr_base64` (a base64 DER PKCS#10), takes its challengePassword and checks the CSR
// against what the challenge was minted for, in Intune's order: CertificateRequestDecodingFailed,
// ChallengePasswordMissing, ChallengeDecodingError (unreadable attribute),
// ChallengeDeserializationError (not one of this stand-in's challenges), ChallengeDecryptionError
// (well-formed but never minted), ChallengeExpired, SignatureValidationFailed,
// SubjectNameMissing, SubjectNameMismatch, SubjectAltNameMissing, SubjectAltNameMismatch.
Verdict ValidateCsr(std::string_view csr_base64, const StandInState& state, int64_t now);

}  // namespace scepgate::testing
