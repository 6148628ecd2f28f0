// `scepgate token create|list|revoke` (REST API bearer tokens, mgmt::Tokens) and
// `scepgate audit list` (mgmt::AuditLog).
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli_audit.h"
#include "commands.h"
#include "data_dir.h"
#include "mgmt/audit.h"
#include "mgmt/tokens.h"
#include "paged_list.h"
#include "views.h"

namespace scepgate::app {
namespace {

// "never expires" or "expires 2026-11-21T23:49:45Z".
std::string ExpiryText(const store::TokenRecord& t) {
  return t.expires_at == 0 ? "never expires" : "expires " + IsoTime(t.expires_at);
}

struct Flags {
  std::string dir;
  std::string role;
  std::string name;
  std::string id;
  std::string expires_in;
  bool json = false;
  mgmt::AuditQuery audit;  // audit list
  PageFlags page;          // audit list
};

void Create(const Flags& f) {
  SystemClock clock;
  SystemRandom random;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  mgmt::Tokens tokens(*data->store, clock, random, data->config.token_default_expiry_days);
  auto made = tokens.Create(f.role, f.name, f.expires_in);
  std::string target = made ? made->record.id : "";
  nlohmann::json args = {{"role", f.role}, {"name", f.name}};
  if (!f.expires_in.empty()) args["expires_in"] = f.expires_in;
  mgmt::CreatedToken token = Audited(*data->store, "token.create", target, args, std::move(made));
  if (f.json) {
    nlohmann::json j = TokenJson(token.record, clock.Now());
    j["token"] = token.token;
    std::cout << j.dump(2) << "\n";
    return;
  }
  // The token alone on stdout (for scripts); the rest on stderr.
  std::cout << token.token << "\n";
  std::cerr << "token " << token.record.id << " (" << token.record.role << ", "
            << ExpiryText(token.record) << "): shown once, store it now\n";
}

void List(const Flags& f) {
  SystemClock clock;
  SystemRandom random;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  auto tokens = OrDie(mgmt::Tokens(*data->store, clock, random).List());
  const int64_t now = clock.Now();
  if (f.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& t : tokens) arr.push_back(TokenJson(t, now));
    std::cout << arr.dump(2) << "\n";
    return;
  }
  std::printf("%-12s %-8s %-8s %-20s %-20s %s\n", "ID", "ROLE", "STATUS", "CREATED", "EXPIRES",
              "NAME");
  for (const auto& t : tokens) {
    const char* status = t.revoked ? "revoked" : mgmt::TokenExpired(t, now) ? "expired" : "active";
    std::string expires = t.expires_at == 0 ? "never" : IsoTime(t.expires_at);
    std::printf("%-12s %-8s %-8s %-20s %-20s %s\n", t.id.c_str(), t.role.c_str(), status,
                IsoTime(t.created_at).c_str(), expires.c_str(), t.name.c_str());
  }
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
  mgmt::AuditLog log(*data->store, clock);
  mgmt::AuditQuery query = f.audit;
  PrintPaged(
      f.page, f.json, QueryPages(query, [&](const auto& q) { return log.List(q); }), AuditJson,
      [] {
        std::printf("%-6s %-20s %-28s %-20s %-10s %s\n", "ID", "TIME", "ACTOR", "ACTION", "OUTCOME",
                    "TARGET");
      },
      [](const store::AuditRecord& e) {
        std::printf("%-6lld %-20s %-28s %-20s %-10s %s\n", static_cast<long long>(e.id),
                    IsoTime(e.at).c_str(), e.actor.c_str(), e.action.c_str(), e.outcome.c_str(),
                    e.target.c_str());
      });
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
  create->add_option("--expires-in", f->expires_in,
                     "lifetime, e.g. 90d, 12h, 30m, 3600s (default: the config's "
                     "api.token_default_expiry_days; 0 there = never)");
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
  list->add_option("--action", f->audit.action,
                   "only this action, or those starting with it ('device.' for every device "
                   "change)");
  list->add_option("--actor", f->audit.actor, "only this actor (as listed: 'cli:root', ...)");
  list->add_option("--after", f->audit.after,
                   "at or after (2026-12-05, 2026-12-05T08:30:00Z or unix seconds)");
  list->add_option("--before", f->audit.before, "before (same forms)");
  AddPageFlags(*list, f->page, "entry", /*one_page_default=*/50);
  list->callback([f] { ListAudit(*f); });
}

}  // namespace scepgate::app
