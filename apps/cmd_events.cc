// `scepgate events list`: the notification outbox and each event's delivery state.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "commands.h"
#include "data_dir.h"
#include "mgmt/records.h"
#include "notify/notifier.h"
#include "notify/webhook.h"
#include "notify/webhook_sink.h"
#include "paged_list.h"
#include "serve_stack.h"
#include "views.h"

namespace scepgate::app {
namespace {

struct Flags {
  std::string dir;
  std::string state;
  std::string type;
  PageFlags page;
  bool json = false;
  int for_seconds = 0;  // deliver: keep delivering this long; 0 = one pass
};

void List(const Flags& f) {
  SystemClock clock;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  mgmt::Records records(*data->store);
  mgmt::EventQuery query;
  query.state = f.state;
  query.type = f.type;
  PrintPaged(
      f.page, f.json, QueryPages(query, [&](const auto& q) { return records.EventPage(q); }),
      EventJson,
      [] {
        std::printf("%-6s %-20s %-9s %-8s %-20s %s\n", "ID", "TYPE", "STATE", "ATTEMPTS", "CREATED",
                    "LAST ERROR");
      },
      [](const store::OutboxEvent& e) {
        std::printf("%-6lld %-20s %-9s %-8d %-20s %s\n", static_cast<long long>(e.id),
                    e.type.c_str(), e.state.c_str(), e.attempts, IsoTime(e.created_at).c_str(),
                    e.last_error.c_str());
      });
}

// A delivery worker beside (or instead of) the server's: safe with any number of others on the
// same store, as each event is leased to one worker at a time.
void Deliver(const Flags& f) {
  SystemClock clock;
  auto data = OrDie(OpenDataDir(f.dir, clock));
  const Config& c = data->config;
  if (c.webhook_urls.empty())
    Die(Error::InvalidArgument("no [webhooks] urls are configured: nothing to deliver to"));
  auto sender = notify::MakeCurlSender(c.webhook_timeout_seconds);
  notify::WebhookSink webhooks(*sender, clock, c.webhook_urls, c.webhook_secret);
  notify::Notifier notifier(*data->store, webhooks, clock, NotifierOptionsOf(c));
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(f.for_seconds);
  int total = 0;
  while (true) {
    total += OrDie(notifier.DeliverDue());
    if (std::chrono::steady_clock::now() >= until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(c.webhook_poll_ms));
  }
  std::printf("delivered %d events\n", total);
}

}  // namespace

void AddEventCommands(CLI::App& app) {
  auto f = std::make_shared<Flags>();
  CLI::App* group = app.add_subcommand("events", "notification events and their delivery");
  group->require_subcommand(1);
  CLI::App* list = group->add_subcommand("list", "list events, newest first");
  AddDirOption(*list, f->dir);
  list->add_option("--state", f->state, "pending, delivered or dead");
  list->add_option("--type", f->type, "only events of this type (certificate.issued, ...)");
  AddPageFlags(*list, f->page, "event", /*one_page_default=*/50);
  list->add_flag("--json", f->json, "print JSON");
  list->callback([f] { List(*f); });
  CLI::App* deliver = group->add_subcommand(
      "deliver", "deliver due events to the webhooks (beside the server, or for a while)");
  AddDirOption(*deliver, f->dir);
  deliver
      ->add_option("--for", f->for_seconds, "keep delivering this many seconds (default: one pass)")
      ->check(CLI::Range(0, 7 * 86400));
  deliver->callback([f] { Deliver(*f); });
}

}  // namespace scepgate::app
