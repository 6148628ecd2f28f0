#include "mgmt/payload.h"

#include <algorithm>

#include "common/text.h"
#include "mgmt/directory.h"

namespace scepgate::mgmt {
namespace {

// A uniformly random index below n (n >= 1), from 4 random bytes (bias < 2^-24 for small n).
Result<size_t> RandomIndex(Random& random, size_t n) {
  SG_ASSIGN_OR_RETURN(Bytes b, random.Generate(4));
  uint32_t v = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
  return static_cast<size_t>(v % n);
}

// A version 4 UUID in upper-case text, the way Apple's profiles write them.
Result<std::string> UpperUuid(Random& random) {
  SG_ASSIGN_OR_RETURN(std::string uuid, NewUuid(random));
  std::transform(uuid.begin(), uuid.end(), uuid.begin(),
                 [](char c) { return c >= 'a' && c <= 'f' ? static_cast<char>(c - 32) : c; });
  return uuid;
}

Error BadName(std::string_view name, std::string_view why) {
  return Error::InvalidArgument("subject '" + std::string(name) + "': " + std::string(why));
}

std::string Sha(std::string_view algo, const Bytes& der) {
  auto d = Digest(algo, der);
  return d ? HexEncode(*d) : "";
}

}  // namespace

Result<PayloadFormat> ParsePayloadFormat(std::string_view text) {
  if (text == "json") return PayloadFormat::kJson;
  if (text == "mobileconfig") return PayloadFormat::kMobileconfig;
  if (text == "syncml") return PayloadFormat::kSyncml;
  return Fail(Error::InvalidArgument("unknown payload format '" + std::string(text) +
                                     "' (json|mobileconfig|syncml)"));
}

std::string_view PayloadContentType(PayloadFormat format) {
  switch (format) {
    case PayloadFormat::kJson:
      return "application/json";
    case PayloadFormat::kMobileconfig:
      return "application/x-apple-aspen-config";
    case PayloadFormat::kSyncml:
      return "application/vnd.syncml.dm+xml";
  }
  return "application/octet-stream";
}

Result<std::string> ModeForPlatform(std::string_view platform) {
  std::string p = AsciiLower(platform);
  if (p == "android") return std::string("android");
  if (p == "windows" || p == "linux" || p == "network") return std::string("windows");
  if (p == "ios" || p == "ipados" || p == "macos") return std::string("ios");
  return Fail(Error::InvalidArgument("unknown platform '" + std::string(platform) + "'"));
}

Status CheckMode(std::string_view mode) {
  if (mode == "android" || mode == "windows" || mode == "ios") return {};
  return Fail(
      Error::InvalidArgument("unknown mode '" + std::string(mode) + "' (android|windows|ios)"));
}

Result<std::vector<std::string>> SelectUrls(std::string_view mode,
                                            const std::vector<std::string>& urls, Random& random) {
  SG_TRY_STATUS(CheckMode(mode));
  if (urls.empty()) return Fail(Error::InvalidArgument("the profile has no SCEP URL"));
  if (mode == "android") return urls;
  if (mode == "ios") {
    SG_ASSIGN_OR_RETURN(size_t i, RandomIndex(random, urls.size()));
    return std::vector<std::string>{urls[i]};
  }
  std::vector<std::string> out = urls;  // windows: Fisher-Yates
  for (size_t i = out.size(); i > 1; --i) {
    SG_ASSIGN_OR_RETURN(size_t j, RandomIndex(random, i));
    std::swap(out[i - 1], out[j]);
  }
  return out;
}

Result<NameRdns> SplitRfc4514(std::string_view name) {
  auto rdns = ParseRfc4514(name);
  if (!rdns) return Fail(BadName(name, rdns.error().message));
  return rdns;
}

Status CheckDeviceKey(PayloadFormat format, std::string_view profile, std::string_view key_type,
                      int key_size) {
  if (format == PayloadFormat::kJson) return {};
  const char* device = format == PayloadFormat::kMobileconfig ? "Apple" : "Windows";
  if (key_type != "rsa")
    return Fail(
        Error::InvalidArgument(std::string(device) + " SCEP payloads only make RSA keys; profile " +
                               std::string(profile) + " asks for " + std::string(key_type)));
  if (key_size != 1024 && key_size != 2048 && key_size != 4096)
    return Fail(Error::InvalidArgument(
        std::string(device) + " devices make RSA keys of 1024, 2048 or 4096 bits only; profile " +
        std::string(profile) + " asks for " + std::to_string(key_size)));
  return {};
}

Result<std::string> ExportPayload(PayloadFormat format, const PayloadContent& c) {
  switch (format) {
    case PayloadFormat::kJson:
      return PayloadJson(c);
    case PayloadFormat::kMobileconfig:
      return PayloadMobileconfig(c);
    case PayloadFormat::kSyncml:
      return PayloadSyncml(c);
  }
  return Fail(Error::InvalidArgument("unknown payload format"));
}

Result<Bytes> PayloadMaker::TrustedCa(const store::ProfileRecord& profile) const {
  const Bytes& root = cas_.root_der.empty() ? cas_.issuing_der : cas_.root_der;
  if (Sha("SHA256", cas_.issuing_der) == profile.trusted_ca) return cas_.issuing_der;
  if (Sha("SHA256", root) == profile.trusted_ca) return root;
  return Fail(Error::InvalidArgument("profile " + profile.name + " trusts CA " +
                                     profile.trusted_ca +
                                     ", which is neither the issuing CA nor the root"));
}

Result<PayloadContent> PayloadMaker::Content(const store::ProfileRecord& profile,
                                             const store::DeviceRecord& device,
                                             const IssuedChallenge& issued,
                                             const PayloadOptions& options) {
  const store::ChallengeRecord& r = issued.record;
  PayloadContent c;
  c.profile = profile.name;
  c.cert_type = profile.cert_type;
  c.device_id = device.id;
  c.platform = device.platform;
  if (options.mode.empty()) {
    SG_ASSIGN_OR_RETURN(c.mode, ModeForPlatform(device.platform));
  } else {
    c.mode = options.mode;
  }
  SG_ASSIGN_OR_RETURN(c.urls, SelectUrls(c.mode, profile.urls, random_));
  c.challenge = issued.challenge;
  c.challenge_expires_at = r.expires_at;
  c.subject = r.subject;
  SG_ASSIGN_OR_RETURN(c.subject_rdns, SplitRfc4514(r.subject));
  c.sans = r.sans;
  c.key_type = r.key_type;
  c.key_size = r.min_key_size;
  c.hash = profile.hash;
  c.key_usage = r.key_usage;
  c.ekus = r.ekus;
  c.validity_days = r.validity_days;
  c.renewal_threshold = options.renewal_threshold.value_or(profile.renewal_threshold);
  c.retry_count = options.retry_count;
  c.retry_delay_seconds = options.retry_delay_seconds;
  c.root_der = cas_.root_der.empty() ? cas_.issuing_der : cas_.root_der;
  SG_ASSIGN_OR_RETURN(c.ca_der, TrustedCa(profile));
  c.ca_sha256 = Sha("SHA256", c.ca_der);
  c.ca_sha1 = Sha("SHA1", c.ca_der);
  c.ca_fingerprint = profile.ca_fingerprint;
  c.key_extractable = profile.key_extractable;
  SG_ASSIGN_OR_RETURN(c.uuid_profile, UpperUuid(random_));
  SG_ASSIGN_OR_RETURN(c.uuid_scep, UpperUuid(random_));
  SG_ASSIGN_OR_RETURN(c.uuid_root, UpperUuid(random_));
  return c;
}

Result<MadePayload> PayloadMaker::Make(std::string_view device_id, std::string_view profile,
                                       PayloadFormat format, int64_t ttl_seconds,
                                       const PayloadOptions& options, Role by) {
  if (!options.mode.empty()) SG_TRY_STATUS(CheckMode(options.mode));
  if (options.retry_count < 0 || options.retry_count > 30)
    return Fail(Error::InvalidArgument("the retry count must be between 0 and 30"));
  if (options.retry_delay_seconds < 0 || options.retry_delay_seconds > 3600)
    return Fail(Error::InvalidArgument("the retry delay must be between 0 and 3600 seconds"));
  if (options.renewal_threshold &&
      (*options.renewal_threshold < 1 || *options.renewal_threshold > 100))
    return Fail(Error::InvalidArgument("the renewal threshold must be between 1 and 100 percent"));
  // The CA must be known before a challenge is minted for nothing.
  SG_ASSIGN_OR_RETURN(auto known, store_.FindProfile(profile));
  if (known) SG_TRY_STATUS(TrustedCa(*known));
  if (known)
    SG_TRY_STATUS(CheckDeviceKey(format, known->name, known->key_type, known->min_key_size));
  // The payload is rendered before its challenge is stored: one that cannot be rendered (a SAN
  // the format cannot carry) leaves no usable challenge behind.
  Challenges challenges(store_, clock_, random_, settings_);
  SG_ASSIGN_OR_RETURN(IssuedChallenge issued,
                      challenges.Prepare(device_id, profile, ttl_seconds, by));
  SG_ASSIGN_OR_RETURN(auto found_profile, store_.FindProfile(issued.record.profile));
  SG_ASSIGN_OR_RETURN(auto found_device, store_.FindDevice(issued.record.device_id));
  if (!found_profile || !found_device)
    return Fail(Error::NotFound("the device or profile went away while minting"));
  SG_ASSIGN_OR_RETURN(PayloadContent content,
                      Content(*found_profile, *found_device, issued, options));
  MadePayload out;
  out.format = format;
  SG_ASSIGN_OR_RETURN(out.body, ExportPayload(format, content));
  SG_TRY_STATUS(challenges.Keep(issued.record));
  out.challenge = std::move(issued.record);
  return out;
}

}  // namespace scepgate::mgmt
