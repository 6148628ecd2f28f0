#include "codec/get_message.h"

#include <optional>
#include <string>

#include "common/hex_digit.h"

namespace scepgate::codec {

Result<std::optional<std::string>> QueryParam(std::string_view query, std::string_view key) {
  while (true) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    if (name == key) {
      std::string_view value =
          eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
      SG_ASSIGN_OR_RETURN(std::string decoded, PercentDecode(value));
      return std::optional<std::string>(std::move(decoded));
    }
    if (amp == std::string_view::npos) return std::optional<std::string>();
    query.remove_prefix(amp + 1);
  }
}

Result<Bytes> DecodeGetMessage(std::string_view decoded_value) {
  std::string text;
  text.reserve(decoded_value.size());
  for (char c : decoded_value) {
    if (c == '\r' || c == '\n') continue;  // Cisco sends %0A line breaks
    text += c == ' ' ? '+' : c;            // a '+' that went through form decoding
  }
  auto der = Base64Decode(text);
  if (!der) return Fail(Error::BadRequest("message is not base64: " + der.error().message));
  if (der->empty()) return Fail(Error::BadRequest("message is empty"));
  return std::move(*der);
}

}  // namespace scepgate::codec
