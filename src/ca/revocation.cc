#include "ca/revocation.h"

#include <array>
#include <cctype>
#include <string>
#include <utility>

namespace scepgate::ca {

namespace {

constexpr std::array<std::pair<RevocationReason, std::string_view>, 8> kReasons = {{
    {RevocationReason::kUnspecified, "unspecified"},
    {RevocationReason::kKeyCompromise, "keyCompromise"},
    {RevocationReason::kCaCompromise, "cACompromise"},
    {RevocationReason::kAffiliationChanged, "affiliationChanged"},
    {RevocationReason::kSuperseded, "superseded"},
    {RevocationReason::kCessationOfOperation, "cessationOfOperation"},
    {RevocationReason::kCertificateHold, "certificateHold"},
    {RevocationReason::kPrivilegeWithdrawn, "privilegeWithdrawn"},
}};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

Result<RevocationReason> ParseRevocationReason(std::string_view text) {
  for (const auto& [reason, name] : kReasons)
    if (EqualsIgnoreCase(text, name)) return reason;
  return Fail(Error::InvalidArgument("unknown revocation reason \"" + std::string(text) + "\""));
}

std::string_view RevocationReasonName(RevocationReason r) {
  for (const auto& [reason, name] : kReasons)
    if (reason == r) return name;
  return "unspecified";
}

Status Revoker::Revoke(std::string_view serial, RevocationReason reason) {
  const std::string one(serial);
  SG_ASSIGN_OR_RETURN(RevokeReport report, RevokeMany({&one, 1}, reason));
  if (!report.revoked.empty()) return {};
  std::string what = "certificate " + one;
  if (!report.not_found.empty()) return Fail(Error::NotFound(what + " not found"));
  return Fail(Error::AlreadyExists(what + " is already revoked"));
}

}  // namespace scepgate::ca
