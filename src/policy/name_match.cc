#include "policy/name_match.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "common/asn1_text.h"
#include "common/rfc4514.h"
#include "common/san_text.h"
#include "common/text.h"

namespace scepgate::policy {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

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
std::string EncodeName(const NameRdns& rdns) {
  std::string out;
  for (size_t i = 0; i < rdns.size(); ++i) {
    std::vector<std::string> pairs;
    for (const auto& [oid, value] : rdns[i]) {
      std::string v = NormaliseValue(value);
      pairs.push_back(oid + "=" + std::to_string(v.size()) + ":" + v);
    }
    std::sort(pairs.begin(), pairs.end());
    for (size_t j = 0; j < pairs.size(); ++j) out += (j ? "+" : i ? "," : "") + pairs[j];
  }
  return out;
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

}  // namespace

std::optional<std::string> AttributeTypeOid(std::string_view type) {
  bool prefixed = type.size() > 4 && AsciiLower(type.substr(0, 4)) == "oid.";
  std::string t(prefixed ? type.substr(4) : type);
  if (IsDottedOid(t)) {
    Asn1ObjectPtr obj(OBJ_txt2obj(t.c_str(), 1));
    if (!obj) DrainOpenSslErrors();
    if (!obj) return std::nullopt;
    return OidText(*obj);
  }
  int nid = prefixed ? NID_undef : NidForName(t);
  const ASN1_OBJECT* obj = nid == NID_undef ? nullptr : OBJ_nid2obj(nid);
  if (obj == nullptr) return std::nullopt;
  return OidText(*obj);
}

namespace {

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
  SG_ASSIGN_OR_RETURN(NameRdns rdns, ParseRfc4514(rfc4514, AttributeTypeOid));
  if (rdns.empty()) return Fail(Error::InvalidArgument("the name is empty"));
  return EncodeName(rdns);
}

Result<std::string> CanonicalName(const X509_NAME& name) {
  NameRdns rdns;
  int last_set = -1;
  for (int i = 0; i < X509_NAME_entry_count(&name); ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(&name, i);
    std::string oid = OidText(*X509_NAME_ENTRY_get_object(e));
    std::optional<std::string> value = Asn1StringToUtf8(*X509_NAME_ENTRY_get_data(e));
    if (oid.empty() || !value)
      return Fail(Error::BadRequest("attribute " + std::to_string(i + 1) +
                                    " of the name cannot be read as text"));
    if (rdns.empty() || X509_NAME_ENTRY_set(e) != last_set) rdns.emplace_back();
    last_set = X509_NAME_ENTRY_set(e);
    rdns.back().emplace_back(std::move(oid), std::move(*value));
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
