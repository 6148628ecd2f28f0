#include "metrics/text_format.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace scepgate::metrics {
namespace {

TEST(FormatValueTest, SpecialValuesAreWrittenAsPrometheusReadsThem) {
  EXPECT_EQ(FormatValue(INFINITY), "+Inf");
  EXPECT_EQ(FormatValue(-INFINITY), "-Inf");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(FormatValue(0.0), "0");
  EXPECT_EQ(FormatValue(-0.0), "0");
}

TEST(FormatValueTest, WholeNumbersHaveNoExponentAndNoFraction) {
  EXPECT_EQ(FormatValue(1), "1");
  EXPECT_EQ(FormatValue(-42), "-42");
  EXPECT_EQ(FormatValue(1e6), "1000000");
  EXPECT_EQ(FormatValue(315360000), "315360000");
  EXPECT_EQ(FormatValue(9007199254740992.0), "9007199254740992");          // 2^53
  EXPECT_EQ(FormatValue(1e18), "1000000000000000000");                     // below 2^63
  EXPECT_EQ(FormatValue(-9223372036854774784.0), "-9223372036854774784");  // largest below 2^63
  EXPECT_EQ(FormatValue(1e20), "1e+20");                                   // beyond: shortest
}

TEST(FormatValueTest, FractionsAreTheShortestFormThatReadsBackTheSame) {
  EXPECT_EQ(FormatValue(0.5), "0.5");
  EXPECT_EQ(FormatValue(0.001), "0.001");
  EXPECT_EQ(FormatValue(0.1), "0.1");
  EXPECT_EQ(FormatValue(2.5), "2.5");
  EXPECT_EQ(FormatValue(-1.25), "-1.25");
  EXPECT_EQ(FormatValue(0.0001), "0.0001");
  EXPECT_EQ(FormatValue(0.000001), "0.000001");
  EXPECT_EQ(FormatValue(1e-7), "1e-07");
  EXPECT_EQ(FormatValue(-2.5e-9), "-2.5e-09");
  EXPECT_EQ(FormatValue(0.1 + 0.2), "0.30000000000000004");
  for (double v : {0.1 + 0.2, 1.0 / 3, 1e-300, 123456.789, 5e-324, -2.5e300}) {
    const std::string text = FormatValue(v);
    double back = 0;
    std::from_chars(text.data(), text.data() + text.size(), back);
    EXPECT_EQ(back, v) << text;
  }
}

TEST(FormatCountTest, CountsAreDecimalDigits) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(800000), "800000");
  EXPECT_EQ(FormatCount(18446744073709551615ULL), "18446744073709551615");
}

TEST(EscapeTest, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(EscapeLabelValue("plain value"), "plain value");
  EXPECT_EQ(EscapeLabelValue("C:\\ca\\root"), "C:\\\\ca\\\\root");
  EXPECT_EQ(EscapeLabelValue("CN=\"x\""), "CN=\\\"x\\\"");
  EXPECT_EQ(EscapeLabelValue("line1\nline2"), "line1\\nline2");
  EXPECT_EQ(EscapeLabelValue("\\n"), "\\\\n");  // a backslash then n, not a newline
  EXPECT_EQ(EscapeLabelValue("tab\there"), "tab\there");
  EXPECT_EQ(EscapeLabelValue(""), "");
}

TEST(EscapeTest, HelpEscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(EscapeHelp("Requests \"answered\".\nSee C:\\docs."),
            "Requests \"answered\".\\nSee C:\\\\docs.");
}

TEST(EscapeTest, ValidUtf8IsKeptAndInvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(EscapeLabelValue("Gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x94\x91"),
            "Gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x94\x91");
  const std::string kFffd = "\xef\xbf\xbd";
  EXPECT_EQ(EscapeLabelValue("a\xff"
                             "b"),
            "a" + kFffd + "b");
  EXPECT_EQ(EscapeLabelValue("\xc3"), kFffd);                          // truncated sequence
  EXPECT_EQ(EscapeLabelValue("\xc0\xaf"), kFffd + kFffd);              // overlong '/'
  EXPECT_EQ(EscapeLabelValue("\xed\xa0\x80"), kFffd + kFffd + kFffd);  // a surrogate
  EXPECT_EQ(EscapeHelp("x\x80"), "x" + kFffd);
}

TEST(AppendTest, HeaderAndSampleLines) {
  std::string out;
  AppendHeader(out, "m", "Help with \\ and\nnewline.", "counter");
  EXPECT_EQ(out, "# HELP m Help with \\\\ and\\nnewline.\n# TYPE m counter\n");
  const std::vector<std::string> names = {"a", "b"};
  const std::vector<std::string> values = {"x\"y", ""};
  out.clear();
  AppendSample(out, "m", names, values, "7");
  AppendSample(out, "m_bucket", names, values, "7", "0.5");
  AppendSample(out, "m", {}, {}, "1");
  AppendSample(out, "m_bucket", {}, {}, "1", "+Inf");
  EXPECT_EQ(out,
            "m{a=\"x\\\"y\",b=\"\"} 7\n"
            "m_bucket{a=\"x\\\"y\",b=\"\",le=\"0.5\"} 7\n"
            "m 1\n"
            "m_bucket{le=\"+Inf\"} 1\n");
}

}  // namespace
}  // namespace scepgate::metrics
