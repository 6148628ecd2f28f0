// Records over a MemoryStore: serial forms, TTLs, filters and their refusals.
#include <gtest/gtest.h>

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
  EXPECT_TRUE(records.Certificates("", 0)->empty());
  EXPECT_EQ(records.Certificates("expired", 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(records.Certificates("valid", -1).error().code, ErrorCode::kInvalidArgument);
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
