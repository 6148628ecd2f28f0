// Where a page of a list ends, so that the next page starts after it whatever is written
// meanwhile. Cursors are opaque text to clients (CLI --cursor, API ?cursor=).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace scepgate::store {

// For lists ordered by (created_at, seq): certificates and requests (newest first), devices
// (oldest first). `seq` is the row's place in the store's order of insertion (a request's id).
struct SeqCursor {
  int64_t created_at = 0;
  int64_t seq = 0;
  friend bool operator==(const SeqCursor&, const SeqCursor&) = default;
};

// "<created_at>.<seq>". Thread-safe.
std::string SeqCursorText(int64_t created_at, int64_t seq);
// Parses what SeqCursorText wrote. kInvalidArgument for anything else. Thread-safe.
Result<SeqCursor> ParseSeqCursor(std::string_view text);

// For lists ordered by id alone (events, audit entries): the id in decimal. Returns the id (> 0),
// kInvalidArgument for anything else. Thread-safe.
Result<int64_t> ParseIdCursor(std::string_view text);

// For lists ordered by a name regardless of ASCII case (users by UPN, groups by name): the folded
// name, hex-encoded so that it travels in a URL and a header as it is. Thread-safe.
std::string FoldedCursorText(std::string_view name);
// The folded name of FoldedCursorText. kInvalidArgument for anything else. Thread-safe.
Result<std::string> ParseFoldedCursor(std::string_view text);

}  // namespace scepgate::store
