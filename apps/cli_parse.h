// Command-line parsing shared by scepgate and scepgate-agent, with one rule for exit codes:
// 0 on success and after --help, 1 when a command fails (it has printed why), 2 for a usage error.
#pragma once

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <string_view>

namespace scepgate::app {

// When parsing stopped because a command needs a subcommand, the word given in its place (e.g.
// "frobnicate" in `scepgate frobnicate`, "frob" in `scepgate device frob`); "" otherwise.
inline std::string UnknownSubcommand(CLI::App& app, int argc, char** argv) {
  CLI::App* at = &app;
  int next = 1;  // where the word after `at` is looked for
  while (!at->get_subcommands().empty()) {
    at = at->get_subcommands().front();
    while (next < argc && argv[next] != at->get_name()) ++next;
    ++next;
  }
  if (at->get_require_subcommand_min() == 0 || next >= argc || argv[next][0] == '-') return "";
  return argv[next];
}

// Parses argv and runs the chosen command's callback. Returns the process's exit code: 0 after
// success or --help, the code a command ended with (CLI::RuntimeError, e.g. 1 from Die), and 2
// for a usage error (an unknown option, a missing required one, a value of the wrong type),
// printed as "<program>: <what>" on stderr.
inline int ParseAndRun(CLI::App& app, int argc, char** argv, std::string_view program) {
  try {
    app.parse(argc, argv);
    return 0;
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help and the like print and succeed
    std::string unknown;
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr)
      unknown = UnknownSubcommand(app, argc, argv);
    if (!unknown.empty())
      std::cerr << program << ": unknown command '" << unknown << "'\n";
    else
      std::cerr << program << ": " << e.what() << "\n";
    std::cerr << program << ": run '" << program << " --help' for usage\n";
    return 2;
  }
}

}  // namespace scepgate::app
