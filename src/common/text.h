// Small text helpers shared across modules. Pure functions; thread-safe.
#pragma once

#include <algorithm>
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

// `s` without the spaces, tabs, CRs and LFs at either end.
inline std::string_view TrimBlanks(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// True for the C0 control bytes and DEL.
inline bool IsControl(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

// `s` with each control byte written as \xNN: fit for one log line or a record.
inline std::string EscapeControls(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (!IsControl(c)) {
      out += c;
      continue;
    }
    auto u = static_cast<unsigned char>(c);
    out += "\\x";
    out += kHex[u >> 4];
    out += kHex[u & 0xf];
  }
  return out;
}

// EscapeControls(s), and when `s` is longer than `max` bytes, of its first `max` followed by
// "...(N bytes)".
inline std::string Shortened(std::string_view s, size_t max) {
  size_t cut = std::min(max, s.size());
  // Never inside a UTF-8 sequence: back off over continuation bytes to the character's start.
  if (cut < s.size())
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  std::string out = EscapeControls(s.substr(0, cut));
  if (s.size() > max) out += "...(" + std::to_string(s.size()) + " bytes)";
  return out;
}

}  // namespace scepgate
