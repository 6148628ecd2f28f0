#include "common/unicode_text.h"

#include <gtest/gtest.h>

#include <string>

namespace scepgate {
namespace {

TEST(UnicodeTextTest, NfcComposesAndNfdAndNfcCompareEqualAfterIt) {
  const std::string nfd = "Mu\xcc\x88ller";  // u + U+0308 COMBINING DIAERESIS
  const std::string nfc = "M\xc3\xbcller";   // U+00FC
  ASSERT_NE(nfd, nfc);
  EXPECT_EQ(*ToNfc(nfd), nfc);
  EXPECT_EQ(*ToNfc(nfc), nfc);
  EXPECT_TRUE(CaselessEqual(nfd, "M\xc3\x9cLLER"));
  EXPECT_EQ(*ToNfc(""), "");
}

TEST(UnicodeTextTest, InvalidUtf8IsRefused) {
  for (const std::string& bad :
       {std::string("\xff"), std::string("ab\xc3"), std::string("\xc0\xaf"),  // overlong '/'
        std::string("\xed\xa0\x80"),                                          // a surrogate
        std::string("\xf4\x90\x80\x80")}) {                                   // past U+10FFFF
    auto nfc = ToNfc(bad);
    ASSERT_FALSE(nfc) << bad;
    EXPECT_EQ(nfc.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(HasControlOrFormat(bad));
    EXPECT_FALSE(IsMixedScriptConfusable(bad));
  }
}

TEST(UnicodeTextTest, ControlAndFormatCharactersAreFound) {
  EXPECT_TRUE(HasControlOrFormat(std::string("a\0b", 3)));  // NUL
  EXPECT_TRUE(HasControlOrFormat("a\nb"));
  EXPECT_TRUE(HasControlOrFormat("a\x7f"));
  EXPECT_TRUE(HasControlOrFormat("a\xc2\x85"));                   // U+0085 NEXT LINE
  EXPECT_TRUE(HasControlOrFormat("invoice\xe2\x80\xaegpj.exe"));  // U+202E RIGHT-TO-LEFT OVERRIDE
  EXPECT_TRUE(HasControlOrFormat("a\xe2\x80\xaa"));               // U+202A
  EXPECT_TRUE(HasControlOrFormat("a\xe2\x81\xa6z\xe2\x81\xa9"));  // U+2066 .. U+2069 isolates
  EXPECT_TRUE(HasControlOrFormat("pay\xe2\x80\x8bpal"));          // U+200B ZERO WIDTH SPACE
  EXPECT_TRUE(
      HasControlOrFormat("\xef\xbb\xbf"
                         "bom"));  // U+FEFF
  EXPECT_FALSE(HasControlOrFormat("Lobby, \"Kiosk\" 1"));
  EXPECT_FALSE(HasControlOrFormat("J\xc3\xbcrgen's \xe3\x83\x8e\xe3\x83\xbc\xe3\x83\x88 PC"));
}

TEST(UnicodeTextTest, MixedScriptLookAlikesAreFound) {
  EXPECT_TRUE(*IsMixedScriptConfusable("p\xd0\xb0ypal"));             // Cyrillic U+0430 'а'
  EXPECT_TRUE(*IsMixedScriptConfusable("\xd0\xb0lice@example.com"));  // Cyrillic 'а' in a UPN
  EXPECT_TRUE(*IsMixedScriptConfusable("\xce\xa9mega"));              // Greek Omega + Latin
  EXPECT_TRUE(*IsMixedScriptConfusable("1\xd9\xa2"));  // ASCII and Arabic-Indic digits
  EXPECT_FALSE(*IsMixedScriptConfusable("paypal"));
  EXPECT_FALSE(*IsMixedScriptConfusable("\xd0\xb4\xd0\xbe\xd0\xbc"));  // all Cyrillic
  EXPECT_FALSE(*IsMixedScriptConfusable("M\xc3\xbcller's Laptop"));
  // Japanese mixes Han, Kana and Latin legitimately.
  EXPECT_FALSE(
      *IsMixedScriptConfusable("\xe3\x83\x8e\xe3\x83\xbc\xe3\x83\x88PC-\xe7\x94\xb0\xe4\xb8\xad"));
  EXPECT_FALSE(*IsMixedScriptConfusable("Wi-Fi devices"));
}

TEST(UnicodeTextTest, CaseFoldingIsUnicodeAware) {
  EXPECT_TRUE(CaselessEqual("STRASSE",
                            "stra\xc3\x9f"
                            "e"));  // German sharp s
  EXPECT_TRUE(
      CaselessEqual("\xc3\x9c"
                    "BER",
                    "\xc3\xbc"
                    "ber"));
  EXPECT_TRUE(CaselessEqual("\xce\xa3\xce\x99\xce\xa3", "\xcf\x83\xce\xb9\xcf\x82"));  // ΣΙΣ, σις
  // Turkish: dotted capital İ folds to i + U+0307, not to plain i; dotless ı stays apart.
  EXPECT_TRUE(CaselessEqual("\xc4\xb0stanbul", "i\xcc\x87stanbul"));
  EXPECT_FALSE(CaselessEqual("\xc4\xb0stanbul", "istanbul"));
  EXPECT_FALSE(CaselessEqual("\xc4\xb1", "i"));
  EXPECT_TRUE(CaselessEqual("Alice@Example.COM", "alice@example.com"));
  EXPECT_FALSE(CaselessEqual("p\xd0\xb0ypal", "paypal"));
  EXPECT_EQ(FoldCase("\xff"), "\xff");
}

}  // namespace
}  // namespace scepgate
