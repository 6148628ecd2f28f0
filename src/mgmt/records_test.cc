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
  EXPECT_EQ(records.Requests("", "no-such-device", 0).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(records.Requests("failed", "", 0)->empty());
  EXPECT_EQ(records.Events("lost", 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(records.Events("dead", 10)->empty());
  // Without a revoker nothing is revoked; a bad reason is named first.
  EXPECT_EQ(records.Revoke("0a", "sometimes").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(records.Revoke("0a", "").error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace scepgate::mgmt
