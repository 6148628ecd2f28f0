// SCEP enumerations (RFC 8894 §3.2.1) and their names.
#pragma once

#include <optional>
#include <string_view>

#include "common/error.h"

namespace scepgate::codec {

enum class MessageType : int {
  kCertRep = 3,
  kRenewalReq = 17,
  kUpdateReq = 18,  // from older drafts; treated as RenewalReq
  kPKCSReq = 19,
  kCertPoll = 20,
  kGetCert = 21,
  kGetCRL = 22,
};

enum class PkiStatus : int { kSuccess = 0, kFailure = 2, kPending = 3 };

enum class FailInfo : int {
  kBadAlg = 0,
  kBadMessageCheck = 1,
  kBadRequest = 2,
  kBadTime = 3,
  kBadCertId = 4,
};

// Returns the RFC name ("PKCSReq", "CertPoll", ...), or "unknown".
std::string_view MessageTypeName(MessageType t);
// Returns the message type for its decimal value, or nullopt when it is not one we know.
std::optional<MessageType> MessageTypeFromInt(int v);
// Returns "badAlg", "badMessageCheck", ...
std::string_view FailInfoName(FailInfo f);
// Maps an error code onto the failInfo a client sees: the kBad* codes one-to-one,
// everything else (policy refusals included) to badRequest.
FailInfo FailInfoFor(ErrorCode code);

}  // namespace scepgate::codec
