#include "common/percent.h"

#include <gtest/gtest.h>

namespace scepgate {
namespace {

TEST(PercentDecodeTest, KeepsPlusAndDecodesEscapes) {
  EXPECT_EQ(PercentDecode("a+b%2Bc%2fd%0A"), "a+b+c/d\n");
  EXPECT_EQ(PercentDecode(""), "");
  EXPECT_EQ(PercentDecode("%00"), std::string(1, '\0'));
}

TEST(PercentDecodeTest, RejectsMalformedEscapes) {
  for (const char* bad : {"%zz", "%4", "%", "abc%", "%g0", "x%0"}) {
    auto r = PercentDecode(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kBadRequest) << bad;
  }
}

TEST(PercentEncodeTest, KeepsUnreservedAndRoundTrips) {
  EXPECT_EQ(PercentEncode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(PercentEncode("a+b/c=d e;"), "a%2Bb%2Fc%3Dd%20e%3B");
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  EXPECT_EQ(PercentDecode(PercentEncode(all)), all);
}

}  // namespace
}  // namespace scepgate
