#include "common/ossl.h"

#include <gtest/gtest.h>

namespace scepgate {
namespace {

TEST(Base64, RoundTripsAllLengths) {
  for (size_t n = 0; n < 40; ++n) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * 37 + 5);
    auto decoded = Base64Decode(Base64Encode(b));
    ASSERT_TRUE(decoded) << n;
    EXPECT_EQ(*decoded, b) << n;
  }
}

TEST(Base64, AcceptsUrlAlphabetWhitespaceAndMissingPadding) {
  Bytes b = {0xfb, 0xff, 0xfe, 0x01};
  std::string std64 = Base64Encode(b);  // "+//+AQ=="
  EXPECT_EQ(std64, "+//+AQ==");
  EXPECT_EQ(*Base64Decode("-__-AQ"), b);
  EXPECT_EQ(*Base64Decode("+//+\r\nAQ=="), b);
}

TEST(Base64, RejectsGarbage) {
  EXPECT_FALSE(Base64Decode("ab$d"));
  EXPECT_FALSE(Base64Decode("a"));
  EXPECT_FALSE(Base64Decode("ab=c"));
}

TEST(Hex, RoundTripAndErrors) {
  Bytes b = {0x00, 0xab, 0x10};
  EXPECT_EQ(HexEncode(b), "00ab10");
  EXPECT_EQ(*HexDecode("00AB10"), b);
  EXPECT_EQ(HexColons(b), "00:AB:10");
  EXPECT_FALSE(HexDecode("abc"));
  EXPECT_FALSE(HexDecode("zz"));
}

TEST(Digest, KnownSha256) {
  auto d = Digest("SHA256", AsView(std::string("abc")));
  ASSERT_TRUE(d);
  EXPECT_EQ(HexEncode(*d), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_FALSE(Digest("NOPE", AsView(std::string("abc"))));
}

TEST(Parse, RejectsGarbage) {
  Bytes junk = {1, 2, 3};
  EXPECT_EQ(CertFromDer(junk).error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(CsrFromDer(junk));
  EXPECT_FALSE(CrlFromDer(junk));
  EXPECT_FALSE(KeyFromPem("nope"));
}

}  // namespace
}  // namespace scepgate
