// `scepgate migrate --from-sqlite FILE`: a single machine's records into the PostgreSQL database
// its config now names, so that more nodes can join it.
#include <iostream>

#include "commands.h"
#include "data_dir.h"
#include "store/import/sqlite_to_postgres.h"

namespace scepgate::app {

void AddMigrateCommand(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  auto from = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "migrate",
      "copy the records of a SQLite database (scepgate.db) into the PostgreSQL database that "
      "DIR's [store] names; the target must be empty and no node may be serving");
  AddDirOption(*cmd, *dir);
  cmd->add_option("--from-sqlite", *from, "the SQLite database to copy (e.g. DIR/scepgate.db)")
      ->required();
  cmd->callback([dir, from] {
    Config config = OrDie(LoadConfig(ConfigPath(*dir)));
    if (config.store_backend != "postgres")
      Die(Error::FailedPrecondition(ConfigPath(*dir).string() +
                                    " does not name a PostgreSQL database: set [store] backend = "
                                    "\"postgres\" and dsn first"));
    auto options = OrDie(PostgresOptionsOf(*dir, config));
    auto copied = OrDie(store::CopySqliteToPostgres(*from, options));
    int64_t total = 0;
    for (const auto& t : copied) {
      std::cout << t.table << ": " << t.rows << "\n";
      total += t.rows;
    }
    std::cout << "copied " << total << " rows in " << copied.size() << " tables from " << *from
              << "; every node of " << *dir << "'s database now serves them\n";
  });
}

}  // namespace scepgate::app
