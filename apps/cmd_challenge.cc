// `scepgate challenge issue|rotate-key`: one-time challenges (mgmt::Challenges) and the key that
// seals them.
#include <charconv>
#include <iostream>
#include <memory>

#include "commands.h"
#include "data_dir.h"
#include "mgmt/challenges.h"
#include "policy/seal_keys.h"
#include "views.h"

namespace scepgate::app {
namespace {

struct Flags {
  std::string dir;
  std::string device;
  std::string profile;
  std::string ttl;
  bool json = false;
};

// "90s", "60m", "2h", "1d"; a bare number is minutes. kInvalidArgument otherwise.
Result<int64_t> ParseDuration(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  std::string_view unit(end, text.data() + text.size() - end);
  int64_t scale = unit.empty() || unit == "m" ? 60
                  : unit == "s"               ? 1
                  : unit == "h"               ? 3600
                  : unit == "d"               ? 86400
                                              : 0;
  if (ec != std::errc() || scale == 0 || value <= 0 || value > mgmt::kMaxChallengeTtl)
    return Fail(Error::InvalidArgument("bad duration '" + std::string(text) +
                                       "' (use e.g. 90s, 60m, 2h, 1d)"));
  return value * scale;
}

void Issue(const Flags& f) {
  SystemClock clock;
  SystemRandom random;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  const Config& c = data->config;
  mgmt::ChallengeSettings settings;
  settings.format = c.challenge_format;
  if (!data->seal_keys.empty()) settings.seal_key = data->seal_keys.front();
  settings.ca_chain = CaChain(*data->cas);
  int64_t ttl = f.ttl.empty() ? int64_t{c.challenge_ttl_minutes} * 60 : OrDie(ParseDuration(f.ttl));
  mgmt::Challenges challenges(*data->store, clock, random, std::move(settings));
  mgmt::IssuedChallenge issued = OrDie(challenges.Issue(f.device, f.profile, ttl));
  if (!f.json) {
    std::cout << issued.challenge << "\n";
    return;
  }
  const store::ChallengeRecord& r = issued.record;
  nlohmann::json j = {{"challenge", issued.challenge},
                      {"format", r.format},
                      {"device", r.device_id},
                      {"user", r.user_upn},
                      {"profile", r.profile},
                      {"subject", r.subject},
                      {"sans", r.sans},
                      {"key_type", r.key_type},
                      {"min_key_size", r.min_key_size},
                      {"ekus", r.ekus},
                      {"validity_days", r.validity_days},
                      {"expires_at", IsoTime(r.expires_at)}};
  std::cout << j.dump(2) << "\n";
}

void RotateKey(const Flags& f) {
  SystemClock clock;
  SystemRandom random;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  std::string id = OrDie(policy::RotateSealKey(SealKeyPath(data->dir, data->config), random));
  std::cout << "new sealing key " << id
            << " is current; copy the key file to every gateway and restart them\n";
}

}  // namespace

void AddChallengeCommands(CLI::App& app) {
  auto f = std::make_shared<Flags>();
  CLI::App* group = app.add_subcommand("challenge", "one-time enrollment challenges");
  group->require_subcommand(1);

  CLI::App* issue =
      group->add_subcommand("issue", "mint a one-time challenge for a targeted device and profile");
  AddDirOption(*issue, f->dir);
  issue->add_option("--device", f->device, "device id")->required();
  issue->add_option("--profile", f->profile, "SCEP profile name")->required();
  issue->add_option("--ttl", f->ttl, "lifetime, e.g. 90s, 60m, 2h, 1d (default: the config's)");
  issue->add_flag("--json", f->json, "also print the expected subject, SANs and expiry");
  issue->callback([f] { Issue(*f); });

  CLI::App* rotate = group->add_subcommand(
      "rotate-key", "make a new current key for sealed challenges (older keys still open)");
  AddDirOption(*rotate, f->dir);
  rotate->callback([f] { RotateKey(*f); });
}

}  // namespace scepgate::app
