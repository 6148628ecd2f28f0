// Counters and small named values.
// Part of the store (store.h): values shared by every process on the store (CRL numbers, the last
// CRL time, ...).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace scepgate::store {

// Counters and settings (store/memory_store.cc, sqlite/sqlite_store.cc).
// Thread-safe: every implementation may be called from several threads at once.
class SettingsStore {
 public:
  virtual ~SettingsStore() = default;

  // Returns the next value of a named counter (1, 2, ...), atomically across processes: each
  // value is returned once. kDatabase.
  virtual Result<int64_t> NextCounter(std::string_view name) = 0;

  // Returns a small named value (e.g. the last CRL's time), nullopt when unset; kDatabase.
  virtual Result<std::optional<std::string>> GetSetting(std::string_view key) = 0;

  // Sets a named value, replacing the one there. kDatabase.
  virtual Status SetSetting(std::string_view key, std::string_view value) = 0;

  // Takes the named lease for `owner` until `until` when nobody holds it, its holder's time ran
  // out (until <= now) or `owner` holds it already (then it is renewed). Returns whether `owner`
  // holds it now. Atomic across threads, processes and nodes: one owner at a time, for the
  // background work that must run on one node only (Intune's revocation polling). kDatabase.
  virtual Result<bool> TakeLease(std::string_view name, std::string_view owner, int64_t now,
                                 int64_t until) = 0;
};

}  // namespace scepgate::store
