// Certificate templates by purpose, as NDES selects them (signature, encryption, general).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace scepgate::ca {

enum class Purpose { kSignature, kEncryption, kGeneral };

// Returns the dotted OID of an extended key usage named by its short name (clientAuth,
// serverAuth, emailProtection, codeSigning, OCSPSigning, timeStamping, msSmartcardLogin) or given
// as a dotted OID. Returns kInvalidArgument ("unknown EKU '<name>' (use ...)") for anything else.
Result<std::string> EkuOid(std::string_view name);

// Returns kInvalidArgument for anything but "signature", "encryption", "general".
Result<Purpose> ParsePurpose(std::string_view text);
std::string_view PurposeName(Purpose p);

// The keyUsage bits (OpenSSL's KU_* values) a certificate of this purpose carries for a key of
// this type: for RSA digitalSignature, keyEncipherment or both; for EC ("ec") digitalSignature,
// plus keyAgreement unless the purpose is signature (keyEncipherment means nothing for EC); for
// any other type digitalSignature.
unsigned KeyUsageFor(Purpose purpose, std::string_view key_type);

struct CertTemplate {
  std::string name = "general";
  Purpose purpose = Purpose::kGeneral;  // keyUsage: digitalSignature, keyEncipherment, or both
  // Extended key usages by short name ("clientAuth", "serverAuth", "emailProtection",
  // "codeSigning", "OCSPSigning", "timeStamping", "msSmartcardLogin") or dotted OID.
  std::vector<std::string> ekus = {"clientAuth"};
  int validity_days = 365;
};

}  // namespace scepgate::ca
