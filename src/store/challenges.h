// One-time challenges: what each was minted for, and its one use.
// Part of the store (store.h): minted challenges; a challenge is used once (its use is written with
// the issuance, requests.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace scepgate::store {

// A one-time challenge as minted: its id and what a request presenting it must look like.
// For the "stored" format the id is the SHA-256 (hex) of the challenge; the challenge itself is
// never stored. For "sealed" the id is the one it carries; the row is kept for reports only.
struct ChallengeRecord {
  std::string id;
  std::string format = "stored";  // "stored" | "sealed"
  std::string device_id;
  std::string user_upn;  // the device's owner at mint time, "" when none
  std::string profile;
  std::string subject;            // RFC 4514 form, "" when the profile sets none
  std::vector<std::string> sans;  // san_text form
  uint32_t key_usage = 0;         // KU_* bits
  std::vector<std::string> ekus;  // dotted OIDs
  std::string key_type;           // "rsa" | "ec"
  int min_key_size = 0;
  int validity_days = 0;
  std::string purpose;  // signature|encryption|general
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

// The one use of a challenge: written with the certificate it produced.
struct ChallengeUse {
  std::string challenge_id;
  std::string transaction_id;
  std::string public_key_sha256;
  std::string cert_serial;  // filled by RecordIssuance
  int64_t used_at = 0;
};

struct ChallengeCounts {
  int64_t used = 0;
  int64_t unused = 0;   // not used, not expired
  int64_t expired = 0;  // not used, expired
  friend bool operator==(const ChallengeCounts&, const ChallengeCounts&) = default;
};

// One-time challenges (store/memory_challenges.cc, sqlite/challenges.cc).
// Thread-safe: every implementation may be called from several threads at once.
class ChallengeStore {
 public:
  virtual ~ChallengeStore() = default;

  // Stores a minted challenge. kAlreadyExists when the id is taken, kNotFound when the device
  // does not exist, kDatabase otherwise.
  virtual Status InsertChallenge(const ChallengeRecord& challenge) = 0;

  // Returns the challenge with this id, nullopt when none; kDatabase.
  virtual Result<std::optional<ChallengeRecord>> FindChallenge(std::string_view id) = 0;

  // Returns the use of the challenge with this id, nullopt when unused; kDatabase.
  virtual Result<std::optional<ChallengeUse>> FindChallengeUse(std::string_view challenge_id) = 0;

  // How many minted challenges are used, unused and still valid at `now`, and unused and
  // expired, for /metrics. kDatabase.
  virtual Result<ChallengeCounts> CountChallenges(int64_t now) = 0;
};

}  // namespace scepgate::store
