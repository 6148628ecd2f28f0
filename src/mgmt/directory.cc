#include "mgmt/directory.h"

#include <algorithm>
#include <cctype>
#include <unordered_set>
#include <utility>

#include "common/text.h"
#include "mgmt/directory_rules.h"
#include "mgmt/names.h"
#include "mgmt/revocation.h"

namespace scepgate::mgmt {
namespace {

bool HasControlOrSpace(std::string_view s) {
  return std::ranges::any_of(s, [](unsigned char c) { return c <= ' ' || c == 0x7f; });
}

// "local@domain": exactly one '@', both sides non-empty, no spaces or control characters.
Status CheckUpn(std::string_view upn, std::string_view what) {
  size_t at = upn.find('@');
  bool ok = at != std::string_view::npos && at > 0 && at + 1 < upn.size() &&
            upn.find('@', at + 1) == std::string_view::npos && !HasControlOrSpace(upn);
  if (!ok) {
    return Fail(Error::InvalidArgument(std::string(what) + " '" + std::string(upn) +
                                       "' is not of the form name@domain"));
  }
  return {};
}

// "S-1-" then dash-separated decimal numbers (at least the authority and one sub-authority).
Status CheckSid(std::string_view sid) {
  auto bad = [&] {
    return Fail(Error::InvalidArgument("SID '" + std::string(sid) +
                                       "' is not of the form S-1-<authority>-<sub-authority>..."));
  };
  if (!sid.starts_with("S-1-")) return bad();
  std::string_view rest = sid.substr(4);
  int parts = 0;
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = std::min(rest.find('-', start), rest.size());
    std::string_view part = rest.substr(start, end - start);
    if (part.empty() || part.size() > 20) return bad();
    if (!std::ranges::all_of(part, [](unsigned char c) { return std::isdigit(c) != 0; })) {
      return bad();
    }
    ++parts;
    start = end + 1;
  }
  if (parts < 2) return bad();
  return {};
}

// The optional identity attributes of a user, checked and normalised in place: e-mail, SID,
// on-premises DN.
Status CheckIdentity(std::string& email, const std::string& sid, std::string& dn) {
  if (!email.empty()) {
    SG_ASSIGN_OR_RETURN(email, CheckName(email, "e-mail address"));
    SG_TRY_STATUS(CheckUpn(email, "e-mail address"));
  }
  if (!sid.empty()) SG_TRY_STATUS(CheckSid(sid));
  SG_ASSIGN_OR_RETURN(dn, CheckText(dn, "on-premises DN"));
  return {};
}

}  // namespace

const std::vector<std::string>& Platforms() {
  static const std::vector<std::string> kPlatforms = {"windows", "ios",   "ipados", "macos",
                                                      "android", "linux", "network"};
  return kPlatforms;
}

Result<store::DeviceRecord> Directory::FindDevice(std::string_view id) {
  SG_ASSIGN_OR_RETURN(auto found, store_.FindDevice(AsciiLower(id)));
  if (!found) return Fail(Error::NotFound("no device with id " + std::string(id)));
  return std::move(*found);
}

Result<std::optional<store::UserRecord>> Directory::FindUserByFold(std::string_view upn) {
  SG_ASSIGN_OR_RETURN(auto found, store_.FindUser(upn));
  if (found) return found;
  SG_ASSIGN_OR_RETURN(auto users, store_.ListUsers({}));
  for (auto& u : users)
    if (SameName(u.upn, upn)) return std::move(u);
  return std::nullopt;
}

Result<std::optional<store::GroupRecord>> Directory::FindGroupByFold(std::string_view name) {
  SG_ASSIGN_OR_RETURN(auto found, store_.FindGroup(name));
  if (found) return found;
  SG_ASSIGN_OR_RETURN(auto groups, store_.ListGroups({}));
  for (auto& g : groups)
    if (SameName(g.name, name)) return std::move(g);
  return std::nullopt;
}

Result<store::UserRecord> Directory::FindUser(std::string_view upn) {
  SG_ASSIGN_OR_RETURN(auto found, FindUserByFold(upn));
  if (!found) return Fail(Error::NotFound("no user with UPN " + std::string(upn)));
  return std::move(*found);
}

Result<store::GroupRecord> Directory::FindGroup(std::string_view name) {
  SG_ASSIGN_OR_RETURN(auto found, FindGroupByFold(name));
  if (!found) return Fail(Error::NotFound("no group named " + std::string(name)));
  return std::move(*found);
}

Result<store::GroupMember> Directory::Canonical(const store::GroupMember& member) {
  store::GroupMember out = member;
  if (member.kind == store::MemberKind::kDevice) {
    SG_ASSIGN_OR_RETURN(store::DeviceRecord device, FindDevice(member.id));
    out.id = device.id;
  } else {
    SG_ASSIGN_OR_RETURN(store::UserRecord user, FindUser(member.id));
    out.id = user.upn;
  }
  return out;
}

Result<store::DeviceRecord> CheckNewDevice(const NewDevice& device) {
  store::DeviceRecord d;
  SG_ASSIGN_OR_RETURN(d.name, CheckName(device.name, "device name"));
  SG_ASSIGN_OR_RETURN(d.serial_number,
                      CheckText(device.serial_number, "serial number", kMaxNameBytes));
  d.platform = AsciiLower(device.platform);
  if (std::ranges::find(Platforms(), d.platform) == Platforms().end()) {
    return Fail(Error::InvalidArgument("unknown platform '" + device.platform +
                                       "' (windows|ios|ipados|macos|android|linux|network)"));
  }
  d.owner = device.owner;
  return d;
}

Result<store::UserRecord> CheckNewUser(const NewUser& user, Role by) {
  if (!user.sid.empty() && !RoleAllows(by, Role::kAdmin))
    return Fail(
        Error::PermissionDenied("only an admin may set a user's SID (it maps certificates onto "
                                "Active Directory accounts)"));
  store::UserRecord u;
  SG_ASSIGN_OR_RETURN(u.upn, CheckName(user.upn, "UPN"));
  SG_TRY_STATUS(CheckUpn(u.upn, "UPN"));
  u.email = user.email;
  u.sid = user.sid;
  u.on_prem_dn = user.on_prem_dn;
  SG_TRY_STATUS(CheckIdentity(u.email, u.sid, u.on_prem_dn));
  u.identity_by_admin = RoleAllows(by, Role::kAdmin);
  return u;
}

Result<store::GroupRecord> CheckNewGroup(std::string_view name, std::string_view description) {
  store::GroupRecord g;
  SG_ASSIGN_OR_RETURN(g.name, CheckName(name, "group name"));
  SG_ASSIGN_OR_RETURN(g.description, CheckText(description, "group description"));
  return g;
}

Result<store::DeviceRecord> Directory::AddDevice(const NewDevice& device) {
  SG_ASSIGN_OR_RETURN(store::DeviceRecord d, CheckNewDevice(device));
  d.owner.clear();
  if (!device.owner.empty()) {
    SG_ASSIGN_OR_RETURN(store::UserRecord owner, FindUser(device.owner));
    if (owner.disabled) {
      return Fail(Error::InvalidArgument("owner " + owner.upn + " is disabled"));
    }
    d.owner = owner.upn;
  }
  SG_ASSIGN_OR_RETURN(d.id, NewUuid(random_));
  d.created_at = clock_.Now();
  SG_TRY_STATUS(store_.InsertDevice(d));
  return d;
}

Result<std::vector<std::string>> Directory::RetireDevice(std::string_view id) {
  SG_TRY_STATUS(FindDevice(id));  // kNotFound, with its message
  const std::string one(id);
  SG_ASSIGN_OR_RETURN(RetireReport report, RetireDevices({&one, 1}));
  if (report.retired.empty() && report.revoked.empty())
    return Fail(Error::AlreadyExists("device " + one + " is already retired"));
  return std::move(report.revoked);
}

Result<RetireReport> Directory::RetireDevices(std::span<const std::string> ids) {
  RetireReport report;
  std::vector<std::string> found;  // normalised ids, each once
  std::unordered_set<std::string> seen;
  for (const std::string& id : ids) {
    SG_ASSIGN_OR_RETURN(auto device, store_.FindDevice(AsciiLower(id)));
    if (!device) {
      report.not_found.push_back(id);
      continue;
    }
    auto retired = store_.RetireDevice(device->id, clock_.Now());
    if (!retired && retired.error().code != ErrorCode::kAlreadyExists) return Fail(retired.error());
    (retired ? report.retired : report.already_retired).push_back(device->id);
    if (seen.insert(device->id).second) found.push_back(device->id);
  }
  if (revoker_ != nullptr) {
    SG_ASSIGN_OR_RETURN(report.revoked,
                        RevokeDevicesCertificates(store_, *revoker_, found, std::nullopt,
                                                  ca::RevocationReason::kCessationOfOperation));
  }
  return report;
}

Result<DeviceDetails> Directory::ShowDevice(std::string_view id) {
  DeviceDetails out;
  SG_ASSIGN_OR_RETURN(out.device, FindDevice(id));
  store::GroupMember me;
  me.kind = store::MemberKind::kDevice;
  me.id = out.device.id;
  SG_ASSIGN_OR_RETURN(out.groups, store_.GroupsOf(me));
  return out;
}

Result<std::vector<store::DeviceRecord>> Directory::ListDevices(const store::DeviceFilter& filter) {
  if (filter.owner) SG_TRY_STATUS(FindUser(*filter.owner));
  return store_.ListDevices(filter);
}

Result<Page<store::DeviceRecord>> Directory::DevicePage(const DeviceQuery& q) {
  SG_TRY_STATUS(CheckPageLimit(q.limit));
  store::DeviceFilter f;
  f.limit = q.limit;
  if (!q.owner.empty()) f.owner = q.owner;
  f.platform = q.platform;
  f.name_prefix = q.name_prefix;
  f.include_retired = q.include_retired;
  if (!q.targeted_by.empty()) {
    SG_ASSIGN_OR_RETURN(auto profile, store_.FindProfile(q.targeted_by));
    if (!profile) return Fail(Error::NotFound("no profile named " + q.targeted_by));
    f.targeted_by = profile->name;
  }
  SG_ASSIGN_OR_RETURN(f.after, PageCursor(q.cursor, store::ParseSeqCursor));
  SG_ASSIGN_OR_RETURN(auto items, ListDevices(f));
  return MakePage(std::move(items), q.limit, [](const store::DeviceRecord& d) {
    return store::SeqCursorText(d.created_at, d.seq);
  });
}

Result<store::UserRecord> Directory::AddUser(const NewUser& user, Role by) {
  SG_ASSIGN_OR_RETURN(store::UserRecord u, CheckNewUser(user, by));
  SG_ASSIGN_OR_RETURN(auto same, FindUserByFold(u.upn));
  if (same) return Fail(Error::AlreadyExists("user " + u.upn + " already exists"));
  u.created_at = clock_.Now();
  SG_TRY_STATUS(store_.InsertUser(u));
  return u;
}

Result<store::UserRecord> Directory::SetUserIdentity(std::string_view upn,
                                                     const UserIdentity& change, Role by) {
  if (!RoleAllows(by, Role::kAdmin))
    return Fail(Error::PermissionDenied("only an admin may set a user's identity"));
  SG_ASSIGN_OR_RETURN(store::UserRecord u, FindUser(upn));
  if (change.email) u.email = *change.email;
  if (change.sid) u.sid = *change.sid;
  if (change.on_prem_dn) u.on_prem_dn = *change.on_prem_dn;
  SG_TRY_STATUS(CheckIdentity(u.email, u.sid, u.on_prem_dn));
  u.identity_by_admin = true;
  SG_TRY_STATUS(store_.UpdateUserIdentity(u));
  return u;
}

Status Directory::DisableUser(std::string_view upn) {
  SG_ASSIGN_OR_RETURN(store::UserRecord user, FindUser(upn));
  return store_.DisableUser(user.upn, clock_.Now());
}

Result<UserDetails> Directory::ShowUser(std::string_view upn) {
  UserDetails out;
  SG_ASSIGN_OR_RETURN(out.user, FindUser(upn));
  store::GroupMember me;
  me.kind = store::MemberKind::kUser;
  me.id = out.user.upn;
  SG_ASSIGN_OR_RETURN(out.groups, store_.GroupsOf(me));
  store::DeviceFilter owned;
  owned.owner = out.user.upn;
  owned.include_retired = true;
  SG_ASSIGN_OR_RETURN(out.devices, store_.ListDevices(owned));
  return out;
}

Result<Page<store::UserRecord>> Directory::UserPage(const UserQuery& q) {
  SG_TRY_STATUS(CheckPageLimit(q.limit));
  store::UserFilter f;
  f.limit = q.limit;
  f.include_disabled = q.include_disabled;
  SG_ASSIGN_OR_RETURN(auto after, PageCursor(q.cursor, store::ParseFoldedCursor));
  f.after = after.value_or("");
  SG_ASSIGN_OR_RETURN(auto items, store_.ListUsers(f));
  return MakePage(std::move(items), q.limit,
                  [](const store::UserRecord& u) { return store::FoldedCursorText(u.upn); });
}

Result<store::GroupRecord> Directory::AddGroup(std::string_view name,
                                               std::string_view description) {
  SG_ASSIGN_OR_RETURN(store::GroupRecord g, CheckNewGroup(name, description));
  SG_ASSIGN_OR_RETURN(auto same, FindGroupByFold(g.name));
  if (same) return Fail(Error::AlreadyExists("group " + g.name + " already exists"));
  g.created_at = clock_.Now();
  SG_TRY_STATUS(store_.InsertGroup(g));
  return g;
}

namespace {

Result<GroupSummary> Summarize(store::Store& store, store::GroupRecord group) {
  SG_ASSIGN_OR_RETURN(store::MemberCounts counts, store.CountGroupMembers(group.name));
  return GroupSummary{std::move(group), counts.devices, counts.users};
}

}  // namespace

Result<std::vector<GroupSummary>> Directory::ListGroups() {
  SG_ASSIGN_OR_RETURN(auto page, GroupPage({}));
  return std::move(page.items);
}

Result<Page<GroupSummary>> Directory::GroupPage(const GroupQuery& query) {
  SG_TRY_STATUS(CheckPageLimit(query.limit));
  store::GroupFilter f;
  SG_ASSIGN_OR_RETURN(auto after, PageCursor(query.cursor, store::ParseFoldedCursor));
  f.after = after.value_or("");
  f.limit = query.limit;
  SG_ASSIGN_OR_RETURN(auto groups, store_.ListGroups(f));
  std::vector<GroupSummary> out;
  for (store::GroupRecord& g : groups) {
    SG_ASSIGN_OR_RETURN(GroupSummary s, Summarize(store_, std::move(g)));
    out.push_back(std::move(s));
  }
  return MakePage(std::move(out), query.limit,
                  [](const GroupSummary& s) { return store::FoldedCursorText(s.group.name); });
}

Result<GroupSummary> Directory::ShowGroup(std::string_view name) {
  SG_ASSIGN_OR_RETURN(store::GroupRecord g, FindGroup(name));
  return Summarize(store_, std::move(g));
}

Result<Page<store::GroupMember>> Directory::MemberPage(std::string_view group,
                                                       const MemberQuery& query) {
  SG_TRY_STATUS(CheckPageLimit(query.limit));
  store::MemberFilter f;
  if (query.kind == "device") f.kind = store::MemberKind::kDevice;
  if (query.kind == "user") f.kind = store::MemberKind::kUser;
  if (!query.kind.empty() && !f.kind)
    return Fail(Error::InvalidArgument("kind: must be device or user, not " + query.kind));
  SG_ASSIGN_OR_RETURN(f.after, PageCursor(query.cursor, store::ParseMemberCursor));
  f.limit = query.limit;
  SG_ASSIGN_OR_RETURN(store::GroupRecord g, FindGroup(group));
  SG_ASSIGN_OR_RETURN(auto items, store_.ListGroupMembers(g.name, f));
  return MakePage(std::move(items), query.limit, store::MemberCursorText);
}

Result<Membership> Directory::AddMember(std::string_view group, const store::GroupMember& member) {
  SG_ASSIGN_OR_RETURN(store::GroupRecord g, FindGroup(group));
  SG_ASSIGN_OR_RETURN(store::GroupMember m, Canonical(member));
  SG_TRY_STATUS(store_.AddGroupMember(g.name, m));
  return Membership{std::move(g), std::move(m)};
}

Result<Membership> Directory::RemoveMember(std::string_view group,
                                           const store::GroupMember& member) {
  SG_ASSIGN_OR_RETURN(store::GroupRecord g, FindGroup(group));
  SG_ASSIGN_OR_RETURN(store::GroupMember m, Canonical(member));
  SG_TRY_STATUS(store_.RemoveGroupMember(g.name, m));
  return Membership{std::move(g), std::move(m)};
}

}  // namespace scepgate::mgmt
