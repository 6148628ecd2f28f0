// The audit log: every change made through the CLI or the REST API, with who made it, what it
// was (action, target, arguments; never a secret), when, and how it ended.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "mgmt/page.h"
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

// A page of the audit log (`audit list`, GET /audit); text as typed, "" when not given.
struct AuditQuery {
  std::string action;  // the action, or its start ("device." for every device change)
  std::string actor;   // exactly this actor ("cli:root", "token:ab12cd (ci)")
  std::string after;   // at or after this time (ParseUtcTime)
  std::string before;  // before this time
  std::string cursor;  // where the previous page ended
  int limit = 0;       // at most this many; 0 = all
};

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
  // One page of entries, newest first. kInvalidArgument naming the field for a time or cursor
  // that does not parse, or a negative limit; kDatabase.
  Result<Page<store::AuditRecord>> List(const AuditQuery& query);

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace scepgate::mgmt
