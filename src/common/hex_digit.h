// The value of one hexadecimal digit, for every decoder of hex text (HexDecode, percent escapes,
// RFC 4514 \XX pairs). Pure; thread-safe.
#pragma once

namespace scepgate {

// 0-15 for 0-9, a-f, A-F; -1 for anything else.
constexpr int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace scepgate
