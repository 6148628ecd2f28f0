#include "mgmt/import_plan.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "common/text.h"
#include "common/unicode_text.h"
#include "mgmt/directory_rules.h"

namespace scepgate::mgmt {
namespace {

std::string Field(const ImportRow& row, std::string_view name) {
  auto it = row.fields.find(name);
  return it == row.fields.end() ? std::string() : it->second;
}

// 8-4-4-4-12 hexadecimal digits, any case.
bool IsUuid(std::string_view id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? id[i] != '-' : std::isxdigit(static_cast<unsigned char>(id[i])) == 0) return false;
  }
  return true;
}

// kInvalidArgument when the row has a column that its type does not use.
Status CheckColumns(const ImportRow& row, const std::string& type,
                    std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : row.fields) {
    if (name == "type" || std::ranges::find(allowed, name) != allowed.end()) continue;
    return Fail(Error::InvalidArgument("a " + type + " row has no '" + name + "'"));
  }
  return {};
}

}  // namespace

Result<ImportPlanner> ImportPlanner::Load(store::DirectoryStore& store, bool with_devices) {
  ImportPlanner p;
  p.store_ = &store;
  SG_ASSIGN_OR_RETURN(auto users, store.ListUsers({}));
  for (store::UserRecord& u : users) {
    std::string key = FoldCase(u.upn);  // before u.upn is moved from
    p.users_.emplace(std::move(key), KnownUser{std::move(u.upn), u.disabled});
  }
  SG_ASSIGN_OR_RETURN(auto groups, store.ListGroups({}));
  for (store::GroupRecord& g : groups) {
    std::string key = FoldCase(g.name);
    p.groups_.emplace(std::move(key), std::move(g.name));
  }
  p.with_devices_ = with_devices;
  if (with_devices) {
    store::DeviceFilter all;
    all.include_retired = true;
    SG_ASSIGN_OR_RETURN(auto devices, store.ListDevices(all));
    for (const store::DeviceRecord& d : devices) p.devices_.insert(d.id);
  }
  return p;
}

Result<std::string> ImportPlanner::ResolveGroup(const std::string& name, RowPlan& plan) {
  SG_ASSIGN_OR_RETURN(store::GroupRecord group, CheckNewGroup(name, ""));
  std::string key = FoldCase(group.name);
  if (auto it = groups_.find(key); it != groups_.end()) return it->second;
  for (const store::GroupRecord& g : plan.new_groups)
    if (FoldCase(g.name) == key) return g.name;
  if (!create_groups_) {
    return Fail(Error::NotFound("group " + group.name +
                                " does not exist (create it first, or import with create-groups)"));
  }
  group.created_at = now_;
  plan.new_groups.push_back(group);
  return group.name;
}

Result<ImportPlanner::KnownUser> ImportPlanner::ResolveUser(const std::string& upn,
                                                            std::string_view what) {
  auto it = users_.find(FoldCase(upn));
  if (it == users_.end())
    return Fail(Error::NotFound(std::string(what) + " " + upn + " does not exist"));
  return it->second;
}

Result<RowPlan> ImportPlanner::PlanUser(const ImportRow& row, const ImportOptions& options) {
  RowPlan plan;
  SG_TRY_STATUS(CheckColumns(row, "user", {"upn", "email", "sid", "dn", "groups"}));
  NewUser user{Field(row, "upn"), Field(row, "email"), Field(row, "sid"), Field(row, "dn")};
  if (user.upn.empty()) return Fail(Error::InvalidArgument("a user row needs a upn"));
  SG_ASSIGN_OR_RETURN(store::UserRecord u, CheckNewUser(user, options.by));
  u.created_at = now_;
  auto known = users_.find(FoldCase(u.upn));
  plan.existing = known != users_.end();
  std::string stored = plan.existing ? known->second.upn : u.upn;
  for (const std::string& g : row.groups) {
    SG_ASSIGN_OR_RETURN(std::string group, ResolveGroup(g, plan));
    plan.members.push_back({group, {store::MemberKind::kUser, stored}});
  }
  plan.user = std::move(u);
  return plan;
}

Result<RowPlan> ImportPlanner::PlanDevice(const ImportRow& row, Random& random) {
  RowPlan plan;
  SG_TRY_STATUS(
      CheckColumns(row, "device", {"id", "name", "platform", "serial_number", "owner", "groups"}));
  NewDevice device{Field(row, "name"), Field(row, "platform"), Field(row, "serial_number"),
                   Field(row, "owner")};
  SG_ASSIGN_OR_RETURN(store::DeviceRecord d, CheckNewDevice(device));
  if (!d.owner.empty()) {
    SG_ASSIGN_OR_RETURN(KnownUser owner, ResolveUser(d.owner, "owner"));
    if (owner.disabled) return Fail(Error::InvalidArgument("owner " + owner.upn + " is disabled"));
    d.owner = owner.upn;
  }
  std::string id = Field(row, "id");
  if (id.empty()) {
    SG_ASSIGN_OR_RETURN(d.id, NewUuid(random));
    plan.minted = true;
  } else {
    if (!IsUuid(id))
      return Fail(Error::InvalidArgument("id '" + id + "' is not a UUID (8-4-4-4-12 hex digits)"));
    d.id = AsciiLower(id);
    if (devices_.contains(d.id)) {
      plan.existing = true;
    } else if (!with_devices_) {
      SG_ASSIGN_OR_RETURN(auto found, store_->FindDevice(d.id));
      plan.existing = found.has_value();
    }
  }
  d.created_at = now_;
  for (const std::string& g : row.groups) {
    SG_ASSIGN_OR_RETURN(std::string group, ResolveGroup(g, plan));
    plan.members.push_back({group, {store::MemberKind::kDevice, d.id}});
  }
  plan.device = std::move(d);
  return plan;
}

Result<RowPlan> ImportPlanner::PlanMember(const ImportRow& row) {
  RowPlan plan;
  SG_TRY_STATUS(CheckColumns(row, "member", {"group", "device", "user"}));
  std::string group = Field(row, "group"), device = Field(row, "device"), user = Field(row, "user");
  if (group.empty() || device.empty() == user.empty())
    return Fail(Error::InvalidArgument("a member row needs a group and either a device or a user"));
  SG_ASSIGN_OR_RETURN(std::string name, ResolveGroup(group, plan));
  store::GroupMember member;
  if (!device.empty()) {
    member.kind = store::MemberKind::kDevice;
    member.id = AsciiLower(device);
    bool known = devices_.contains(member.id);
    if (!known && !with_devices_) {
      SG_ASSIGN_OR_RETURN(auto found, store_->FindDevice(member.id));
      known = found.has_value();
    }
    if (!known) return Fail(Error::NotFound("device " + device + " does not exist"));
  } else {
    member.kind = store::MemberKind::kUser;
    SG_ASSIGN_OR_RETURN(KnownUser known, ResolveUser(user, "user"));
    member.id = known.upn;
  }
  plan.members.push_back({name, std::move(member)});
  return plan;
}

void ImportPlanner::Remember(const RowPlan& plan) {
  if (plan.user && !plan.existing)
    users_.emplace(FoldCase(plan.user->upn), KnownUser{plan.user->upn, false});
  if (plan.device) devices_.insert(plan.device->id);
  for (const store::GroupRecord& g : plan.new_groups) groups_.emplace(FoldCase(g.name), g.name);
}

Result<RowPlan> ImportPlanner::Plan(const ImportRow& row, const ImportOptions& options,
                                    const Clock& clock, Random& random) {
  if (!row.error.empty()) return Fail(Error::InvalidArgument(row.error));
  create_groups_ = options.create_groups;
  now_ = clock.Now();
  std::string type = AsciiLower(Field(row, "type"));
  if (type.empty()) type = options.default_type;
  Result<RowPlan> plan =
      Fail(Error::InvalidArgument("unknown row type '" + type + "' (device|user|member)"));
  if (type == "device") plan = PlanDevice(row, random);
  if (type == "user") plan = PlanUser(row, options);
  if (type == "member") plan = PlanMember(row);
  if (!plan) return plan;
  plan->line = row.line;
  plan->type = type;
  Remember(*plan);
  return plan;
}

}  // namespace scepgate::mgmt
