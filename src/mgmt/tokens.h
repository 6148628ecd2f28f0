// Bearer tokens of the REST API: minted with a role, shown once, kept only as a SHA-256.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "common/random.h"
#include "store/store.h"

namespace scepgate::mgmt {

// What a token may do; each role may do everything the one before it may.
//   auditor   read everything (GET)
//   operator  also add and retire devices, add users WITHOUT a SID, disable users, add groups
//             and change their members, issue challenges, revoke certificates
//   admin     also create, update and delete profiles, assign them, approve or reject held
//             requests, manage tokens, and set a user's identity
//
// Separation of duties: a user's identity (UPN, e-mail, SID, on-premises DN) is what Active
// Directory maps a certificate onto (the SID through the strong-mapping URL
// tag:microsoft.com,2022-09-14:sid:<SID>). Only an admin sets it: an operator may not give a
// SID (Directory::AddUser) or change a user's identity (Directory::SetUserIdentity), and a user
// an operator added counts as not admin-set (UserRecord::identity_by_admin), so an operator may
// not mint a challenge whose certificate would carry that user's identity
// (Challenges::Issue, "IdentityNotSetByAdmin"); an admin may. Devices owned by admin-set users
// are an operator's to enrol. The local CLI acts as admin: it runs with the data dir's files,
// CA keys included.
enum class Role { kAuditor = 0, kOperator = 1, kAdmin = 2 };

// "auditor", "operator", "admin".
const char* RoleName(Role role);
// Parses a role name (lower-case). kInvalidArgument for anything else.
Result<Role> ParseRole(std::string_view text);
// True when `have` may do what `need` may.
inline bool RoleAllows(Role have, Role need) {
  return static_cast<int>(have) >= static_cast<int>(need);
}

struct CreatedToken {
  std::string token;          // the secret: shown once, never stored
  store::TokenRecord record;  // what was stored (its hash, never the token)
};

// Thread-safe as far as the store and Random are: holds no state of its own.
class Tokens {
 public:
  // `default_expiry_days`: how long a token created without an expiry lives ([api]
  // token_default_expiry_days); 0: such a token never expires.
  Tokens(store::Store& store, const Clock& clock, Random& random, int default_expiry_days = 0)
      : store_(store), clock_(clock), random_(random), default_expiry_days_(default_expiry_days) {}

  // Mints a token for `role`: "sgt_" and 43 URL-safe base64 characters (256 random bits).
  // `expires_in` is its lifetime from now as ParseDuration reads it with a unit ("90d", "12h",
  // "30m", "3600s"); "" for the default. kInvalidArgument for an unknown role, a name that
  // mgmt::CheckText refuses (over 100 bytes, not UTF-8, control or format characters) or a bad
  // lifetime (zero, garbage, over 100 years); the name is kept in NFC.
  // kCrypto when randomness fails, kDatabase.
  Result<CreatedToken> Create(std::string_view role, std::string_view name,
                              std::string_view expires_in = "");
  // Every token, revoked ones included, oldest first. kDatabase.
  Result<std::vector<store::TokenRecord>> List();
  // kNotFound for an unknown id, kAlreadyExists when already revoked; kDatabase.
  Status Revoke(std::string_view id);
  // Returns the record of a known, unrevoked, unexpired token (found by its hash, compared in
  // constant time; expired by the injected clock). kNotFound for an unknown token,
  // kFailedPrecondition for a revoked or expired one (the messages never repeat the token);
  // kDatabase.
  Result<store::TokenRecord> Authenticate(std::string_view token);

 private:
  store::Store& store_;
  const Clock& clock_;
  Random& random_;
  int default_expiry_days_;
};

// True when the token has an expiry and `now` (unix seconds) has reached it.
inline bool TokenExpired(const store::TokenRecord& token, int64_t now) {
  return token.expires_at != 0 && now >= token.expires_at;
}

// The SHA-256 of a token, lower-case hex: what the store keeps.
std::string TokenHash(std::string_view token);

}  // namespace scepgate::mgmt
