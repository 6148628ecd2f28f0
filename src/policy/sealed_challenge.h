// Sealed one-time challenges: the claims a management plane binds to a device's enrollment,
// carried inside the SCEP challengePassword itself and sealed with AES-256-GCM under a key shared
// with the gateways, so a gateway verifies them without reading the management tables. Replays
// are refused separately, by the gateway, using the challenge's id. Pure functions; thread-safe.
//
// Form: "sg1.<key id>.<base64url, no padding, of nonce(12) || ciphertext || tag(16)>", at most 255
// printable characters. The AAD is the context string "scepgate sealed challenge v1", a zero byte
// and the key id, so a challenge cannot be re-labelled with another key id. The plaintext:
//
//   offset size
//   0      1    layout version (1)
//   1      4    id tail: the one-use id is nonce(12) || id tail(4), 128 random bits
//   5      8    expires_at, int64 big-endian
//   13     16   device_id, the UUID's 16 bytes
//   29     2    key_usage, uint16 big-endian
//   31     1    key_type: 1 rsa, 2 ec
//   32     1    purpose: 1 signature, 2 encryption, 3 general
//   33     2    min_key_size, uint16 big-endian
//   35     2    validity_days, uint16 big-endian
//   37     16   subject_digest
//   53     16   sans_digest
//   69     1+n  profile: length (1..255), UTF-8 bytes
//   ..     1    EKU count (0..255), then per EKU: length (1..127), DER OID content bytes
//
// A 40-byte profile name and two EKUs (clientAuth, serverAuth) make 129 bytes of plaintext,
// 157 of payload and 217 characters with the key id "k1".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/ossl.h"
#include "common/random.h"

namespace scepgate::policy {

struct SealKey {
  std::string id;  // 1..8 chars [a-z0-9]
  Bytes key;       // 32 bytes, AES-256-GCM
};

// What a sealed challenge asserts. Values are bound at mint time.
struct SealedClaims {
  std::string id;          // 32 lower-case hex chars: the one-use id (128 random bits), set by Seal
  int64_t expires_at = 0;  // unix seconds
  std::string device_id;   // a UUID, lower-case, 36 chars
  std::string profile;     // profile name, UTF-8, 1..255 bytes
  uint16_t key_usage = 0;  // X509v3 KU bits as OpenSSL's KU_* constants (only defined bits)
  std::string key_type;    // "rsa" | "ec"
  int min_key_size = 0;    // bits, 0..65535
  int validity_days = 0;   // 1..65535
  std::string purpose;     // "signature" | "encryption" | "general"
  std::vector<std::string> ekus;  // canonical dotted OIDs, e.g. "1.3.6.1.5.5.7.3.2"
  Bytes subject_digest;           // exactly 16 bytes (a truncated SHA-256 computed by the caller)
  Bytes sans_digest;              // exactly 16 bytes

  bool operator==(const SealedClaims&) const = default;
};

inline constexpr std::string_view kSealedPrefix = "sg1.";
// The longest challengePassword a SCEP client can carry.
inline constexpr size_t kMaxSealedLength = 255;

// True when `challenge` has the sealed form's prefix (it may still fail to open).
bool LooksSealed(std::string_view challenge);

// Seals the claims under `key` and returns the challenge. Generates the one-use id and writes it
// to claims.id (only on success). Returns kInvalidArgument for a bad key or out-of-range claims
// (naming the field) or when the result would exceed 255 characters (saying by how much),
// kCrypto when the random generator or OpenSSL fails.
Result<std::string> Seal(SealedClaims& claims, const SealKey& key, Random& random);

// Opens a sealed challenge with the key its key id names and returns its claims, id included.
// Returns kNotFound when no key in `keys` has that id, kInvalidArgument "sealed challenge is
// malformed" or "sealed challenge is not authentic" for any other bad input (and naming the key
// when the ring's key is not 32 bytes), kCrypto when OpenSSL fails. Never crashes on any input.
// Does not check expiry or replay.
Result<SealedClaims> Unseal(std::string_view challenge, const std::vector<SealKey>& keys);

namespace internal {
// Seals arbitrary `plaintext` with a 12-byte `nonce` into the challenge form, without claim
// checks or the length limit. For tests and the fuzz target only: it lets them reach the claim
// decoder with authentic but malformed plaintexts. kInvalidArgument for a bad key or nonce,
// kCrypto when OpenSSL fails.
Result<std::string> SealPlaintext(ByteView plaintext, const SealKey& key, ByteView nonce);
}  // namespace internal

}  // namespace scepgate::policy
