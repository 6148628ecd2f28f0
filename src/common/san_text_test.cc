#include "common/san_text.h"

#include <gtest/gtest.h>

namespace scepgate {
namespace {

TEST(SanText, RoundTripsEverySupportedType) {
  std::vector<std::string> in = {"DNS:host.example.com",
                                 "email:a@example.com",
                                 "IP:192.0.2.7",
                                 "IP:2001:db8::1",
                                 "URI:tag:microsoft.com,2022-09-14:sid:S-1-5-21-1-2-3-500",
                                 "UPN:user@example.com"};
  auto names = SansFromText(in);
  ASSERT_TRUE(names) << names.error().message;
  EXPECT_EQ(SansToText(**names), in);
}

TEST(SanText, RejectsUnknownTypesAndBadValues) {
  EXPECT_EQ(SansFromText({"X400:foo"}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(SansFromText({"IP:999.1.1.1"}));
  EXPECT_FALSE(SansFromText({"DNS:"}));
  EXPECT_FALSE(SansFromText({"nocolon"}));
}

}  // namespace
}  // namespace scepgate
