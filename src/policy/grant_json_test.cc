#include "policy/grant_json.h"

#include <gtest/gtest.h>

namespace scepgate::policy {
namespace {

TEST(GrantJsonTest, EveryFieldSurvivesTheRoundTrip) {
  Grant g;
  g.device_id = "dev-1";
  g.user_upn = "ana@example.com";
  g.profile = "Wi-Fi \"corp\"";
  g.challenge_id = "abc";
  g.consume_challenge = true;
  g.purpose = "signature";
  g.ekus = {"1.3.6.1.5.5.7.3.2", "serverAuth"};
  g.validity_days = 90;
  g.supersedes = "0a1b";
  g.hold_for_approval = true;
  auto back = GrantFromJson(GrantToJson(g));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->device_id, g.device_id);
  EXPECT_EQ(back->user_upn, g.user_upn);
  EXPECT_EQ(back->profile, g.profile);
  EXPECT_EQ(back->challenge_id, g.challenge_id);
  EXPECT_TRUE(back->consume_challenge);
  EXPECT_EQ(back->purpose, g.purpose);
  EXPECT_EQ(back->ekus, g.ekus);
  EXPECT_EQ(back->validity_days, 90);
  EXPECT_EQ(back->supersedes, g.supersedes);
  EXPECT_TRUE(back->hold_for_approval);
}

TEST(GrantJsonTest, UnsetOptionalsStayUnset) {
  auto back = GrantFromJson(GrantToJson(Grant{}));
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->purpose);
  EXPECT_FALSE(back->supersedes);
  EXPECT_FALSE(back->consume_challenge);
}

TEST(GrantJsonTest, DamagedRowsAreInternalErrors) {
  for (const char* bad : {"", "[]", "{", R"({"device_id":"x"})", R"({"device_id":1})"}) {
    auto g = GrantFromJson(bad);
    ASSERT_FALSE(g) << bad;
    EXPECT_EQ(g.error().code, ErrorCode::kInternal) << bad;
  }
}

}  // namespace
}  // namespace scepgate::policy
