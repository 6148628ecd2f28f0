// `scepgate events list`: the notification outbox and each event's delivery state.
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"
#include "data_dir.h"
#include "mgmt/records.h"
#include "views.h"

namespace scepgate::app {
namespace {

struct Flags {
  std::string dir;
  std::string state;
  int limit = 50;
  bool json = false;
};

void List(const Flags& f) {
  SystemClock clock;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  auto events = OrDie(mgmt::Records(*data->store).Events(f.state, f.limit));
  if (f.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& e : events) arr.push_back(EventJson(e));
    std::cout << arr.dump(2) << "\n";
    return;
  }
  std::printf("%-6s %-20s %-9s %-8s %-20s %s\n", "ID", "TYPE", "STATE", "ATTEMPTS", "CREATED",
              "LAST ERROR");
  for (const auto& e : events)
    std::printf("%-6lld %-20s %-9s %-8d %-20s %s\n", static_cast<long long>(e.id), e.type.c_str(),
                e.state.c_str(), e.attempts, IsoTime(e.created_at).c_str(), e.last_error.c_str());
}

}  // namespace

void AddEventCommands(CLI::App& app) {
  auto f = std::make_shared<Flags>();
  CLI::App* group = app.add_subcommand("events", "notification events and their delivery");
  group->require_subcommand(1);
  CLI::App* list = group->add_subcommand("list", "list events, newest first");
  AddDirOption(*list, f->dir);
  list->add_option("--state", f->state, "pending, delivered or dead");
  list->add_option("--limit", f->limit, "at most this many (0: all)");
  list->add_flag("--json", f->json, "print JSON");
  list->callback([f] { List(*f); });
}

}  // namespace scepgate::app
