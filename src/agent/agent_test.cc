// scepgate-agent's logic without a network or a clock: URL selection by mode, failover and retry
// counting (with a fake attempt and a sleeper that never sleeps), the renewal decision, the
// payload and state documents.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "agent/agent.h"
#include "agent/failover.h"
#include "agent/payload.h"
#include "agent/test_util.h"
#include "agent/url_plan.h"

namespace scepgate::agent {
namespace {

using namespace test;  // NOLINT(google-build-using-namespace): shared test helpers

using Strings = std::vector<std::string>;
const Strings kUrls = {"http://a/scep", "http://b/scep", "http://c/scep"};

// --- URL selection ----------------------------------------------------------------------------

TEST(UrlPlanTest, WindowsTriesThePayloadOrderEveryRound) {
  FakeRandom random;
  auto plan = UrlPlan::Make("windows", kUrls, random);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->Round(), kUrls);
  plan->Answered("http://b/scep");  // no stickiness on Windows
  EXPECT_EQ(plan->Round(), kUrls);
}

TEST(UrlPlanTest, IosCarriesExactlyOneUrl) {
  FakeRandom random;
  auto plan = UrlPlan::Make("ios", {"http://a/scep"}, random);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->Round(), Strings{"http://a/scep"});
  auto two = UrlPlan::Make("ios", {"http://a/scep", "http://b/scep"}, random);
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().code, ErrorCode::kInvalidArgument);
}

TEST(UrlPlanTest, AndroidShufflesThenSticksToTheUrlThatAnswered) {
  FakeRandom random(7);
  auto plan = UrlPlan::Make("android", kUrls, random);
  ASSERT_TRUE(plan);
  Strings round = plan->Round();
  Strings sorted = round;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, kUrls);  // a permutation
  plan->Answered(round[1]);
  EXPECT_EQ(plan->Round(), Strings{round[1]});
  plan->Answered(round[2]);  // the first one to answer stays
  EXPECT_EQ(plan->Round(), Strings{round[1]});
}

TEST(UrlPlanTest, AndroidShuffleVariesWithRandomness) {
  std::set<Strings> seen;
  for (uint8_t seed = 0; seed < 40; ++seed) {
    FakeRandom random(seed);
    seen.insert(UrlPlan::Make("android", kUrls, random)->Round());
  }
  EXPECT_GT(seen.size(), 1u);
}

TEST(UrlPlanTest, RejectsEmptyListAndUnknownMode) {
  FakeRandom random;
  EXPECT_FALSE(UrlPlan::Make("windows", {}, random));
  EXPECT_FALSE(UrlPlan::Make("symbian", kUrls, random));
}

// --- failover and retries ---------------------------------------------------------------------

// Answers per URL from a script: "dead" (nothing listens), "503" (answers, retryable), "refuse"
// (the gateway refuses: fatal), "ok".
class ScriptedAttempts {
 public:
  explicit ScriptedAttempts(std::map<std::string, std::string> script)
      : script_(std::move(script)) {}
  std::expected<Issued, AttemptError> operator()(const std::string& url) {
    tried.push_back(url);
    const std::string& what = script_.at(url);
    if (what == "ok") return Issued{};
    if (what == "dead")
      return std::unexpected(AttemptError{Error::Io("refused"), true, false, 0, ""});
    if (what == "503")
      return std::unexpected(AttemptError{Error::BadRequest("HTTP 503"), true, true, 503, ""});
    return std::unexpected(AttemptError{Error::PolicyDenied("refused"), false, true, 200,
                                        "badRequest: ChallengeExpired"});
  }
  Strings tried;

 private:
  std::map<std::string, std::string> script_;
};

struct Run {
  Result<FailoverResult> result;
  Strings tried;
  std::vector<int64_t> waits;
  std::vector<Event> events;
};

Run RunScript(const std::string& mode, const Strings& urls,
              std::map<std::string, std::string> script, RetryPolicy policy,
              std::optional<size_t> stop_after = std::nullopt) {
  FakeRandom random;
  auto plan = UrlPlan::Make(mode, urls, random);
  EXPECT_TRUE(plan);
  FakeSleeper sleeper;
  sleeper.stop_after = stop_after;
  RecordingEvents events;
  ScriptedAttempts attempts(std::move(script));
  auto r = RunWithFailover(*plan, policy, sleeper, events,
                           [&](const std::string& url) { return attempts(url); });
  return {std::move(r), attempts.tried, sleeper.waits, events.events};
}

TEST(FailoverTest, WindowsSkipsADeadUrlWithoutWaiting) {
  auto r = RunScript("windows", {"http://dead/", "http://live/"},
                     {{"http://dead/", "dead"}, {"http://live/", "ok"}}, {3, 60});
  ASSERT_TRUE(r.result) << r.result.error().message;
  EXPECT_EQ(r.result->url, "http://live/");
  EXPECT_EQ(r.result->retries, 0);
  EXPECT_EQ(r.tried, (Strings{"http://dead/", "http://live/"}));
  EXPECT_TRUE(r.waits.empty());
  EXPECT_EQ(Count(r.events, kEnrollFailed), 1u);
}

TEST(FailoverTest, AndroidReachesTheLiveUrlWhateverTheShuffle) {
  auto r = RunScript("android", {"http://dead/", "http://live/"},
                     {{"http://dead/", "dead"}, {"http://live/", "ok"}}, {3, 60});
  ASSERT_TRUE(r.result) << r.result.error().message;
  EXPECT_EQ(r.result->url, "http://live/");
  EXPECT_TRUE(r.waits.empty());
}

TEST(FailoverTest, EveryRoundFailingRetriesCountTimesDelayApart) {
  auto r = RunScript("windows", {"http://a/", "http://b/"},
                     {{"http://a/", "dead"}, {"http://b/", "503"}}, {3, 7});
  ASSERT_FALSE(r.result);
  EXPECT_EQ(r.result.error().code, ErrorCode::kIo);
  EXPECT_NE(r.result.error().message.find("after 8 attempt(s) in 4 round(s)"), std::string::npos)
      << r.result.error().message;
  EXPECT_EQ(r.tried.size(), 8u);
  EXPECT_EQ(r.waits, (std::vector<int64_t>{7, 7, 7}));
  EXPECT_EQ(Count(r.events, kEnrollFailed), 8u);
  EXPECT_EQ(Count(r.events, kRetryScheduled), 3u);
  // The 503 is reported with its status.
  bool status_seen = false;
  for (const Event& e : r.events)
    for (const auto& [k, v] : e.numbers) status_seen |= k == "http_status" && v == 503;
  EXPECT_TRUE(status_seen);
}

TEST(FailoverTest, SucceedsOnALaterRoundAndCountsTheRetries) {
  FakeRandom random;
  auto plan = UrlPlan::Make("ios", {"http://a/"}, random);
  FakeSleeper sleeper;
  RecordingEvents events;
  int calls = 0;
  auto r = RunWithFailover(
      *plan, {3, 1}, sleeper, events,
      [&](const std::string&) -> std::expected<Issued, AttemptError> {
        if (++calls < 3)
          return std::unexpected(AttemptError{Error::Io("down"), true, false, 0, ""});
        return Issued{};
      });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->retries, 2);
  EXPECT_EQ(sleeper.waits.size(), 2u);
}

TEST(FailoverTest, IosWithItsOneUrlDeadFails) {
  auto r = RunScript("ios", {"http://dead/"}, {{"http://dead/", "dead"}}, {3, 0});
  ASSERT_FALSE(r.result);
  EXPECT_EQ(r.tried.size(), 4u);
}

TEST(FailoverTest, AFatalRefusalEndsAtOnce) {
  auto r = RunScript("windows", {"http://a/", "http://b/"},
                     {{"http://a/", "refuse"}, {"http://b/", "ok"}}, {3, 60});
  ASSERT_FALSE(r.result);
  EXPECT_EQ(r.result.error().code, ErrorCode::kPolicyDenied);
  EXPECT_EQ(r.tried, Strings{"http://a/"});
  EXPECT_TRUE(r.waits.empty());
  ASSERT_EQ(Count(r.events, kEnrollFailed), 1u);
  EXPECT_EQ(r.events[0].fields.back().second, "badRequest: ChallengeExpired");
}

TEST(FailoverTest, AndroidKeepsTheUrlThatAnsweredForTheRetries) {
  auto r = RunScript("android", {"http://a/", "http://b/"},
                     {{"http://a/", "503"}, {"http://b/", "503"}}, {2, 0});
  ASSERT_FALSE(r.result);
  // Round 1 stops at the first URL's answer? No: it answered, failed, and the round goes on to the
  // next URL; from round 2 on only the first URL that answered is tried.
  ASSERT_GE(r.tried.size(), 2u);
  std::string sticky = r.tried[0];
  EXPECT_EQ(r.tried.size(), 4u);  // 2 in round 1, then 1 per retry
  EXPECT_EQ(r.tried[2], sticky);
  EXPECT_EQ(r.tried[3], sticky);
}

TEST(FailoverTest, StopDuringAWaitEndsTheLoop) {
  auto r = RunScript("ios", {"http://a/"}, {{"http://a/", "dead"}}, {3, 5}, /*stop_after=*/1);
  ASSERT_FALSE(r.result);
  EXPECT_EQ(r.result.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(r.tried.size(), 1u);
}

// --- renewal decision -------------------------------------------------------------------------

TEST(RenewalDueTest, ComparesTheRemainingShareWithTheThreshold) {
  // Lifetime 100 s from t=1000.
  EXPECT_FALSE(RenewalDue(1000, 1100, 1010, 20));  // 90% left
  EXPECT_FALSE(RenewalDue(1000, 1100, 1080, 20));  // exactly 20% left
  EXPECT_TRUE(RenewalDue(1000, 1100, 1081, 20));   // 19% left
  EXPECT_TRUE(RenewalDue(1000, 1100, 1000, 100));  // 100%: at once
  EXPECT_TRUE(RenewalDue(1000, 1100, 1200, 1));    // expired
  EXPECT_TRUE(RenewalDue(1000, 1000, 1000, 20));   // no lifetime
}

// --- payload and state ------------------------------------------------------------------------

TEST(PayloadTest, ParsesEveryField) {
  auto p = ParsePayload(PayloadText());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->mode, "windows");
  EXPECT_EQ(p->urls.size(), 2u);
  EXPECT_EQ(p->challenge, "s3cret");
  ASSERT_EQ(p->subject_rdns.size(), 2u);
  EXPECT_EQ(p->subject_rdns[1].size(), 2u);
  EXPECT_EQ(p->key_usage, 160u);
  EXPECT_EQ(p->retry_count, 2);
  EXPECT_EQ(p->ca_sha256, kThumb);
}

TEST(PayloadTest, RefusesWhatCannotWork) {
  EXPECT_FALSE(ParsePayload("not json"));
  EXPECT_FALSE(ParsePayload(R"({"mode":"windows","urls":[],"ca_thumbprint_sha256":")" +
                            std::string(kThumb) + "\"}"));
  auto mode = ParsePayload(PayloadText(R"(,"mode":"palm")"));
  // A duplicate key keeps the last value in nlohmann::json.
  ASSERT_FALSE(mode);
  EXPECT_NE(mode.error().message.find("mode"), std::string::npos);
  auto thumb = ParsePayload(R"({"mode":"ios","urls":["http://a/"],"subject_rdns":[[["CN","x"]]],)"
                            R"("ca_thumbprint_sha256":"abc"})");
  ASSERT_FALSE(thumb);
  EXPECT_NE(thumb.error().message.find("ca_thumbprint_sha256"), std::string::npos);
}

TEST(PayloadTest, StateKeepsEverythingButTheChallenge) {
  auto p = ParsePayload(PayloadText());
  ASSERT_TRUE(p);
  std::string state = StateJson(*p);
  EXPECT_EQ(state.find("s3cret"), std::string::npos);
  auto back = ParsePayload(state);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(back->challenge.empty());
  EXPECT_EQ(back->urls, p->urls);
  EXPECT_EQ(back->subject_rdns, p->subject_rdns);
  EXPECT_EQ(back->renewal_threshold, 20);
}

TEST(PayloadTest, SubjectNameKeepsDerOrderAndMultiValuedRdns) {
  auto p = ParsePayload(PayloadText());
  auto name = SubjectName(p->subject_rdns);
  ASSERT_TRUE(name);
  ASSERT_EQ(X509_NAME_entry_count(name->get()), 3);
  EXPECT_EQ(OBJ_obj2nid(X509_NAME_ENTRY_get_object(X509_NAME_get_entry(name->get(), 0))),
            NID_organizationName);
  EXPECT_EQ(X509_NAME_ENTRY_set(X509_NAME_get_entry(name->get(), 1)),
            X509_NAME_ENTRY_set(X509_NAME_get_entry(name->get(), 2)));
  EXPECT_FALSE(SubjectName({{{"NoSuchAttribute", "x"}}}));
}

}  // namespace
}  // namespace scepgate::agent
