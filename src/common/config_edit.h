// Edits of a scepgate.toml text that keep its comments: what `init --join` and the tests change.
#pragma once

#include <string>
#include <string_view>

namespace scepgate {

// `value` as a TOML basic string, quoted and escaped. Thread-safe.
std::string TomlString(std::string_view value);

// `text` with `key = toml_value` inside [section]: the first line setting the key (or its
// commented-out default, "# key = ...") is replaced, else the line is added at the section's end,
// else the section is appended. `toml_value` is written as given (use TomlString for a string).
// Thread-safe.
std::string SetConfigValue(std::string_view text, std::string_view section, std::string_view key,
                           std::string_view toml_value);

}  // namespace scepgate
