// Small text helpers shared across modules. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace scepgate {

// Lower-cases ASCII letters only (as SQLite's NOCASE collation folds), leaving other bytes,
// UTF-8 included, untouched. Used wherever names match case-insensitively.
inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace scepgate
