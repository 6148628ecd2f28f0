// Base fixture for tests that drive the real `scepgate` CLI against a running gateway's data dir:
// run a command and expect success (text or parsed --json), or expect a clean refusal.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "server_process.h"

namespace scepgate::testing {

using Args = std::vector<std::string>;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ServerProcess::Start({{"--challenge", "x"}, {}});
    ASSERT_TRUE(s) << s.error().message;
    server_ = std::move(*s);
  }

  // Runs the command, expects success, returns stdout.
  std::string Ok(const Args& args) {
    std::string out, err;
    EXPECT_EQ(server_->Cli(args, &out, &err), 0) << Describe(args) << ": " << err;
    return out;
  }
  // Runs the command with --json, expects success, returns the parsed output.
  nlohmann::json Json(Args args) {
    args.push_back("--json");
    std::string out = Ok(args);
    auto parsed = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(parsed.is_discarded()) << Describe(args) << " printed: " << out;
    return parsed;
  }
  // Expects exit code 1 and "scepgate: ...<want>..." on stderr.
  void Fails(const Args& args, const std::string& want) {
    std::string out, err;
    EXPECT_EQ(server_->Cli(args, &out, &err), 1) << Describe(args) << ": " << out;
    EXPECT_TRUE(err.starts_with("scepgate: ")) << Describe(args) << ": " << err;
    EXPECT_NE(err.find(want), std::string::npos) << Describe(args) << ": " << err;
  }
  // Expects exit code 2 (a usage error) and "scepgate: ...<want>..." on stderr.
  void Misused(const Args& args, const std::string& want) {
    std::string out, err;
    EXPECT_EQ(server_->Cli(args, &out, &err), 2) << Describe(args) << ": " << out << err;
    EXPECT_TRUE(err.starts_with("scepgate: ")) << Describe(args) << ": " << err;
    EXPECT_NE(err.find(want), std::string::npos) << Describe(args) << ": " << err;
  }
  static std::string Describe(const Args& args) {
    std::string s = "scepgate";
    for (const auto& a : args) s += " " + a;
    return s;
  }
  // Adds a device and returns its id (the only thing `device add` prints).
  std::string AddDevice(const Args& flags) {
    Args args = {"device", "add"};
    args.insert(args.end(), flags.begin(), flags.end());
    std::string out = Ok(args);
    if (!out.empty() && out.back() == '\n') out.pop_back();
    EXPECT_EQ(out.size(), 36u) << out;
    return out;
  }

  std::unique_ptr<ServerProcess> server_;
};

}  // namespace scepgate::testing
