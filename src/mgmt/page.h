// One page of a list as an administrator reads it (CLI `... list`, GET /api/v1/...): the items,
// and where the next page starts when this one is full.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace scepgate::mgmt {

template <class T>
struct Page {
  std::vector<T> items;
  std::string next_cursor;  // set when the page is full: ask again with it for the rest
};

// A page's limit as asked: 0 (everything) or more. kInvalidArgument for a negative one.
// Thread-safe.
Status CheckPageLimit(int limit);

// A unix time as an administrator types it for a time bound of a list (`field` names it in the
// error): "" = no bound (0), else what ParseUtcTime takes. kInvalidArgument. Thread-safe.
Result<int64_t> PageTimeBound(std::string_view text, std::string_view field);

// The cursor a page was asked to start after, read by `parse` (a store::Parse*Cursor): nullopt
// when `text` is empty. kInvalidArgument naming the field "cursor". Thread-safe.
template <class Parse>
auto PageCursor(std::string_view text, Parse parse)
    -> Result<std::optional<typename decltype(parse(text))::value_type>> {
  if (text.empty()) return std::nullopt;
  auto read = parse(text);
  if (!read) return Fail(read.error().With("cursor"));
  return std::move(*read);
}

// Builds a page from at most `limit` items: when it is full, next_cursor is cursor_of(last item).
// Thread-safe.
template <class T, class CursorOf>
Page<T> MakePage(std::vector<T> items, int limit, CursorOf cursor_of) {
  Page<T> page;
  page.items = std::move(items);
  if (limit > 0 && page.items.size() == static_cast<size_t>(limit))
    page.next_cursor = cursor_of(page.items.back());
  return page;
}

}  // namespace scepgate::mgmt
