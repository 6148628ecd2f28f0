#include "common/duration.h"

#include <gtest/gtest.h>

namespace scepgate {
namespace {

TEST(DurationTest, EachUnitCountsItsSeconds) {
  EXPECT_EQ(*ParseDuration("90d"), 90 * 86400);
  EXPECT_EQ(*ParseDuration("12h"), 12 * 3600);
  EXPECT_EQ(*ParseDuration("30m"), 30 * 60);
  EXPECT_EQ(*ParseDuration("3600s"), 3600);
  EXPECT_EQ(*ParseDuration("1s"), 1);
  EXPECT_EQ(*ParseDuration("36500d"), kMaxDurationSeconds);
}

TEST(DurationTest, GarbageIsRefusedAsABadDurationWithTheTextQuoted) {
  for (const char* bad : {"", "d", "-1d", "+1d", " 1d", "1d ", "1 d", "1.5h", "1w", "1D", "1dd",
                          "0x10s", "90", "forever"}) {
    auto parsed = ParseDuration(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(parsed.error().message.starts_with("bad duration '" + std::string(bad) + "'"))
        << parsed.error().message;
  }
  EXPECT_NE(ParseDuration("1w").error().message.find("e.g. 90d"), std::string::npos);
}

TEST(DurationTest, ZeroIsRefusedUnlessAllowed) {
  for (const char* zero : {"0", "0s", "0d", "000m"}) {
    auto parsed = ParseDuration(zero, {.bare_unit = 1});
    ASSERT_FALSE(parsed) << zero;
    EXPECT_EQ(parsed.error().message,
              "bad duration '" + std::string(zero) + "': must be more than zero");
    EXPECT_EQ(*ParseDuration(zero, {.bare_unit = 1, .allow_zero = true}), 0) << zero;
  }
}

TEST(DurationTest, OverflowAndMoreThanACenturyAreRefused) {
  for (const char* huge : {"36501d", "876001h", "99999999999999999999s", "18446744073709551615d",
                           "9223372036854775807s", "1000000000d"}) {
    auto parsed = ParseDuration(huge);
    ASSERT_FALSE(parsed) << huge;
    EXPECT_EQ(parsed.error().message,
              "bad duration '" + std::string(huge) + "': longer than 100 years");
  }
}

TEST(DurationTest, ABareNumberCountsInTheUnitGivenOrIsRefused) {
  EXPECT_EQ(*ParseDuration("60", {.bare_unit = 60}), 3600);
  EXPECT_EQ(*ParseDuration("60", {.bare_unit = 1}), 60);
  auto unitless = ParseDuration("60");
  ASSERT_FALSE(unitless);
  EXPECT_NE(unitless.error().message.find("and a unit"), std::string::npos);
}

}  // namespace
}  // namespace scepgate
