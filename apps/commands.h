// The scepgate subcommands. Each Add* registers one command group on the CLI11 app; the commands
// parse flags and call into the modules. A failing command prints why on stderr and exits 1;
// usage errors exit 2 (cli_parse.h).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "common/error.h"

namespace scepgate::app {

void AddInitCommand(CLI::App& app);
void AddServeCommand(CLI::App& app);
void AddReloadCommand(CLI::App& app);
void AddCaCommands(CLI::App& app);
// Under `ca`: add-issuer, list-issuers, retire-issuer, reinstate-issuer.
void AddIssuerCommands(CLI::App& ca);
void AddCertCommands(CLI::App& app);
void AddRequestCommands(CLI::App& app);
void AddDeviceCommands(CLI::App& app);
void AddUserCommands(CLI::App& app);
void AddGroupCommands(CLI::App& app);
// `import` under `device` or `user` (cmd_import.cc); rows without a type are `default_type`.
void AddImportCommand(CLI::App& parent, const std::string& default_type);
void AddProfileCommands(CLI::App& app);
void AddAssignCommand(CLI::App& app);
void AddChallengeCommands(CLI::App& app);
void AddEventCommands(CLI::App& app);
void AddReportCommand(CLI::App& app);
void AddPayloadCommand(CLI::App& app);
void AddTokenCommands(CLI::App& app);
void AddAuditCommands(CLI::App& app);
void AddMigrateCommand(CLI::App& app);
void AddAdminCertCommand(CLI::App& app);
// `backup` and `restore` (backup.h).
void AddBackupCommands(CLI::App& app);

// Adds the --dir option (env SCEPGATE_DIR, default ./data) to a subcommand.
void AddDirOption(CLI::App& cmd, std::string& dir);

// The words given as arguments, then the lines of `file` ("-": standard input; "": none), for
// commands that act on many ids or serials. Blank lines and lines starting with '#' are skipped,
// blanks around a line trimmed. Dies when the file cannot be read.
std::vector<std::string> ArgsAndFileLines(const std::vector<std::string>& args,
                                          const std::string& file);

// Prints "<what>: a b c" on a line of its own, nothing when `items` is empty.
void PrintList(const char* what, const std::vector<std::string>& items);

// Prints "scepgate: <message>" to stderr and ends the command with exit code 1.
[[noreturn]] void Die(const Error& error);

// Returns the value or dies with its error.
template <class T>
T OrDie(Result<T> r) {
  if (!r) Die(r.error());
  return std::move(*r);
}
inline void OrDie(Status s) {
  if (!s) Die(s.error());
}

}  // namespace scepgate::app
