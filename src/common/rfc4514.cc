#include "common/rfc4514.h"

#include <algorithm>

#include "common/asn1_text.h"
#include "common/hex_digit.h"
#include "common/ossl.h"
#include "common/utf8.h"

namespace scepgate {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsHex(char c) { return HexDigitValue(c) >= 0; }

// Recursive-descent parser of the string form.
class NameParser {
 public:
  NameParser(std::string_view s, const NameTypeMap& map_type) : s_(s), map_type_(map_type) {}
  // RDNs in DER order.
  Result<NameRdns> Parse();

 private:
  Result<NameAttribute> ParseAva();
  Result<std::string> ParseValue();
  Result<std::string> ParsePlain();
  Result<std::string> ParseQuoted();
  Result<std::string> ParseHex();
  Result<char> ParseEscape();

  bool AtEnd() const { return pos_ >= s_.size(); }
  void SkipSpaces() {
    while (!AtEnd() && IsSpace(s_[pos_])) ++pos_;
  }
  static std::unexpected<Error> Bad(const std::string& what, size_t at) {
    return Fail(Error::InvalidArgument(what + " at position " + std::to_string(at)));
  }

  std::string_view s_;
  const NameTypeMap& map_type_;
  size_t pos_ = 0;
};

Result<NameRdns> NameParser::Parse() {
  SkipSpaces();
  if (AtEnd()) return NameRdns{};
  NameRdns rdns(1);
  while (true) {
    SG_ASSIGN_OR_RETURN(NameAttribute ava, ParseAva());
    rdns.back().push_back(std::move(ava));
    SkipSpaces();
    if (AtEnd()) break;
    char c = s_[pos_++];
    if (c == ',' || c == ';') {
      rdns.emplace_back();
    } else if (c != '+') {
      return Bad("expected ',', ';' or '+' after a value", pos_ - 1);
    }
  }
  std::reverse(rdns.begin(), rdns.end());
  return rdns;
}

Result<NameAttribute> NameParser::ParseAva() {
  SkipSpaces();
  size_t start = pos_;
  while (!AtEnd() && (IsAlpha(s_[pos_]) || IsDigit(s_[pos_]) || s_[pos_] == '-' || s_[pos_] == '.'))
    ++pos_;
  std::string_view type = s_.substr(start, pos_ - start);
  if (type.empty()) return Bad("expected an attribute type", start);
  SkipSpaces();
  if (AtEnd() || s_[pos_] != '=') return Bad("missing '=' after '" + std::string(type) + "'", pos_);
  ++pos_;
  std::optional<std::string> kept = map_type_ ? map_type_(type) : std::string(type);
  if (!kept) return Bad("unknown attribute type '" + std::string(type) + "'", start);
  SkipSpaces();
  size_t value_at = pos_;
  SG_ASSIGN_OR_RETURN(std::string value, ParseValue());
  if (!IsValidUtf8(value)) return Bad("value is not valid UTF-8", value_at);
  return NameAttribute{std::move(*kept), std::move(value)};
}

Result<std::string> NameParser::ParseValue() {
  if (AtEnd()) return std::string();
  if (s_[pos_] == '#') return ParseHex();
  if (s_[pos_] == '"') return ParseQuoted();
  return ParsePlain();
}

// Up to an unescaped ',', ';' or '+'; unescaped trailing spaces are dropped.
Result<std::string> NameParser::ParsePlain() {
  std::string out;
  size_t keep = 0;  // length up to the last character that is not an unescaped space
  while (!AtEnd() && std::string_view(",;+").find(s_[pos_]) == std::string_view::npos) {
    if (s_[pos_] == '\\') {
      SG_ASSIGN_OR_RETURN(char c, ParseEscape());
      out += c;
      keep = out.size();
    } else {
      out += s_[pos_++];
      if (!IsSpace(out.back())) keep = out.size();
    }
  }
  out.resize(keep);
  return out;
}

Result<std::string> NameParser::ParseQuoted() {
  size_t open = pos_++;
  std::string out;
  while (true) {
    if (AtEnd()) return Bad("unterminated quoted value", open);
    if (s_[pos_] == '"') break;
    if (s_[pos_] == '\\') {
      SG_ASSIGN_OR_RETURN(char c, ParseEscape());
      out += c;
    } else {
      out += s_[pos_++];
    }
  }
  ++pos_;
  return out;
}

Result<std::string> NameParser::ParseHex() {
  size_t at = pos_++;
  while (!AtEnd() && IsHex(s_[pos_])) ++pos_;
  auto der = HexDecode(s_.substr(at + 1, pos_ - at - 1));
  if (!der || der->empty()) return Bad("bad #hex value", at);
  std::optional<std::string> text = DerStringToUtf8(*der);
  if (!text) return Bad("#hex value is not a DER-encoded string", at);
  return std::move(*text);
}

// At a '\': one escaped special character or one hex pair.
Result<char> NameParser::ParseEscape() {
  size_t at = pos_++;
  if (AtEnd()) return Bad("trailing '\\'", at);
  char c = s_[pos_];
  if (IsHex(c)) {
    if (pos_ + 1 >= s_.size() || !IsHex(s_[pos_ + 1])) return Bad("bad hex pair after '\\'", at);
    pos_ += 2;
    return static_cast<char>(HexDigitValue(c) << 4 | HexDigitValue(s_[pos_ - 1]));
  }
  if (std::string_view(",+\"\\<>;=# ").find(c) == std::string_view::npos)
    return Bad("'\\' before a character that needs no escape", at);
  ++pos_;
  return c;
}

}  // namespace

Result<NameRdns> ParseRfc4514(std::string_view name, const NameTypeMap& map_type) {
  return NameParser(name, map_type).Parse();
}

}  // namespace scepgate
