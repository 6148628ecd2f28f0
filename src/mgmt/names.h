// The one place the names that the directory, the profiles and the tokens store are checked
// (device names and serials, UPNs and e-mail addresses, DNs, group names and descriptions,
// profile names, token names) and compared. Pure functions over common/unicode_text.h;
// thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/error.h"

namespace scepgate::mgmt {

inline constexpr size_t kMaxNameBytes = 256;   // a name, in UTF-8 bytes after NFC
inline constexpr size_t kMaxTextBytes = 1024;  // a description or a DN

// Returns the name as it is stored: in NFC. kInvalidArgument naming `what` when it is empty,
// longer than kMaxNameBytes, not valid UTF-8, holds a control or format character (Unicode Cc or
// Cf: NUL, newlines, the bidi overrides U+202A..U+202E and U+2066..U+2069, zero-width ones), or
// mixes scripts as look-alikes do ("pаypal" with a Cyrillic 'а').
Result<std::string> CheckName(std::string_view name, std::string_view what);

// Returns free text (a description, a DN, a serial number) in NFC. kInvalidArgument naming `what`
// when it is longer than `max_bytes`, not valid UTF-8, or holds a Cc or Cf character. May be
// empty; scripts may mix.
Result<std::string> CheckText(std::string_view text, std::string_view what,
                              size_t max_bytes = kMaxTextBytes);

// True when two names are the same but for case, compared the Unicode way (NFC, full case
// folding): "STRASSE" and "Straße".
bool SameName(std::string_view a, std::string_view b);

}  // namespace scepgate::mgmt
