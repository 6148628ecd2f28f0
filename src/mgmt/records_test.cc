// Records over a MemoryStore: serial forms, TTLs, filters and their refusals.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "mgmt/challenges.h"
#include "mgmt/records.h"
#include "store/memory_store.h"

namespace scepgate::mgmt {
namespace {

TEST(RecordsTest, SerialsArePastedInAnyForm) {
  EXPECT_EQ(NormalizeSerial("0A:1B"), "a1b");
  EXPECT_EQ(NormalizeSerial("0x00ff"), "ff");
  EXPECT_EQ(NormalizeSerial("000"), "0");
}

TEST(RecordsTest, ChallengeTtlsHaveUnits) {
  EXPECT_EQ(*ParseChallengeTtl("90s"), 90);
  EXPECT_EQ(*ParseChallengeTtl("60"), 3600);
  EXPECT_EQ(*ParseChallengeTtl("2h"), 7200);
  EXPECT_EQ(*ParseChallengeTtl("1d"), 86400);
  EXPECT_EQ(*ParseChallengeTtl("31d"), 31 * 86400);  // out of range: Challenges::Issue says so
  for (const char* bad : {"", "0", "-1m", "5w", "m", "1.5h", "1000000000d"})
    EXPECT_FALSE(ParseChallengeTtl(bad)) << bad;
}

TEST(RecordsTest, FiltersAreCheckedAndUnknownThingsAreNotFound) {
  store::MemoryStore store;
  Records records(store);
  EXPECT_TRUE(records.CertificatePage({})->items.empty());
  auto page_of = [&](auto set) {
    CertQuery q;
    set(q);
    return records.CertificatePage(q);
  };
  for (auto bad : std::vector<std::function<void(CertQuery&)>>{
           [](CertQuery& q) { q.status = "expired"; }, [](CertQuery& q) { q.limit = -1; },
           [](CertQuery& q) { q.serial_prefix = "0xzz"; },
           [](CertQuery& q) { q.issued_after = "yesterday"; },
           [](CertQuery& q) { q.issued_before = "2026-02-30"; },
           [](CertQuery& q) { q.cursor = "12"; }, [](CertQuery& q) { q.cursor = "1.-2"; }}) {
    auto r = page_of(bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().message;
  }
  EXPECT_EQ(records.Certificate("0a").error().code, ErrorCode::kNotFound);
  auto requests = [&](const std::function<void(RequestQuery&)>& set) {
    RequestQuery q;
    set(q);
    return records.RequestPage(q);
  };
  EXPECT_EQ(requests([](RequestQuery& q) { q.device = "no-such-device"; }).error().code,
            ErrorCode::kNotFound);
  EXPECT_TRUE(requests([](RequestQuery& q) { q.state = "failed"; })->items.empty());
  for (auto bad : std::vector<std::function<void(RequestQuery&)>>{
           [](RequestQuery& q) { q.created_after = "soon"; },
           [](RequestQuery& q) { q.created_before = "2026-13-01"; },
           [](RequestQuery& q) { q.cursor = "7"; }, [](RequestQuery& q) { q.limit = -1; }}) {
    EXPECT_EQ(requests(bad).error().code, ErrorCode::kInvalidArgument);
  }
  auto events = [&](const std::string& state, const std::string& cursor, int limit) {
    EventQuery q;
    q.state = state;
    q.cursor = cursor;
    q.limit = limit;
    return records.EventPage(q);
  };
  EXPECT_EQ(events("lost", "", 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(events("", "0", 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(events("", "x1", 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(events("dead", "", 10)->items.empty());
  // Without a revoker nothing is revoked; a bad reason is named first.
  EXPECT_EQ(records.Revoke("0a", "sometimes").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(records.Revoke("0a", "").error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace scepgate::mgmt
