// SCEP profiles and their assignments to groups.
// Part of the store (store.h): profile and group names match regardless of ASCII case; mgmt
// validates the fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "store/directory.h"

namespace scepgate::store {

// A SCEP profile: what a certificate for a targeted device or user must look like. The name is
// unique regardless of (ASCII) case. The store keeps the fields as given; mgmt validates them.
struct ProfileRecord {
  std::string name;
  std::string cert_type = "device";  // "device" or "user"
  std::string subject;               // subject name format, with {{Variable}}s; may be empty
  std::vector<std::string> sans;     // "dns:FORMAT", "email:FORMAT", "upn:FORMAT", "uri:FORMAT"
  bool strong_mapping = false;       // add the tag:microsoft.com,2022-09-14:sid:<SID> URI SAN
  std::string purpose = "general";   // signature|encryption|general
  std::vector<std::string> ekus;     // short names or dotted OIDs
  std::string key_type = "rsa";      // rsa|ec
  int min_key_size = 2048;
  std::string hash = "sha256";  // sha256|sha384|sha512
  int validity_days = 365;
  int renewal_threshold = 20;     // percent of the lifetime left when renewal starts
  std::vector<std::string> urls;  // SCEP server URLs
  std::string trusted_ca;         // SHA-256 thumbprint (lower-case hex) of the trusted CA cert
  bool require_approval = false;
  // The hash of the Apple payload's CAFingerprint: "sha1" (every iOS/macOS release) or "sha256"
  // (only releases from late 2022 on).
  std::string ca_fingerprint = "sha1";
  bool key_extractable = true;  // false: Apple's KeyIsExtractable = false
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// Profiles and assignments (store/memory_profiles.cc, sqlite/profiles.cc).
// Thread-safe: every implementation may be called from several threads at once.
class ProfileStore {
 public:
  virtual ~ProfileStore() = default;

  // Stores a new profile. Returns kAlreadyExists when the name is taken (in any case), kDatabase.
  virtual Status InsertProfile(const ProfileRecord& profile) = 0;

  // Returns the profile with this name (any case), nullopt when none; kDatabase.
  virtual Result<std::optional<ProfileRecord>> FindProfile(std::string_view name) = 0;

  // Every profile, by name (ASCII case folded). kDatabase.
  virtual Result<std::vector<ProfileRecord>> ListProfiles() = 0;

  // Replaces every field of the profile named `profile.name` (any case) except its name and
  // created_at. Returns kNotFound for an unknown profile, kDatabase otherwise.
  virtual Status UpdateProfile(const ProfileRecord& profile) = 0;

  // Deletes the profile and its assignments. Returns kNotFound for an unknown profile; kDatabase.
  virtual Status DeleteProfile(std::string_view name) = 0;

  // Assigns a profile to a group. Returns kNotFound when the profile or the group does not exist,
  // kAlreadyExists when it is already assigned to that group, kDatabase otherwise.
  virtual Status AddAssignment(std::string_view profile, std::string_view group) = 0;

  // Returns kNotFound when the profile or group does not exist or the profile is not assigned to
  // the group, kDatabase otherwise.
  virtual Status RemoveAssignment(std::string_view profile, std::string_view group) = 0;

  // The groups the profile is assigned to, by name. kNotFound for an unknown profile; kDatabase.
  virtual Result<std::vector<GroupRecord>> ListAssignments(std::string_view profile) = 0;

  // The profiles assigned to the group, by name. kNotFound for an unknown group; kDatabase.
  virtual Result<std::vector<ProfileRecord>> ProfilesAssignedTo(std::string_view group) = 0;
};

}  // namespace scepgate::store
