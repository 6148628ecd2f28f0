#include "ca/cert_template.h"

#include <gtest/gtest.h>

namespace scepgate::ca {
namespace {

TEST(EkuOid, MapsShortNamesAndAcceptsDottedOids) {
  EXPECT_EQ(*EkuOid("clientAuth"), "1.3.6.1.5.5.7.3.2");
  EXPECT_EQ(*EkuOid("serverAuth"), "1.3.6.1.5.5.7.3.1");
  EXPECT_EQ(*EkuOid("msSmartcardLogin"), "1.3.6.1.4.1.311.20.2.2");
  EXPECT_EQ(*EkuOid("1.3.6.1.5.5.7.3.17"), "1.3.6.1.5.5.7.3.17");
}

TEST(EkuOid, RefusesAnythingElseNamingIt) {
  for (const char* bad :
       {"anyPurpose", "ClientAuth", "", "1", "3.1.2", "1..2", "1.2.", ".1.2", "1.a"}) {
    auto r = EkuOid(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find("unknown EKU '" + std::string(bad) + "'"), std::string::npos);
  }
}

TEST(Purpose, ParsesTheThreeNdesPurposes) {
  EXPECT_EQ(*ParsePurpose("signature"), Purpose::kSignature);
  EXPECT_EQ(*ParsePurpose("encryption"), Purpose::kEncryption);
  EXPECT_EQ(*ParsePurpose("general"), Purpose::kGeneral);
  EXPECT_FALSE(ParsePurpose("General"));
}

}  // namespace
}  // namespace scepgate::ca
