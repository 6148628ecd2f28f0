// `scepgate token create|list|revoke` (REST API bearer tokens, mgmt::Tokens) and
// `scepgate audit list` (mgmt::AuditLog).
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli_audit.h"
#include "commands.h"
#include "data_dir.h"
#include "mgmt/tokens.h"
#include "views.h"

namespace scepgate::app {
namespace {

struct Flags {
  std::string dir;
  std::string role;
  std::string name;
  std::string id;
  bool json = false;
  int limit = 50;
};

void Create(const Flags& f) {
  SystemClock clock;
  SystemRandom random;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  auto made = mgmt::Tokens(*data->store, clock, random).Create(f.role, f.name);
  std::string target = made ? made->record.id : "";
  mgmt::CreatedToken token = Audited(*data->store, "token.create", target,
                                     {{"role", f.role}, {"name", f.name}}, std::move(made));
  if (f.json) {
    nlohmann::json j = TokenJson(token.record);
    j["token"] = token.token;
    std::cout << j.dump(2) << "\n";
    return;
  }
  // The token alone on stdout (for scripts); the rest on stderr.
  std::cout << token.token << "\n";
  std::cerr << "token " << token.record.id << " (" << token.record.role
            << "): shown once, store it now\n";
}

void List(const Flags& f) {
  SystemClock clock;
  SystemRandom random;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  auto tokens = OrDie(mgmt::Tokens(*data->store, clock, random).List());
  if (f.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& t : tokens) arr.push_back(TokenJson(t));
    std::cout << arr.dump(2) << "\n";
    return;
  }
  std::printf("%-12s %-8s %-8s %-20s %s\n", "ID", "ROLE", "STATUS", "CREATED", "NAME");
  for (const auto& t : tokens)
    std::printf("%-12s %-8s %-8s %-20s %s\n", t.id.c_str(), t.role.c_str(),
                t.revoked ? "revoked" : "active", IsoTime(t.created_at).c_str(), t.name.c_str());
}

void Revoke(const Flags& f) {
  SystemClock clock;
  SystemRandom random;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  Status st = mgmt::Tokens(*data->store, clock, random).Revoke(f.id);
  RecordCliChange(*data->store, "token.revoke", f.id, nlohmann::json::object(),
                  st ? nullptr : &st.error());
  OrDie(st);
  std::cout << "revoked token " << f.id << "\n";
}

void ListAudit(const Flags& f) {
  SystemClock clock;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  auto entries = OrDie(mgmt::AuditLog(*data->store, clock).List(f.limit));
  if (f.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& e : entries) arr.push_back(AuditJson(e));
    std::cout << arr.dump(2) << "\n";
    return;
  }
  std::printf("%-6s %-20s %-28s %-20s %-10s %s\n", "ID", "TIME", "ACTOR", "ACTION", "OUTCOME",
              "TARGET");
  for (const auto& e : entries)
    std::printf("%-6lld %-20s %-28s %-20s %-10s %s\n", static_cast<long long>(e.id),
                IsoTime(e.at).c_str(), e.actor.c_str(), e.action.c_str(), e.outcome.c_str(),
                e.target.c_str());
}

}  // namespace

void AddTokenCommands(CLI::App& app) {
  auto f = std::make_shared<Flags>();
  CLI::App* group = app.add_subcommand("token", "bearer tokens of the REST API (/api/v1)");
  group->require_subcommand(1);

  CLI::App* create =
      group->add_subcommand("create", "create a token; prints it once (only its hash is kept)");
  AddDirOption(*create, f->dir);
  create->add_option("--role", f->role, "admin|operator|auditor")->required();
  create->add_option("--name", f->name, "what the token is for (shown in the audit log)");
  create->add_flag("--json", f->json, "print JSON (with the token)");
  create->callback([f] { Create(*f); });

  CLI::App* list = group->add_subcommand("list", "list tokens (never their secrets)");
  AddDirOption(*list, f->dir);
  list->add_flag("--json", f->json, "print JSON");
  list->callback([f] { List(*f); });

  CLI::App* revoke = group->add_subcommand("revoke", "revoke a token at once");
  AddDirOption(*revoke, f->dir);
  revoke->add_option("id", f->id, "token id (token list)")->required();
  revoke->callback([f] { Revoke(*f); });
}

void AddAuditCommands(CLI::App& app) {
  auto f = std::make_shared<Flags>();
  CLI::App* group = app.add_subcommand("audit", "the log of every change (CLI and REST API)");
  group->require_subcommand(1);
  CLI::App* list = group->add_subcommand("list", "list audit entries, newest first");
  AddDirOption(*list, f->dir);
  list->add_flag("--json", f->json, "print JSON");
  list->add_option("--limit", f->limit, "at most this many (0: all)")->default_val(50);
  list->callback([f] { ListAudit(*f); });
}

}  // namespace scepgate::app
