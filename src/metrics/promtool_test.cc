// Prometheus's own checker reads the exposition: `promtool check metrics` (from the Debian
// package prometheus, installed by scripts/setup.sh) parses it and lints it. The tests fail, and
// do not skip, when promtool is not on PATH.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "metrics/registry.h"

namespace scepgate::metrics {
namespace {

struct Outcome {
  int exit_code = -1;  // -1: did not exit normally
  std::string output;  // stdout and stderr
};

// Runs `command` with /bin/sh, collecting its output.
Outcome RunShell(const std::string& command) {
  Outcome outcome;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return outcome;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) outcome.output.append(buf, n);
  const int status = pclose(pipe);
  if (status != -1 && WIFEXITED(status)) outcome.exit_code = WEXITSTATUS(status);
  return outcome;
}

// `s` quoted for /bin/sh.
std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A file holding `text`, removed when the object goes.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    std::string pattern = (std::filesystem::temp_directory_path() / "metrics_XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    EXPECT_GE(fd, 0);
    if (fd >= 0) close(fd);
    path_ = pattern;
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// What `promtool check metrics < file-with-text` says; fails the test when promtool is missing.
Outcome PromtoolCheck(const std::string& text) {
  const Outcome which = RunShell("command -v promtool");
  if (which.exit_code != 0) {
    ADD_FAILURE() << "promtool is not on PATH: install the Debian package prometheus "
                     "(bash scripts/setup.sh as root)";
    return which;
  }
  TempFile file(text);
  return RunShell("promtool check metrics < " + ShellQuote(file.path()));
}

TEST(PromtoolTest, AcceptsARegistryOfEveryKindWithoutAWord) {
  Registry registry;
  auto& requests = registry.AddCounter("scepgate_requests_total",
                                       "SCEP requests answered, by \"operation\" and outcome.\n"
                                       "A second line with a backslash \\ in it.",
                                       {"operation", "outcome", "fail_info"});
  requests.Inc({"PKIOperation", "success", ""}, 12);
  requests.Inc({"PKIOperation", "failure", "badMessageCheck"});
  requests.Inc({"GetCACert", "success", ""}, 1'000'000);
  registry.AddCounter("scepgate_odd_labels_total", "Label values that need escaping.", {"value"});
  auto& odd = registry.AddCounter("scepgate_odd_labels_total", "Label values that need escaping.",
                                  {"value"});
  for (const char* v :
       {"back\\slash", "\"quoted\"", "new\nline", "CN=Gr\xc3\xbc\xc3\x9f, O=\xe2\x82\xac",
        "not utf-8 \xff\xfe", "", "trailing \\"})
    odd.Inc({v});
  auto& gauges = registry.AddGauge("scepgate_values", "Special values.", {"kind"});
  gauges.Set({"pos_inf"}, std::numeric_limits<double>::infinity());
  gauges.Set({"neg_inf"}, -std::numeric_limits<double>::infinity());
  gauges.Set({"nan"}, std::numeric_limits<double>::quiet_NaN());
  gauges.Set({"half"}, 0.5);
  gauges.Set({"big"}, 1e18);
  gauges.Set({"huge"}, 1e300);
  gauges.Set({"tiny"}, -1e-300);
  registry.AddGauge("scepgate_http_connections", "Open connections.").WithLabels().Set(3);
  auto& duration =
      registry.AddHistogram("scepgate_request_duration_seconds", "Time to answer a SCEP request.",
                            LatencyBuckets(), {"operation"});
  for (double s : {0.0004, 0.003, 0.02, 0.2, 1.5, 30.0}) duration.Observe({"PKIOperation"}, s);
  duration.Observe({"GetCACaps"}, 0.0001);
  registry.AddHistogram("scepgate_crl_build_seconds", "Time to build a CRL.", {0.1, 1})
      .WithLabels()
      .Observe(0.3);
  registry.AddCallbackGauge(
      "scepgate_ca_expiry_seconds", "Seconds until each CA expires.", {"ca"}, [] {
        return std::vector<GaugeSample>{{{"root"}, 315360000}, {{"issuing \"2\""}, 86400.25}};
      });
  registry.AddCallbackGauge("scepgate_outbox_backlog", "Events waiting in the outbox.", {}, [] {
    return std::vector<GaugeSample>{{{}, 17}};
  });
  const std::string text = registry.Render();

  const Outcome outcome = PromtoolCheck(text);
  EXPECT_EQ(outcome.exit_code, 0) << outcome.output << "\n--- exposition:\n" << text;
  EXPECT_EQ(outcome.output, "") << "\n--- exposition:\n" << text;
}

// The check above would pass vacuously if promtool read nothing: a broken exposition must fail.
TEST(PromtoolTest, RefusesWhatIsNotTheFormat) {
  const Outcome bad = PromtoolCheck("# TYPE x counter\nx{a=\"unterminated} 1\n");
  EXPECT_NE(bad.exit_code, 0) << bad.output;
  const Outcome lint = PromtoolCheck("# HELP x Xs.\n# TYPE x counter\nx 1\n");  // no _total
  EXPECT_NE(lint.exit_code, 0) << lint.output;
}

}  // namespace
}  // namespace scepgate::metrics
