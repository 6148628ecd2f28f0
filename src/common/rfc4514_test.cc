#include "common/rfc4514.h"

#include <gtest/gtest.h>

#include "common/asn1_text.h"

namespace scepgate {
namespace {

TEST(ParseRfc4514, GivesRdnsInDerOrderWithEveryValueForm) {
  // \XX pairs (UTF-8 bytes), escaped specials, a quoted value, a #hex UTF8String ("hi"), ';'.
  auto r = ParseRfc4514(R"(CN=B\C3\BCro\, 1 + serialNumber = "7, \"x\"" ; OU=#0c026869,O=Ex)");
  ASSERT_TRUE(r) << r.error().message;
  NameRdns want = {
      {{"O", "Ex"}}, {{"OU", "hi"}}, {{"CN", "B\xC3\xBCro, 1"}, {"serialNumber", "7, \"x\""}}};
  EXPECT_EQ(*r, want);
  EXPECT_TRUE(ParseRfc4514("")->empty());
  EXPECT_TRUE(ParseRfc4514("   ")->empty());
}

TEST(ParseRfc4514, NamesEachProblemAndWhereItIs) {
  auto message = [](std::string_view name) {
    auto r = ParseRfc4514(name);
    return r ? std::string("parsed") : r.error().message;
  };
  EXPECT_EQ(message("CN"), "missing '=' after 'CN' at position 2");
  EXPECT_EQ(message("=x"), "expected an attribute type at position 0");
  EXPECT_EQ(message("CN=x\\"), "trailing '\\' at position 4");
  EXPECT_EQ(message("CN=\\zz"), "'\\' before a character that needs no escape at position 3");
  EXPECT_EQ(message("CN=\\4"), "bad hex pair after '\\' at position 3");
  EXPECT_EQ(message("CN=\"open"), "unterminated quoted value at position 3");
  EXPECT_EQ(message("CN=#zz"), "bad #hex value at position 3");
  EXPECT_EQ(message("CN=#0201ff"), "#hex value is not a DER-encoded string at position 3");
  EXPECT_EQ(message("CN=\\ff\\fe"), "value is not valid UTF-8 at position 3");
  EXPECT_EQ(message("CN=a\"b"), "parsed");  // a quote inside a plain value is only a character
  EXPECT_EQ(message("CN=a=b"), "parsed");
  EXPECT_EQ(message("CN=a b"), "parsed");
  EXPECT_EQ(message("CN=a\"b\" x"), "parsed");
}

TEST(ParseRfc4514, MapsEachTypeThroughTheCallersTable) {
  NameTypeMap upper_only = [](std::string_view t) -> std::optional<std::string> {
    if (t == "CN" || t == "O") return "T:" + std::string(t);
    return std::nullopt;
  };
  auto r = ParseRfc4514("CN=a,O=b", upper_only);
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0][0].first, "T:O");
  auto bad = ParseRfc4514("CN=a,foo=b", upper_only);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "unknown attribute type 'foo' at position 5");
}

TEST(IsDottedOid, TakesX660OidsOnly) {
  for (std::string_view good : {"2.5", "1.3.6.1.4.1.311.20.2.2", "0.9.2342.19200300.100.1.1",
                                "2.25.329800735698586629295641978511506172918"})
    EXPECT_TRUE(IsDottedOid(good)) << good;
  for (std::string_view bad : {"", "2", "2.", ".2.5", "2..5", "3.1", "10.1", "cn", "2.5a", "2.-5",
                               "2.1234567890123456789012345678901234567890"})
    EXPECT_FALSE(IsDottedOid(bad)) << bad;
}

TEST(Asn1Text, ReadsStringTypesAndRefusesOthers) {
  EXPECT_EQ(DerStringToUtf8(Bytes{0x13, 0x02, 'h', 'i'}), "hi");             // PrintableString
  EXPECT_EQ(DerStringToUtf8(Bytes{0x1e, 0x02, 0x00, 0xfc}), "\xC3\xBC");     // BMPString
  EXPECT_EQ(DerStringToUtf8(Bytes{0x02, 0x01, 0x05}), std::nullopt);         // INTEGER
  EXPECT_EQ(DerStringToUtf8(Bytes{0x0c, 0x02, 'h', 'i', 0}), std::nullopt);  // trailing byte
  EXPECT_EQ(DerStringToUtf8(Bytes{0x0c, 0x02, 0xc0, 0x80}), std::nullopt);   // overlong UTF-8
  Asn1ObjectPtr cn(OBJ_nid2obj(NID_commonName) ? OBJ_dup(OBJ_nid2obj(NID_commonName)) : nullptr);
  ASSERT_TRUE(cn);
  EXPECT_EQ(OidText(*cn), "2.5.4.3");
}

}  // namespace
}  // namespace scepgate
