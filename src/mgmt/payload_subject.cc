// The subject as each device's SCEP client reads it: Apple's Subject array, the CSP's SubjectName.
#include <algorithm>
#include <array>
#include <cctype>
#include <span>

#include "mgmt/payload.h"
#include "policy/name_match.h"

namespace scepgate::mgmt {
namespace {

struct KnownType {
  std::string_view oid;
  std::string_view name;
};

// The dotted OID of `type`. kInvalidArgument when it names no attribute.
Result<std::string> OidOf(std::string_view type) {
  auto oid = policy::AttributeTypeOid(type);
  if (!oid)
    return Fail(
        Error::InvalidArgument("unknown subject attribute type '" + std::string(type) + "'"));
  return std::move(*oid);
}

// `oid`'s name among `known`, else "".
std::string_view NameIn(std::span<const KnownType> known, std::string_view oid) {
  auto it = std::ranges::find(known, oid, &KnownType::oid);
  return it == known.end() ? std::string_view() : it->name;
}

// The attribute names Apple's SCEP client turns into OIDs; it makes an empty OID of any other.
constexpr std::array<KnownType, 6> kAppleNames = {{{"2.5.4.6", "C"},
                                                   {"2.5.4.7", "L"},
                                                   {"2.5.4.8", "ST"},
                                                   {"2.5.4.10", "O"},
                                                   {"2.5.4.11", "OU"},
                                                   {"2.5.4.3", "CN"}}};

// The X.500 keys CertStrToName knows by these names on every Windows release; anything else is
// written "OID.<dotted>", which it also reads.
constexpr std::array<KnownType, 6> kWindowsNames = {{{"2.5.4.3", "CN"},
                                                     {"2.5.4.7", "L"},
                                                     {"2.5.4.10", "O"},
                                                     {"2.5.4.11", "OU"},
                                                     {"2.5.4.6", "C"},
                                                     {"0.9.2342.19200300.100.1.25", "DC"}}};

// A CertStrToName value: quoted (an embedded quote doubled) when empty, with white space at
// either end, or holding a character its syntax gives a meaning to.
std::string WindowsValue(std::string_view v) {
  constexpr std::string_view kSpecial = ",+=\"\n<>#;";
  bool quote = v.empty() || v.find_first_of(kSpecial) != std::string_view::npos ||
               std::isspace(static_cast<unsigned char>(v.front())) ||
               std::isspace(static_cast<unsigned char>(v.back()));
  if (!quote) return std::string(v);
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

Result<NameRdns> AppleSubject(const NameRdns& rdns) {
  NameRdns out = rdns;
  for (auto& rdn : out)
    for (auto& [type, value] : rdn) {
      SG_ASSIGN_OR_RETURN(std::string oid, OidOf(type));
      std::string_view name = NameIn(kAppleNames, oid);
      type = name.empty() ? oid : std::string(name);
    }
  return out;
}

Result<std::string> WindowsSubjectName(const NameRdns& rdns) {
  std::string out;
  for (auto rdn = rdns.rbegin(); rdn != rdns.rend(); ++rdn) {
    if (!out.empty()) out += ", ";
    for (size_t i = 0; i < rdn->size(); ++i) {
      const auto& [type, value] = (*rdn)[i];
      SG_ASSIGN_OR_RETURN(std::string oid, OidOf(type));
      std::string_view name = NameIn(kWindowsNames, oid);
      out += (i ? " + " : "") + (name.empty() ? "OID." + oid : std::string(name)) + "=" +
             WindowsValue(value);
    }
  }
  return out;
}

}  // namespace scepgate::mgmt
