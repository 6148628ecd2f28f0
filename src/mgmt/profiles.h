// SCEP profiles (what certificate a targeted device or user gets, and from where) and their
// assignments to groups. Every validation lives here; the CLI and the REST API call these same
// functions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ca/revocation.h"
#include "common/clock.h"
#include "common/error.h"
#include "store/store.h"

namespace scepgate::mgmt {

// The fields of a profile to set. On Create every missing field takes its default; on Update only
// the given fields change (a given list replaces the whole list).
struct ProfileSpec {
  std::optional<std::string> cert_type;          // user|device (required on Create)
  std::optional<std::string> subject;            // format with {{Variable}}s
  std::optional<std::vector<std::string>> sans;  // "TYPE:FORMAT", TYPE dns|email|upn|uri
  std::optional<bool> strong_mapping;
  std::optional<std::string> purpose;            // signature|encryption|general
  std::optional<std::vector<std::string>> ekus;  // short names or dotted OIDs
  std::optional<std::string> key_type;           // rsa|ec
  std::optional<int> min_key_size;               // rsa 2048..16384, ec 256|384|521
  std::optional<std::string> hash;               // sha256|sha384|sha512
  std::optional<int> validity_days;              // 1..3650
  std::optional<int> renewal_threshold;          // percent, 1..99
  std::optional<std::vector<std::string>> urls;  // http:// or https://, at least one
  std::optional<std::string> trusted_ca;         // SHA-256 hex, colons allowed, any case
  std::optional<bool> require_approval;
  std::optional<std::string> ca_fingerprint;  // sha1|sha256: Apple's CAFingerprint hash
  std::optional<bool> key_extractable;        // false: Apple's KeyIsExtractable = false
};

struct ProfileDetails {
  store::ProfileRecord profile;
  std::vector<store::GroupRecord> groups;  // assigned to, by name
};

// The variables a subject or SAN format may use, as written between {{ and }}.
const std::vector<std::string>& ProfileVariables();

// Returns the value of a variable (named without braces), or an error to pass on.
using VariableValue = std::function<Result<std::string>(std::string_view name)>;
// Replaces each {{Variable}} in `format` with value(name). Returns kInvalidArgument naming the
// variable for an unknown one, or naming `what` for unbalanced braces; value()'s errors as they
// are.
Result<std::string> ExpandFormat(std::string_view format, std::string_view what,
                                 const VariableValue& value);

// Returns the thumbprint as 64 lower-case hex digits without colons; kInvalidArgument otherwise.
Result<std::string> NormalizeThumbprint(std::string_view sha256);

// Thread-safe as far as the store is: holds no state of its own.
class Profiles {
 public:
  // With a revoker, devices a profile stops targeting (unassign, delete) lose the certificates
  // issued for it (revoke_on_unassign).
  Profiles(store::Store& store, const Clock& clock, ca::Revoker* revoker = nullptr)
      : store_(store), clock_(clock), revoker_(revoker) {}

  // Creates a profile and returns it. kInvalidArgument for a bad name or field (the message names
  // it), a missing type, URL or trusted CA, or neither subject nor SAN; kAlreadyExists when the
  // name is taken (in any case).
  Result<store::ProfileRecord> Create(std::string_view name, const ProfileSpec& spec);
  // Changes the given fields and returns the profile. A new key type without a new minimum size
  // takes that type's default size. kNotFound for an unknown profile; kInvalidArgument as Create.
  Result<store::ProfileRecord> Update(std::string_view name, const ProfileSpec& spec);
  // Deletes the profile and its assignments; returns the serials revoked (see the constructor).
  // kNotFound for an unknown profile.
  Result<std::vector<std::string>> Delete(std::string_view name);
  // Every profile, by name.
  Result<std::vector<store::ProfileRecord>> List();
  // The profile and the groups it is assigned to. kNotFound for an unknown profile.
  Result<ProfileDetails> Show(std::string_view name);
  // kNotFound for an unknown profile or group, kAlreadyExists when already assigned.
  Status Assign(std::string_view profile, std::string_view group);
  // Removes the assignment; returns the serials revoked (see the constructor). kNotFound for an
  // unknown profile or group, or when the profile is not assigned to the group.
  Result<std::vector<std::string>> Unassign(std::string_view profile, std::string_view group);

 private:
  Result<store::ProfileRecord> Find(std::string_view name);
  Result<store::GroupRecord> FindGroup(std::string_view name);

  store::Store& store_;
  const Clock& clock_;
  ca::Revoker* revoker_;  // null: no revocation on unassign
};

}  // namespace scepgate::mgmt
