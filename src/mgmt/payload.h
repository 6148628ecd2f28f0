// What a device receives to enroll on its own: a profile, a fresh one-time challenge and the CA to
// trust, in the format its native client (or scepgate-agent) reads. The exporters are pure
// functions of PayloadContent; PayloadMaker mints the challenge and fills PayloadContent, and is
// the one door the CLI and the REST API both use.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/rfc4514.h"
#include "mgmt/challenges.h"
#include "store/store.h"

namespace scepgate::mgmt {

enum class PayloadFormat { kJson, kMobileconfig, kSyncml };

// "json" | "mobileconfig" | "syncml". kInvalidArgument otherwise.
Result<PayloadFormat> ParsePayloadFormat(std::string_view text);
// The media type a payload of this format is served as.
std::string_view PayloadContentType(PayloadFormat format);

// How a device uses several SCEP URLs (seed 000): "android" shuffles them itself, tries each until
// one answers and keeps it for the transaction; "windows" tries the server-shuffled list in order;
// "ios" gets one URL picked by the server.
// Returns the mode for a device platform: android, windows (also linux and network devices, which
// run scepgate-agent), ios (ios, ipados, macos). kInvalidArgument for an unknown platform.
Result<std::string> ModeForPlatform(std::string_view platform);
// Returns kInvalidArgument unless `mode` is android|windows|ios.
Status CheckMode(std::string_view mode);

// The URLs the payload carries for `mode`: android all of them in the profile's order, windows all
// of them shuffled, ios one picked at random. kInvalidArgument for an empty list or unknown mode;
// Random's error when it fails.
Result<std::vector<std::string>> SelectUrls(std::string_view mode,
                                            const std::vector<std::string>& urls, Random& random);

// Splits an RFC 4514 name (as mgmt::Targeting writes it) into RDNs in DER order with
// common/rfc4514.h, types as written: Apple's Subject array. Returns kInvalidArgument naming the
// subject and the problem.
Result<NameRdns> SplitRfc4514(std::string_view name);

// Apple's Subject array (RDNs in DER order): the types C L ST O OU CN by name, every other type as
// its dotted OID, since Apple's SCEP client turns any other name into an empty OID.
// kInvalidArgument for a type that names no attribute.
Result<NameRdns> AppleSubject(const NameRdns& rdns);

// The ClientCertificateInstall CSP's SubjectName, in the CertStrToName syntax the CSP parses it
// with: RDNs in the RFC 4514 string order joined by ", ", attributes of one RDN by " + "; types
// CN L O OU C DC by name, others as OID.<dotted>; a value quoted when empty, with white space at
// either end, or holding , + = " newline < > # ; (an embedded quote doubled), never backslash-
// escaped as in RFC 4514. kInvalidArgument for a type that names no attribute.
Result<std::string> WindowsSubjectName(const NameRdns& rdns);

// Whether the device's own SCEP client can make the key: Apple's Keysize and the CSP's KeyLength
// take RSA of 1024, 2048 or 4096 bits only. Returns kInvalidArgument naming the allowed values
// otherwise (the JSON payload, for scepgate-agent, takes any key). Thread-safe.
Status CheckDeviceKey(PayloadFormat format, std::string_view profile, std::string_view key_type,
                      int key_size);

// Options of one payload that are not part of the profile.
struct PayloadOptions {
  std::string mode;                      // "" = from the device's platform
  int retry_count = 3;                   // 0..30 attempts after the first
  int64_t retry_delay_seconds = 60;      // 0..3600
  std::optional<int> renewal_threshold;  // percent 1..100; overrides the profile's
};

// Everything a payload says, resolved for one device. Filled by PayloadMaker (or by tests).
struct PayloadContent {
  std::string profile;
  std::string cert_type;  // device|user
  std::string device_id;
  std::string platform;
  std::string mode;
  std::vector<std::string> urls;  // already selected for the mode
  std::string challenge;          // the secret
  int64_t challenge_expires_at = 0;
  std::string subject;  // RFC 4514, "" when none
  NameRdns subject_rdns;
  std::vector<std::string> sans;  // san_text form: "DNS:x", "email:x", "UPN:x", "URI:x"
  std::string key_type;           // rsa|ec
  int key_size = 2048;
  std::string hash;               // sha256|sha384|sha512
  uint32_t key_usage = 0;         // X.509 KU_* bits
  std::vector<std::string> ekus;  // dotted OIDs
  int validity_days = 0;
  int renewal_threshold = 20;  // percent of the lifetime left when renewal starts
  int retry_count = 3;
  int64_t retry_delay_seconds = 60;
  Bytes ca_der;           // the trusted CA certificate (the profile's)
  Bytes root_der;         // the root CA (may equal ca_der)
  std::string ca_sha256;  // lower-case hex of ca_der
  std::string ca_sha1;
  std::string ca_fingerprint = "sha1";  // the hash of Apple's CAFingerprint: sha1|sha256
  bool key_extractable = true;          // false: Apple's KeyIsExtractable = false
  // Fresh UUIDs (upper-case text) for the configuration profile and its payloads.
  std::string uuid_profile, uuid_scep, uuid_root;
};

// The scepgate-agent JSON document. kInvalidArgument for content it cannot express.
Result<std::string> PayloadJson(const PayloadContent& c);
// An Apple configuration profile (XML plist) with a com.apple.security.scep and a
// com.apple.security.root payload. Every value is XML-escaped. kInvalidArgument for a SAN type
// the SCEP payload has no key for (IP).
Result<std::string> PayloadMobileconfig(const PayloadContent& c);
// Windows ClientCertificateInstall SCEP CSP nodes in one SyncML Atomic block ending with the
// Exec of Enroll, under ./Device or ./User by certificate type. kInvalidArgument for an unknown
// SAN type.
Result<std::string> PayloadSyncml(const PayloadContent& c);
// Dispatches on the format.
Result<std::string> ExportPayload(PayloadFormat format, const PayloadContent& c);

struct PayloadCas {
  Bytes issuing_der;  // the current issuing CA
  Bytes root_der;     // the root above it; empty when the issuing CA is the root
};

struct MadePayload {
  std::string body;
  PayloadFormat format = PayloadFormat::kJson;
  store::ChallengeRecord challenge;  // what was stored for the minted challenge
};

// Thread-safe as far as the store and Random are: holds no mutable state.
class PayloadMaker {
 public:
  PayloadMaker(store::Store& store, const Clock& clock, Random& random, ChallengeSettings settings,
               PayloadCas cas)
      : store_(store),
        clock_(clock),
        random_(random),
        settings_(std::move(settings)),
        cas_(std::move(cas)) {}

  // Mints a challenge valid `ttl_seconds` for the device and profile on behalf of `by`
  // (Challenges::Issue: same checks, same errors) and returns the payload in `format`.
  // kInvalidArgument for bad options or a profile whose trusted CA is neither the issuing CA nor
  // the root, or a payload the format cannot carry (nothing is stored then); kNotFound for an
  // unknown device or profile.
  Result<MadePayload> Make(std::string_view device_id, std::string_view profile,
                           PayloadFormat format, int64_t ttl_seconds, const PayloadOptions& options,
                           Role by);

 private:
  // The DER of the CA the profile trusts: the issuing CA or the root. kInvalidArgument otherwise.
  Result<Bytes> TrustedCa(const store::ProfileRecord& profile) const;
  // The payload's content for a minted challenge.
  Result<PayloadContent> Content(const store::ProfileRecord& profile,
                                 const store::DeviceRecord& device, const IssuedChallenge& issued,
                                 const PayloadOptions& options);

  store::Store& store_;
  const Clock& clock_;
  Random& random_;
  ChallengeSettings settings_;
  PayloadCas cas_;
};

}  // namespace scepgate::mgmt
