#include "codec/types.h"

#include <gtest/gtest.h>

namespace scepgate::codec {
namespace {

TEST(TypesTest, MessageTypeNamesAndValues) {
  EXPECT_EQ(MessageTypeName(MessageType::kPKCSReq), "PKCSReq");
  EXPECT_EQ(MessageTypeName(MessageType::kCertPoll), "CertPoll");
  EXPECT_EQ(MessageTypeName(MessageType::kUpdateReq), "UpdateReq");
  EXPECT_EQ(MessageTypeName(static_cast<MessageType>(99)), "unknown");
  EXPECT_EQ(MessageTypeFromInt(19), MessageType::kPKCSReq);
  EXPECT_EQ(MessageTypeFromInt(18), MessageType::kUpdateReq);
  EXPECT_EQ(MessageTypeFromInt(22), MessageType::kGetCRL);
  EXPECT_EQ(MessageTypeFromInt(0), std::nullopt);
  EXPECT_EQ(MessageTypeFromInt(23), std::nullopt);
  EXPECT_EQ(MessageTypeFromInt(-19), std::nullopt);
}

TEST(TypesTest, FailInfoNamesAndMapping) {
  EXPECT_EQ(FailInfoName(FailInfo::kBadAlg), "badAlg");
  EXPECT_EQ(FailInfoName(FailInfo::kBadCertId), "badCertId");
  EXPECT_EQ(FailInfoFor(ErrorCode::kBadAlg), FailInfo::kBadAlg);
  EXPECT_EQ(FailInfoFor(ErrorCode::kBadMessageCheck), FailInfo::kBadMessageCheck);
  EXPECT_EQ(FailInfoFor(ErrorCode::kBadTime), FailInfo::kBadTime);
  EXPECT_EQ(FailInfoFor(ErrorCode::kBadCertId), FailInfo::kBadCertId);
  EXPECT_EQ(FailInfoFor(ErrorCode::kPolicyDenied), FailInfo::kBadRequest);
  EXPECT_EQ(FailInfoFor(ErrorCode::kInternal), FailInfo::kBadRequest);
}

}  // namespace
}  // namespace scepgate::codec
