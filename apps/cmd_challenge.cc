// `scepgate challenge issue|rotate-key`: one-time challenges (mgmt::Challenges) and the key that
// seals them.
#include <charconv>
#include <iostream>
#include <memory>

#include "cli_audit.h"
#include "commands.h"
#include "data_dir.h"
#include "mgmt/challenges.h"
#include "mgmt/records.h"
#include "policy/seal_keys.h"
#include "server_pid.h"
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

void Issue(const Flags& f) {
  SystemClock clock;
  SystemRandom random;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  const Config& c = data->config;
  mgmt::ChallengeSettings settings = ChallengeSettingsOf(*data);
  nlohmann::json args = {{"device", f.device}, {"profile", f.profile}, {"ttl", f.ttl}};
  auto minted = [&]() -> Result<mgmt::IssuedChallenge> {
    int64_t ttl = int64_t{c.challenge_ttl_minutes} * 60;
    if (!f.ttl.empty()) {
      SG_ASSIGN_OR_RETURN(ttl, mgmt::ParseChallengeTtl(f.ttl));
    }
    mgmt::Challenges challenges(*data->store, clock, random, std::move(settings));
    return challenges.Issue(f.device, f.profile, ttl, mgmt::Role::kAdmin);  // the CLI acts as admin
  }();
  // The audit entry names the device, profile and TTL, never the challenge.
  mgmt::IssuedChallenge issued =
      Audited(*data->store, "challenge.issue", f.device, args, std::move(minted));
  if (!f.json) {
    std::cout << issued.challenge << "\n";
    return;
  }
  std::cout << IssuedChallengeJson(issued).dump(2) << "\n";
}

void RotateKey(const Flags& f) {
  SystemClock clock;
  SystemRandom random;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  std::string id = OrDie(policy::RotateSealKey(SealKeyPath(data->dir, data->config), random));
  std::cout << "new sealing key " << id << " is current; "
            << ReloadRunningServer(f.dir, "to use it") << "; copy the key file to every other "
            << "gateway and send each SIGHUP\n";
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
