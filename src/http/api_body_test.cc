// ParseBody: what the REST API accepts as a body, and the nesting it refuses before building it.
#include "http/api_body.h"

#include <gtest/gtest.h>

#include <string>

namespace scepgate::http {
namespace {

std::string Nested(int levels) {
  return std::string(static_cast<size_t>(levels), '[') +
         std::string(static_cast<size_t>(levels), ']');
}

TEST(ApiBodyTest, NestingUpToTheLimitParsesAndDeeperIsRefused) {
  EXPECT_TRUE(ParseBody(R"({"a":)" + Nested(31) + "}", 32));
  auto deep = ParseBody(R"({"a":)" + Nested(32) + "}", 32);
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(deep.error().message.find("deeper than 32"), std::string::npos);
}

TEST(ApiBodyTest, AHundredThousandLevelsAreRefusedWithoutRecursion) {
  // 200 KB of brackets: a recursive copy of the tree would overflow the stack.
  auto r = ParseBody(R"({"name":)" + Nested(100000) + "}");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += R"({"a":)";
  EXPECT_FALSE(ParseBody(objects));
}

TEST(ApiBodyTest, EmptyIsAnObjectAndOtherTypesAreRefused) {
  auto empty = ParseBody(" \r\n");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->is_object());
  EXPECT_FALSE(ParseBody("[1]"));
  EXPECT_FALSE(ParseBody("{"));
}

}  // namespace
}  // namespace scepgate::http
