// `scepgate ca show|crl|rollover|activate` (and the issuer commands of cmd_ca_issuers.cc).
#include <cstdlib>
#include <iostream>

#include "ca/ca_dir.h"
#include "ca/key_spec.h"
#include "ca/offline_root.h"
#include "cli_audit.h"
#include "commands.h"
#include "common/files.h"
#include "data_dir.h"
#include "scep/expiry.h"
#include "scep/ra_renewal.h"
#include "server_pid.h"
#include "views.h"

namespace scepgate::app {
namespace {

void PrintCa(const char* role, const nlohmann::json& j) {
  std::cout << role << ":\n";
  for (const char* k :
       {"subject", "issuer", "serial", "not_before", "not_after", "key", "sha256", "sha1"})
    if (j.contains(k)) std::cout << "  " << k << ": " << j[k].get<std::string>() << "\n";
}

void Show(const std::string& dir, bool json) {
  SystemClock clock;
  auto data = OrDie(OpenDataDir(dir, clock));
  const scep::CaState& cas = *data->cas;
  nlohmann::json out;
  if (cas.root()) {
    out["root"] = CaCertJson(*cas.root());
    out["root"]["key_offline"] = ca::RootKeyOffline(dir);
  }
  out["intermediates"] = nlohmann::json::array();
  for (const X509Ptr& cert : cas.intermediates()) out["intermediates"].push_back(CaCertJson(*cert));
  out["issuing"] = CaCertJson(cas.current().issuer->cert());
  out["issuing"]["id"] = cas.current().id;
  out["ra"] = CaCertJson(cas.ra_cert());
  if (cas.next_ca()) out["next"] = CaCertJson(*cas.next_ca());
  out["previous"] = nlohmann::json::array();
  out["other_nodes"] = nlohmann::json::array();  // issuing CAs whose key other nodes hold
  for (const auto& ca : cas.all())
    if (!ca->current) {
      auto j = CaCertJson(ca->issuer->cert());
      j["id"] = ca->id;
      if (ca->issuer->can_sign()) {
        out["previous"].push_back(j);
      } else {
        j["active"] = ca->active;
        out["other_nodes"].push_back(j);
      }
    }
  out["crl_path"] = data->config.crl_path + "/" + cas.current().id + ".crl";
  if (json) {
    std::cout << out.dump(2) << "\n";
    return;
  }
  if (out.contains("root")) {
    PrintCa("root CA", out["root"]);
    if (out["root"]["key_offline"] == true)
      std::cout << "  private key: offline (init --offline-root; ca rollover needs --root-key)\n";
  }
  for (const auto& i : out["intermediates"]) PrintCa("intermediate CA", i);
  PrintCa("issuing CA", out["issuing"]);
  std::cout << "  id: " << cas.current().id << "\n";
  PrintCa("RA", out["ra"]);
  if (out.contains("next")) PrintCa("next issuing CA (staged)", out["next"]);
  for (const auto& p : out["previous"]) PrintCa("previous issuing CA", p);
  for (const auto& p : out["other_nodes"]) PrintCa("issuing CA of other nodes", p);
  std::cout << "CRL: " << out["crl_path"].get<std::string>() << "\n";
}

// The current issuing CA's CRL, or with `root` the root's (signed with DIR/ca/root.key, or
// `root_key` for an offline root).
void Crl(const std::string& dir, const std::string& out_file, bool pem, bool root,
         const std::string& root_key) {
  SystemClock clock;
  auto data = OrDie(OpenDataDir(dir, clock));
  if (!root && !root_key.empty()) Die(Error::InvalidArgument("--root-key goes with --root"));
  if (!root_key.empty()) OrDie(UseRootKey(*data, root_key, clock));
  if (root && data->cas->root_ca() == nullptr)
    Die(Error::FailedPrecondition("this data dir holds no root certificate (an imported CA)"));
  const std::string id = root ? data->cas->root_ca()->id : data->cas->current().id;
  OrDie(data->crls->Publish(id));
  Bytes der = OrDie(data->crls->Get(id));
  std::string text = AsString(der);
  if (pem) text = OrDie(CrlToPem(*OrDie(CrlFromDer(der))));
  if (out_file.empty() || out_file == "-") {
    std::cout << text;
  } else {
    OrDie(WriteFile(out_file, text));
    std::cerr << "CRL written to " << out_file << "\n";
  }
}

// What each node holding this RA key last reported about its RA certificate
// (scep/ra_renewal.h): node, serving, loaded (a renewal not served yet, or ""), seen_at.
nlohmann::json RaNodes(const DataDir& data) {
  nlohmann::json out = nlohmann::json::array();
  auto nodes = data.store->ListNodeRa();
  if (!nodes) return out;
  const std::string key = scep::KeyId(data.cas->ra_cert());
  for (const auto& n : *nodes)
    if (n.key_id == key)
      out.push_back({{"node", n.node},
                     {"serving", n.serving},
                     {"loaded", n.loaded},
                     {"seen_at", IsoTime(n.seen_at)}});
  return out;
}

// `ca status`: how long each CA and RA certificate has left, and the RA each node serves. With
// `check`, exits 1 when one is within [ca] expiry_warning_days or expired (for monitoring
// scripts).
void ExpiryStatus(const std::string& dir, bool json, bool check) {
  SystemClock clock;
  auto data = OrDie(OpenDataDir(dir, clock));
  const int64_t now = clock.Now();
  auto items = scep::ExpiryOf(*data->cas, now, int64_t{data->config.expiry_warning_days} * 86400);
  const scep::ExpiryState worst = scep::WorstOf(items);
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& i : items)
      out.push_back({{"role", i.role},
                     {"subject", i.subject},
                     {"sha256", i.sha256},
                     {"not_after", IsoTime(i.not_after)},
                     {"days_left", i.seconds_left / 86400},
                     {"state", scep::ExpiryStateName(i.state)}});
    std::cout << nlohmann::json{{"state", scep::ExpiryStateName(worst)},
                                {"warning_days", data->config.expiry_warning_days},
                                {"certificates", out},
                                {"ra_nodes", RaNodes(*data)}}
                     .dump(2)
              << "\n";
  } else {
    for (const auto& i : items)
      std::cout << i.role << ": " << i.subject << "\n  not after " << IsoTime(i.not_after) << " ("
                << i.seconds_left / 86400 << " days): " << scep::ExpiryStateName(i.state) << "\n";
    std::cout << "state: " << scep::ExpiryStateName(worst) << " (warning window "
              << data->config.expiry_warning_days << " days)\n";
  }
  if (nlohmann::json nodes = RaNodes(*data); !json && !nodes.empty()) {
    std::cout << "RA certificate served by each node (last report):\n";
    for (const auto& n : nodes) {
      std::string loaded = n["loaded"];
      std::cout << "  " << n["node"].get<std::string>() << ": "
                << n["serving"].get<std::string>().substr(0, 16)
                << (loaded.empty() ? "" : ", renewal loaded " + loaded.substr(0, 16)) << " ("
                << n["seen_at"].get<std::string>() << ")\n";
    }
  }
  if (check && worst != scep::ExpiryState::kOk) std::exit(1);
}

// `ca renew-ra`: publishes a renewal of the served RA certificate for the running nodes.
void RenewRa(const std::string& dir) {
  SystemClock clock;
  SystemRandom random;
  auto data = OrDie(OpenDataDir(dir, clock));
  const std::string old_id = scep::CertSha256(data->cas->ra_cert());
  scep::RaRenewal renewal(data->dir, *data->store, clock, random, RaRenewalOptionsOf(*data));
  auto record = Audited(*data->store, "ca.renew_ra", old_id, nlohmann::json::object(),
                        renewal.Renew(*data->cas));
  std::cout << "published a renewal of the RA certificate " << old_id << ": " << record.id
            << ", valid until " << IsoTime(record.not_after)
            << "\nevery running node loads it within [ca] issuer_poll_seconds and serves it once "
               "all have; a stopped node does when it starts\n";
}

}  // namespace

void AddCaCommands(CLI::App& app) {
  CLI::App* ca = app.add_subcommand("ca", "inspect and manage the CA");
  ca->require_subcommand(1);
  auto dir = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto out = std::make_shared<std::string>();
  auto pem = std::make_shared<bool>(false);
  auto key = std::make_shared<std::string>();
  auto root_key = std::make_shared<std::string>();

  CLI::App* show = ca->add_subcommand("show", "print the root, issuing CA, RA and staged next CA");
  AddDirOption(*show, *dir);
  show->add_flag("--json", *json, "print JSON");
  show->callback([dir, json] { Show(*dir, *json); });

  auto check = std::make_shared<bool>(false);
  CLI::App* status = ca->add_subcommand(
      "status", "how long the root, intermediates, issuing CA, RA and staged CA have left");
  AddDirOption(*status, *dir);
  status->add_flag("--json", *json, "print JSON");
  status->add_flag("--check", *check,
                   "exit 1 when one is within [ca] expiry_warning_days or expired");
  status->callback([dir, json, check] { ExpiryStatus(*dir, *json, *check); });

  CLI::App* crl =
      ca->add_subcommand("crl", "sign a fresh CRL for the current issuing CA and print it (DER)");
  AddDirOption(*crl, *dir);
  crl->add_option("--out", *out, "write to this file instead of stdout");
  crl->add_flag("--pem", *pem, "PEM instead of DER");
  auto root = std::make_shared<bool>(false);
  auto crl_root_key = std::make_shared<std::string>();
  crl->add_flag("--root", *root, "the root's CRL (revoked issuing CAs) instead");
  crl->add_option("--root-key", *crl_root_key,
                  "with --root: the root CA's private key, when it is not in the data dir");
  crl->callback(
      [dir, out, pem, root, crl_root_key] { Crl(*dir, *out, *pem, *root, *crl_root_key); });

  CLI::App* roll =
      ca->add_subcommand("rollover", "stage a next issuing CA, served by GetNextCACert");
  AddDirOption(*roll, *dir);
  roll->add_option("--key", *key, "key of the next CA (default: same type as the current)");
  roll->add_option("--root-key", *root_key,
                   "the root CA's private key, when init --offline-root kept it out of the data "
                   "dir");
  roll->callback([dir, key, root_key] {
    SystemRandom random;
    ca::KeySpec spec;
    if (!key->empty()) spec = OrDie(ca::ParseKeySpec(*key));
    Config config = OrDie(LoadConfig(ConfigPath(*dir)));
    auto token = OrDie(OpenConfiguredToken(config));
    OrDie(ca::StageRollover(*dir, key->empty() ? nullptr : &spec, SystemClock().Now(), random,
                            *root_key, config.crl_base_url, token.get()));
    std::cout << "next issuing CA staged; "
              << ReloadRunningServer(*dir, "to offer it through GetNextCACert") << "\n";
  });

  CLI::App* act =
      ca->add_subcommand("activate", "make the staged issuing CA current (and issue a new RA)");
  AddDirOption(*act, *dir);
  act->callback([dir] {
    SystemRandom random;
    auto token = OrDie(OpenConfiguredToken(OrDie(LoadConfig(ConfigPath(*dir)))));
    OrDie(ca::ActivateRollover(*dir, SystemClock().Now(), random, token.get()));
    std::cout << "staged issuing CA is now current; " << ReloadRunningServer(*dir, "to use it")
              << "\n";
  });

  CLI::App* renew_ra = ca->add_subcommand(
      "renew-ra",
      "renew the RA certificate now for the same key (running nodes load it, then serve it)");
  AddDirOption(*renew_ra, *dir);
  renew_ra->callback([dir] { RenewRa(*dir); });

  AddIssuerCommands(*ca);
}

}  // namespace scepgate::app
