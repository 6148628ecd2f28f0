// The directory an MDM holds: devices, users, and groups with static members. Every rule and
// every validation lives here; the CLI and the REST API call these same functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ca/revocation.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/random.h"
#include "mgmt/page.h"
#include "mgmt/tokens.h"
#include "store/store.h"

namespace scepgate::mgmt {

struct NewDevice {
  std::string name;
  std::string platform;       // windows|ios|ipados|macos|android|linux|network (any case)
  std::string serial_number;  // optional
  std::string owner;          // optional UPN (any case) of an existing user
};

struct NewUser {
  std::string upn;  // "name@domain"
  std::string email;
  std::string sid;         // optional, "S-1-<authority>-<sub>..."
  std::string on_prem_dn;  // optional
};

// A change to a user's identity attributes: only those given change.
struct UserIdentity {
  std::optional<std::string> email;
  std::optional<std::string> sid;  // "" clears it
  std::optional<std::string> on_prem_dn;
};

struct DeviceDetails {
  store::DeviceRecord device;
  std::vector<store::GroupRecord> groups;
};

struct UserDetails {
  store::UserRecord user;
  std::vector<store::GroupRecord> groups;
  std::vector<store::DeviceRecord> devices;  // owned, retired ones included
};

// A group and how many members it has (`group list`, `group show`, GET /groups[/{name}]).
struct GroupSummary {
  store::GroupRecord group;
  int64_t devices = 0;  // member counts
  int64_t users = 0;
};

// A group and one of its members, as a membership change reports it.
struct Membership {
  store::GroupRecord group;
  store::GroupMember member;
};

// The platforms a device may have, lower-case.
const std::vector<std::string>& Platforms();
// NewUuid (a random UUID v4) is in common/random.h.

// Thread-safe as far as the store is: holds no state of its own.
// What Directory::RetireDevices did; the lists keep the order the ids were given in.
struct RetireReport {
  std::vector<std::string> retired;          // device ids retired by this call
  std::vector<std::string> already_retired;  // before this call, or named twice in it
  std::vector<std::string> not_found;
  std::vector<std::string> revoked;  // serials of the certificates revoked
};

// A page of devices (`device list`, GET /devices); text as typed, "" when not given.
struct DeviceQuery {
  std::string owner;             // of this user (UPN, any case)
  std::string platform;          // windows|ios|ipados|macos|android|linux|network
  std::string name_prefix;       // the name starts with it
  bool include_retired = false;  // retired devices too
  std::string targeted_by;       // only those this profile targets (mgmt/targeting.h)
  std::string cursor;            // where the previous page ended
  int limit = 0;                 // at most this many; 0 = all
};

// A page of users (`user list`, GET /users).
struct UserQuery {
  bool include_disabled = true;
  std::string cursor;  // where the previous page ended
  int limit = 0;       // at most this many; 0 = all
};

// A page of groups (`group list`, GET /groups), by name regardless of ASCII case.
struct GroupQuery {
  std::string cursor;  // where the previous page ended
  int limit = 0;       // at most this many; 0 = all
};

// A page of a group's members (`group members`, GET /groups/{name}/members): devices, then users,
// each by id regardless of ASCII case.
struct MemberQuery {
  std::string kind;    // "device" or "user": only those; "" = both
  std::string cursor;  // where the previous page ended
  int limit = 0;       // at most this many; 0 = all
};

class Directory {
 public:
  // With a revoker, retiring a device also revokes its certificates.
  Directory(store::Store& store, const Clock& clock, Random& random, ca::Revoker* revoker = nullptr)
      : store_(store), clock_(clock), random_(random), revoker_(revoker) {}

  // Adds a device with a fresh id and returns it. kInvalidArgument for a name or serial number
  // that mgmt/names.h refuses or an unknown platform, kNotFound when the owner names no user,
  // kInvalidArgument when the owner is disabled, kDatabase otherwise.
  Result<store::DeviceRecord> AddDevice(const NewDevice& device);
  // Marks a device retired (no challenge is minted for it and no request from it passes any more),
  // then revokes its valid certificates (cessationOfOperation) when there is a revoker, and
  // returns their serials. Retiring an already retired device only revokes what is left valid;
  // kAlreadyExists when there is nothing left to do. kNotFound for an unknown id.
  Result<std::vector<std::string>> RetireDevice(std::string_view id);
  // Retires several devices, then revokes all their valid certificates in one
  // Revoker::RevokeMany (each CRL re-signed once). Unknown ids are reported, not refused; an
  // already retired device has what is left valid revoked. kDatabase / what the revoker returns:
  // the devices retired and certificates revoked before the failure stay so.
  Result<RetireReport> RetireDevices(std::span<const std::string> ids);
  // The device and its groups. kNotFound for an unknown id.
  Result<DeviceDetails> ShowDevice(std::string_view id);
  // Devices, oldest first. kNotFound when filter.owner names no user.
  Result<std::vector<store::DeviceRecord>> ListDevices(const store::DeviceFilter& filter);
  // One page of devices, oldest first. kNotFound when query.owner names no user or
  // query.targeted_by no profile, kInvalidArgument for a cursor that does not parse or a
  // negative limit; kDatabase.
  Result<Page<store::DeviceRecord>> DevicePage(const DeviceQuery& query);

  // Adds a user on behalf of `by` and returns it; the user's identity counts as set by an admin
  // when `by` is admin. kPermissionDenied when `by` is below admin and a SID is given,
  // kInvalidArgument for a malformed UPN, e-mail or SID, kAlreadyExists when the UPN is taken
  // (in any case, Unicode-aware). The UPN, e-mail and DN are checked as mgmt/names.h says.
  Result<store::UserRecord> AddUser(const NewUser& user, Role by);
  // Changes the given identity attributes of a user (none given: confirms them as they are) and
  // marks the identity as set by an admin; returns the user. kPermissionDenied when `by` is below
  // admin, kNotFound for an unknown UPN, kInvalidArgument for a malformed e-mail or SID.
  Result<store::UserRecord> SetUserIdentity(std::string_view upn, const UserIdentity& change,
                                            Role by);
  // Marks a user disabled. kNotFound for an unknown UPN, kAlreadyExists if already disabled.
  Status DisableUser(std::string_view upn);
  // The user, its groups and devices. kNotFound for an unknown UPN.
  Result<UserDetails> ShowUser(std::string_view upn);
  // One page of users by UPN (ASCII case folded). kInvalidArgument for a cursor that does not
  // parse or a negative limit; kDatabase.
  Result<Page<store::UserRecord>> UserPage(const UserQuery& query);

  // Adds a group and returns it. kInvalidArgument for a name or description that
  // mgmt/names.h refuses, kAlreadyExists when the name is taken (in any case, Unicode-aware).
  Result<store::GroupRecord> AddGroup(std::string_view name, std::string_view description);
  // Every group with its member counts (counted in the store), by name. kDatabase.
  Result<std::vector<GroupSummary>> ListGroups();
  // One page of groups with their member counts, by name (ASCII case folded). kInvalidArgument
  // for a cursor that does not parse or a negative limit; kDatabase.
  Result<Page<GroupSummary>> GroupPage(const GroupQuery& query);
  // The group and its member counts. kNotFound for an unknown group; kDatabase.
  Result<GroupSummary> ShowGroup(std::string_view name);
  // One page of the group's members. kNotFound for an unknown group, kInvalidArgument for a kind
  // other than device or user, a cursor that does not parse or a negative limit; kDatabase.
  Result<Page<store::GroupMember>> MemberPage(std::string_view group, const MemberQuery& query);
  // Adds a device (by id) or user (by UPN, any case) to a group, in time independent of the
  // group's size. Returns the group and the member as stored. kNotFound when the group or the
  // member does not exist, kAlreadyExists when it is already a member.
  Result<Membership> AddMember(std::string_view group, const store::GroupMember& member);
  // Returns what was removed. kNotFound when the group does not exist or `member` is not one of
  // its members.
  Result<Membership> RemoveMember(std::string_view group, const store::GroupMember& member);

 private:
  Result<store::DeviceRecord> FindDevice(std::string_view id);
  Result<store::UserRecord> FindUser(std::string_view upn);
  Result<store::GroupRecord> FindGroup(std::string_view name);
  // The user or group whose name is the same but for case, Unicode-aware (mgmt/names.h): the
  // store's own lookup first, then a scan of all. nullopt when none; kDatabase.
  Result<std::optional<store::UserRecord>> FindUserByFold(std::string_view upn);
  Result<std::optional<store::GroupRecord>> FindGroupByFold(std::string_view name);
  // The member as stored: a lower-case device id, or the user's UPN as it was added.
  Result<store::GroupMember> Canonical(const store::GroupMember& member);

  store::Store& store_;
  const Clock& clock_;
  Random& random_;
  ca::Revoker* revoker_;  // null: retiring revokes nothing
};

}  // namespace scepgate::mgmt
