// Text that people type, checked and compared the Unicode way (ICU): UTF-8 validity,
// Normalization Form C, control and format characters, mixed-script look-alikes (UTS #39) and
// case folding. Thread-safe: each call makes its own ICU objects (the NFC normalizer is ICU's
// shared, immutable instance).
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace scepgate {

// Returns `text` in Unicode Normalization Form C. kInvalidArgument for invalid UTF-8 (overlong
// forms, surrogates, truncated sequences), kInternal when ICU fails otherwise.
Result<std::string> ToNfc(std::string_view text);

// True when valid UTF-8 `text` holds a character of general category Cc (controls, NUL among
// them) or Cf (format: the bidi overrides U+202A..U+202E and U+2066..U+2069, zero-width joiners,
// ...). Invalid UTF-8 counts as true.
bool HasControlOrFormat(std::string_view text);

// True when valid UTF-8 `text` mixes scripts more than ICU's moderately restrictive level allows
// (Latin with one Cyrillic 'а', as in "pаypal"; Latin with Han and Kana, or with Greek letters
// all alone, is allowed), or mixes digits of different systems. kInvalidArgument for invalid
// UTF-8, kInternal when ICU fails.
Result<bool> IsMixedScriptConfusable(std::string_view text);

// Full Unicode case folding, in NFC: "STRASSE" and "straße" fold alike, as do "İ" and "i̇".
// Invalid UTF-8 is returned unchanged.
std::string FoldCase(std::string_view text);

// True when `a` and `b` are equal after FoldCase.
bool CaselessEqual(std::string_view a, std::string_view b);

}  // namespace scepgate
