// The text helpers and the log formatter: nothing from a request can start a log line of its own.
#include "common/text.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/log.h"

namespace scepgate {
namespace {

TEST(TextTest, ControlsAreEscapedAndLongTextShortened) {
  EXPECT_EQ(EscapeControls("ab\ncd\r\x7f"), "ab\\x0acd\\x0d\\x7f");
  std::string with_nul = "a";
  with_nul += '\0';
  EXPECT_EQ(EscapeControls(with_nul), "a\\x00");
  EXPECT_EQ(EscapeControls("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 is kept
  EXPECT_EQ(Shortened("abcdef", 4), "abcd...(6 bytes)");
  EXPECT_EQ(Shortened("abc", 4), "abc");
  // Cut at a character boundary, never inside a UTF-8 sequence (a store of text refuses those).
  EXPECT_EQ(Shortened("ab\xC3\xBC", 3), "ab...(4 bytes)");
  EXPECT_EQ(Shortened("\xE2\x82\xAC\xE2\x82\xAC", 5), "\xE2\x82\xAC...(6 bytes)");
}

TEST(TextTest, JsonEscapingKeepsALineValid) {
  EXPECT_EQ(EscapeLogJson("a\"b\\c\nd"), "a\\\"b\\\\c\\u000ad");
}

// Runs InitLogging with stderr sent to a file, logs `message`, and returns what was written.
std::string LoggedAs(bool json, const std::string& message) {
  std::string path = ::testing::TempDir() + "/log-" + std::to_string(json) + ".txt";
  std::fflush(stderr);
  int saved = ::dup(2);
  int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  EXPECT_GE(file, 0);
  ::dup2(file, 2);
  ::close(file);
  spdlog::drop("scepgate");
  EXPECT_TRUE(InitLogging("info", json));
  spdlog::info("transaction_id={} done", message);
  spdlog::default_logger()->flush();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(LogTest, ANewlineInAValueCannotForgeALine) {
  const std::string forged = "abc\n2026-01-01T00:00:00.000Z info admin logged in\r";
  std::string text = LoggedAs(false, forged);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_NE(text.find("abc\\x0a2026"), std::string::npos) << text;
  std::string json = LoggedAs(true, forged);
  EXPECT_EQ(std::count(json.begin(), json.end(), '\n'), 1) << json;
  EXPECT_NE(json.find(R"("msg":"transaction_id=abc\u000a2026)"), std::string::npos) << json;
  spdlog::drop("scepgate");
}

}  // namespace
}  // namespace scepgate
