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
};

}  // namespace scepgate::store
