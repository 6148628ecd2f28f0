#include "ca/cert_template.h"

#include <openssl/x509v3.h>

#include <algorithm>
#include <utility>

#include "common/asn1_text.h"

namespace scepgate::ca {
namespace {

constexpr std::pair<std::string_view, std::string_view> kEkuNames[] = {
    {"serverAuth", "1.3.6.1.5.5.7.3.1"},
    {"clientAuth", "1.3.6.1.5.5.7.3.2"},
    {"codeSigning", "1.3.6.1.5.5.7.3.3"},
    {"emailProtection", "1.3.6.1.5.5.7.3.4"},
    {"timeStamping", "1.3.6.1.5.5.7.3.8"},
    {"OCSPSigning", "1.3.6.1.5.5.7.3.9"},
    {"msSmartcardLogin", "1.3.6.1.4.1.311.20.2.2"},
};

}  // namespace

Result<std::string> EkuOid(std::string_view name) {
  for (const auto& [short_name, dotted] : kEkuNames)
    if (short_name == name) return std::string(dotted);
  if (IsDottedOid(name)) return std::string(name);
  return Fail(Error::InvalidArgument(
      "unknown EKU '" + std::string(name) +
      "' (use clientAuth, serverAuth, emailProtection, codeSigning, OCSPSigning, timeStamping, "
      "msSmartcardLogin or a dotted OID)"));
}

Result<Purpose> ParsePurpose(std::string_view text) {
  if (text == "signature") return Purpose::kSignature;
  if (text == "encryption") return Purpose::kEncryption;
  if (text == "general") return Purpose::kGeneral;
  return Fail(Error::InvalidArgument("unknown template purpose \"" + std::string(text) +
                                     "\" (use signature, encryption or general)"));
}

std::string_view PurposeName(Purpose p) {
  switch (p) {
    case Purpose::kSignature:
      return "signature";
    case Purpose::kEncryption:
      return "encryption";
    case Purpose::kGeneral:
      return "general";
  }
  return "general";
}

unsigned KeyUsageFor(Purpose purpose, std::string_view key_type) {
  if (key_type == "rsa") {
    switch (purpose) {
      case Purpose::kSignature:
        return KU_DIGITAL_SIGNATURE;
      case Purpose::kEncryption:
        return KU_KEY_ENCIPHERMENT;
      case Purpose::kGeneral:
        return KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT;
    }
  }
  if (key_type == "ec" && purpose != Purpose::kSignature)
    return KU_DIGITAL_SIGNATURE | KU_KEY_AGREEMENT;
  return KU_DIGITAL_SIGNATURE;
}

}  // namespace scepgate::ca
