#include "ca/cert_template.h"

namespace scepgate::ca {

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

}  // namespace scepgate::ca
