#include "common/san_text.h"

#include <arpa/inet.h>

namespace scepgate {
namespace {

std::string Text(const ASN1_STRING* s) {
  return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
          static_cast<size_t>(ASN1_STRING_length(s))};
}

Result<GeneralNamePtr> IpName(const std::string& value) {
  Asn1OctetStringPtr ip(a2i_IPADDRESS(value.c_str()));
  if (!ip) {
    DrainOpenSslErrors();
    return Fail(Error::InvalidArgument("'" + value + "' is not an IP address"));
  }
  GeneralNamePtr gn(GENERAL_NAME_new());
  GENERAL_NAME_set0_value(gn.get(), GEN_IPADD, ip.release());
  return gn;
}

Result<GeneralNamePtr> UpnName(const std::string& value) {
  Asn1TypePtr any(ASN1_TYPE_new());
  ASN1_UTF8STRING* utf8 = ASN1_UTF8STRING_new();
  ASN1_STRING_set(utf8, value.data(), static_cast<int>(value.size()));
  ASN1_TYPE_set(any.get(), V_ASN1_UTF8STRING, utf8);
  GeneralNamePtr gn(GENERAL_NAME_new());
  if (GENERAL_NAME_set0_othername(gn.get(), OBJ_nid2obj(NID_ms_upn), any.get()) != 1)
    return Fail(CryptoError("cannot build UPN name"));
  (void)any.release();
  return gn;
}

Result<GeneralNamePtr> StringName(int type, const std::string& value) {
  ASN1_IA5STRING* s = ASN1_IA5STRING_new();
  ASN1_STRING_set(s, value.data(), static_cast<int>(value.size()));
  GeneralNamePtr gn(GENERAL_NAME_new());
  GENERAL_NAME_set0_value(gn.get(), type, s);
  return gn;
}

Result<GeneralNamePtr> NameFromText(const std::string& entry) {
  size_t colon = entry.find(':');
  if (colon == std::string::npos || colon + 1 == entry.size())
    return Fail(Error::InvalidArgument("SAN '" + entry + "' must look like TYPE:value"));
  std::string type = entry.substr(0, colon), value = entry.substr(colon + 1);
  if (type == "DNS") return StringName(GEN_DNS, value);
  if (type == "email") return StringName(GEN_EMAIL, value);
  if (type == "URI") return StringName(GEN_URI, value);
  if (type == "IP") return IpName(value);
  if (type == "UPN") return UpnName(value);
  return Fail(
      Error::InvalidArgument("SAN type '" + type + "' is not one of DNS, email, IP, URI, UPN"));
}

}  // namespace

Result<GeneralNamesPtr> SansFromText(const std::vector<std::string>& entries) {
  GeneralNamesPtr names(GENERAL_NAMES_new());
  for (const auto& e : entries) {
    SG_ASSIGN_OR_RETURN(GeneralNamePtr gn, NameFromText(e));
    sk_GENERAL_NAME_push(names.get(), gn.release());
  }
  return names;
}

std::vector<std::string> SansToText(const GENERAL_NAMES& names) {
  std::vector<std::string> out;
  for (int i = 0; i < sk_GENERAL_NAME_num(&names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(&names, i);
    int type = 0;
    auto* value = static_cast<ASN1_STRING*>(GENERAL_NAME_get0_value(gn, &type));
    switch (type) {
      case GEN_DNS:
        out.push_back("DNS:" + Text(value));
        break;
      case GEN_EMAIL:
        out.push_back("email:" + Text(value));
        break;
      case GEN_URI:
        out.push_back("URI:" + Text(value));
        break;
      case GEN_IPADD: {
        char buf[INET6_ADDRSTRLEN] = {};
        int len = ASN1_STRING_length(value);
        int family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
        if (family && inet_ntop(family, ASN1_STRING_get0_data(value), buf, sizeof buf))
          out.push_back(std::string("IP:") + buf);
        break;
      }
      case GEN_OTHERNAME: {
        const OTHERNAME* on = gn->d.otherName;
        if (OBJ_obj2nid(on->type_id) == NID_ms_upn && on->value->type == V_ASN1_UTF8STRING)
          out.push_back("UPN:" + Text(on->value->value.utf8string));
        break;
      }
      default:
        break;
    }
  }
  return out;
}

std::vector<std::string> CertSans(const X509& cert) {
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(&cert, NID_subject_alt_name, nullptr, nullptr)));
  return names ? SansToText(*names) : std::vector<std::string>{};
}

}  // namespace scepgate
