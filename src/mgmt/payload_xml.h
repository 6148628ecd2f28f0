// XML text helpers shared by the plist and SyncML exporters. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace scepgate::mgmt {

// Escapes &, <, >, " and ' for element text and attribute values; a control character XML 1.0
// cannot carry (below 0x20 except tab, LF, CR) becomes U+FFFD.
inline std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
          out += "\xEF\xBF\xBD";
        else
          out += c;
    }
  }
  return out;
}

}  // namespace scepgate::mgmt
