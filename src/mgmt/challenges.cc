#include "mgmt/challenges.h"

#include <algorithm>

#include "ca/cert_template.h"
#include "common/asn1_text.h"
#include "common/text.h"
#include "policy/expected.h"

namespace scepgate::mgmt {
namespace {

constexpr size_t kStoredSecretBytes = 24;  // 192 random bits, 32 characters

Result<policy::SealedClaims> ClaimsFor(const store::ChallengeRecord& r) {
  policy::SealedClaims c;
  c.expires_at = r.expires_at;
  c.device_id = r.device_id;
  c.profile = r.profile;
  c.key_usage = static_cast<uint16_t>(r.key_usage);
  c.key_type = r.key_type;
  c.min_key_size = r.min_key_size;
  c.validity_days = r.validity_days;
  c.purpose = r.purpose;
  c.ekus = r.ekus;
  SG_ASSIGN_OR_RETURN(c.subject_digest, policy::SubjectDigest(r.subject));
  SG_ASSIGN_OR_RETURN(c.sans_digest, policy::SansDigest(r.sans));
  return c;
}

}  // namespace

Result<store::DeviceRecord> Challenges::DeliverableDevice(std::string_view device_id) {
  SG_ASSIGN_OR_RETURN(auto device, store_.FindDevice(AsciiLower(device_id)));
  if (!device) return Fail(Error::NotFound("no device with id " + std::string(device_id)));
  if (device->retired)
    return Fail(Error::PolicyDenied("DeviceRetired: device " + device->id + " is retired"));
  if (!device->owner.empty()) {
    SG_ASSIGN_OR_RETURN(auto owner, store_.FindUser(device->owner));
    if (owner && owner->disabled)
      return Fail(
          Error::PolicyDenied("UserDisabled: the device's user " + owner->upn + " is disabled"));
  }
  return std::move(*device);
}

Status Challenges::CheckIdentity(const store::DeviceRecord& device, const Resolved& names,
                                 Role by) {
  if (!names.carries_owner_identity || RoleAllows(by, Role::kAdmin)) return {};
  SG_ASSIGN_OR_RETURN(auto owner, store_.FindUser(device.owner));
  if (owner && owner->identity_by_admin) return {};
  return Fail(Error::PermissionDenied(
      "IdentityNotSetByAdmin: the certificate would carry the identity of user " + device.owner +
      ", which no admin has set; only an admin may mint it (or set the user's identity first)"));
}

Result<store::ChallengeRecord> Challenges::Bind(const store::ProfileRecord& profile,
                                                const store::DeviceRecord& device,
                                                const Resolved& names, int64_t ttl_seconds) {
  store::ChallengeRecord r;
  r.device_id = device.id;
  r.user_upn = device.owner;
  r.profile = profile.name;
  r.subject = names.subject;
  r.sans = names.sans;
  // Both must canonicalise, or no request could ever match them.
  if (auto s = policy::SubjectDigest(r.subject); !s)
    return Fail(Error::InvalidArgument("profile " + profile.name + ": subject '" + r.subject +
                                       "': " + s.error().message));
  if (auto s = policy::SansDigest(r.sans); !s)
    return Fail(Error::InvalidArgument("profile " + profile.name + ": " + s.error().message));
  SG_ASSIGN_OR_RETURN(ca::Purpose purpose, ca::ParsePurpose(profile.purpose));
  r.key_usage = ca::KeyUsageFor(purpose, profile.key_type);
  for (const std::string& eku : profile.ekus) {
    SG_ASSIGN_OR_RETURN(std::string oid, ca::EkuOid(eku));
    r.ekus.push_back(std::move(oid));
  }
  r.key_type = profile.key_type;
  r.min_key_size = profile.min_key_size;
  r.validity_days = profile.validity_days;
  r.purpose = profile.purpose;
  r.created_at = clock_.Now();
  r.expires_at = r.created_at + ttl_seconds;
  return r;
}

Result<std::string> Challenges::Mint(store::ChallengeRecord& record) {
  record.format = settings_.format;
  if (settings_.format == "sealed") {
    if (!settings_.seal_key)
      return Fail(Error::InvalidArgument("sealed challenges need a seal key (seal_key_file)"));
    SG_ASSIGN_OR_RETURN(policy::SealedClaims claims, ClaimsFor(record));
    auto sealed = policy::Seal(claims, *settings_.seal_key, random_);
    if (!sealed && sealed.error().code == ErrorCode::kInvalidArgument)
      return Fail(Error::PolicyDenied("cannot seal a challenge: " + sealed.error().message));
    if (!sealed) return Fail(sealed.error());
    record.id = claims.id;
    return std::move(*sealed);
  }
  SG_ASSIGN_OR_RETURN(Bytes secret_bytes, random_.Generate(kStoredSecretBytes));
  std::string secret = PrintableBase64(secret_bytes);  // Windows needs a PrintableString
  SG_ASSIGN_OR_RETURN(Bytes digest, Digest("SHA256", AsView(secret)));
  record.id = HexEncode(digest);
  return secret;
}

Result<IssuedChallenge> Challenges::Issue(std::string_view device_id, std::string_view profile,
                                          int64_t ttl_seconds, Role by) {
  SG_ASSIGN_OR_RETURN(IssuedChallenge issued, Prepare(device_id, profile, ttl_seconds, by));
  SG_TRY_STATUS(Keep(issued.record));
  return issued;
}

Status Challenges::Keep(const store::ChallengeRecord& record) {
  return store_.InsertChallenge(record);
}

Result<IssuedChallenge> Challenges::Prepare(std::string_view device_id, std::string_view profile,
                                            int64_t ttl_seconds, Role by) {
  if (ttl_seconds < kMinChallengeTtl || ttl_seconds > kMaxChallengeTtl)
    return Fail(
        Error::InvalidArgument("the challenge lifetime must be between 1 second and 30 "
                               "days"));
  SG_ASSIGN_OR_RETURN(store::DeviceRecord device, DeliverableDevice(device_id));
  SG_ASSIGN_OR_RETURN(auto found, store_.FindProfile(profile));
  if (!found) return Fail(Error::NotFound("no profile named " + std::string(profile)));
  if (!settings_.ca_chain.empty() &&
      std::ranges::find(settings_.ca_chain, found->trusted_ca) == settings_.ca_chain.end())
    return Fail(Error::PolicyDenied("profile " + found->name + " trusts CA " + found->trusted_ca +
                                    ", which is not in this gateway's CA chain"));
  Targeting targeting(store_);
  SG_ASSIGN_OR_RETURN(Resolved names, targeting.Resolve(found->name, device.id));
  SG_TRY_STATUS(CheckIdentity(device, names, by));
  SG_ASSIGN_OR_RETURN(store::ChallengeRecord record, Bind(*found, device, names, ttl_seconds));
  IssuedChallenge out;
  SG_ASSIGN_OR_RETURN(out.challenge, Mint(record));
  out.record = std::move(record);
  return out;
}

}  // namespace scepgate::mgmt
