// Conditional GET: HTTP dates in the three forms, and the 304 decision.
#include "http/conditional.h"

#include <gtest/gtest.h>

namespace scepgate::http {
namespace {

constexpr int64_t kRfcExample = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110 §5.6.7)

TEST(HttpDateTest, WritesImfFixdate) {
  EXPECT_EQ(HttpDate(kRfcExample), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(HttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(HttpDate(1795996800), "Mon, 30 Nov 2026 00:00:00 GMT");
}

TEST(HttpDateTest, ReadsTheThreeFormsAndRoundTrips) {
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), kRfcExample);
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), kRfcExample);
  EXPECT_EQ(ParseHttpDate("Sun Nov  6 08:49:37 1994"), kRfcExample);
  EXPECT_EQ(ParseHttpDate("Sun Nov 16 08:49:37 1994"), kRfcExample + 10 * 86400);
  for (int64_t t : {int64_t{0}, kRfcExample, int64_t{1795996800}, int64_t{4102444799}})
    EXPECT_EQ(ParseHttpDate(HttpDate(t)), t) << t;
}

TEST(HttpDateTest, RefusesWhatIsNotADate) {
  for (const char* bad :
       {"", "yesterday", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT trailing", "Sun Nov  6 08:49:37", "Sun,"})
    EXPECT_FALSE(ParseHttpDate(bad)) << bad;
}

Request WithHeaders(std::vector<std::pair<std::string, std::string>> headers) {
  Request r;
  r.method = "GET";
  r.headers = std::move(headers);
  return r;
}

TEST(NotModifiedTest, IfNoneMatchDecidesWhenPresent) {
  Validators v{"\"abc-7\"", kRfcExample};
  EXPECT_FALSE(NotModified(WithHeaders({}), v));
  EXPECT_TRUE(NotModified(WithHeaders({{"if-none-match", "\"abc-7\""}}), v));
  EXPECT_TRUE(NotModified(WithHeaders({{"if-none-match", "W/\"abc-7\""}}), v)) << "weak compare";
  EXPECT_TRUE(NotModified(WithHeaders({{"if-none-match", "\"x\", \"abc-7\""}}), v));
  EXPECT_TRUE(
      NotModified(WithHeaders({{"if-none-match", "\"x\""}, {"if-none-match", "\"abc-7\""}}), v));
  EXPECT_TRUE(NotModified(WithHeaders({{"if-none-match", "*"}}), v));
  EXPECT_FALSE(NotModified(WithHeaders({{"if-none-match", "\"abc-6\""}}), v));
  // A stale tag wins over a date that would match: If-Modified-Since is ignored then.
  EXPECT_FALSE(NotModified(WithHeaders({{"if-none-match", "\"abc-6\""},
                                        {"if-modified-since", HttpDate(kRfcExample + 60)}}),
                           v));
}

TEST(NotModifiedTest, IfModifiedSinceComparesDates) {
  Validators v{"\"abc-7\"", kRfcExample};
  EXPECT_TRUE(NotModified(WithHeaders({{"if-modified-since", HttpDate(kRfcExample)}}), v));
  EXPECT_TRUE(NotModified(WithHeaders({{"if-modified-since", HttpDate(kRfcExample + 1)}}), v));
  EXPECT_FALSE(NotModified(WithHeaders({{"if-modified-since", HttpDate(kRfcExample - 1)}}), v));
  EXPECT_FALSE(NotModified(WithHeaders({{"if-modified-since", "not a date"}}), v));
}

TEST(NotModifiedTest, TheAnswerCarriesTheValidatorsAndNoBody) {
  Validators v{"\"abc-7\"", kRfcExample};
  Response r = NotModifiedResponse(v, "public, no-cache");
  EXPECT_EQ(r.status, 304);
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(r.content_type.empty());
  EXPECT_EQ(r.headers, (std::vector<std::pair<std::string, std::string>>{
                           {"ETag", "\"abc-7\""},
                           {"Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"},
                           {"Cache-Control", "public, no-cache"}}));
}

}  // namespace
}  // namespace scepgate::http
