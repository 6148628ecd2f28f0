// Settings, the secret file, the formatting helpers and the fake.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "common/utc_time.h"
#include "intune/fake_intune_api.h"
#include "intune/intune_client.h"
#include "intune/settings.h"

namespace scepgate::intune {
namespace {

TEST(IntuneSettingsTest, DefaultsAndChecks) {
  IntuneSettings s;
  EXPECT_EQ(s.IntuneScope(), "https://api.manage.microsoft.com//.default");
  EXPECT_EQ(CheckSettings(s).error().code, ErrorCode::kInvalidArgument);
  s.tenant = "contoso.onmicrosoft.com";
  s.client_id = "id";
  s.client_secret = "secret";
  EXPECT_TRUE(CheckSettings(s));
  s.login_base_url = "https://login.example";  // no trailing slash
  EXPECT_EQ(CheckSettings(s).error().code, ErrorCode::kInvalidArgument);
}

TEST(IntuneSettingsTest, LoadClientSecretRefusesAFileOthersMayRead) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "intune-secret-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  std::filesystem::path file = std::filesystem::path(tmpl) / "secret";
  std::ofstream(file) << "p@ss word\n";
  ::chmod(file.c_str(), 0644);
  auto open = LoadClientSecret(file);
  ASSERT_FALSE(open);
  EXPECT_EQ(open.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(open.error().message.find("p@ss"), std::string::npos);
  ::chmod(file.c_str(), 0600);
  auto secret = LoadClientSecret(file);
  ASSERT_TRUE(secret) << secret.error().message;
  EXPECT_EQ(*secret, "p@ss word");
  EXPECT_EQ(LoadClientSecret(std::filesystem::path(tmpl) / "none").error().code,
            ErrorCode::kNotFound);
  std::filesystem::remove_all(tmpl);
}

TEST(IntuneFormatTest, HexTimesAndCuts) {
  EXPECT_EQ(UpperHex("a1:b2 c3-d4"), "A1B2C3D4");
  EXPECT_EQ(FormatUtcTime(1796464800), "2026-12-05T10:00:00Z");
  EXPECT_EQ(CutToCharacters("h\xC3\xA9llo", 2), "h\xC3\xA9");
  EXPECT_EQ(CutToCharacters("abc", 5), "abc");
  EXPECT_EQ(ValidationCodeFromName("ChallengeExpired"), ValidationCode::kChallengeExpired);
  EXPECT_EQ(ValidationCodeFromName("challengeexpired"), ValidationCode::kUnknown);
  EXPECT_EQ(RevocationErrorCodeName(RevocationErrorCode::kConflictError), "ConflictError");
}

TEST(FakeIntuneApiTest, AnswersScriptedAndRecords) {
  FakeIntuneApi fake;
  Bytes csr{1, 2, 3};
  EXPECT_TRUE(fake.Validate("t", csr)->accepted());
  fake.SetAnswer(ValidationCode::kChallengeExpired, "expired");
  EXPECT_EQ(fake.Validate("t", csr)->code, ValidationCode::kChallengeExpired);
  fake.FailNext(Error::Unavailable("down"));
  EXPECT_EQ(fake.Validate("t", csr).error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(fake.validated().size(), 2u);
  fake.QueueRevocation({"c", "01", "CN=I", ""});
  EXPECT_EQ(fake.DownloadRevocations(1, std::nullopt)->size(), 1u);
  EXPECT_TRUE(fake.UploadRevocationResults({{"c", true, RevocationErrorCode::kNone, ""}}));
  EXPECT_TRUE(fake.DownloadRevocations(1, std::nullopt)->empty());
}

}  // namespace
}  // namespace scepgate::intune
