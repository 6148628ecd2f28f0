// `scepgate device|user|group ...`: the directory of devices, users and groups (mgmt::Directory).
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli_audit.h"
#include "commands.h"
#include "data_dir.h"
#include "mgmt/directory.h"
#include "paged_list.h"
#include "views.h"

namespace scepgate::app {
namespace {

// Every flag of the directory commands; one set per command group, shared by its subcommands.
struct Flags {
  std::string dir;
  bool json = false;
  bool all = false;
  std::string id;  // positional: device id, UPN or group name
  std::string name;
  std::string platform;
  std::string serial;
  std::string owner;
  std::string upn;
  std::string email;
  std::string sid;
  std::string dn;
  std::string description;
  std::string device;
  std::string user;
  std::string kind;              // group members --kind
  std::vector<std::string> ids;  // positional, for commands on many devices
  std::string file;              // --from-file
  PageFlags page;                // list: --limit, --cursor
};

// Opens the data dir and runs `fn` on a Directory over its store (and the store, for the audit
// log of a change).
template <class Fn>
void WithDirectory(const std::string& dir, Fn fn) {
  SystemClock clock;
  SystemRandom random;
  auto data = OrDie(OpenDataDir(dir, clock));
  mgmt::Directory directory(*data->store, clock, random, data->crls.get());
  fn(directory, *data->store);
}

void PrintJson(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

std::string Joined(const std::vector<store::GroupRecord>& groups) {
  std::string out;
  for (const auto& g : groups) out += (out.empty() ? "" : ", ") + g.name;
  return out;
}

// The member named by --device ID or --user UPN (exactly one).
store::GroupMember MemberFrom(const Flags& f) {
  if (f.device.empty() == f.user.empty()) {
    Die(Error::InvalidArgument("give exactly one of --device ID and --user UPN"));
  }
  store::GroupMember m;
  m.kind = f.device.empty() ? store::MemberKind::kUser : store::MemberKind::kDevice;
  m.id = f.device.empty() ? f.user : f.device;
  return m;
}

void AddDevice(mgmt::Directory& d, store::Store& s, const Flags& f) {
  mgmt::NewDevice n;
  n.name = f.name;
  n.platform = f.platform;
  n.serial_number = f.serial;
  n.owner = f.owner;
  auto added = d.AddDevice(n);
  std::string id = added ? added->id : "";
  nlohmann::json args = {
      {"name", f.name}, {"platform", f.platform}, {"serial_number", f.serial}, {"owner", f.owner}};
  store::DeviceRecord device = Audited(s, "device.add", id, args, std::move(added));
  if (f.json) return PrintJson(DeviceJson(device));
  std::cout << device.id << "\n";
}

void ListDevices(mgmt::Directory& d, store::Store&, const Flags& f) {
  mgmt::DeviceQuery query;
  query.owner = f.owner;
  query.platform = f.platform;
  query.name_prefix = f.name;
  query.include_retired = f.all;
  PrintPaged(
      f.page, f.json, QueryPages(query, [&](const auto& q) { return d.DevicePage(q); }), DeviceJson,
      [] {
        std::printf("%-36s %-8s %-8s %-24s %s\n", "ID", "PLATFORM", "STATUS", "OWNER", "NAME");
      },
      [](const store::DeviceRecord& dev) {
        std::printf("%-36s %-8s %-8s %-24s %s\n", dev.id.c_str(), dev.platform.c_str(),
                    dev.retired ? "retired" : "active", dev.owner.c_str(), dev.name.c_str());
      });
}

void ShowDevice(mgmt::Directory& d, store::Store&, const Flags& f) {
  mgmt::DeviceDetails shown = OrDie(d.ShowDevice(f.id));
  const store::DeviceRecord& dev = shown.device;
  if (f.json) return PrintJson(DeviceDetailsJson(shown));
  std::cout << "id:         " << dev.id << "\nname:       " << dev.name
            << "\nplatform:   " << dev.platform << "\nserial:     " << dev.serial_number
            << "\nowner:      " << dev.owner
            << "\nstatus:     " << (dev.retired ? "retired " + IsoTime(dev.retired_at) : "active")
            << "\ncreated:    " << IsoTime(dev.created_at)
            << "\ngroups:     " << Joined(shown.groups) << "\n";
}

void AddUser(mgmt::Directory& d, store::Store& s, const Flags& f) {
  mgmt::NewUser n;
  n.upn = f.upn;
  n.email = f.email;
  n.sid = f.sid;
  n.on_prem_dn = f.dn;
  nlohmann::json args = {{"upn", f.upn}, {"email", f.email}, {"sid", f.sid}, {"on_prem_dn", f.dn}};
  store::UserRecord user = Audited(s, "user.add", f.upn, args, d.AddUser(n, mgmt::Role::kAdmin));
  if (f.json) return PrintJson(UserJson(user));
  std::cout << "added user " << user.upn << "\n";
}

// `user set UPN [--email E] [--sid S] [--dn DN]`: only the options given change; none confirms
// the identity as it is. `given` holds the three options, to tell "not given" from "".
struct IdentityOptions {
  CLI::Option* email = nullptr;
  CLI::Option* sid = nullptr;
  CLI::Option* dn = nullptr;
};

void SetUserIdentity(mgmt::Directory& d, store::Store& s, const Flags& f,
                     const IdentityOptions& given) {
  mgmt::UserIdentity change;
  nlohmann::json args = nlohmann::json::object();
  auto take = [&](CLI::Option* opt, const std::string& value, std::optional<std::string>& into,
                  const char* key) {
    if (opt->count() == 0) return;
    into = value;
    args[key] = value;
  };
  take(given.email, f.email, change.email, "email");
  take(given.sid, f.sid, change.sid, "sid");
  take(given.dn, f.dn, change.on_prem_dn, "on_prem_dn");
  store::UserRecord user = Audited(s, "user.set-identity", f.id, args,
                                   d.SetUserIdentity(f.id, change, mgmt::Role::kAdmin));
  if (f.json) return PrintJson(UserJson(user));
  std::cout << "set the identity of user " << user.upn << "\n";
}

void ListUsers(mgmt::Directory& d, store::Store&, const Flags& f) {
  mgmt::UserQuery query;
  PrintPaged(
      f.page, f.json, QueryPages(query, [&](const auto& q) { return d.UserPage(q); }), UserJson,
      [] { std::printf("%-32s %-9s %-32s %s\n", "UPN", "STATUS", "EMAIL", "SID"); },
      [](const store::UserRecord& u) {
        std::printf("%-32s %-9s %-32s %s\n", u.upn.c_str(), u.disabled ? "disabled" : "active",
                    u.email.c_str(), u.sid.c_str());
      });
}

void ShowUser(mgmt::Directory& d, store::Store&, const Flags& f) {
  mgmt::UserDetails shown = OrDie(d.ShowUser(f.id));
  const store::UserRecord& u = shown.user;
  if (f.json) return PrintJson(UserDetailsJson(shown));
  std::cout << "upn:        " << u.upn << "\nemail:      " << u.email << "\nsid:        " << u.sid
            << "\non_prem_dn: " << u.on_prem_dn
            << "\nstatus:     " << (u.disabled ? "disabled " + IsoTime(u.disabled_at) : "active")
            << "\ncreated:    " << IsoTime(u.created_at) << "\ngroups:     " << Joined(shown.groups)
            << "\ndevices:    ";
  for (const auto& dev : shown.devices) std::cout << dev.id << " ";
  std::cout << "\n";
}

void ListGroups(mgmt::Directory& d, store::Store&, const Flags& f) {
  mgmt::GroupQuery query;
  PrintPaged(
      f.page, f.json, QueryPages(query, [&](const auto& q) { return d.GroupPage(q); }),
      GroupSummaryJson,
      [] { std::printf("%-24s %7s %5s %s\n", "NAME", "DEVICES", "USERS", "DESCRIPTION"); },
      [](const mgmt::GroupSummary& s) {
        std::printf("%-24s %7lld %5lld %s\n", s.group.name.c_str(),
                    static_cast<long long>(s.devices), static_cast<long long>(s.users),
                    s.group.description.c_str());
      });
}

void ShowGroup(mgmt::Directory& d, store::Store&, const Flags& f) {
  mgmt::GroupSummary shown = OrDie(d.ShowGroup(f.id));
  if (f.json) return PrintJson(GroupSummaryJson(shown));
  std::cout << "name:        " << shown.group.name << "\ndescription: " << shown.group.description
            << "\ncreated:     " << IsoTime(shown.group.created_at)
            << "\ndevices:     " << shown.devices << "\nusers:       " << shown.users << "\n";
}

// `group members NAME`: devices, then users, by id; a page at a time as `device list`.
void ListMembers(mgmt::Directory& d, store::Store&, const Flags& f) {
  mgmt::MemberQuery query;
  query.kind = f.kind;
  PrintPaged(
      f.page, f.json, QueryPages(query, [&](const auto& q) { return d.MemberPage(f.id, q); }),
      MemberJson, [] { std::printf("%-7s %s\n", "KIND", "ID"); },
      [](const store::GroupMember& m) {
        std::printf("%-7s %s\n", store::MemberKindName(m.kind), m.id.c_str());
      });
}

// Registers a subcommand whose callback runs `fn(directory, store, flags)`.
// One id: as before, an unknown or already retired device is an error. Several: their
// certificates are revoked in one go; the command fails (after retiring the others) when an id is
// unknown.
void RetireDevices(mgmt::Directory& d, store::Store& s, const Flags& fl) {
  std::vector<std::string> ids = ArgsAndFileLines(fl.ids, fl.file);
  if (ids.empty()) Die(Error::InvalidArgument("name a device id or --from-file"));
  if (ids.size() == 1 && fl.file.empty()) {
    std::vector<std::string> revoked =
        Audited(s, "device.retire", ids[0], nlohmann::json::object(), d.RetireDevice(ids[0]));
    if (fl.json) {
      PrintJson({{"id", ids[0]}, {"revoked", revoked}});
      return;
    }
    std::cout << "retired device " << ids[0] << "; revoked " << revoked.size() << " certificate(s)";
    for (const auto& serial : revoked) std::cout << " " << serial;
    std::cout << "\n";
    return;
  }
  mgmt::RetireReport report = Audited(s, "device.retire", std::to_string(ids.size()) + " devices",
                                      {{"ids", ids}}, d.RetireDevices(ids));
  if (fl.json) {
    PrintJson(RetireReportJson(report));
  } else {
    std::cout << "retired " << report.retired.size() << " device(s); revoked "
              << report.revoked.size() << " certificate(s)\n";
    PrintList("already retired", report.already_retired);
    PrintList("not found", report.not_found);
  }
  if (!report.not_found.empty())
    Die(Error::NotFound(std::to_string(report.not_found.size()) + " device id(s) not found"));
}

template <class Fn>
CLI::App* Command(CLI::App& parent, const std::string& name, const std::string& help,
                  const std::shared_ptr<Flags>& f, Fn fn) {
  CLI::App* cmd = parent.add_subcommand(name, help);
  AddDirOption(*cmd, f->dir);
  cmd->callback([f, fn] {
    WithDirectory(f->dir, [&](mgmt::Directory& d, store::Store& s) { fn(d, s, *f); });
  });
  return cmd;
}

void AddJsonFlag(CLI::App& cmd, Flags& f) { cmd.add_flag("--json", f.json, "print JSON"); }

}  // namespace

void AddDeviceCommands(CLI::App& app) {
  CLI::App* device = app.add_subcommand("device", "managed devices (retired, never deleted)");
  device->require_subcommand(1);
  auto f = std::make_shared<Flags>();

  CLI::App* add = Command(*device, "add", "add a device; prints its new id", f, AddDevice);
  add->add_option("--name", f->name, "display name")->required();
  add->add_option("--platform", f->platform, "windows|ios|ipados|macos|android|linux|network")
      ->required();
  add->add_option("--serial", f->serial, "hardware serial number");
  add->add_option("--owner", f->owner, "UPN of the owning user");
  AddJsonFlag(*add, *f);

  CLI::App* list = Command(*device, "list", "list devices, oldest first", f, ListDevices);
  list->add_option("--owner", f->owner, "only the devices of this UPN");
  list->add_option("--platform", f->platform, "only this platform");
  list->add_option("--name-prefix", f->name, "only devices whose name starts with this");
  list->add_flag("--all", f->all, "include retired devices");
  AddPageFlags(*list, f->page, "device", 0, /*all_flag=*/false);
  AddJsonFlag(*list, *f);

  CLI::App* show = Command(*device, "show", "show a device and its groups", f, ShowDevice);
  show->add_option("id", f->id, "device id")->required();
  AddJsonFlag(*show, *f);

  AddImportCommand(*device, "device");

  CLI::App* retire = Command(
      *device, "retire", "retire devices and revoke their certificates (each CRL re-signed once)",
      f, RetireDevices);
  retire->add_option("id", f->ids, "device ids");
  retire->add_option("--from-file", f->file,
                     "also retire the ids in this file, one per line ('-': standard input)");
  AddJsonFlag(*retire, *f);
}

void AddUserCommands(CLI::App& app) {
  CLI::App* user = app.add_subcommand("user", "directory users (disabled, never deleted)");
  user->require_subcommand(1);
  auto f = std::make_shared<Flags>();

  AddImportCommand(*user, "user");

  CLI::App* add = Command(*user, "add", "add a user", f, AddUser);
  add->add_option("--upn", f->upn, "user principal name (name@domain)")->required();
  add->add_option("--email", f->email, "e-mail address");
  add->add_option("--sid", f->sid, "Windows SID (S-1-5-21-...)");
  add->add_option("--dn", f->dn, "on-premises distinguished name");
  AddJsonFlag(*add, *f);

  auto given = std::make_shared<IdentityOptions>();
  CLI::App* set =
      Command(*user, "set", "set a user's e-mail, SID or DN (the identity its certificates carry)",
              f, [given](mgmt::Directory& d, store::Store& s, const Flags& fl) {
                SetUserIdentity(d, s, fl, *given);
              });
  set->add_option("upn", f->id, "user principal name")->required();
  given->email = set->add_option("--email", f->email, "e-mail address (\"\" clears it)");
  given->sid = set->add_option("--sid", f->sid, "Windows SID (\"\" clears it)");
  given->dn = set->add_option("--dn", f->dn, "on-premises distinguished name");
  AddJsonFlag(*set, *f);

  CLI::App* list = Command(*user, "list", "list users by UPN", f, ListUsers);
  AddPageFlags(*list, f->page, "user");
  AddJsonFlag(*list, *f);

  CLI::App* show = Command(*user, "show", "show a user, its groups and devices", f, ShowUser);
  show->add_option("upn", f->id, "user principal name")->required();
  AddJsonFlag(*show, *f);

  CLI::App* disable = Command(*user, "disable", "disable a user", f,
                              [](mgmt::Directory& d, store::Store& s, const Flags& fl) {
                                Status st = d.DisableUser(fl.id);
                                RecordCliChange(s, "user.disable", fl.id, nlohmann::json::object(),
                                                st ? nullptr : &st.error());
                                OrDie(st);
                                std::cout << "disabled user " << fl.id << "\n";
                              });
  disable->add_option("upn", f->id, "user principal name")->required();
}

void AddGroupCommands(CLI::App& app) {
  CLI::App* group = app.add_subcommand("group", "groups of devices and users");
  group->require_subcommand(1);
  auto f = std::make_shared<Flags>();

  CLI::App* add = Command(
      *group, "add", "add a group", f, [](mgmt::Directory& d, store::Store& s, const Flags& fl) {
        nlohmann::json args = {{"name", fl.id}, {"description", fl.description}};
        store::GroupRecord g =
            Audited(s, "group.add", fl.id, args, d.AddGroup(fl.id, fl.description));
        std::cout << "added group " << g.name << "\n";
      });
  add->add_option("name", f->id, "group name")->required();
  add->add_option("--description", f->description, "what the group is for");

  CLI::App* list = Command(*group, "list", "list groups with member counts", f, ListGroups);
  AddPageFlags(*list, f->page, "group");
  AddJsonFlag(*list, *f);

  CLI::App* show = Command(*group, "show", "show a group and its member counts", f, ShowGroup);
  show->add_option("name", f->id, "group name")->required();
  AddJsonFlag(*show, *f);

  CLI::App* members = Command(*group, "members", "list a group's members, devices then users by id",
                              f, ListMembers);
  members->add_option("name", f->id, "group name")->required();
  members->add_option("--kind", f->kind, "only devices or only users")
      ->check(CLI::IsMember({"device", "user"}));
  AddPageFlags(*members, f->page, "member");
  AddJsonFlag(*members, *f);

  auto member_command = [&](const std::string& name, const std::string& help, bool add_it) {
    CLI::App* cmd = Command(
        *group, name, help, f, [add_it](mgmt::Directory& d, store::Store& s, const Flags& fl) {
          store::GroupMember m = MemberFrom(fl);
          auto changed = add_it ? d.AddMember(fl.id, m) : d.RemoveMember(fl.id, m);
          Status st = changed ? Status{} : Status(Fail(changed.error()));
          RecordCliChange(s, add_it ? "group.add-member" : "group.remove-member", fl.id,
                          {{store::MemberKindName(m.kind), m.id}}, st ? nullptr : &st.error());
          OrDie(st);
          std::cout << (add_it ? "added " : "removed ") << store::MemberKindName(m.kind) << " "
                    << m.id << (add_it ? " to" : " from") << " group " << fl.id << "\n";
        });
    cmd->add_option("group", f->id, "group name")->required();
    // Exactly one of the two, checked by MemberFrom() so the error reads like every other.
    cmd->add_option("--device", f->device, "device id");
    cmd->add_option("--user", f->user, "user principal name");
  };
  member_command("add-member", "add a device or user to a group", true);
  member_command("remove-member", "remove a device or user from a group", false);
}

}  // namespace scepgate::app
