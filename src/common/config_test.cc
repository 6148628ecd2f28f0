#include "common/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "common/files.h"

namespace scepgate {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("sg_cfg_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  Result<Config> Load(std::string_view text) {
    auto p = dir_ / "scepgate.toml";
    EXPECT_TRUE(WriteFile(p, text));
    return LoadConfig(p);
  }
  std::filesystem::path dir_;
};

TEST_F(ConfigTest, DefaultTextParsesToDefaults) {
  auto c = Load(DefaultConfigText(""));
  ASSERT_TRUE(c) << c.error().message;
  Config d;
  EXPECT_EQ(c->listen, d.listen);
  EXPECT_EQ(c->scep_paths, d.scep_paths);
  EXPECT_EQ(c->max_request_line, d.max_request_line);
  EXPECT_EQ(c->max_body, d.max_body);
  EXPECT_EQ(c->challenge, "");
  EXPECT_EQ(c->min_rsa_bits, 2048);
  EXPECT_EQ(c->general_template.ekus, std::vector<std::string>{"clientAuth"});
  EXPECT_EQ(c->event_retention_days, 30);
}

TEST_F(ConfigTest, EventRetentionIsReadAndBounded) {
  auto keep = Load("[webhooks]\nretention_days = 0\n");
  ASSERT_TRUE(keep) << keep.error().message;
  EXPECT_EQ(keep->event_retention_days, 0);
  EXPECT_EQ(Load("[webhooks]\nretention_days = 7\n")->event_retention_days, 7);
  EXPECT_FALSE(Load("[webhooks]\nretention_days = -1\n"));
}

TEST_F(ConfigTest, ChallengeWithQuotesRoundTrips) {
  std::string secret = R"(a"b\c d)";
  auto c = Load(DefaultConfigText(secret));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->challenge, secret);
}

TEST_F(ConfigTest, RejectsUnknownKeysWrongTypesAndRanges) {
  auto unknown = Load("[server]\nlisen = \"x\"\n");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("server.lisen"), std::string::npos);
  EXPECT_FALSE(Load("[nope]\n"));
  EXPECT_FALSE(Load("[server]\nthreads = \"four\"\n"));
  EXPECT_FALSE(Load("[policy]\nmin_rsa_bits = 512\n"));
  EXPECT_FALSE(Load("[templates.general]\npurpose = \"other\"\n"));
  auto syntax = Load("[server\n");
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(ConfigTest, MissingFileIsNotFound) {
  EXPECT_EQ(LoadConfig(dir_ / "none.toml").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace scepgate
