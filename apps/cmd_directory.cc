// `scepgate device|user|group ...`: the directory of devices, users and groups (mgmt::Directory).
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"
#include "data_dir.h"
#include "mgmt/directory.h"
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
};

// Opens the data dir and runs `fn` on a Directory over its store.
template <class Fn>
void WithDirectory(const std::string& dir, Fn fn) {
  SystemClock clock;
  SystemRandom random;
  auto data = OrDie(OpenDataDir(dir, clock));
  mgmt::Directory directory(*data->store, clock, random, data->crls.get());
  fn(directory);
}

void PrintJson(const nlohmann::json& j) { std::cout << j.dump(2) << "\n"; }

std::string Joined(const std::vector<store::GroupRecord>& groups) {
  std::string out;
  for (const auto& g : groups) out += (out.empty() ? "" : ", ") + g.name;
  return out;
}

nlohmann::json GroupNames(const std::vector<store::GroupRecord>& groups) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& g : groups) arr.push_back(g.name);
  return arr;
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

void AddDevice(mgmt::Directory& d, const Flags& f) {
  mgmt::NewDevice n;
  n.name = f.name;
  n.platform = f.platform;
  n.serial_number = f.serial;
  n.owner = f.owner;
  store::DeviceRecord device = OrDie(d.AddDevice(n));
  if (f.json) return PrintJson(DeviceJson(device));
  std::cout << device.id << "\n";
}

void ListDevices(mgmt::Directory& d, const Flags& f) {
  store::DeviceFilter filter;
  if (!f.owner.empty()) filter.owner = f.owner;
  filter.include_retired = f.all;
  auto devices = OrDie(d.ListDevices(filter));
  if (f.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& dev : devices) arr.push_back(DeviceJson(dev));
    return PrintJson(arr);
  }
  std::printf("%-36s %-8s %-8s %-24s %s\n", "ID", "PLATFORM", "STATUS", "OWNER", "NAME");
  for (const auto& dev : devices)
    std::printf("%-36s %-8s %-8s %-24s %s\n", dev.id.c_str(), dev.platform.c_str(),
                dev.retired ? "retired" : "active", dev.owner.c_str(), dev.name.c_str());
}

void ShowDevice(mgmt::Directory& d, const Flags& f) {
  mgmt::DeviceDetails shown = OrDie(d.ShowDevice(f.id));
  const store::DeviceRecord& dev = shown.device;
  if (f.json) {
    nlohmann::json j = DeviceJson(dev);
    j["groups"] = GroupNames(shown.groups);
    return PrintJson(j);
  }
  std::cout << "id:         " << dev.id << "\nname:       " << dev.name
            << "\nplatform:   " << dev.platform << "\nserial:     " << dev.serial_number
            << "\nowner:      " << dev.owner
            << "\nstatus:     " << (dev.retired ? "retired " + IsoTime(dev.retired_at) : "active")
            << "\ncreated:    " << IsoTime(dev.created_at)
            << "\ngroups:     " << Joined(shown.groups) << "\n";
}

void AddUser(mgmt::Directory& d, const Flags& f) {
  mgmt::NewUser n;
  n.upn = f.upn;
  n.email = f.email;
  n.sid = f.sid;
  n.on_prem_dn = f.dn;
  store::UserRecord user = OrDie(d.AddUser(n));
  if (f.json) return PrintJson(UserJson(user));
  std::cout << "added user " << user.upn << "\n";
}

void ListUsers(mgmt::Directory& d, const Flags& f) {
  auto users = OrDie(d.ListUsers());
  if (f.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& u : users) arr.push_back(UserJson(u));
    return PrintJson(arr);
  }
  std::printf("%-32s %-9s %-32s %s\n", "UPN", "STATUS", "EMAIL", "SID");
  for (const auto& u : users)
    std::printf("%-32s %-9s %-32s %s\n", u.upn.c_str(), u.disabled ? "disabled" : "active",
                u.email.c_str(), u.sid.c_str());
}

void ShowUser(mgmt::Directory& d, const Flags& f) {
  mgmt::UserDetails shown = OrDie(d.ShowUser(f.id));
  const store::UserRecord& u = shown.user;
  nlohmann::json devices = nlohmann::json::array();
  for (const auto& dev : shown.devices) devices.push_back(dev.id);
  if (f.json) {
    nlohmann::json j = UserJson(u);
    j["groups"] = GroupNames(shown.groups);
    j["devices"] = devices;
    return PrintJson(j);
  }
  std::cout << "upn:        " << u.upn << "\nemail:      " << u.email << "\nsid:        " << u.sid
            << "\non_prem_dn: " << u.on_prem_dn
            << "\nstatus:     " << (u.disabled ? "disabled " + IsoTime(u.disabled_at) : "active")
            << "\ncreated:    " << IsoTime(u.created_at) << "\ngroups:     " << Joined(shown.groups)
            << "\ndevices:    ";
  for (const auto& dev : shown.devices) std::cout << dev.id << " ";
  std::cout << "\n";
}

void ListGroups(mgmt::Directory& d, const Flags& f) {
  auto groups = OrDie(d.ListGroups());
  if (f.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& s : groups) {
      nlohmann::json j = GroupJson(s.group);
      j["devices"] = s.devices;
      j["users"] = s.users;
      arr.push_back(std::move(j));
    }
    return PrintJson(arr);
  }
  std::printf("%-24s %7s %5s %s\n", "NAME", "DEVICES", "USERS", "DESCRIPTION");
  for (const auto& s : groups)
    std::printf("%-24s %7d %5d %s\n", s.group.name.c_str(), s.devices, s.users,
                s.group.description.c_str());
}

// Registers a subcommand whose callback runs `fn(directory, flags)`.
template <class Fn>
CLI::App* Command(CLI::App& parent, const std::string& name, const std::string& help,
                  const std::shared_ptr<Flags>& f, Fn fn) {
  CLI::App* cmd = parent.add_subcommand(name, help);
  AddDirOption(*cmd, f->dir);
  cmd->callback([f, fn] { WithDirectory(f->dir, [&](mgmt::Directory& d) { fn(d, *f); }); });
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
  list->add_flag("--all", f->all, "include retired devices");
  AddJsonFlag(*list, *f);

  CLI::App* show = Command(*device, "show", "show a device and its groups", f, ShowDevice);
  show->add_option("id", f->id, "device id")->required();
  AddJsonFlag(*show, *f);

  CLI::App* retire =
      Command(*device, "retire", "retire a device", f, [](mgmt::Directory& d, const Flags& fl) {
        std::vector<std::string> revoked = OrDie(d.RetireDevice(fl.id));
        std::cout << "retired device " << fl.id << "; revoked " << revoked.size()
                  << " certificate(s)";
        for (const auto& serial : revoked) std::cout << " " << serial;
        std::cout << "\n";
      });
  retire->add_option("id", f->id, "device id")->required();
}

void AddUserCommands(CLI::App& app) {
  CLI::App* user = app.add_subcommand("user", "directory users (disabled, never deleted)");
  user->require_subcommand(1);
  auto f = std::make_shared<Flags>();

  CLI::App* add = Command(*user, "add", "add a user", f, AddUser);
  add->add_option("--upn", f->upn, "user principal name (name@domain)")->required();
  add->add_option("--email", f->email, "e-mail address");
  add->add_option("--sid", f->sid, "Windows SID (S-1-5-21-...)");
  add->add_option("--dn", f->dn, "on-premises distinguished name");
  AddJsonFlag(*add, *f);

  CLI::App* list = Command(*user, "list", "list users by UPN", f, ListUsers);
  AddJsonFlag(*list, *f);

  CLI::App* show = Command(*user, "show", "show a user, its groups and devices", f, ShowUser);
  show->add_option("upn", f->id, "user principal name")->required();
  AddJsonFlag(*show, *f);

  CLI::App* disable =
      Command(*user, "disable", "disable a user", f, [](mgmt::Directory& d, const Flags& fl) {
        OrDie(d.DisableUser(fl.id));
        std::cout << "disabled user " << fl.id << "\n";
      });
  disable->add_option("upn", f->id, "user principal name")->required();
}

void AddGroupCommands(CLI::App& app) {
  CLI::App* group = app.add_subcommand("group", "groups of devices and users");
  group->require_subcommand(1);
  auto f = std::make_shared<Flags>();

  CLI::App* add = Command(*group, "add", "add a group", f, [](mgmt::Directory& d, const Flags& fl) {
    store::GroupRecord g = OrDie(d.AddGroup(fl.id, fl.description));
    std::cout << "added group " << g.name << "\n";
  });
  add->add_option("name", f->id, "group name")->required();
  add->add_option("--description", f->description, "what the group is for");

  CLI::App* list = Command(*group, "list", "list groups with member counts", f, ListGroups);
  AddJsonFlag(*list, *f);

  auto member_command = [&](const std::string& name, const std::string& help, bool add_it) {
    CLI::App* cmd = Command(*group, name, help, f, [add_it](mgmt::Directory& d, const Flags& fl) {
      store::GroupMember m = MemberFrom(fl);
      OrDie(add_it ? d.AddMember(fl.id, m) : d.RemoveMember(fl.id, m));
      std::cout << (add_it ? "added " : "removed ") << store::MemberKindName(m.kind) << " " << m.id
                << (add_it ? " to" : " from") << " group " << fl.id << "\n";
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
