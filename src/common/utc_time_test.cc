#include "common/utc_time.h"

#include <gtest/gtest.h>

namespace scepgate {
namespace {

TEST(ParseUtcTime, ReadsDatesTimesAndUnixSeconds) {
  EXPECT_EQ(*ParseUtcTime("1970-01-01"), 0);
  EXPECT_EQ(*ParseUtcTime("2026-12-05"), 1796428800);
  EXPECT_EQ(*ParseUtcTime("2026-12-05T08:30:00Z"), 1796428800 + 8 * 3600 + 30 * 60);
  EXPECT_EQ(*ParseUtcTime("2024-02-29T23:59:59Z"), 1709251199);
  EXPECT_EQ(*ParseUtcTime("1796428800"), 1796428800);
}

TEST(ParseUtcTime, RefusesWhatIsNotOneOfTheForms) {
  for (const char* bad : {"", "2026-13-01", "2026-02-30", "2025-02-29", "2026-12-05T24:00:00Z",
                          "2026-12-05T08:30:00", "2026-12-05 08:30:00Z", "2026-12-5", "-5", "12e3",
                          "2026-12-05T08:30:00.5Z", "yesterday", "1969-12-31"}) {
    auto r = ParseUtcTime(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(FormatUtcTime, WritesWhatParseUtcTimeReads) {
  EXPECT_EQ(FormatUtcTime(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatUtcTime(1796464800), "2026-12-05T10:00:00Z");
  for (int64_t t : {int64_t{1}, int64_t{951782400}, int64_t{1796459400}, int64_t{4102444799}})
    EXPECT_EQ(ParseUtcTime(FormatUtcTime(t)).value(), t) << t;
}

}  // namespace
}  // namespace scepgate
