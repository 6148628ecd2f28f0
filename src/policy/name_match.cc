#include "policy/name_match.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "common/san_text.h"
#include "common/text.h"
#include "common/utf8.h"

namespace scepgate::policy {
namespace {

struct Ava {
  std::string oid;    // dotted
  std::string value;  // UTF-8, not yet normalised
};
using Rdn = std::vector<Ava>;

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int HexValue(char c) { return IsDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10; }

// Trims, collapses internal white space to one space, lower-cases ASCII letters.
std::string NormaliseValue(std::string_view v) {
  std::string out;
  bool pending_space = false;
  for (char c : v) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return AsciiLower(out);
}

// `rdns` in DER order. See the header for the encoding.
std::string EncodeName(const std::vector<Rdn>& rdns) {
  std::string out;
  for (size_t i = 0; i < rdns.size(); ++i) {
    std::vector<std::string> pairs;
    for (const Ava& a : rdns[i]) {
      std::string v = NormaliseValue(a.value);
      pairs.push_back(a.oid + "=" + std::to_string(v.size()) + ":" + v);
    }
    std::sort(pairs.begin(), pairs.end());
    for (size_t j = 0; j < pairs.size(); ++j) out += (j ? "+" : i ? "," : "") + pairs[j];
  }
  return out;
}

// The ASN.1 string types a name's value may use and ASN1_STRING_to_UTF8 can read.
bool IsTextType(int type) {
  constexpr unsigned long kText = B_ASN1_PRINTABLESTRING | B_ASN1_UTF8STRING | B_ASN1_IA5STRING |
                                  B_ASN1_T61STRING | B_ASN1_BMPSTRING | B_ASN1_UNIVERSALSTRING |
                                  B_ASN1_VISIBLESTRING | B_ASN1_NUMERICSTRING;
  return (ASN1_tag2bit(type) & kText) != 0;  // 0 for tags outside the table
}

// The string as UTF-8, or nullopt when it is not a string type or not valid in its type.
std::optional<std::string> AsnText(const ASN1_STRING& s) {
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

// A DER-encoded string type (the #hex form of a value) as UTF-8.
std::optional<std::string> DerStringText(const Bytes& der) {
  const unsigned char* p = der.data();
  Asn1TypePtr any(d2i_ASN1_TYPE(nullptr, &p, static_cast<long>(der.size())));
  if (!any || p != der.data() + der.size()) {
    DrainOpenSslErrors();
    return std::nullopt;
  }
  if (!IsTextType(any->type)) return std::nullopt;
  return AsnText(*any->value.asn1_string);
}

std::optional<std::string> ObjectOid(const ASN1_OBJECT& obj) {
  int len = OBJ_obj2txt(nullptr, 0, &obj, 1);
  if (len <= 0) return std::nullopt;
  std::string buf(static_cast<size_t>(len) + 1, '\0');
  OBJ_obj2txt(buf.data(), len + 1, &obj, 1);
  buf.resize(static_cast<size_t>(len));
  return buf;
}

// Digits separated by single dots, at least two arcs ("2..5" and "2.5." are refused).
bool IsDottedOid(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.' || s.find("..") != s.npos) return false;
  return s.find('.') != s.npos && s.find_first_not_of("0123456789.") == s.npos;
}

// Case-insensitive search of OpenSSL's object table; NID_undef when absent or ambiguous.
int NidForNameAnyCase(const std::string& lower) {
  int found = NID_undef;
  bool ambiguous = false;
  ERR_set_mark();  // OBJ_nid2sn raises an error for each gap in the table
  for (int nid = 1, end = OBJ_new_nid(0); nid < end; ++nid) {
    const char* sn = OBJ_nid2sn(nid);
    const char* ln = OBJ_nid2ln(nid);
    if ((sn && AsciiLower(sn) == lower) || (ln && AsciiLower(ln) == lower)) {
      ambiguous = ambiguous || (found != NID_undef && found != nid);
      found = nid;
    }
  }
  ERR_pop_to_mark();
  return ambiguous ? NID_undef : found;
}

// RFC 4514's names, Windows' E and LDAP's mail first: OpenSSL's table has "uid" (x500
// uniqueIdentifier) beside "UID" (userId), and "Mail" (an OID arc) beside "mail".
int NidForName(const std::string& name) {
  static constexpr std::pair<std::string_view, int> kAliases[] = {
      {"cn", NID_commonName},
      {"l", NID_localityName},
      {"st", NID_stateOrProvinceName},
      {"o", NID_organizationName},
      {"ou", NID_organizationalUnitName},
      {"c", NID_countryName},
      {"street", NID_streetAddress},
      {"dc", NID_domainComponent},
      {"uid", NID_userId},
      {"e", NID_pkcs9_emailAddress},
      {"mail", NID_rfc822Mailbox}};
  std::string lower = AsciiLower(name);
  for (const auto& [alias, nid] : kAliases)
    if (lower == alias) return nid;
  int nid = OBJ_sn2nid(name.c_str());
  if (nid == NID_undef) nid = OBJ_ln2nid(name.c_str());
  return nid != NID_undef ? nid : NidForNameAnyCase(lower);
}

// The dotted OID of an attribute type as written, or nullopt when it names nothing.
std::optional<std::string> TypeOid(std::string_view type) {
  bool prefixed = type.size() > 4 && AsciiLower(type.substr(0, 4)) == "oid.";
  std::string t(prefixed ? type.substr(4) : type);
  if (IsDottedOid(t)) {
    Asn1ObjectPtr obj(OBJ_txt2obj(t.c_str(), 1));
    if (!obj) DrainOpenSslErrors();
    return obj ? ObjectOid(*obj) : std::nullopt;
  }
  int nid = prefixed ? NID_undef : NidForName(t);
  const ASN1_OBJECT* obj = nid == NID_undef ? nullptr : OBJ_nid2obj(nid);
  return obj ? ObjectOid(*obj) : std::nullopt;
}

// Recursive-descent parser of the RFC 4514 string form.
class NameParser {
 public:
  explicit NameParser(std::string_view s) : s_(s) {}
  // RDNs in DER order.
  Result<std::vector<Rdn>> Parse();

 private:
  Result<Ava> ParseAva();
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
  size_t pos_ = 0;
};

Result<std::vector<Rdn>> NameParser::Parse() {
  SkipSpaces();
  if (AtEnd()) return Fail(Error::InvalidArgument("the name is empty"));
  std::vector<Rdn> rdns(1);
  while (true) {
    SG_ASSIGN_OR_RETURN(Ava ava, ParseAva());
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

Result<Ava> NameParser::ParseAva() {
  SkipSpaces();
  size_t start = pos_;
  while (!AtEnd() && (IsAlpha(s_[pos_]) || IsDigit(s_[pos_]) || s_[pos_] == '-' || s_[pos_] == '.'))
    ++pos_;
  std::string_view type = s_.substr(start, pos_ - start);
  if (type.empty()) return Bad("expected an attribute type", start);
  SkipSpaces();
  if (AtEnd() || s_[pos_] != '=') return Bad("missing '=' after '" + std::string(type) + "'", pos_);
  ++pos_;
  std::optional<std::string> oid = TypeOid(type);
  if (!oid) return Bad("unknown attribute type '" + std::string(type) + "'", start);
  SkipSpaces();
  size_t value_at = pos_;
  SG_ASSIGN_OR_RETURN(std::string value, ParseValue());
  if (!IsValidUtf8(value)) return Bad("value is not valid UTF-8", value_at);
  return Ava{std::move(*oid), std::move(value)};
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
  std::optional<std::string> text = DerStringText(*der);
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
    return static_cast<char>(HexValue(c) << 4 | HexValue(s_[pos_ - 1]));
  }
  if (std::string_view(",+\"\\<>;=# ").find(c) == std::string_view::npos)
    return Bad("'\\' before a character that needs no escape", at);
  ++pos_;
  return c;
}

Result<std::string> CanonicalIp(const std::string& value) {
  unsigned char addr[16] = {};
  char text[INET6_ADDRSTRLEN] = {};
  int family = value.find(':') == std::string::npos ? AF_INET : AF_INET6;
  if (value.find('\0') != std::string::npos || inet_pton(family, value.c_str(), addr) != 1 ||
      inet_ntop(family, addr, text, sizeof text) == nullptr)
    return Fail(Error::InvalidArgument("'" + value + "' is not an IP address"));
  return std::string(text);
}

Result<std::string> CanonicalSan(const std::string& entry) {
  size_t colon = entry.find(':');
  if (colon == std::string::npos)
    return Fail(Error::InvalidArgument("SAN '" + entry + "' must look like TYPE:value"));
  std::string type = AsciiLower(entry.substr(0, colon)), value = entry.substr(colon + 1);
  if (type == "dns") {
    value = AsciiLower(value);
    if (!value.empty() && value.back() == '.') value.pop_back();
    type = "DNS";
  } else if (type == "email" || type == "upn") {
    value = AsciiLower(value);
    type = type == "upn" ? "UPN" : "email";
  } else if (type == "uri") {
    type = "URI";
  } else if (type == "ip") {
    SG_ASSIGN_OR_RETURN(value, CanonicalIp(value));
    type = "IP";
  } else {
    return Fail(Error::InvalidArgument("SAN type '" + entry.substr(0, colon) +
                                       "' is not one of DNS, email, IP, URI, UPN"));
  }
  if (value.empty()) return Fail(Error::InvalidArgument("SAN '" + entry + "' has no value"));
  return type + ":" + value;
}

}  // namespace

Result<std::string> CanonicalName(std::string_view rfc4514) {
  SG_ASSIGN_OR_RETURN(std::vector<Rdn> rdns, NameParser(rfc4514).Parse());
  return EncodeName(rdns);
}

Result<std::string> CanonicalName(const X509_NAME& name) {
  std::vector<Rdn> rdns;
  int last_set = -1;
  for (int i = 0; i < X509_NAME_entry_count(&name); ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(&name, i);
    std::optional<std::string> oid = ObjectOid(*X509_NAME_ENTRY_get_object(e));
    std::optional<std::string> value = AsnText(*X509_NAME_ENTRY_get_data(e));
    if (!oid || !value)
      return Fail(Error::BadRequest("attribute " + std::to_string(i + 1) +
                                    " of the name cannot be read as text"));
    if (rdns.empty() || X509_NAME_ENTRY_set(e) != last_set) rdns.emplace_back();
    last_set = X509_NAME_ENTRY_set(e);
    rdns.back().push_back({std::move(*oid), std::move(*value)});
  }
  return EncodeName(rdns);
}

Result<std::string> CanonicalSans(const std::vector<std::string>& sans) {
  std::vector<std::string> canonical;
  for (const std::string& s : sans) {
    SG_ASSIGN_OR_RETURN(std::string c, CanonicalSan(s));
    canonical.push_back(std::move(c));
  }
  std::sort(canonical.begin(), canonical.end());
  canonical.erase(std::unique(canonical.begin(), canonical.end()), canonical.end());
  std::string out;
  for (const std::string& c : canonical)
    out += (out.empty() ? "" : ",") + std::to_string(c.size()) + ":" + c;
  return out;
}

Result<bool> SansWithin(const std::vector<std::string>& requested,
                        const std::vector<std::string>& allowed) {
  std::vector<std::string> have;
  for (const std::string& s : allowed) {
    SG_ASSIGN_OR_RETURN(std::string c, CanonicalSan(s));
    have.push_back(std::move(c));
  }
  for (const std::string& s : requested) {
    SG_ASSIGN_OR_RETURN(std::string c, CanonicalSan(s));
    if (std::ranges::find(have, c) == have.end()) return false;
  }
  return true;
}

Result<std::vector<std::string>> CsrSans(const X509_REQ& csr) {
  auto* req = const_cast<X509_REQ*>(&csr);
  if (X509_REQ_get_attr_by_NID(req, NID_ext_req, -1) < 0 &&
      X509_REQ_get_attr_by_NID(req, NID_ms_ext_req, -1) < 0)
    return std::vector<std::string>();
  X509ExtStackPtr exts(X509_REQ_get_extensions(req));
  if (!exts) {
    DrainOpenSslErrors();
    return Fail(Error::BadRequest("the CSR's extensionRequest cannot be decoded"));
  }
  int idx = X509v3_get_ext_by_NID(exts.get(), NID_subject_alt_name, -1);
  if (idx < 0) return std::vector<std::string>();
  if (X509v3_get_ext_by_NID(exts.get(), NID_subject_alt_name, idx) >= 0)
    return Fail(Error::BadRequest("the CSR asks for subjectAltName twice"));
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(sk_X509_EXTENSION_value(exts.get(), idx))));
  if (!names) {
    DrainOpenSslErrors();
    return Fail(Error::BadRequest("the CSR's subjectAltName cannot be decoded"));
  }
  std::vector<std::string> out = SansToText(*names);
  if (out.size() != static_cast<size_t>(sk_GENERAL_NAME_num(names.get())))
    return Fail(Error::BadRequest("the CSR's subjectAltName holds an unsupported kind of name"));
  return out;
}

}  // namespace scepgate::policy
