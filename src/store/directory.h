// The directory: devices, users and groups with static members.
// Part of the store (store.h): who and what certificates are issued for. UPNs and group names match
// regardless of ASCII case; device ids match exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "store/page_cursor.h"

namespace scepgate::store {

// A managed device. Retired, never deleted: certificates will point at it.
struct DeviceRecord {
  std::string id;  // UUID v4, lower-case, minted by scepgate
  std::string name;
  std::string platform;       // windows|ios|ipados|macos|android|linux|network
  std::string serial_number;  // may be empty
  std::string owner;          // a user's UPN, "" when none
  bool retired = false;
  int64_t retired_at = 0;
  int64_t created_at = 0;
  // Its place in the store's order of insertion, set by ListDevices (may be 0 in a record read
  // otherwise): with created_at, the cursor of the next page.
  int64_t seq = 0;
};

// A directory user. Disabled, never deleted. The UPN is unique regardless of (ASCII) case.
struct UserRecord {
  std::string upn;  // stored as given
  std::string email;
  std::string sid;         // Windows SID ("S-1-5-21-..."), may be empty
  std::string on_prem_dn;  // on-premises distinguished name, may be empty
  // The UPN, e-mail, SID and DN were set by an admin (token or the local CLI), not an operator:
  // only then may an operator mint a challenge whose certificate carries them (mgmt/tokens.h).
  bool identity_by_admin = false;
  bool disabled = false;
  int64_t disabled_at = 0;
  int64_t created_at = 0;
};

// A group with static members. The name is unique regardless of (ASCII) case.
struct GroupRecord {
  std::string name;
  std::string description;
  int64_t created_at = 0;
};

enum class MemberKind { kDevice, kUser };

// A group member: a device (by id) or a user (by UPN).
struct GroupMember {
  MemberKind kind = MemberKind::kDevice;
  std::string id;  // device id or user UPN
};

// Which members of a group to list. Members are ordered by kind (devices, then users), then by
// id regardless of ASCII case: the order of the membership key, so that a page is read from the
// index whatever the group's size.
struct MemberFilter {
  std::optional<MemberKind> kind;    // only members of this kind
  std::optional<GroupMember> after;  // members after this one (its id in any case)
  int limit = 0;                     // at most this many; 0 = all
};

// Where a member list starts, as the SQL stores compare it: the kind's name and the folded id.
// The list holds the members after this position; ("", "") is before every member.
struct MemberPosition {
  std::string kind;
  std::string id;
};

// The start of the list `filter` asks for: after its cursor, and not before the first member of
// the kind it asks for. Thread-safe.
MemberPosition MemberListStart(const MemberFilter& filter);

// The cursor of a member list (page_cursor.h): "<kind>.<hex of the folded id>". Thread-safe.
std::string MemberCursorText(const GroupMember& member);
// The member of MemberCursorText, its id folded. kInvalidArgument for anything else. Thread-safe.
Result<GroupMember> ParseMemberCursor(std::string_view text);

// How many devices and users a group has.
struct MemberCounts {
  int64_t devices = 0;
  int64_t users = 0;
};

struct DeviceFilter {
  std::optional<std::string> owner;  // only devices of this UPN (any case)
  bool include_retired = false;
  int limit = 0;                   // 0 = no limit; oldest first
  std::string platform;            // only this platform; "" = any
  std::string name_prefix;         // the name starts with it (exact case); "" = any
  std::optional<SeqCursor> after;  // only what comes after this cursor (the next page)
  // Only the devices this profile targets (its name, any case; mgmt/targeting.h): those in a
  // group assigned to it, or for a user profile those whose owner is; never a retired one. A
  // profile that does not exist targets none. "" = any.
  std::string targeted_by;
};

struct UserFilter {
  int limit = 0;  // 0 = no limit; by UPN, ASCII case folded
  bool include_disabled = true;
  std::string after;  // only UPNs whose folded form sorts after this folded UPN; "" = all
};

struct GroupFilter {
  int limit = 0;      // 0 = no limit; by name, ASCII case folded
  std::string after;  // only names whose folded form sorts after this folded name; "" = all
};

// "device" or "user".
const char* MemberKindName(MemberKind kind);

// A membership to add in a DirectoryBatch.
struct BatchMember {
  std::string group;
  GroupMember member;
};

// Items written together by DirectoryStore::ApplyDirectoryBatch (a bulk import, mgmt/import.h):
// users, then groups, then devices, then memberships.
struct DirectoryBatch {
  std::vector<UserRecord> users;
  std::vector<GroupRecord> groups;
  std::vector<DeviceRecord> devices;
  std::vector<BatchMember> members;
};

// Per item of a DirectoryBatch, in the same order: true when it was added, false when it was
// already there (same UPN or group name in any case, same device id, same membership).
struct DirectoryBatchOutcome {
  std::vector<bool> users;
  std::vector<bool> groups;
  std::vector<bool> devices;
  std::vector<bool> members;
};

// Devices, users and groups (store/memory_directory.cc, sqlite/directory.cc).
// Thread-safe: every implementation may be called from several threads at once.
class DirectoryStore {
 public:
  virtual ~DirectoryStore() = default;

  // Stores a new device. Returns kAlreadyExists when the id is taken, kNotFound when the owner
  // is not empty and names no user, kDatabase otherwise.
  virtual Status InsertDevice(const DeviceRecord& device) = 0;

  // Returns the device with this id, nullopt when none; kDatabase.
  virtual Result<std::optional<DeviceRecord>> FindDevice(std::string_view id) = 0;

  // Oldest first (created_at, then insertion order). kDatabase.
  virtual Result<std::vector<DeviceRecord>> ListDevices(const DeviceFilter& filter) = 0;

  // Marks the device retired. Returns kNotFound for an unknown id, kAlreadyExists when it is
  // already retired, kDatabase otherwise.
  virtual Status RetireDevice(std::string_view id, int64_t retired_at) = 0;

  // Stores a new user. Returns kAlreadyExists when the UPN is taken (in any case), kDatabase.
  virtual Status InsertUser(const UserRecord& user) = 0;

  // Returns the user with this UPN (any case), nullopt when none; kDatabase.
  virtual Result<std::optional<UserRecord>> FindUser(std::string_view upn) = 0;

  // Users by UPN (ASCII case folded, then compared byte by byte). kDatabase.
  virtual Result<std::vector<UserRecord>> ListUsers(const UserFilter& filter) = 0;

  // Marks the user disabled. Returns kNotFound for an unknown UPN, kAlreadyExists when the user
  // is already disabled, kDatabase otherwise.
  virtual Status DisableUser(std::string_view upn, int64_t disabled_at) = 0;

  // Replaces the user's e-mail, SID, on-premises DN and identity_by_admin with `user`'s (found
  // by user.upn, any case). Returns kNotFound for an unknown UPN, kDatabase otherwise.
  virtual Status UpdateUserIdentity(const UserRecord& user) = 0;

  // Stores a new group. Returns kAlreadyExists when the name is taken (in any case), kDatabase.
  virtual Status InsertGroup(const GroupRecord& group) = 0;

  // Returns the group with this name (any case), nullopt when none; kDatabase.
  virtual Result<std::optional<GroupRecord>> FindGroup(std::string_view name) = 0;

  // The groups `filter` selects, by name (ASCII case folded). kDatabase.
  virtual Result<std::vector<GroupRecord>> ListGroups(const GroupFilter& filter) = 0;

  // Adds a member to a group. Returns kNotFound when the group, device or user does not exist,
  // kAlreadyExists when it is already a member, kDatabase otherwise.
  virtual Status AddGroupMember(std::string_view group, const GroupMember& member) = 0;

  // Removes a member. Returns kNotFound when the group does not exist or `member` is not one of
  // its members, kDatabase otherwise.
  virtual Status RemoveGroupMember(std::string_view group, const GroupMember& member) = 0;

  // The group's members that `filter` selects, in its order. kNotFound for an unknown group;
  // kDatabase.
  virtual Result<std::vector<GroupMember>> ListGroupMembers(std::string_view group,
                                                            const MemberFilter& filter) = 0;

  // How many devices and users the group has, counted in the store. kNotFound for an unknown
  // group; kDatabase.
  virtual Result<MemberCounts> CountGroupMembers(std::string_view group) = 0;

  // The groups `member` belongs to, by name. kDatabase.
  virtual Result<std::vector<GroupRecord>> GroupsOf(const GroupMember& member) = 0;

  // Writes `batch` all or nothing: users, groups, devices, then memberships. Items already there
  // are left unchanged (an existing user or device keeps its fields) and reported false in the
  // outcome. Returns kNotFound, and writes nothing, when a device owner, a member's group, device
  // or user is neither stored nor earlier in the batch; kDatabase otherwise.
  virtual Result<DirectoryBatchOutcome> ApplyDirectoryBatch(const DirectoryBatch& batch) = 0;
};

}  // namespace scepgate::store
