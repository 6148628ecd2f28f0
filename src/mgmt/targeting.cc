#include "mgmt/targeting.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <utility>

#include "common/text.h"
#include "mgmt/profiles.h"

namespace scepgate::mgmt {
namespace {

store::GroupMember MemberOf(store::MemberKind kind, std::string id) {
  store::GroupMember m;
  m.kind = kind;
  m.id = std::move(id);
  return m;
}

// The prefix a resolved SAN carries for a profile SAN type (dns, email, upn, uri).
std::string SanPrefix(std::string_view type) {
  if (type == "dns") return "DNS:";
  if (type == "upn") return "UPN:";
  if (type == "uri") return "URI:";
  return "email:";
}

// True for the variables that name the device's owner.
bool IsUserVariable(std::string_view name) {
  return name == "UserPrincipalName" || name == "UserName" || name == "EmailAddress" ||
         name == "UserSid" || name == "OnPrem_Distinguished_Name";
}

// The value of one variable for the device and its owner (`user` is null when it has none);
// kPolicyDenied naming the variable when the value is empty.
Result<std::string> VariableFor(std::string_view name, const store::DeviceRecord& device,
                                const store::UserRecord* user) {
  const bool device_variable =
      name == "DeviceName" || name == "DeviceId" || name == "SerialNumber" || name == "Platform";
  std::string value;
  if (name == "DeviceName") value = device.name;
  if (name == "DeviceId") value = device.id;
  if (name == "SerialNumber") value = device.serial_number;
  if (name == "Platform") value = device.platform;
  if (user != nullptr) {
    if (name == "UserPrincipalName") value = user->upn;
    if (name == "UserName") value = user->upn.substr(0, user->upn.find('@'));
    if (name == "EmailAddress") value = user->email;
    if (name == "UserSid") value = user->sid;
    if (name == "OnPrem_Distinguished_Name") value = user->on_prem_dn;
  }
  if (value.empty()) {
    std::string why = !device_variable && user == nullptr ? " (the device has no owner)" : "";
    return Fail(Error::PolicyDenied("variable {{" + std::string(name) +
                                    "}} has no value for device " + device.id + why));
  }
  return value;
}

}  // namespace

std::string EscapeRfc4514(std::string_view value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    bool special = std::string_view(",+\"\\<>;").find(c) != std::string_view::npos;
    bool edge = (i == 0 && (c == '#' || c == ' ')) || (i + 1 == value.size() && c == ' ');
    if (c == '\0') {
      out += "\\00";
    } else {
      if (special || edge) out += '\\';
      out += c;
    }
  }
  return out;
}

Result<store::ProfileRecord> Targeting::FindProfile(std::string_view name) {
  SG_ASSIGN_OR_RETURN(auto found, store_.FindProfile(name));
  if (!found) return Fail(Error::NotFound("no profile named " + std::string(name)));
  return std::move(*found);
}

Result<store::DeviceRecord> Targeting::FindDevice(std::string_view id) {
  SG_ASSIGN_OR_RETURN(auto found, store_.FindDevice(AsciiLower(id)));
  if (!found) return Fail(Error::NotFound("no device with id " + std::string(id)));
  return std::move(*found);
}

Result<bool> Targeting::Targets(const store::ProfileRecord& profile,
                                const store::DeviceRecord& device) {
  if (device.retired) return false;
  bool user_profile = profile.cert_type == "user";
  if (user_profile && device.owner.empty()) return false;
  SG_ASSIGN_OR_RETURN(auto assigned, store_.ListAssignments(profile.name));
  std::set<std::string> names;
  for (const auto& g : assigned) names.insert(AsciiLower(g.name));
  store::GroupMember member = user_profile ? MemberOf(store::MemberKind::kUser, device.owner)
                                           : MemberOf(store::MemberKind::kDevice, device.id);
  SG_ASSIGN_OR_RETURN(auto groups, store_.GroupsOf(member));
  return std::ranges::any_of(groups,
                             [&](const auto& g) { return names.contains(AsciiLower(g.name)); });
}

Result<bool> Targeting::IsTargeted(std::string_view profile, std::string_view device_id) {
  SG_ASSIGN_OR_RETURN(store::ProfileRecord p, FindProfile(profile));
  SG_ASSIGN_OR_RETURN(store::DeviceRecord d, FindDevice(device_id));
  return Targets(p, d);
}

Result<std::vector<store::DeviceRecord>> Targeting::TargetedDevices(std::string_view profile) {
  SG_ASSIGN_OR_RETURN(store::ProfileRecord p, FindProfile(profile));
  store::DeviceFilter filter;
  filter.targeted_by = p.name;
  return store_.ListDevices(filter);
}

Result<Resolved> Targeting::Resolve(std::string_view profile, std::string_view device_id) {
  SG_ASSIGN_OR_RETURN(store::ProfileRecord p, FindProfile(profile));
  SG_ASSIGN_OR_RETURN(store::DeviceRecord d, FindDevice(device_id));
  if (p.cert_type == "user" && d.owner.empty()) {
    return Fail(Error::PolicyDenied("user profile targets a device with no owner"));
  }
  SG_ASSIGN_OR_RETURN(bool targeted, Targets(p, d));
  if (!targeted) return Fail(Error::PolicyDenied("ScepProfileNoLongerTargetedToTheClient"));
  std::optional<store::UserRecord> owner;
  if (!d.owner.empty()) {
    SG_ASSIGN_OR_RETURN(owner, store_.FindUser(d.owner));
  }
  const store::UserRecord* user = owner ? &*owner : nullptr;
  Resolved out;
  auto raw = [&](std::string_view name) {
    if (IsUserVariable(name)) out.carries_owner_identity = true;
    return VariableFor(name, d, user);
  };
  auto escaped = [&](std::string_view name) -> Result<std::string> {
    SG_ASSIGN_OR_RETURN(std::string value, raw(name));
    return EscapeRfc4514(value);
  };
  SG_ASSIGN_OR_RETURN(out.subject, ExpandFormat(p.subject, "subject", escaped));
  for (const std::string& san : p.sans) {
    size_t colon = san.find(':');
    std::string_view type = std::string_view(san).substr(0, colon);
    SG_ASSIGN_OR_RETURN(std::string value,
                        ExpandFormat(std::string_view(san).substr(colon + 1), "SAN", raw));
    out.sans.push_back(SanPrefix(type) + value);
  }
  if (p.strong_mapping && user != nullptr && !user->sid.empty()) {
    out.sans.push_back("URI:tag:microsoft.com,2022-09-14:sid:" + user->sid);
    out.carries_owner_identity = true;
  }
  return out;
}

}  // namespace scepgate::mgmt
