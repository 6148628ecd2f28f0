// IntuneClient when things go wrong: a revoked token, a 5xx, a relocated service, a slow answer.
#include <chrono>

#include "intune/client_fixture.h"

namespace scepgate::intune {
namespace {

using testing::Fault;
using testing::FaultKind;

TEST_F(IntuneClientTest, UnauthorizedFetchesANewTokenAndRetriesOnce) {
  Bytes csr = CsrWithChallenge("CN=d");
  ASSERT_TRUE(intune_->Validate("t1", csr));
  standin_->InjectFault(Endpoint::kValidate, {FaultKind::kUnauthorized, 1});
  auto answer = intune_->Validate("t2", csr);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_TRUE(answer->accepted());
  auto calls = standin_->Calls(Endpoint::kValidate);
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[1].status, 401);
  EXPECT_EQ(calls[2].status, 200);
  EXPECT_NE(Header(calls[1], "authorization"), Header(calls[2], "authorization"));
  EXPECT_NE(calls[1].client_request_id, calls[2].client_request_id);
  EXPECT_EQ(CountCalls(Endpoint::kToken), 3u);  // Graph, Intune, Intune again

  standin_->InjectFault(Endpoint::kValidate, {FaultKind::kUnauthorized, 2});
  auto twice = intune_->Validate("t3", csr);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::kPermissionDenied);
}

TEST_F(IntuneClientTest, ServerErrorClearsTheMapAndTheNextCallFollowsARelocation) {
  Bytes csr = CsrWithChallenge("CN=d");
  ASSERT_TRUE(intune_->Validate("t1", csr));
  EXPECT_EQ(CountCalls(Endpoint::kDiscovery), 1u);

  standin_->InjectFault(Endpoint::kValidate, {FaultKind::kServerError, 1, 503});
  auto failed = intune_->Validate("t2", csr);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(failed.error().message.find("503"), std::string::npos);

  standin_->RelocateServices();  // the old URIs now answer 404
  auto moved = intune_->Validate("t3", csr);
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_TRUE(moved->accepted());
  EXPECT_EQ(CountCalls(Endpoint::kDiscovery), 2u);
  EXPECT_NE(standin_->Calls(Endpoint::kValidate).back().path.find("/moved-1/"), std::string::npos);

  standin_->RelocateServices();  // a cached map now points at 404s: fail, then rediscover
  auto stale = intune_->Validate("t4", csr);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::kUnavailable);
  auto again = intune_->Validate("t5", csr);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(CountCalls(Endpoint::kDiscovery), 3u);
}

TEST_F(IntuneClientTest, ASlowAnswerIsUnavailableAfterTheTimeout) {
  auto impatient = MakeClient(std::chrono::seconds(1));
  Bytes csr = CsrWithChallenge("CN=d");
  ASSERT_TRUE(impatient->Validate("t1", csr));
  standin_->InjectFault(Endpoint::kValidate, {FaultKind::kDelay, 1, 0, 4000});
  auto start = std::chrono::steady_clock::now();
  auto answer = impatient->Validate("t2", csr);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::kUnavailable);
  EXPECT_GE(seconds, 0.9);
  EXPECT_LT(seconds, 2.5);
}

TEST_F(IntuneClientTest, AWrongSecretIsRefusedWithoutQuotingIt) {
  IntuneSettings s = intune_->settings();
  s.client_secret = "w r&o=n+g%secret";
  auto wrong = IntuneClient::Make(s);
  ASSERT_TRUE(wrong);
  auto answer = (*wrong)->Validate("t", CsrWithChallenge("CN=d"));
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(answer.error().message.find("w r&o=n+g%secret"), std::string::npos);
  // The secret went form-encoded: the stand-in decoded it and found it wrong, not malformed.
  EXPECT_EQ(standin_->Calls(Endpoint::kToken).back().status, 401);
}

}  // namespace
}  // namespace scepgate::intune
