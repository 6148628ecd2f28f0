#include "common/percent.h"

#include "common/hex_digit.h"

namespace scepgate {

Result<std::string> PercentDecode(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      out += raw[i];  // '+' stays '+': base64 needs it
      continue;
    }
    if (raw.size() - i < 3) return Fail(Error::BadRequest("truncated percent escape"));
    int hi = HexDigitValue(raw[i + 1]);
    int lo = HexDigitValue(raw[i + 2]);
    if (hi < 0 || lo < 0) return Fail(Error::BadRequest("malformed percent escape"));
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (unsigned char c : text) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace scepgate
