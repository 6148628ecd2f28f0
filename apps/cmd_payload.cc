// `scepgate payload`: what a device receives to enroll on its own (mgmt::PayloadMaker): a fresh
// one-time challenge with the profile, as JSON (scepgate-agent), an Apple mobileconfig or Windows
// SyncML.
#include <iostream>
#include <memory>

#include "commands.h"
#include "common/duration.h"
#include "common/files.h"
#include "data_dir.h"
#include "mgmt/payload.h"

namespace scepgate::app {
namespace {

struct Flags {
  std::string dir;
  std::string device;
  std::string profile;
  std::string format = "json";
  std::string out;
  std::string ttl;
  std::string mode;
  int retry_count = 3;
  std::string retry_delay = "60s";
  std::optional<int> renewal_threshold;
};

// "90s", "60m", "2h", "1d"; a bare number is seconds; "0" and "0s" are zero when `allow_zero`.
Result<int64_t> ParseSeconds(std::string_view text, bool allow_zero) {
  return ParseDuration(text, {.bare_unit = 1, .allow_zero = allow_zero});
}

void Payload(const Flags& f) {
  SystemClock clock;
  SystemRandom random;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  const Config& c = data->config;
  mgmt::PayloadFormat format = OrDie(mgmt::ParsePayloadFormat(f.format));
  mgmt::ChallengeSettings settings;
  settings.format = c.challenge_format;
  if (!data->seal_keys.empty()) settings.seal_key = data->seal_keys.front();
  settings.ca_chain = CaChain(*data->cas);
  mgmt::PayloadCas cas;
  cas.issuing_der = OrDie(CertToDer(data->cas->current().issuer->cert()));
  if (data->cas->root() != nullptr) cas.root_der = OrDie(CertToDer(*data->cas->root()));
  int64_t ttl = f.ttl.empty() ? int64_t{c.challenge_ttl_minutes} * 60
                              : OrDie(ParseSeconds(f.ttl, /*allow_zero=*/false));
  mgmt::PayloadOptions options;
  options.mode = f.mode;
  options.retry_count = f.retry_count;
  options.retry_delay_seconds = OrDie(ParseSeconds(f.retry_delay, /*allow_zero=*/true));
  options.renewal_threshold = f.renewal_threshold;
  mgmt::PayloadMaker maker(*data->store, clock, random, std::move(settings), std::move(cas));
  mgmt::MadePayload made =
      OrDie(maker.Make(f.device, f.profile, format, ttl, options, mgmt::Role::kAdmin));
  if (f.out.empty()) {
    std::cout << made.body;
    return;
  }
  OrDie(WritePrivateFile(f.out, made.body));  // it holds the challenge
}

}  // namespace

void AddPayloadCommand(CLI::App& app) {
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand(
      "payload", "mint a challenge and write the enrollment payload a device receives");
  AddDirOption(*cmd, f->dir);
  cmd->add_option("--device", f->device, "device id")->required();
  cmd->add_option("--profile", f->profile, "SCEP profile name")->required();
  cmd->add_option("--format", f->format, "json (scepgate-agent) | mobileconfig | syncml");
  cmd->add_option("--out", f->out, "write to this file (mode 0600) instead of stdout");
  cmd->add_option("--ttl", f->ttl, "challenge lifetime, e.g. 90s, 60m, 2h, 1d (default: config)");
  cmd->add_option("--mode", f->mode,
                  "URL behaviour android|windows|ios (default: from the device's platform)");
  cmd->add_option("--retry-count", f->retry_count, "retries after a failed attempt, 0..30 (3)");
  cmd->add_option("--retry-delay", f->retry_delay, "delay between retries, e.g. 0, 30s, 5m (60s)");
  cmd->add_option("--renewal-threshold", f->renewal_threshold,
                  "percent of lifetime left when renewal starts, 1..100 (default: profile's)");
  cmd->callback([f] { Payload(*f); });
}

}  // namespace scepgate::app
