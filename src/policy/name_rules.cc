#include "policy/name_rules.h"

#include <openssl/err.h>

#include <string>

#include "common/utf8.h"
#include "policy/name_match.h"

namespace scepgate::policy {
namespace {

constexpr size_t kMaxDnsName = 253;
constexpr size_t kMaxDnsLabel = 63;

Error Rejected(const std::string& why) { return Error::PolicyDenied("NameRejected: " + why); }

// The entry as it may appear in a message: printable, shortened.
std::string Shown(std::string_view entry) {
  std::string out;
  for (char c : entry.substr(0, 80)) {
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7F) ? '?' : c;
  }
  return entry.size() > 80 ? out + "..." : out;
}

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

bool IsLdhLabel(std::string_view label) {
  if (label.empty() || label.size() > kMaxDnsLabel) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label)
    if (!IsAsciiLetter(c) && !IsAsciiDigit(c) && c != '-') return false;
  return true;
}

// A byte of printable ASCII other than space.
bool AllVisibleAscii(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return false;
  }
  return true;
}

Status CheckDns(std::string_view name, std::string_view entry, const NameRules& rules) {
  if (name.size() > kMaxDnsName)
    return Fail(Rejected("DNS name of " + std::to_string(name.size()) + " bytes is over " +
                         std::to_string(kMaxDnsName) + ": " + Shown(entry)));
  bool wildcard = name.starts_with("*.");
  if (wildcard && !rules.allow_wildcard_dns)
    return Fail(Rejected("wildcard DNS names are not allowed: " + Shown(entry)));
  std::string_view rest = wildcard ? name.substr(2) : name;
  int labels = 0;
  for (size_t start = 0;; ++labels) {
    size_t dot = rest.find('.', start);
    std::string_view label = rest.substr(start, dot == rest.npos ? rest.npos : dot - start);
    if (!IsLdhLabel(label))
      return Fail(Rejected("DNS name is not made of LDH labels of 1-63 bytes: " + Shown(entry)));
    if (dot == rest.npos) break;
    start = dot + 1;
  }
  if (wildcard && labels + 1 < 2)
    return Fail(Rejected("a wildcard needs at least two labels after it: " + Shown(entry)));
  return {};
}

Status CheckUri(std::string_view uri, std::string_view entry) {
  if (!AllVisibleAscii(uri))
    return Fail(Rejected("URI holds a space, control or non-ASCII byte: " + Shown(entry)));
  size_t colon = uri.find(':');
  bool scheme = colon != uri.npos && colon > 0 && IsAsciiLetter(uri[0]);
  for (size_t i = 1; scheme && i < colon; ++i) {
    char c = uri[i];
    scheme = IsAsciiLetter(c) || IsAsciiDigit(c) || c == '+' || c == '-' || c == '.';
  }
  if (!scheme) return Fail(Rejected("URI has no scheme: " + Shown(entry)));
  return {};
}

Status CheckEmail(std::string_view email, std::string_view entry) {
  if (!AllVisibleAscii(email))
    return Fail(
        Rejected("e-mail address holds a space, control or non-ASCII byte: " + Shown(entry)));
  size_t at = email.find('@');
  if (at == email.npos || at == 0 || at + 1 == email.size() ||
      email.find('@', at + 1) != email.npos)
    return Fail(
        Rejected("e-mail address must have exactly one '@' between a local part and a "
                 "domain: " +
                 Shown(entry)));
  return {};
}

Status CheckUpn(std::string_view upn, std::string_view entry) {
  if (!IsValidUtf8(upn)) return Fail(Rejected("UPN is not valid UTF-8: " + Shown(entry)));
  if (HasControlCharacter(upn))
    return Fail(Rejected("UPN holds a control character: " + Shown(entry)));
  return {};
}

Status CheckSubject(const X509_NAME& name) {
  int count = X509_NAME_entry_count(&name);
  if (count > kMaxSubjectAttributes)
    return Fail(Rejected("the subject has " + std::to_string(count) + " attributes, over " +
                         std::to_string(kMaxSubjectAttributes)));
  for (int i = 0; i < count; ++i) {
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(&name, i));
    unsigned char* utf8 = nullptr;
    int len = data == nullptr ? -1 : ASN1_STRING_to_UTF8(&utf8, data);
    OsslStringPtr owned(reinterpret_cast<char*>(utf8));
    if (len < 0) {
      ERR_clear_error();
      return Fail(
          Rejected("subject attribute " + std::to_string(i + 1) + " cannot be read as text"));
    }
    std::string_view value(owned.get() ? owned.get() : "", static_cast<size_t>(len));
    if (value.size() > kMaxSubjectValueBytes)
      return Fail(Rejected("subject attribute " + std::to_string(i + 1) + " is " +
                           std::to_string(value.size()) + " bytes long, over " +
                           std::to_string(kMaxSubjectValueBytes)));
    if (HasControlCharacter(value) || !IsValidUtf8(value))
      return Fail(Rejected("subject attribute " + std::to_string(i + 1) +
                           " holds a control character or is not valid UTF-8"));
  }
  return {};
}

// The number of names in the CSR's subjectAltName, without converting any of them.
Result<int> SanCount(const X509_REQ& csr) {
  X509ExtStackPtr exts(X509_REQ_get_extensions(const_cast<X509_REQ*>(&csr)));
  if (!exts) {
    ERR_clear_error();
    return 0;  // CsrSans tells a missing from an undecodable extensionRequest
  }
  int idx = X509v3_get_ext_by_NID(exts.get(), NID_subject_alt_name, -1);
  if (idx < 0) return 0;
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(sk_X509_EXTENSION_value(exts.get(), idx))));
  ERR_clear_error();
  return names ? sk_GENERAL_NAME_num(names.get()) : 0;
}

}  // namespace

Status CheckSubjectAltName(std::string_view entry, const NameRules& rules) {
  size_t colon = entry.find(':');
  std::string_view type = entry.substr(0, colon == entry.npos ? 0 : colon);
  std::string_view value = colon == entry.npos ? std::string_view() : entry.substr(colon + 1);
  if (value.empty()) return Fail(Rejected("empty subjectAltName: " + Shown(entry)));
  if (type == "DNS") return CheckDns(value, entry, rules);
  if (type == "URI") return CheckUri(value, entry);
  if (type == "email") return CheckEmail(value, entry);
  if (type == "UPN") return CheckUpn(value, entry);
  if (type == "IP") return {};
  return Fail(Rejected("unsupported subjectAltName: " + Shown(entry)));
}

Status CheckRequestedNames(const X509_REQ& csr, const NameRules& rules) {
  SG_ASSIGN_OR_RETURN(int count, SanCount(csr));
  if (count > rules.max_sans)
    return Fail(Rejected("the CSR asks for " + std::to_string(count) +
                         " subjectAltNames, over the limit of " + std::to_string(rules.max_sans)));
  SG_ASSIGN_OR_RETURN(std::vector<std::string> sans, CsrSans(csr));
  for (const std::string& san : sans) SG_TRY_STATUS(CheckSubjectAltName(san, rules));
  return CheckSubject(*X509_REQ_get_subject_name(&csr));
}

}  // namespace scepgate::policy
