// The audit log: every change made through the CLI or the REST API, with who made it, what it
// was (action, target, arguments; never a secret), when, and how it ended.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "store/store.h"

namespace scepgate::mgmt {

struct AuditEntry {
  std::string actor;        // "token:<id> (<name>)" or "cli:<unix user>"
  std::string action;       // "device.add", ...
  std::string target;       // device id, UPN, group, profile, serial, token id; "" when none
  std::string args = "{}";  // JSON object of the arguments, never a secret
};

// "token:<id> (<name>)", or "token:<id>" when the token has no name.
std::string TokenActor(const store::TokenRecord& token);

// Thread-safe as far as the store is: holds no state of its own.
class AuditLog {
 public:
  AuditLog(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Writes the entry, now, with outcome "ok" when `error` is null, else the error's code name and
  // message. kDatabase.
  Status Record(const AuditEntry& entry, const Error* error);
  template <class T>
  Status Record(const AuditEntry& entry, const Result<T>& result) {
    return Record(entry, result ? nullptr : &result.error());
  }
  // The newest `limit` entries (0: all), newest first. kInvalidArgument for a negative limit.
  Result<std::vector<store::AuditRecord>> List(int limit);

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace scepgate::mgmt
