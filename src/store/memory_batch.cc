// MemoryStore::ApplyDirectoryBatch: a bulk import's batch, checked whole before anything is
// written so that it is all or nothing.
#include <algorithm>
#include <set>
#include <string>

#include "common/text.h"
#include "store/memory_store.h"

namespace scepgate::store {

Result<DirectoryBatchOutcome> MemoryStore::ApplyDirectoryBatch(const DirectoryBatch& batch) {
  std::lock_guard lock(mu_);
  // What the batch adds, to check the references before writing anything.
  std::set<std::string, std::less<>> users, groups, devices;
  for (const UserRecord& u : batch.users) users.insert(AsciiLower(u.upn));
  for (const GroupRecord& g : batch.groups) groups.insert(AsciiLower(g.name));
  for (const DeviceRecord& d : batch.devices) devices.insert(d.id);
  auto user_known = [&](const std::string& upn) {
    return users.contains(AsciiLower(upn)) || users_.contains(AsciiLower(upn));
  };
  auto device_known = [&](const std::string& id) {
    return devices.contains(id) || DeviceLocked(id) != nullptr;
  };
  for (const DeviceRecord& d : batch.devices) {
    if (!d.owner.empty() && !user_known(d.owner))
      return Fail(Error::NotFound("owner " + d.owner + " not found"));
  }
  for (const BatchMember& m : batch.members) {
    if (!groups.contains(AsciiLower(m.group)) && !groups_.contains(AsciiLower(m.group)))
      return Fail(Error::NotFound("group " + m.group + " not found"));
    bool known =
        m.member.kind == MemberKind::kUser ? user_known(m.member.id) : device_known(m.member.id);
    if (!known) {
      return Fail(Error::NotFound(std::string(MemberKindName(m.member.kind)) + " " + m.member.id +
                                  " not found"));
    }
  }
  DirectoryBatchOutcome out;
  for (const UserRecord& u : batch.users)
    out.users.push_back(users_.emplace(AsciiLower(u.upn), u).second);
  for (const GroupRecord& g : batch.groups) {
    GroupEntry entry;
    entry.group = g;
    out.groups.push_back(groups_.emplace(AsciiLower(g.name), std::move(entry)).second);
  }
  for (const DeviceRecord& d : batch.devices) {
    bool fresh = DeviceLocked(d.id) == nullptr;
    if (fresh) devices_.push_back(d);
    out.devices.push_back(fresh);
  }
  for (const BatchMember& m : batch.members) {
    GroupEntry& entry = groups_.find(AsciiLower(m.group))->second;
    out.members.push_back(entry.members.emplace(KeyOf(m.member), m.member).second);
  }
  return out;
}

}  // namespace scepgate::store
