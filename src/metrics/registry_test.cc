#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace scepgate::metrics {
namespace {

TEST(RegistryTest, RegisteringTheSameFamilyAgainReturnsTheFirst) {
  Registry registry;
  auto& a = registry.AddCounter("x_total", "Xs.", {"k"});
  auto& b = registry.AddCounter("x_total", "Xs.", {"k"});
  EXPECT_EQ(&a, &b);
  a.Inc({"v"});
  b.Inc({"v"}, 2);
  EXPECT_EQ(a.WithLabels({"v"}).Value(), 3u);
  auto& h1 = registry.AddHistogram("h_seconds", "H.", {1, 2});
  auto& h2 =
      registry.AddHistogram("h_seconds", "H.", {1, 2, std::numeric_limits<double>::infinity()});
  EXPECT_EQ(&h1, &h2);
  EXPECT_EQ(&registry.AddGauge("g", "G."), &registry.AddGauge("g", "G."));
}

TEST(RegistryTest, AHeldChildIsTheOneTheFamilyFinds) {
  Registry registry;
  auto& family = registry.AddCounter("x_total", "Xs.", {"a", "b"});
  Counter& held = family.WithLabels({"1", "2"});
  held.Inc();
  family.Inc({"1", "2"}, 4);
  EXPECT_EQ(&family.WithLabels({"1", "2"}), &held);
  EXPECT_EQ(held.Value(), 5u);
  EXPECT_NE(&family.WithLabels({"2", "1"}), &held);
  const std::vector<std::string_view> values = {"1", "2"};
  EXPECT_EQ(&family.WithLabels(std::span<const std::string_view>(values)), &held);
}

TEST(RegistryTest, UnlabelledFamiliesRenderZeroFromTheStart) {
  Registry registry;
  registry.AddCounter("c_total", "C.");
  registry.AddGauge("g", "G.");
  EXPECT_EQ(registry.Render(),
            "# HELP c_total C.\n# TYPE c_total counter\nc_total 0\n"
            "# HELP g G.\n# TYPE g gauge\ng 0\n");
}

TEST(RegistryTest, GaugesSetIncreaseAndDecrease) {
  Registry registry;
  auto& family = registry.AddGauge("backlog", "Backlog.", {"queue"});
  Gauge& g = family.WithLabels({"outbox"});
  g.Set(10);
  g.Inc();
  g.Inc(0.5);
  g.Dec(3);
  EXPECT_EQ(g.Value(), 8.5);
  family.Set({"crl"}, -std::numeric_limits<double>::infinity());
  family.Set({"nan"}, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(registry.Render(),
            "# HELP backlog Backlog.\n# TYPE backlog gauge\n"
            "backlog{queue=\"crl\"} -Inf\n"
            "backlog{queue=\"nan\"} NaN\n"
            "backlog{queue=\"outbox\"} 8.5\n");
}

TEST(RegistryTest, LabelValuesAndHelpAreEscapedInTheExposition) {
  Registry registry;
  registry.AddCounter("x_total", "Counts \\ things\nover two lines, \"quoted\".", {"path"})
      .Inc({"C:\\dir \"a\"\nb"});
  EXPECT_EQ(registry.Render(),
            "# HELP x_total Counts \\\\ things\\nover two lines, \"quoted\".\n"
            "# TYPE x_total counter\n"
            "x_total{path=\"C:\\\\dir \\\"a\\\"\\nb\"} 1\n");
}

TEST(RegistryTest, FamiliesRenderInRegistrationOrderAndSamplesInLabelOrder) {
  Registry registry;
  registry.AddGauge("zzz", "Z.").WithLabels().Set(1);
  auto& a = registry.AddCounter("aaa_total", "A.", {"k"});
  for (const char* k : {"b", "a", "c", "B", ""}) a.Inc({k});
  EXPECT_EQ(registry.Render(),
            "# HELP zzz Z.\n# TYPE zzz gauge\nzzz 1\n"
            "# HELP aaa_total A.\n# TYPE aaa_total counter\n"
            "aaa_total{k=\"\"} 1\naaa_total{k=\"B\"} 1\naaa_total{k=\"a\"} 1\n"
            "aaa_total{k=\"b\"} 1\naaa_total{k=\"c\"} 1\n");
}

TEST(CallbackGaugeTest, SamplesAreSortedAndThoseWithTheWrongLabelCountOrRepeatedAreDropped) {
  Registry registry;
  int calls = 0;
  registry.AddCallbackGauge("expiry_seconds", "Expiry.", {"ca", "kind"}, [&calls] {
    ++calls;
    return std::vector<GaugeSample>{{{"b", "root"}, 2},
                                    {{"a", "issuing"}, 1},
                                    {{"only one"}, 9},
                                    {{"b", "root"}, 3},
                                    {{"c", "x", "extra"}, 9}};
  });
  const std::string expected =
      "# HELP expiry_seconds Expiry.\n# TYPE expiry_seconds gauge\n"
      "expiry_seconds{ca=\"a\",kind=\"issuing\"} 1\n"
      "expiry_seconds{ca=\"b\",kind=\"root\"} 2\n";
  EXPECT_EQ(registry.Render(), expected);
  EXPECT_EQ(registry.Render(), expected);
  EXPECT_EQ(calls, 2);
}

TEST(CallbackGaugeTest, AFailingCollectorLeavesOnlyItsFamilyOut) {
  Registry registry;
  registry.AddCallbackGauge("failing", "Fails.", {}, []() -> Result<std::vector<GaugeSample>> {
    return Fail(Error::Unavailable("store down"));
  });
  registry.AddCallbackGauge("throwing", "Throws.", {}, []() -> Result<std::vector<GaugeSample>> {
    throw std::runtime_error("boom");
  });
  registry.AddCallbackGauge("empty", "Nothing now.", {"x"},
                            [] { return std::vector<GaugeSample>{}; });
  registry.AddGauge("after", "After.").WithLabels().Set(1);
  EXPECT_EQ(registry.Render(), "# HELP after After.\n# TYPE after gauge\nafter 1\n");
}

TEST(CallbackGaugeTest, ACollectorMayRegisterWhileTheRegistryRenders) {
  Registry registry;
  registry.AddCallbackGauge("outer", "Outer.", {}, [&registry] {
    registry.AddCounter("inner_total", "Inner.");
    return std::vector<GaugeSample>{{{}, 1}};
  });
  EXPECT_EQ(registry.Render(), "# HELP outer Outer.\n# TYPE outer gauge\nouter 1\n");
  EXPECT_NE(registry.Render().find("inner_total 0\n"), std::string::npos);
}

// Misuse aborts: the messages name what is wrong.
class RegistryDeathTest : public testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
  Registry registry_;
};

TEST_F(RegistryDeathTest, BadNamesAbort) {
  EXPECT_DEATH(registry_.AddCounter("bad-name_total", "X."), "bad metric name 'bad-name_total'");
  EXPECT_DEATH(registry_.AddGauge("g", "G.", {"__reserved"}), "bad label name '__reserved'");
  EXPECT_DEATH(registry_.AddGauge("g", "G.", {"a", "a"}), "label name 'a' given twice");
  EXPECT_DEATH(registry_.AddHistogram("h", "H.", {1}, {"le"}), "may not be named le");
  EXPECT_DEATH(registry_.AddHistogram("h", "H.", {2, 1}), "bucket bounds must ascend");
}

TEST_F(RegistryDeathTest, TheSameNameRegisteredDifferentlyAborts) {
  registry_.AddCounter("x_total", "Xs.", {"a"});
  EXPECT_DEATH(registry_.AddGauge("x_total", "Xs.", {"a"}), "x_total registered twice");
  EXPECT_DEATH(registry_.AddCounter("x_total", "Xs.", {"b"}), "x_total registered twice");
  EXPECT_DEATH(registry_.AddCounter("x_total", "Other help.", {"a"}), "x_total registered twice");
  registry_.AddHistogram("h", "H.", {1, 2});
  EXPECT_DEATH(registry_.AddHistogram("h", "H.", {1, 3}), "h registered twice");
  registry_.AddCallbackGauge("cb", "Cb.", {}, [] { return std::vector<GaugeSample>{}; });
  EXPECT_DEATH(
      registry_.AddCallbackGauge("cb", "Cb.", {}, [] { return std::vector<GaugeSample>{}; }),
      "cb registered twice");
  EXPECT_DEATH(registry_.AddGauge("cb", "Cb."), "cb registered twice");
}

TEST_F(RegistryDeathTest, ANameAHistogramRendersIsTaken) {
  registry_.AddHistogram("req_seconds", "H.", {1});
  EXPECT_DEATH(registry_.AddGauge("req_seconds_count", "G."),
               "req_seconds_count is a sample of histogram req_seconds");
  registry_.AddGauge("other_sum", "G.");
  EXPECT_DEATH(registry_.AddHistogram("other", "H.", {1}), "other_sum is a sample of gauge");
}

TEST_F(RegistryDeathTest, TheWrongNumberOfLabelValuesAborts) {
  auto& family = registry_.AddCounter("x_total", "Xs.", {"a", "b"});
  EXPECT_DEATH(family.Inc({"only one"}), "x_total takes 2 label values \\(a, b\\), given 1");
  EXPECT_DEATH(family.WithLabels(), "given 0");
  auto& gauge = registry_.AddGauge("g", "G.");
  EXPECT_DEATH(gauge.WithLabels({"x"}), "g takes 0 label values");
}

}  // namespace
}  // namespace scepgate::metrics
