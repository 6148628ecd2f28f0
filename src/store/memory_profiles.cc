// MemoryStore's SCEP profiles and their assignments to groups.
#include <string>
#include <utility>

#include "common/text.h"
#include "store/memory_store.h"

namespace scepgate::store {
namespace {

std::string NotAssigned(const ProfileRecord& profile, const GroupRecord& group) {
  return "profile " + profile.name + " is not assigned to group " + group.name;
}

}  // namespace

Result<MemoryStore::ProfileEntry*> MemoryStore::ProfileLocked(std::string_view name) {
  auto it = profiles_.find(AsciiLower(name));
  if (it == profiles_.end())
    return Fail(Error::NotFound("profile " + std::string(name) + " not found"));
  return &it->second;
}

Status MemoryStore::InsertProfile(const ProfileRecord& profile) {
  std::lock_guard lock(mu_);
  ProfileEntry entry;
  entry.profile = profile;
  if (!profiles_.emplace(AsciiLower(profile.name), std::move(entry)).second) {
    return Fail(Error::AlreadyExists("profile " + profile.name + " already exists"));
  }
  return {};
}

Result<std::optional<ProfileRecord>> MemoryStore::FindProfile(std::string_view name) {
  std::lock_guard lock(mu_);
  auto it = profiles_.find(AsciiLower(name));
  if (it == profiles_.end()) return std::nullopt;
  return it->second.profile;
}

Result<std::vector<ProfileRecord>> MemoryStore::ListProfiles() {
  std::lock_guard lock(mu_);
  std::vector<ProfileRecord> out;
  for (const auto& [key, entry] : profiles_) out.push_back(entry.profile);
  return out;
}

Status MemoryStore::UpdateProfile(const ProfileRecord& profile) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(ProfileEntry * entry, ProfileLocked(profile.name));
  ProfileRecord updated = profile;
  updated.name = entry->profile.name;
  updated.created_at = entry->profile.created_at;
  entry->profile = std::move(updated);
  return {};
}

Status MemoryStore::DeleteProfile(std::string_view name) {
  std::lock_guard lock(mu_);
  if (profiles_.erase(AsciiLower(name)) == 0) {
    return Fail(Error::NotFound("profile " + std::string(name) + " not found"));
  }
  return {};
}

Status MemoryStore::AddAssignment(std::string_view profile, std::string_view group) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(ProfileEntry * p, ProfileLocked(profile));
  SG_ASSIGN_OR_RETURN(GroupEntry * g, GroupLocked(group));
  if (!p->groups.insert(AsciiLower(g->group.name)).second) {
    return Fail(Error::AlreadyExists("profile " + p->profile.name +
                                     " is already assigned to group " + g->group.name));
  }
  return {};
}

Status MemoryStore::RemoveAssignment(std::string_view profile, std::string_view group) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(ProfileEntry * p, ProfileLocked(profile));
  SG_ASSIGN_OR_RETURN(GroupEntry * g, GroupLocked(group));
  if (p->groups.erase(AsciiLower(g->group.name)) == 0) {
    return Fail(Error::NotFound(NotAssigned(p->profile, g->group)));
  }
  return {};
}

Result<std::vector<GroupRecord>> MemoryStore::ListAssignments(std::string_view profile) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(ProfileEntry * p, ProfileLocked(profile));
  std::vector<GroupRecord> out;
  for (const std::string& key : p->groups) {
    auto it = groups_.find(key);
    if (it != groups_.end()) out.push_back(it->second.group);
  }
  return out;
}

Result<std::vector<ProfileRecord>> MemoryStore::ProfilesAssignedTo(std::string_view group) {
  std::lock_guard lock(mu_);
  SG_ASSIGN_OR_RETURN(GroupEntry * g, GroupLocked(group));
  std::string key = AsciiLower(g->group.name);
  std::vector<ProfileRecord> out;
  for (const auto& [name, entry] : profiles_) {
    if (entry.groups.contains(key)) out.push_back(entry.profile);
  }
  return out;
}

}  // namespace scepgate::store
