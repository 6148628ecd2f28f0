#include "metrics/names.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace scepgate::metrics {
namespace {

TEST(NamesTest, MetricNamesFollowThePrometheusGrammar) {
  for (const char* good : {"a", "_", ":", "scepgate_requests_total", "job:rate5m", "A9_:b"})
    EXPECT_TRUE(CheckMetricName(good)) << good;
  for (const char* bad : {"", "9lives", "has space", "dash-ed", "dot.ted", "caf\xc3\xa9", "a\n"}) {
    auto status = CheckMetricName(bad);
    ASSERT_FALSE(status) << bad;
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(status.error().message.find("'" + std::string(bad) + "'"), std::string::npos);
  }
}

TEST(NamesTest, LabelNamesTakeNoColonAndNoDoubleUnderscoreStart) {
  for (const char* good : {"a", "_", "_a", "fail_info", "le", "A9"})
    EXPECT_TRUE(CheckLabelName(good)) << good;
  for (const char* bad : {"", "__name__", "__x", "a:b", "9a", "a-b", "a b"})
    EXPECT_FALSE(CheckLabelName(bad)) << bad;
}

TEST(NamesTest, LabelNameListsRefuseABadNameAndARepeatedOne) {
  EXPECT_TRUE(CheckLabelNames(std::vector<std::string>{}));
  EXPECT_TRUE(CheckLabelNames(std::vector<std::string>{"operation", "outcome"}));
  EXPECT_FALSE(CheckLabelNames(std::vector<std::string>{"operation", "__outcome"}));
  auto twice = CheckLabelNames(std::vector<std::string>{"a", "b", "a"});
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("'a' given twice"), std::string::npos);
}

}  // namespace
}  // namespace scepgate::metrics
