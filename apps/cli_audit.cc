#include "cli_audit.h"

#include <pwd.h>
#include <unistd.h>

#include <iostream>

namespace scepgate::app {

std::string CliActor() {
  uid_t uid = ::geteuid();
  passwd pw{};
  passwd* found = nullptr;
  char buf[1024];
  if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found != nullptr)
    return std::string("cli:") + found->pw_name;
  return "cli:uid=" + std::to_string(uid);
}

void RecordCliChange(store::Store& store, const std::string& action, const std::string& target,
                     const nlohmann::json& args, const Error* error) {
  SystemClock clock;
  // Arguments are as typed: replace invalid UTF-8 rather than fail after the change was made.
  std::string text = args.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  mgmt::AuditEntry entry{CliActor(), action, target, text};
  if (auto st = mgmt::AuditLog(store, clock).Record(entry, error); !st)
    std::cerr << "scepgate: warning: cannot write the audit log: " << st.error().message << "\n";
}

}  // namespace scepgate::app
