#include "codec/types.h"

namespace scepgate::codec {

std::string_view MessageTypeName(MessageType t) {
  switch (t) {
    case MessageType::kCertRep:
      return "CertRep";
    case MessageType::kRenewalReq:
      return "RenewalReq";
    case MessageType::kUpdateReq:
      return "UpdateReq";
    case MessageType::kPKCSReq:
      return "PKCSReq";
    case MessageType::kCertPoll:
      return "CertPoll";
    case MessageType::kGetCert:
      return "GetCert";
    case MessageType::kGetCRL:
      return "GetCRL";
  }
  return "unknown";
}

std::optional<MessageType> MessageTypeFromInt(int v) {
  switch (v) {
    case 3:
    case 17:
    case 18:
    case 19:
    case 20:
    case 21:
    case 22:
      return static_cast<MessageType>(v);
    default:
      return std::nullopt;
  }
}

std::string_view FailInfoName(FailInfo f) {
  switch (f) {
    case FailInfo::kBadAlg:
      return "badAlg";
    case FailInfo::kBadMessageCheck:
      return "badMessageCheck";
    case FailInfo::kBadRequest:
      return "badRequest";
    case FailInfo::kBadTime:
      return "badTime";
    case FailInfo::kBadCertId:
      return "badCertId";
  }
  return "unknown";
}

FailInfo FailInfoFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadAlg:
      return FailInfo::kBadAlg;
    case ErrorCode::kBadMessageCheck:
      return FailInfo::kBadMessageCheck;
    case ErrorCode::kBadTime:
      return FailInfo::kBadTime;
    case ErrorCode::kBadCertId:
      return FailInfo::kBadCertId;
    default:
      return FailInfo::kBadRequest;
  }
}

}  // namespace scepgate::codec
