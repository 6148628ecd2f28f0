#include "common/config_edit.h"

#include "common/log.h"

namespace scepgate {

// A JSON string's escapes (\", \\, \u00XX) are a TOML basic string's as well.
std::string TomlString(std::string_view value) { return "\"" + EscapeLogJson(value) + "\""; }

std::string SetConfigValue(std::string_view text, std::string_view section, std::string_view key,
                           std::string_view toml_value) {
  const std::string header = "[" + std::string(section) + "]";
  const std::string line = std::string(key) + " = " + std::string(toml_value);
  std::string in(text);
  if (!in.empty() && in.back() != '\n') in += '\n';
  // The section header on a line of its own.
  size_t at = in.starts_with(header + "\n") ? 0 : in.find("\n" + header + "\n");
  if (at == std::string::npos) return in + "\n" + header + "\n" + line + "\n";
  size_t start = (at == 0 ? 0 : at + 1) + header.size() + 1;
  size_t end = in.find("\n[", start - 1);
  end = end == std::string::npos ? in.size() : end + 1;
  auto sets_key = [&](std::string_view l) {
    if (l.starts_with("# ")) l.remove_prefix(2);
    if (!l.starts_with(key)) return false;
    l.remove_prefix(key.size());
    while (!l.empty() && l.front() == ' ') l.remove_prefix(1);
    return l.starts_with("=");
  };
  for (size_t pos = start; pos < end;) {
    size_t eol = in.find('\n', pos);
    if (eol == std::string::npos || eol > end) eol = end;
    if (sets_key(std::string_view(in).substr(pos, eol - pos)))
      return in.substr(0, pos) + line + in.substr(eol);
    pos = eol + 1;
  }
  // Not there: after the section's last non-blank line.
  size_t insert = end;
  while (insert > start && in[insert - 1] == '\n' && insert - 1 > start && in[insert - 2] == '\n')
    --insert;
  return in.substr(0, insert) + line + "\n" + in.substr(insert);
}

}  // namespace scepgate
