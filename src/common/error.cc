#include "common/error.h"

namespace scepgate {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadAlg:
      return "badAlg";
    case ErrorCode::kBadMessageCheck:
      return "badMessageCheck";
    case ErrorCode::kBadRequest:
      return "badRequest";
    case ErrorCode::kBadTime:
      return "badTime";
    case ErrorCode::kBadCertId:
      return "badCertId";
    case ErrorCode::kInvalidArgument:
      return "invalidArgument";
    case ErrorCode::kNotFound:
      return "notFound";
    case ErrorCode::kAlreadyExists:
      return "alreadyExists";
    case ErrorCode::kFailedPrecondition:
      return "failedPrecondition";
    case ErrorCode::kPolicyDenied:
      return "policyDenied";
    case ErrorCode::kPermissionDenied:
      return "permissionDenied";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kCrypto:
      return "crypto";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kDatabase:
      return "database";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

}  // namespace scepgate
