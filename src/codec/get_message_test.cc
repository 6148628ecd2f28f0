#include "codec/get_message.h"

#include <gtest/gtest.h>

namespace scepgate::codec {
namespace {

TEST(QueryParamTest, FindsFirstMatchCaseSensitively) {
  std::string_view q = "operation=PKIOperation&message=ab%2Bc+d&message=second&flag";
  EXPECT_EQ(QueryParam(q, "operation").value(), "PKIOperation");
  EXPECT_EQ(QueryParam(q, "message").value(), "ab+c+d");
  EXPECT_EQ(QueryParam(q, "flag").value(), "");
  EXPECT_EQ(QueryParam(q, "Operation").value(), std::nullopt);
  EXPECT_EQ(QueryParam(q, "mess").value(), std::nullopt);
  EXPECT_EQ(QueryParam("", "operation").value(), std::nullopt);
  EXPECT_EQ(QueryParam("a=1&&b=2", "b").value(), "2");
  EXPECT_EQ(QueryParam("a=x=y", "a").value(), "x=y");
}

TEST(QueryParamTest, MalformedEscapeInMatchIsAnError) {
  auto r = QueryParam("operation=GetCACert&message=%zz", "message");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
  // A bad escape in another parameter does not matter.
  EXPECT_EQ(QueryParam("junk=%zz&operation=GetCACaps", "operation").value(), "GetCACaps");
}

// Bytes whose base64 holds both '+' and '/': "+/+/".
const Bytes kTricky = {0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0x01};

TEST(DecodeGetMessageTest, StandardBase64) {
  std::string b64 = Base64Encode(kTricky);
  ASSERT_NE(b64.find('+'), std::string::npos);
  EXPECT_EQ(DecodeGetMessage(b64).value(), kTricky);
}

TEST(DecodeGetMessageTest, PlusTurnedIntoSpaceIsRepaired) {
  std::string b64 = Base64Encode(kTricky);
  std::string spaced = b64;
  for (char& c : spaced) c = c == '+' ? ' ' : c;
  EXPECT_EQ(DecodeGetMessage(spaced).value(), kTricky);
}

TEST(DecodeGetMessageTest, StripsLineBreaksFromPercentEncodedValue) {
  std::string b64 = Base64Encode(kTricky);
  std::string raw = b64.substr(0, 4) + "%0A" + b64.substr(4) + "%0D%0A";
  auto decoded = PercentDecode(raw);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(DecodeGetMessage(*decoded).value(), kTricky);
}

TEST(DecodeGetMessageTest, UrlSafeAlphabetAndMissingPadding) {
  std::string b64 = Base64Encode(kTricky);
  for (char& c : b64) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  EXPECT_EQ(DecodeGetMessage(b64).value(), kTricky);
}

TEST(DecodeGetMessageTest, RejectsNonBase64AndEmpty) {
  for (const char* bad : {"", "!!!!", "ab*c", "A", "\r\n"}) {
    auto r = DecodeGetMessage(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kBadRequest) << bad;
  }
}

}  // namespace
}  // namespace scepgate::codec
