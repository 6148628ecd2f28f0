#include "mgmt/profiles.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "ca/cert_template.h"
#include "common/text.h"
#include "mgmt/names.h"
#include "mgmt/revocation.h"
#include "mgmt/targeting.h"

namespace scepgate::mgmt {
namespace {

bool HasControl(std::string_view s) {
  return std::ranges::any_of(s, [](unsigned char c) { return c < ' ' || c == 0x7f; });
}

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::ranges::find(list, item) != list.end();
}

Error Invalid(std::string message) { return Error::InvalidArgument(std::move(message)); }

// Only checks the format: every value expands to a placeholder.
Status CheckFormat(std::string_view format, std::string_view what) {
  if (HasControl(format)) return Fail(Invalid(std::string(what) + " holds control characters"));
  SG_TRY_STATUS(ExpandFormat(
      format, what, [](std::string_view) -> Result<std::string> { return std::string("x"); }));
  return {};
}

// "TYPE:FORMAT" with TYPE dns|email|upn|uri (any case); returns it with TYPE in lower case.
Result<std::string> NormalizeSan(std::string_view san) {
  size_t colon = san.find(':');
  std::string type = AsciiLower(san.substr(0, std::min(colon, san.size())));
  if (colon == std::string_view::npos || !Contains({"dns", "email", "upn", "uri"}, type)) {
    return Fail(Invalid("SAN '" + std::string(san) + "' is not TYPE:VALUE with TYPE dns, email, " +
                        "upn or uri"));
  }
  std::string_view value = san.substr(colon + 1);
  if (value.empty()) return Fail(Invalid("SAN '" + std::string(san) + "' has an empty value"));
  SG_TRY_STATUS(CheckFormat(value, "SAN " + type));
  return type + ":" + std::string(value);
}

Status CheckEku(std::string_view eku) {
  SG_TRY_STATUS(ca::EkuOid(eku));  // the CA's own list, so what validates here also issues
  return {};
}

Status CheckUrl(std::string_view url) {
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return Fail(Invalid("URL '" + std::string(url) + "' must start with http:// or https://"));
  }
  bool bad = rest.empty() || rest.front() == '/' ||
             std::ranges::any_of(url, [](unsigned char c) { return c <= ' ' || c == 0x7f; });
  if (bad) return Fail(Invalid("URL '" + std::string(url) + "' has no host or holds spaces"));
  return {};
}

int DefaultKeySize(std::string_view key_type) { return key_type == "ec" ? 256 : 2048; }

Status CheckKey(const store::ProfileRecord& p) {
  if (p.key_type == "rsa") {
    if (p.min_key_size < 2048 || p.min_key_size > 16384) {
      return Fail(Invalid("minimum RSA key size " + std::to_string(p.min_key_size) +
                          " is outside 2048..16384"));
    }
    return {};
  }
  if (p.key_type == "ec") {
    if (!Contains({"256", "384", "521"}, std::to_string(p.min_key_size))) {
      return Fail(Invalid("minimum EC key size " + std::to_string(p.min_key_size) +
                          " is not 256, 384 or 521"));
    }
    return {};
  }
  return Fail(Invalid("unknown key type '" + p.key_type + "' (use rsa or ec)"));
}

// Copies the given fields of `spec` into `p`, normalising them.
Status Apply(const ProfileSpec& spec, store::ProfileRecord& p) {
  if (spec.cert_type) p.cert_type = AsciiLower(*spec.cert_type);
  if (spec.subject) p.subject = *spec.subject;
  if (spec.sans) {
    p.sans.clear();
    for (const std::string& san : *spec.sans) {
      SG_ASSIGN_OR_RETURN(std::string normal, NormalizeSan(san));
      p.sans.push_back(std::move(normal));
    }
  }
  if (spec.strong_mapping) p.strong_mapping = *spec.strong_mapping;
  if (spec.purpose) {
    SG_ASSIGN_OR_RETURN(ca::Purpose purpose, ca::ParsePurpose(AsciiLower(*spec.purpose)));
    p.purpose = std::string(ca::PurposeName(purpose));
  }
  if (spec.ekus) p.ekus = *spec.ekus;
  if (spec.key_type) {
    std::string key_type = AsciiLower(*spec.key_type);
    if (key_type != p.key_type && !spec.min_key_size) p.min_key_size = DefaultKeySize(key_type);
    p.key_type = key_type;
  }
  if (spec.min_key_size) p.min_key_size = *spec.min_key_size;
  if (spec.hash) p.hash = AsciiLower(*spec.hash);
  if (spec.validity_days) p.validity_days = *spec.validity_days;
  if (spec.renewal_threshold) p.renewal_threshold = *spec.renewal_threshold;
  if (spec.urls) p.urls = *spec.urls;
  if (spec.trusted_ca) {
    SG_ASSIGN_OR_RETURN(p.trusted_ca, NormalizeThumbprint(*spec.trusted_ca));
  }
  if (spec.require_approval) p.require_approval = *spec.require_approval;
  if (spec.ca_fingerprint) p.ca_fingerprint = AsciiLower(*spec.ca_fingerprint);
  if (spec.key_extractable) p.key_extractable = *spec.key_extractable;
  return {};
}

// Checks the whole record once the spec has been applied.
Status Validate(const store::ProfileRecord& p) {
  if (p.cert_type != "user" && p.cert_type != "device") {
    return Fail(Invalid("certificate type '" + p.cert_type + "' is not user or device"));
  }
  SG_TRY_STATUS(CheckFormat(p.subject, "subject"));
  if (p.subject.empty() && p.sans.empty()) {
    return Fail(Invalid("a profile needs a subject format or at least one SAN"));
  }
  if (p.ekus.empty()) return Fail(Invalid("a profile needs at least one EKU"));
  for (const std::string& eku : p.ekus) SG_TRY_STATUS(CheckEku(eku));
  SG_TRY_STATUS(CheckKey(p));
  if (!Contains({"sha256", "sha384", "sha512"}, p.hash)) {
    return Fail(Invalid("unknown hash '" + p.hash + "' (use sha256, sha384 or sha512)"));
  }
  if (p.validity_days < 1 || p.validity_days > 3650) {
    return Fail(
        Invalid("validity of " + std::to_string(p.validity_days) + " days is outside 1..3650"));
  }
  if (p.renewal_threshold < 1 || p.renewal_threshold > 99) {
    return Fail(Invalid("renewal threshold of " + std::to_string(p.renewal_threshold) +
                        "% is outside 1..99"));
  }
  if (p.urls.empty()) return Fail(Invalid("a profile needs at least one SCEP server URL"));
  for (const std::string& url : p.urls) SG_TRY_STATUS(CheckUrl(url));
  if (p.trusted_ca.empty()) {
    return Fail(Invalid("a profile needs the SHA-256 thumbprint of its trusted CA"));
  }
  if (!Contains({"sha1", "sha256"}, p.ca_fingerprint)) {
    return Fail(Invalid("unknown CA fingerprint hash '" + p.ca_fingerprint +
                        "' (use sha1, which every Apple release reads, or sha256, which releases "
                        "before late 2022 refuse)"));
  }
  return {};
}

}  // namespace

const std::vector<std::string>& ProfileVariables() {
  static const std::vector<std::string> kVariables = {
      "DeviceName",   "DeviceId",          "SerialNumber",
      "Platform",     "UserPrincipalName", "UserName",
      "EmailAddress", "UserSid",           "OnPrem_Distinguished_Name"};
  return kVariables;
}

Result<std::string> ExpandFormat(std::string_view format, std::string_view what,
                                 const VariableValue& value) {
  auto unbalanced = [&] {
    return Fail(
        Invalid("unbalanced braces in " + std::string(what) + " '" + std::string(format) + "'"));
  };
  std::string out;
  size_t i = 0;
  while (i < format.size()) {
    char c = format[i];
    if (c == '}') return unbalanced();
    if (c != '{') {
      out += c;
      ++i;
      continue;
    }
    if (!format.substr(i).starts_with("{{")) return unbalanced();
    size_t close = format.find("}}", i + 2);
    if (close == std::string_view::npos) return unbalanced();
    std::string_view name = format.substr(i + 2, close - i - 2);
    if (name.find_first_of("{}") != std::string_view::npos) return unbalanced();
    if (!Contains(ProfileVariables(), name)) {
      return Fail(
          Invalid("unknown variable {{" + std::string(name) + "}} in " + std::string(what)));
    }
    SG_ASSIGN_OR_RETURN(std::string v, value(name));
    out += v;
    i = close + 2;
  }
  return out;
}

Result<std::string> NormalizeThumbprint(std::string_view sha256) {
  std::string out;
  for (char c : sha256) {
    if (c != ':') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  bool hex = std::ranges::all_of(out, [](unsigned char c) { return std::isxdigit(c) != 0; });
  if (out.size() != 64 || !hex) {
    return Fail(Invalid("trusted CA '" + std::string(sha256) +
                        "' is not a SHA-256 thumbprint (64 hex digits, colons allowed)"));
  }
  return out;
}

Result<store::ProfileRecord> Profiles::Find(std::string_view name) {
  SG_ASSIGN_OR_RETURN(auto found, store_.FindProfile(name));
  if (!found) {  // the same name in another case, compared the Unicode way
    SG_ASSIGN_OR_RETURN(auto all, store_.ListProfiles());
    for (auto& p : all)
      if (SameName(p.name, name)) return std::move(p);
  }
  if (!found) return Fail(Error::NotFound("no profile named " + std::string(name)));
  return std::move(*found);
}

Result<store::GroupRecord> Profiles::FindGroup(std::string_view name) {
  SG_ASSIGN_OR_RETURN(auto found, store_.FindGroup(name));
  if (!found) {  // the same name in another case, compared the Unicode way
    SG_ASSIGN_OR_RETURN(auto all, store_.ListGroups({}));
    for (auto& g : all)
      if (SameName(g.name, name)) return std::move(g);
  }
  if (!found) return Fail(Error::NotFound("no group named " + std::string(name)));
  return std::move(*found);
}

Result<store::ProfileRecord> Profiles::Create(std::string_view name, const ProfileSpec& spec) {
  store::ProfileRecord p;
  SG_ASSIGN_OR_RETURN(p.name, CheckName(name, "profile name"));
  if (!spec.cert_type) return Fail(Invalid("a profile needs a certificate type (user|device)"));
  SG_ASSIGN_OR_RETURN(auto all, store_.ListProfiles());
  for (const auto& other : all)
    if (SameName(other.name, p.name))
      return Fail(Error::AlreadyExists("profile " + p.name + " already exists"));
  p.ekus = {"clientAuth"};
  SG_TRY_STATUS(Apply(spec, p));
  SG_TRY_STATUS(Validate(p));
  p.created_at = clock_.Now();
  p.updated_at = p.created_at;
  SG_TRY_STATUS(store_.InsertProfile(p));
  return p;
}

Result<store::ProfileRecord> Profiles::Update(std::string_view name, const ProfileSpec& spec) {
  SG_ASSIGN_OR_RETURN(store::ProfileRecord p, Find(name));
  SG_TRY_STATUS(Apply(spec, p));
  SG_TRY_STATUS(Validate(p));
  p.updated_at = clock_.Now();
  SG_TRY_STATUS(store_.UpdateProfile(p));
  return p;
}

Result<std::vector<std::string>> Profiles::Delete(std::string_view name) {
  SG_ASSIGN_OR_RETURN(store::ProfileRecord p, Find(name));
  std::vector<store::DeviceRecord> before;
  if (revoker_ != nullptr) {
    SG_ASSIGN_OR_RETURN(before, Targeting(store_).TargetedDevices(p.name));
  }
  SG_TRY_STATUS(store_.DeleteProfile(p.name));
  if (revoker_ == nullptr) return std::vector<std::string>();
  return RevokeNoLongerTargeted(store_, *revoker_, p.name, before, {});
}

Result<std::vector<store::ProfileRecord>> Profiles::List() { return store_.ListProfiles(); }

Result<ProfileDetails> Profiles::Show(std::string_view name) {
  ProfileDetails out;
  SG_ASSIGN_OR_RETURN(out.profile, Find(name));
  SG_ASSIGN_OR_RETURN(out.groups, store_.ListAssignments(out.profile.name));
  return out;
}

Status Profiles::Assign(std::string_view profile, std::string_view group) {
  SG_ASSIGN_OR_RETURN(store::ProfileRecord p, Find(profile));
  SG_ASSIGN_OR_RETURN(store::GroupRecord g, FindGroup(group));
  return store_.AddAssignment(p.name, g.name);
}

Result<std::vector<std::string>> Profiles::Unassign(std::string_view profile,
                                                    std::string_view group) {
  SG_ASSIGN_OR_RETURN(store::ProfileRecord p, Find(profile));
  SG_ASSIGN_OR_RETURN(store::GroupRecord g, FindGroup(group));
  Targeting targeting(store_);
  std::vector<store::DeviceRecord> before;
  if (revoker_ != nullptr) {
    SG_ASSIGN_OR_RETURN(before, targeting.TargetedDevices(p.name));
  }
  SG_TRY_STATUS(store_.RemoveAssignment(p.name, g.name));
  if (revoker_ == nullptr) return std::vector<std::string>();
  SG_ASSIGN_OR_RETURN(auto after, targeting.TargetedDevices(p.name));
  return RevokeNoLongerTargeted(store_, *revoker_, p.name, before, after);
}

}  // namespace scepgate::mgmt
