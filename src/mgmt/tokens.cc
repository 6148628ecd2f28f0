#include "mgmt/tokens.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "common/duration.h"
#include "common/text.h"
#include "mgmt/names.h"

namespace scepgate::mgmt {
namespace {

constexpr std::string_view kPrefix = "sgt_";
constexpr size_t kSecretBytes = 32;
constexpr size_t kIdBytes = 6;
constexpr size_t kMaxName = 100;

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAuditor:
      return "auditor";
    case Role::kOperator:
      return "operator";
    case Role::kAdmin:
      return "admin";
  }
  return "auditor";
}

Result<Role> ParseRole(std::string_view text) {
  for (Role r : {Role::kAuditor, Role::kOperator, Role::kAdmin})
    if (text == RoleName(r)) return r;
  return Fail(
      Error::InvalidArgument("unknown role '" + std::string(text) + "' (admin|operator|auditor)"));
}

std::string TokenHash(std::string_view token) {
  auto digest = Digest("SHA256", AsView(std::string(token)));
  return digest ? AsciiLower(HexEncode(*digest)) : std::string();
}

Result<CreatedToken> Tokens::Create(std::string_view role, std::string_view name,
                                    std::string_view expires_in) {
  SG_ASSIGN_OR_RETURN(Role parsed, ParseRole(role));
  SG_ASSIGN_OR_RETURN(std::string checked, CheckText(name, "token name", kMaxName));
  int64_t lifetime = int64_t{default_expiry_days_} * 86400;
  if (!expires_in.empty()) {
    auto parsed_lifetime = ParseDuration(expires_in);
    if (!parsed_lifetime) return Fail(parsed_lifetime.error().With("token expiry"));
    lifetime = *parsed_lifetime;
  }
  SG_ASSIGN_OR_RETURN(Bytes secret, random_.Generate(kSecretBytes));
  SG_ASSIGN_OR_RETURN(Bytes id, random_.Generate(kIdBytes));
  CreatedToken out;
  out.token = std::string(kPrefix) + Base64UrlEncode(secret);
  out.record.id = AsciiLower(HexEncode(id));
  out.record.name = std::move(checked);
  out.record.role = RoleName(parsed);
  out.record.hash = TokenHash(out.token);
  if (out.record.hash.empty()) return Fail(Error::Crypto("cannot hash the token"));
  out.record.created_at = clock_.Now();
  if (lifetime > 0) out.record.expires_at = out.record.created_at + lifetime;
  SG_TRY_STATUS(store_.InsertToken(out.record));
  return out;
}

Result<std::vector<store::TokenRecord>> Tokens::List() { return store_.ListTokens(); }

Status Tokens::Revoke(std::string_view id) {
  return store_.RevokeToken(AsciiLower(id), clock_.Now());
}

Result<store::TokenRecord> Tokens::Authenticate(std::string_view token) {
  std::string hash = TokenHash(token);
  if (hash.empty()) return Fail(Error::Crypto("cannot hash the token"));
  SG_ASSIGN_OR_RETURN(auto found, store_.FindTokenByHash(hash));
  // The lookup is by hash; the comparison again, in constant time, guards against a store that
  // matched loosely.
  if (!found || found->hash.size() != hash.size() ||
      CRYPTO_memcmp(found->hash.data(), hash.data(), hash.size()) != 0)
    return Fail(Error::NotFound("unknown token"));
  if (found->revoked) return Fail(Error::FailedPrecondition("token " + found->id + " is revoked"));
  if (TokenExpired(*found, clock_.Now()))
    return Fail(Error::FailedPrecondition("token " + found->id + " has expired"));
  return std::move(*found);
}

}  // namespace scepgate::mgmt
