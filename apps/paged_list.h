// Printing a list that the store hands out a page at a time (`cert list`, `device list`, ...):
// one page with --limit, or every item read a page at a time so that a store of millions never
// sits in memory.
#pragma once

#include <cstdio>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "mgmt/page.h"

namespace scepgate::app {

// What a paged `list` command was asked for: --limit N (one page; 0 = every item), --cursor.
struct PageFlags {
  int limit = 0;
  std::string cursor;
  bool all = false;
};

// Adds --limit, --cursor and (with `all_flag`) --all to `list`. `one_page_default` > 0: without
// --limit or --all, one page of that many (the newest audit entries and events); 0: every item.
// `what` names the items in the help ("certificate", "device").
void AddPageFlags(CLI::App& list, PageFlags& flags, const char* what, int one_page_default = 0,
                  bool all_flag = true);

// Prints the list: `fetch(cursor, limit)` returns a Result<mgmt::Page<T>> (the error ends the
// command); `json` prints one JSON array of to_json(item), else header() then row(item) for each.
// One page (flags.limit > 0): the cursor of the next page, when there is one, goes to stderr as
// "more: --cursor X". Every item (flags.limit 0): pages of 1000 until one is not full.
template <class Fetch, class ToJson, class Header, class Row>
void PrintPaged(const PageFlags& flags, bool json, Fetch fetch, ToJson to_json, Header header,
                Row row) {
  constexpr int kStreamPage = 1000;
  const bool one_page = flags.limit > 0;
  const int limit = one_page ? flags.limit : kStreamPage;
  std::string cursor = flags.cursor;
  if (json)
    std::cout << "[";
  else
    header();
  bool first = true;
  for (;;) {
    auto page = OrDie(fetch(cursor, limit));
    for (const auto& item : page.items) {
      if (json) {
        std::string text = nlohmann::json(to_json(item)).dump(2);
        // Indented one level inside the array, as dump(2) of the whole array would print it.
        for (size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 1))
          text.insert(at + 1, "  ");
        std::cout << (first ? "\n  " : ",\n  ") << text;
      } else {
        row(item);
      }
      first = false;
    }
    if (page.next_cursor.empty()) break;
    if (one_page) {
      std::cout.flush();
      std::cerr << "more: --cursor " << page.next_cursor << "\n";
      break;
    }
    cursor = page.next_cursor;
  }
  if (json) std::cout << (first ? "]\n" : "\n]\n");
}

// The `fetch` of PrintPaged for a query with `cursor` and `limit` fields (mgmt::CertQuery, ...):
// sets them on `query`, which must outlive the call, then returns `page(query)`.
template <class Query, class PageFn>
auto QueryPages(Query& query, PageFn page) {
  return [&query, page](const std::string& cursor, int limit) {
    query.cursor = cursor;
    query.limit = limit;
    return page(query);
  };
}

}  // namespace scepgate::app
