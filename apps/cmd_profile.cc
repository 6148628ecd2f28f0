// `scepgate profile ...` and `scepgate assign`: SCEP profiles, their assignments to groups, and the
// devices they target (mgmt::Profiles, mgmt::Targeting).
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli_audit.h"
#include "commands.h"
#include "data_dir.h"
#include "mgmt/directory.h"
#include "mgmt/profiles.h"
#include "mgmt/targeting.h"
#include "paged_list.h"
#include "scep/ca_state.h"
#include "views.h"

namespace scepgate::app {
namespace {

// Every flag of the profile commands; one set shared by the subcommands.
struct Flags {
  std::string dir;
  bool json = false;
  std::string name;  // positional: profile name
  std::string type;
  std::string subject;
  std::vector<std::string> sans;
  bool strong_mapping = false;
  std::string purpose;
  std::vector<std::string> ekus;
  std::string key;
  int min_key_size = 0;
  std::string hash;
  int validity_days = 0;
  int renewal_threshold = 0;
  std::vector<std::string> urls;
  std::string trusted_ca;
  bool require_approval = false;
  std::string ca_fingerprint;
  bool key_extractable = true;
  std::string group;
  PageFlags page;  // targets: --limit, --cursor
  bool remove = false;
};

void PrintJson(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

// The fields given on the command line, named as the profile's JSON names them (for the audit log).
nlohmann::json GivenArgs(const CLI::App& cmd, const Flags& f) {
  nlohmann::json j = nlohmann::json::object();
  auto given = [&](const char* option) { return cmd.count(option) > 0; };
  if (given("--type")) j["type"] = f.type;
  if (given("--subject")) j["subject"] = f.subject;
  if (given("--san")) j["sans"] = f.sans;
  if (given("--strong-mapping")) j["strong_mapping"] = f.strong_mapping;
  if (given("--purpose")) j["purpose"] = f.purpose;
  if (given("--eku")) j["ekus"] = f.ekus;
  if (given("--key")) j["key_type"] = f.key;
  if (given("--min-key-size")) j["min_key_size"] = f.min_key_size;
  if (given("--hash")) j["hash"] = f.hash;
  if (given("--validity-days")) j["validity_days"] = f.validity_days;
  if (given("--renewal-threshold")) j["renewal_threshold"] = f.renewal_threshold;
  if (given("--url")) j["urls"] = f.urls;
  if (given("--trusted-ca")) j["trusted_ca"] = f.trusted_ca;
  if (given("--require-approval")) j["require_approval"] = f.require_approval;
  if (given("--ca-fingerprint")) j["ca_fingerprint"] = f.ca_fingerprint;
  if (given("--key-extractable")) j["key_extractable"] = f.key_extractable;
  return j;
}

// The fields given on the command line of `cmd`; the others stay unset.
mgmt::ProfileSpec SpecFrom(const CLI::App& cmd, const Flags& f) {
  mgmt::ProfileSpec s;
  auto given = [&](const char* option) { return cmd.count(option) > 0; };
  if (given("--type")) s.cert_type = f.type;
  if (given("--subject")) s.subject = f.subject;
  if (given("--san")) s.sans = f.sans;
  if (given("--strong-mapping")) s.strong_mapping = f.strong_mapping;
  if (given("--purpose")) s.purpose = f.purpose;
  if (given("--eku")) s.ekus = f.ekus;
  if (given("--key")) s.key_type = f.key;
  if (given("--min-key-size")) s.min_key_size = f.min_key_size;
  if (given("--hash")) s.hash = f.hash;
  if (given("--validity-days")) s.validity_days = f.validity_days;
  if (given("--renewal-threshold")) s.renewal_threshold = f.renewal_threshold;
  if (given("--url")) s.urls = f.urls;
  if (given("--trusted-ca")) s.trusted_ca = f.trusted_ca;
  if (given("--require-approval")) s.require_approval = f.require_approval;
  if (given("--ca-fingerprint")) s.ca_fingerprint = f.ca_fingerprint;
  if (given("--key-extractable")) s.key_extractable = f.key_extractable;
  return s;
}

// Profiles over the data dir; revoking on unassign when the config says so.
mgmt::Profiles ProfilesOf(DataDir& data, const Clock& clock) {
  return mgmt::Profiles(*data.store, clock,
                        data.config.revoke_on_unassign ? data.crls.get() : nullptr);
}

// "; revoked 2 certificate(s) a1 b2" or "" when none.
std::string RevokedText(const std::vector<std::string>& serials) {
  if (serials.empty()) return "";
  std::string out = "; revoked " + std::to_string(serials.size()) + " certificate(s)";
  for (const auto& s : serials) out += " " + s;
  return out;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::vector<std::string> NamesOf(const std::vector<store::GroupRecord>& groups) {
  std::vector<std::string> out;
  for (const auto& g : groups) out.push_back(g.name);
  return out;
}

void PrintProfile(const store::ProfileRecord& p, const std::vector<std::string>& groups) {
  std::cout << "name:              " << p.name << "\ntype:              " << p.cert_type
            << "\nsubject:           " << p.subject << "\nsans:              " << Joined(p.sans)
            << "\nstrong_mapping:    " << (p.strong_mapping ? "yes" : "no")
            << "\npurpose:           " << p.purpose << "\nekus:              " << Joined(p.ekus)
            << "\nkey:               " << p.key_type << " >= " << p.min_key_size
            << "\nhash:              " << p.hash << "\nvalidity_days:     " << p.validity_days
            << "\nrenewal_threshold: " << p.renewal_threshold << "%"
            << "\nurls:              " << Joined(p.urls) << "\ntrusted_ca:        " << p.trusted_ca
            << "\nrequire_approval:  " << (p.require_approval ? "yes" : "no")
            << "\nca_fingerprint:    " << p.ca_fingerprint
            << "\nkey_extractable:   " << (p.key_extractable ? "yes" : "no")
            << "\ncreated:           " << IsoTime(p.created_at)
            << "\nupdated:           " << IsoTime(p.updated_at)
            << "\ngroups:            " << Joined(groups) << "\n";
}

void Create(DataDir& data, const Clock& clock, const CLI::App& cmd, const Flags& f) {
  mgmt::ProfileSpec spec = SpecFrom(cmd, f);
  if (!spec.trusted_ca) spec.trusted_ca = DefaultTrustedCa(*data.cas);
  nlohmann::json args = GivenArgs(cmd, f);
  args["name"] = f.name;
  store::ProfileRecord p = Audited(*data.store, "profile.create", f.name, args,
                                   mgmt::Profiles(*data.store, clock).Create(f.name, spec));
  if (f.json) return PrintJson(ProfileJson(p));
  std::cout << "created profile " << p.name << "\n";
}

void Update(DataDir& data, const Clock& clock, const CLI::App& cmd, const Flags& f) {
  store::ProfileRecord p =
      Audited(*data.store, "profile.update", f.name, GivenArgs(cmd, f),
              mgmt::Profiles(*data.store, clock).Update(f.name, SpecFrom(cmd, f)));
  if (f.json) return PrintJson(ProfileJson(p));
  std::cout << "updated profile " << p.name << "\n";
}

void List(DataDir& data, const Clock& clock, const CLI::App&, const Flags& f) {
  auto profiles = OrDie(mgmt::Profiles(*data.store, clock).List());
  if (f.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& p : profiles) arr.push_back(ProfileJson(p));
    return PrintJson(arr);
  }
  std::printf("%-24s %-6s %-8s %s\n", "NAME", "TYPE", "KEY", "SUBJECT");
  for (const auto& p : profiles) {
    std::string key = p.key_type + ":" + std::to_string(p.min_key_size);
    std::printf("%-24s %-6s %-8s %s\n", p.name.c_str(), p.cert_type.c_str(), key.c_str(),
                p.subject.c_str());
  }
}

void Show(DataDir& data, const Clock& clock, const CLI::App&, const Flags& f) {
  mgmt::ProfileDetails shown = OrDie(mgmt::Profiles(*data.store, clock).Show(f.name));
  if (!f.json) return PrintProfile(shown.profile, NamesOf(shown.groups));
  PrintJson(ProfileDetailsJson(shown));
}

void Targets(DataDir& data, const Clock& clock, const CLI::App&, const Flags& f) {
  SystemRandom random;
  mgmt::Directory directory(*data.store, clock, random);
  mgmt::DeviceQuery query;
  query.targeted_by = f.name;
  PrintPaged(
      f.page, f.json, QueryPages(query, [&](const auto& q) { return directory.DevicePage(q); }),
      DeviceJson, [] { std::printf("%-36s %-8s %-24s %s\n", "ID", "PLATFORM", "OWNER", "NAME"); },
      [](const store::DeviceRecord& d) {
        std::printf("%-36s %-8s %-24s %s\n", d.id.c_str(), d.platform.c_str(), d.owner.c_str(),
                    d.name.c_str());
      });
}

// Registers a subcommand whose callback opens the data dir and runs `fn(data, clock, cmd, f)`.
template <class Fn>
CLI::App* Command(CLI::App& parent, const std::string& name, const std::string& help,
                  const std::shared_ptr<Flags>& f, Fn fn) {
  CLI::App* cmd = parent.add_subcommand(name, help);
  AddDirOption(*cmd, f->dir);
  cmd->callback([f, fn, cmd] {
    SystemClock clock;
    auto data = OrDie(OpenDataDir(f->dir, clock));
    fn(*data, clock, *cmd, *f);
  });
  return cmd;
}

void AddJsonFlag(CLI::App& cmd, Flags& f) { cmd.add_flag("--json", f.json, "print JSON"); }

// The flags that set profile fields, shared by create and update.
void AddFieldOptions(CLI::App& cmd, Flags& f) {
  cmd.add_option("--type", f.type, "certificate type: user|device");
  cmd.add_option("--subject", f.subject,
                 "subject name format, e.g. \"CN={{DeviceName}},O=Example\"");
  cmd.add_option("--san", f.sans, "SAN as TYPE:VALUE, TYPE dns|email|upn|uri (repeatable)")
      ->allow_extra_args(false);
  cmd.add_flag("--strong-mapping,!--no-strong-mapping", f.strong_mapping,
               "add the tag:microsoft.com,2022-09-14:sid:<SID> URI SAN");
  cmd.add_option("--purpose", f.purpose, "signature|encryption|general (default general)");
  cmd.add_option("--eku", f.ekus, "EKU name or dotted OID (repeatable; default clientAuth)")
      ->allow_extra_args(false);
  cmd.add_option("--key", f.key, "key type: rsa|ec (default rsa)");
  cmd.add_option("--min-key-size", f.min_key_size,
                 "minimum key size (rsa 2048..16384, default 2048; ec 256|384|521, default 256)");
  cmd.add_option("--hash", f.hash, "sha256|sha384|sha512 (default sha256)");
  cmd.add_option("--validity-days", f.validity_days, "certificate validity, 1..3650 (default 365)");
  cmd.add_option("--renewal-threshold", f.renewal_threshold,
                 "percent of lifetime left when renewal starts, 1..99 (default 20)");
  cmd.add_option("--url", f.urls, "SCEP server URL, http:// or https:// (repeatable)")
      ->allow_extra_args(false);
  cmd.add_option("--trusted-ca", f.trusted_ca,
                 "SHA-256 thumbprint of the trusted CA certificate (default: the root CA)");
  cmd.add_flag("--require-approval,!--no-require-approval", f.require_approval,
               "hold requests for manual approval");
  cmd.add_option("--ca-fingerprint", f.ca_fingerprint,
                 "hash of the Apple payload's CAFingerprint: sha1 (default; every iOS/macOS "
                 "release) or sha256 (releases from late 2022 only)");
  cmd.add_flag("--key-extractable,!--no-key-extractable", f.key_extractable,
               "whether an Apple device may export the key (default yes; no: "
               "KeyIsExtractable = false)");
  AddJsonFlag(cmd, f);
}

}  // namespace

void AddProfileCommands(CLI::App& app) {
  CLI::App* profile = app.add_subcommand("profile", "SCEP profiles and the devices they target");
  profile->require_subcommand(1);
  auto f = std::make_shared<Flags>();

  CLI::App* create = Command(*profile, "create", "create a profile", f, Create);
  create->add_option("name", f->name, "profile name")->required();
  AddFieldOptions(*create, *f);

  CLI::App* update = Command(*profile, "update", "change the given fields of a profile", f, Update);
  update->add_option("name", f->name, "profile name")->required();
  AddFieldOptions(*update, *f);

  CLI::App* list = Command(*profile, "list", "list profiles by name", f, List);
  AddJsonFlag(*list, *f);

  CLI::App* show = Command(*profile, "show", "show a profile and its groups", f, Show);
  show->add_option("name", f->name, "profile name")->required();
  AddJsonFlag(*show, *f);

  CLI::App* targets =
      Command(*profile, "targets", "list the devices a profile targets", f, Targets);
  targets->add_option("name", f->name, "profile name")->required();
  AddPageFlags(*targets, f->page, "device");
  AddJsonFlag(*targets, *f);

  CLI::App* del = Command(
      *profile, "delete", "delete a profile and its assignments", f,
      [](DataDir& data, const Clock& clock, const CLI::App&, const Flags& fl) {
        auto revoked = Audited(*data.store, "profile.delete", fl.name, nlohmann::json::object(),
                               ProfilesOf(data, clock).Delete(fl.name));
        std::cout << "deleted profile " << fl.name << RevokedText(revoked) << "\n";
      });
  del->add_option("name", f->name, "profile name")->required();
}

void AddAssignCommand(CLI::App& app) {
  auto f = std::make_shared<Flags>();
  CLI::App* assign = Command(
      app, "assign", "assign a profile to a group (or --remove the assignment)", f,
      [](DataDir& data, const Clock& clock, const CLI::App&, const Flags& fl) {
        mgmt::Profiles profiles = ProfilesOf(data, clock);
        std::vector<std::string> revoked;
        nlohmann::json args = {{"group", fl.group}};
        if (fl.remove)
          revoked = Audited(*data.store, "assignment.remove", fl.name, args,
                            profiles.Unassign(fl.name, fl.group));
        else
          Audited(*data.store, "assignment.add", fl.name, args, profiles.Assign(fl.name, fl.group));
        std::cout << (fl.remove ? "removed profile " : "assigned profile ") << fl.name
                  << (fl.remove ? " from" : " to") << " group " << fl.group << RevokedText(revoked)
                  << "\n";
      });
  assign->add_option("profile", f->name, "profile name")->required();
  assign->add_option("--group", f->group, "group name")->required();
  assign->add_flag("--remove", f->remove, "remove the assignment instead");
}

}  // namespace scepgate::app
