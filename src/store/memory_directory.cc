// MemoryStore's directory: devices, users, groups and their members.
#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "common/text.h"
#include "store/memory_store.h"

namespace scepgate::store {
namespace {

std::string Describe(const GroupMember& member) {
  return std::string(MemberKindName(member.kind)) + " " + member.id;
}

}  // namespace

const char* MemberKindName(MemberKind kind) {
  return kind == MemberKind::kUser ? "user" : "device";
}

MemberPosition MemberListStart(const MemberFilter& filter) {
  MemberPosition start;
  if (filter.after) start = {MemberKindName(filter.after->kind), AsciiLower(filter.after->id)};
  // Member ids are never empty, so (kind, "") is just before the kind's first member.
  if (filter.kind && start.kind < MemberKindName(*filter.kind))
    start = {MemberKindName(*filter.kind), ""};
  return start;
}

DeviceRecord* MemoryStore::DeviceLocked(std::string_view id) {
  auto it = std::ranges::find(devices_, id, &DeviceRecord::id);
  return it == devices_.end() ? nullptr : &*it;
}

Result<MemoryStore::GroupEntry*> MemoryStore::GroupLocked(std::string_view name) {
  auto it = groups_.find(AsciiLower(name));
  if (it == groups_.end())
    return Fail(Error::NotFound("group " + std::string(name) + " not found"));
  return &it->second;
}

Status MemoryStore::CheckMemberExistsLocked(const GroupMember& member) const {
  bool found = member.kind == MemberKind::kUser
                   ? users_.contains(AsciiLower(member.id))
                   : std::ranges::find(devices_, member.id, &DeviceRecord::id) != devices_.end();
  if (!found) return Fail(Error::NotFound(Describe(member) + " not found"));
  return {};
}

Status MemoryStore::InsertDevice(const DeviceRecord& device) {
  std::lock_guard lock(mu_);
  if (DeviceLocked(device.id) != nullptr) {
    return Fail(Error::AlreadyExists("device " + device.id + " already exists"));
  }
  if (!device.owner.empty() && !users_.contains(AsciiLower(device.owner))) {
    return Fail(Error::NotFound("owner " + device.owner + " not found"));
  }
  devices_.push_back(device);
  return {};
}

Result<std::optional<DeviceRecord>> MemoryStore::FindDevice(std::string_view id) {
  std::lock_guard lock(mu_);
  const DeviceRecord* device = DeviceLocked(id);
  if (device == nullptr) return std::nullopt;
  return *device;
}

Result<std::vector<DeviceRecord>> MemoryStore::ListDevices(const DeviceFilter& filter) {
  std::lock_guard lock(mu_);
  // Targeting: the folded device ids (device profile) or UPNs (user profile) in a group
  // assigned to the profile.
  std::set<std::string, std::less<>> targeted;
  bool by_owner = false;
  if (!filter.targeted_by.empty()) {
    auto profile = profiles_.find(AsciiLower(filter.targeted_by));
    if (profile == profiles_.end()) return std::vector<DeviceRecord>{};
    by_owner = profile->second.profile.cert_type == "user";
    const MemberKind kind = by_owner ? MemberKind::kUser : MemberKind::kDevice;
    for (const std::string& key : profile->second.groups) {
      auto group = groups_.find(key);
      if (group == groups_.end()) continue;
      for (const auto& [member_key, m] : group->second.members)
        if (m.kind == kind) targeted.insert(member_key.second);
    }
  }
  std::vector<DeviceRecord> out;
  for (size_t i = 0; i < devices_.size(); ++i) {
    const DeviceRecord& d = devices_[i];
    if (d.retired && !filter.include_retired) continue;
    if (!filter.targeted_by.empty()) {
      const std::string& key = by_owner ? d.owner : d.id;
      if (d.retired || key.empty() || !targeted.contains(AsciiLower(key))) continue;
    }
    if (filter.owner && AsciiLower(d.owner) != AsciiLower(*filter.owner)) continue;
    if (!filter.platform.empty() && d.platform != filter.platform) continue;
    if (!d.name.starts_with(filter.name_prefix)) continue;
    const auto seq = static_cast<int64_t>(i) + 1;  // devices are never removed
    if (filter.after &&
        std::pair(d.created_at, seq) <= std::pair(filter.after->created_at, filter.after->seq)) {
      continue;
    }
    out.push_back(d);
    out.back().seq = seq;
  }
  std::ranges::stable_sort(out, std::ranges::less{}, &DeviceRecord::created_at);
  if (filter.limit > 0 && out.size() > static_cast<size_t>(filter.limit)) out.resize(filter.limit);
  return out;
}

Status MemoryStore::RetireDevice(std::string_view id, int64_t retired_at) {
  std::lock_guard lock(mu_);
  DeviceRecord* device = DeviceLocked(id);
  std::string what = "device " + std::string(id);
  if (device == nullptr) return Fail(Error::NotFound(what + " not found"));
  if (device->retired) return Fail(Error::AlreadyExists(what + " is already retired"));
  device->retired = true;
  device->retired_at = retired_at;
  return {};
}

Status MemoryStore::InsertUser(const UserRecord& user) {
  std::lock_guard lock(mu_);
  if (!users_.emplace(AsciiLower(user.upn), user).second) {
    return Fail(Error::AlreadyExists("user " + user.upn + " already exists"));
  }
  return {};
}

Result<std::optional<UserRecord>> MemoryStore::FindUser(std::string_view upn) {
  std::lock_guard lock(mu_);
  auto it = users_.find(AsciiLower(upn));
  if (it == users_.end()) return std::nullopt;
  return it->second;
}

Status MemoryStore::UpdateUserIdentity(const UserRecord& user) {
  std::lock_guard lock(mu_);
  auto it = users_.find(AsciiLower(user.upn));
  if (it == users_.end()) return Fail(Error::NotFound("user " + user.upn + " not found"));
  it->second.email = user.email;
  it->second.sid = user.sid;
  it->second.on_prem_dn = user.on_prem_dn;
  it->second.identity_by_admin = user.identity_by_admin;
  return {};
}

Result<std::vector<UserRecord>> MemoryStore::ListUsers(const UserFilter& filter) {
  std::lock_guard lock(mu_);
  std::vector<UserRecord> out;
  // users_ is keyed by the folded UPN: its order is the list's.
  auto it = filter.after.empty() ? users_.begin() : users_.upper_bound(filter.after);
  for (; it != users_.end(); ++it) {
    if (filter.limit > 0 && out.size() >= static_cast<size_t>(filter.limit)) break;
    if (it->second.disabled && !filter.include_disabled) continue;
    out.push_back(it->second);
  }
  return out;
}

Status MemoryStore::DisableUser(std::string_view upn, int64_t disabled_at) {
  std::lock_guard lock(mu_);
  auto it = users_.find(AsciiLower(upn));
  std::string what = "user " + std::string(upn);
  if (it == users_.end()) return Fail(Error::NotFound(what + " not found"));
  if (it->second.disabled) return Fail(Error::AlreadyExists(what + " is already disabled"));
  it->second.disabled = true;
  it->second.disabled_at = disabled_at;
  return {};
}

Status MemoryStore::InsertGroup(const GroupRecord& group) {
  std::lock_guard lock(mu_);
  GroupEntry entry;
  entry.group = group;
  if (!groups_.emplace(AsciiLower(group.name), std::move(entry)).second) {
    return Fail(Error::AlreadyExists("group " + group.name + " already exists"));
  }
  return {};
}

Result<std::optional<GroupRecord>> MemoryStore::FindGroup(std::string_view name) {
  std::lock_guard lock(mu_);
  auto it = groups_.find(AsciiLower(name));
  if (it == groups_.end()) return std::nullopt;
  return it->second.group;
}

Result<std::vector<GroupRecord>> MemoryStore::ListGroups(const GroupFilter& filter) {
  std::lock_guard lock(mu_);
  std::vector<GroupRecord> out;
  for (auto it = groups_.upper_bound(filter.after); it != groups_.end(); ++it) {
    if (filter.limit > 0 && out.size() >= static_cast<size_t>(filter.limit)) break;
    out.push_back(it->second.group);
  }
  return out;
}

Status MemoryStore::AddGroupMember(std::string_view group, const GroupMember& member) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(GroupEntry * entry, GroupLocked(group));
  SG_TRY_STATUS(CheckMemberExistsLocked(member));
  if (!entry->members.emplace(KeyOf(member), member).second) {
    return Fail(Error::AlreadyExists(Describe(member) + " is already a member of group " +
                                     entry->group.name));
  }
  return {};
}

Status MemoryStore::RemoveGroupMember(std::string_view group, const GroupMember& member) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(GroupEntry * entry, GroupLocked(group));
  if (entry->members.erase(KeyOf(member)) == 0) {
    return Fail(
        Error::NotFound(Describe(member) + " is not a member of group " + entry->group.name));
  }
  return {};
}

MemoryStore::MemberKey MemoryStore::KeyOf(const GroupMember& member) {
  return {member.kind, AsciiLower(member.id)};
}

Result<std::vector<GroupMember>> MemoryStore::ListGroupMembers(std::string_view group,
                                                               const MemberFilter& filter) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(GroupEntry * entry, GroupLocked(group));
  auto it =
      filter.after ? entry->members.upper_bound(KeyOf(*filter.after)) : entry->members.begin();
  std::vector<GroupMember> out;
  for (; it != entry->members.end(); ++it) {
    if (filter.limit > 0 && out.size() >= static_cast<size_t>(filter.limit)) break;
    if (filter.kind && it->second.kind != *filter.kind) continue;
    out.push_back(it->second);
  }
  return out;
}

Result<MemberCounts> MemoryStore::CountGroupMembers(std::string_view group) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(GroupEntry * entry, GroupLocked(group));
  MemberCounts counts;
  for (const auto& [key, m] : entry->members)
    ++(m.kind == MemberKind::kUser ? counts.users : counts.devices);
  return counts;
}

Result<std::vector<GroupRecord>> MemoryStore::GroupsOf(const GroupMember& member) {
  std::lock_guard lock(mu_);
  std::vector<GroupRecord> out;
  for (const auto& [key, entry] : groups_) {
    if (entry.members.contains(KeyOf(member))) out.push_back(entry.group);
  }
  return out;
}

}  // namespace scepgate::store
