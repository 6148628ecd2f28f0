#include "common/asn1_text.h"

#include <openssl/objects.h>

#include <algorithm>

#include "common/utf8.h"

namespace scepgate {
namespace {

// The ASN.1 string types a name's value may use and ASN1_STRING_to_UTF8 can read.
bool IsTextType(int type) {
  constexpr unsigned long kText = B_ASN1_PRINTABLESTRING | B_ASN1_UTF8STRING | B_ASN1_IA5STRING |
                                  B_ASN1_T61STRING | B_ASN1_BMPSTRING | B_ASN1_UNIVERSALSTRING |
                                  B_ASN1_VISIBLESTRING | B_ASN1_NUMERICSTRING;
  return (ASN1_tag2bit(type) & kText) != 0;  // 0 for tags outside the table
}

}  // namespace

bool IsPrintableString(std::string_view s) {
  constexpr std::string_view kExtra = " '()+,-./:=?";
  return std::ranges::all_of(s, [&](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           kExtra.find(c) != std::string_view::npos;
  });
}

std::string PrintableBase64(ByteView data) {
  std::string s = Base64Encode(data);
  s.erase(std::find(s.begin(), s.end(), '='), s.end());
  return s;
}

bool IsDottedOid(std::string_view s) {
  int arcs = 0;
  for (size_t start = 0; start <= s.size();) {
    size_t end = std::min(s.find('.', start), s.size());
    std::string_view arc = s.substr(start, end - start);
    if (arc.empty() || arc.size() > 39 ||
        !std::ranges::all_of(arc, [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    ++arcs;
    start = end + 1;
  }
  return arcs >= 2 && s[1] == '.' && s[0] <= '2';  // the first arc is one digit, 0 to 2
}

std::string OidText(const ASN1_OBJECT& obj) {
  int len = OBJ_obj2txt(nullptr, 0, &obj, 1);
  if (len <= 0) return {};
  std::string text(static_cast<size_t>(len) + 1, '\0');
  OBJ_obj2txt(text.data(), len + 1, &obj, 1);
  text.resize(static_cast<size_t>(len));
  return text;
}

std::optional<std::string> Asn1StringToUtf8(const ASN1_STRING& s) {
  if (!IsTextType(ASN1_STRING_type(&s))) return std::nullopt;
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, &s);
  OsslStringPtr owned(reinterpret_cast<char*>(utf8));
  if (len < 0) {
    DrainOpenSslErrors();
    return std::nullopt;
  }
  std::string out(len > 0 ? owned.get() : "", static_cast<size_t>(len));
  if (!IsValidUtf8(out)) return std::nullopt;
  return out;
}

std::optional<std::string> DerStringToUtf8(ByteView der) {
  const unsigned char* p = der.data();
  Asn1TypePtr any(d2i_ASN1_TYPE(nullptr, &p, static_cast<long>(der.size())));
  if (!any || p != der.data() + der.size()) {
    DrainOpenSslErrors();
    return std::nullopt;
  }
  if (!IsTextType(any->type)) return std::nullopt;
  return Asn1StringToUtf8(*any->value.asn1_string);
}

}  // namespace scepgate
