// The audit log's CLI door: each command that changes something records who ran it
// ("cli:<unix user>"), what, and how it ended, then ends as any command does.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <type_traits>
#include <utility>

#include "commands.h"
#include "mgmt/audit.h"
#include "store/store.h"

namespace scepgate::app {

// "cli:<login name of the effective user>" (or "cli:uid=<n>" when it has no name).
std::string CliActor();

// Writes the audit entry (actor CliActor()) with the outcome of `error` (null: "ok"). A failure
// to write it is reported on stderr; the change stands.
void RecordCliChange(store::Store& store, const std::string& action, const std::string& target,
                     const nlohmann::json& args, const Error* error);

// Records the change with the outcome of `result`, then returns its value or dies with its error.
template <class T>
T Audited(store::Store& store, const std::string& action, const std::string& target,
          const nlohmann::json& args, Result<T>&& result) {
  if (!result) {
    RecordCliChange(store, action, target, args, &result.error());
    Die(result.error());
  }
  RecordCliChange(store, action, target, args, nullptr);
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

}  // namespace scepgate::app
