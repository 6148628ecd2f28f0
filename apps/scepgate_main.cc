// scepgate: the gateway server and its administration CLI. Only wiring lives here.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli_parse.h"
#include "commands.h"

int main(int argc, char** argv) {
  try {
    CLI::App app{"scepgate: SCEP enrollment gateway with its own issuing CA"};
    app.require_subcommand(1);
    scepgate::app::AddInitCommand(app);
    scepgate::app::AddServeCommand(app);
    scepgate::app::AddReloadCommand(app);
    scepgate::app::AddCaCommands(app);
    scepgate::app::AddCertCommands(app);
    scepgate::app::AddRequestCommands(app);
    scepgate::app::AddDeviceCommands(app);
    scepgate::app::AddUserCommands(app);
    scepgate::app::AddGroupCommands(app);
    scepgate::app::AddProfileCommands(app);
    scepgate::app::AddAssignCommand(app);
    scepgate::app::AddChallengeCommands(app);
    scepgate::app::AddEventCommands(app);
    scepgate::app::AddReportCommand(app);
    scepgate::app::AddPayloadCommand(app);
    scepgate::app::AddTokenCommands(app);
    scepgate::app::AddAuditCommands(app);
    scepgate::app::AddMigrateCommand(app);
    scepgate::app::AddAdminCertCommand(app);
    scepgate::app::AddBackupCommands(app);
    return scepgate::app::ParseAndRun(app, argc, argv, "scepgate");
  } catch (const std::exception& e) {  // library exceptions end here, with a message
    std::cerr << "scepgate: " << e.what() << "\n";
    return 1;
  }
}
