#include "pkcs11/uri.h"

#include <gtest/gtest.h>

namespace scepgate::pkcs11 {
namespace {

TEST(Pkcs11UriTest, ParsesPathAndModulePath) {
  auto uri = ParseUri(
      "pkcs11:token=My%20HSM;object=ca%3Bkey;id=%01%ff;type=private;serial=42;"
      "slot-id=3?module-path=/usr/lib/x.so&pin-source=ignored");
  ASSERT_TRUE(uri) << uri.error().message;
  EXPECT_EQ(uri->token, "My HSM");
  EXPECT_EQ(uri->object, "ca;key");
  EXPECT_EQ(uri->id, (Bytes{0x01, 0xff}));
  EXPECT_EQ(uri->type, "private");
  EXPECT_EQ(uri->serial, "42");
  EXPECT_EQ(uri->module_path, "/usr/lib/x.so");
}

TEST(Pkcs11UriTest, FormatRoundTrips) {
  Uri uri;
  uri.token = "scepgate; test";
  uri.object = "scepgate-issuing-20261205T060000Z-ab12";
  uri.id = {0x00, 0x10, 0xfe};
  uri.type = "private";
  uri.module_path = "/opt/hsm/lib pkcs11.so";
  auto back = ParseUri(FormatUri(uri));
  ASSERT_TRUE(back) << FormatUri(uri);
  EXPECT_EQ(back->token, uri.token);
  EXPECT_EQ(back->object, uri.object);
  EXPECT_EQ(back->id, uri.id);
  EXPECT_EQ(back->type, uri.type);
  EXPECT_EQ(back->module_path, uri.module_path);
  EXPECT_EQ(DescribeUri(uri).find("module-path"), std::string::npos);
}

TEST(Pkcs11UriTest, RefusesAPinAndMalformedText) {
  for (const char* bad :
       {"pkcs11:token=a;pin-value=1234", "pkcs11:token=a?pin-value=1234", "token=a",
        "pkcs11:token=a;token=b", "pkcs11:color=red", "pkcs11:token=%zz", "pkcs11:token"}) {
    auto uri = ParseUri(bad);
    ASSERT_FALSE(uri) << bad;
    EXPECT_EQ(uri.error().code, ErrorCode::kInvalidArgument) << bad;
  }
  auto pin = ParseUri("pkcs11:token=a;pin-value=1234");
  EXPECT_NE(pin.error().message.find("PIN"), std::string::npos);
  EXPECT_EQ(pin.error().message.find("1234"), std::string::npos);
}

}  // namespace
}  // namespace scepgate::pkcs11
