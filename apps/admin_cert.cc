#include "admin_cert.h"

#include <unistd.h>

#include <algorithm>

#include "ca/key_spec.h"
#include "common/files.h"
#include "common/san_text.h"
#include "policy/name_rules.h"

namespace scepgate::app {

namespace fs = std::filesystem;

namespace {

constexpr int kAdminCertDays = 365;

bool IsIpAddress(const std::string& name) {
  auto sans = SansFromText({"IP:" + name});
  return sans.has_value();
}

// A host name as the CA accepts one in any certificate (policy/name_rules.h), no wildcard.
bool IsHostName(std::string_view name) {
  return !name.empty() && policy::CheckSubjectAltName("DNS:" + std::string(name), {}).has_value();
}

// "DNS:x" or "IP:x" for each name. kInvalidArgument naming the first that is neither.
Result<std::vector<std::string>> SanEntries(const std::vector<std::string>& names) {
  if (names.empty())
    return Fail(Error::InvalidArgument("the admin certificate needs at least one name"));
  std::vector<std::string> out;
  for (const std::string& name : names) {
    if (IsIpAddress(name))
      out.push_back("IP:" + name);
    else if (IsHostName(name))
      out.push_back("DNS:" + name);
    else
      return Fail(
          Error::InvalidArgument("'" + name + "' is neither a host name nor an IP address"));
    if (std::ranges::count(out, out.back()) > 1) out.pop_back();
  }
  return out;
}

}  // namespace

Status CheckAdminNames(const std::vector<std::string>& names) {
  if (names.empty()) return {};
  SG_TRY_STATUS(SanEntries(names));
  return {};
}

std::vector<std::string> DefaultAdminNames() {
  std::vector<std::string> names = {"localhost", "127.0.0.1", "::1"};
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0 && IsHostName(host) &&
      std::string_view(host) != "localhost")
    names.emplace_back(host);
  return names;
}

Result<X509Ptr> IssueAdminCert(const fs::path& dir, const Config& config, const scep::CaState& cas,
                               const std::vector<std::string>& names, int64_t now, Random& random) {
  SG_ASSIGN_OR_RETURN(std::vector<std::string> entries, SanEntries(names));
  SG_ASSIGN_OR_RETURN(GeneralNamesPtr sans, SansFromText(entries));
  const scep::IssuingCa& ca = cas.current();
  if (!ca.issuer->can_sign())
    return Fail(Error::FailedPrecondition(
        "this node does not hold the issuing CA's key to issue the admin certificate"));
  SG_ASSIGN_OR_RETURN(ca::KeySpec spec, ca::ParseKeySpec("ec:p256"));
  SG_ASSIGN_OR_RETURN(EvpPkeyPtr key, ca::GenerateKey(spec));
  SG_ASSIGN_OR_RETURN(Bytes serial, ca::RandomSerial(random));
  SG_ASSIGN_OR_RETURN(X509Ptr cert, ca.issuer->IssueTlsServer(*key, "scepgate admin " + names[0],
                                                              *sans, serial, now, kAdminCertDays));
  SG_ASSIGN_OR_RETURN(std::string chain, CertToPem(*cert));
  SG_ASSIGN_OR_RETURN(std::string issuing_pem, CertToPem(ca.issuer->cert()));
  chain += issuing_pem;
  for (const X509Ptr& between : cas.intermediates()) {
    SG_ASSIGN_OR_RETURN(std::string pem, CertToPem(*between));
    chain += pem;
  }
  SG_ASSIGN_OR_RETURN(std::string key_pem, KeyToPem(*key));

  const fs::path key_path = dir / config.admin_tls_key;
  const fs::path cert_path = dir / config.admin_tls_cert;
  for (const fs::path& p : {key_path, cert_path})
    if (p.has_parent_path() && !fs::exists(p.parent_path()))
      SG_TRY_STATUS(MakePrivateDirectory(p.parent_path()));
  // The key first: a certificate never names a key that is not there yet.
  SG_TRY_STATUS(WritePrivateFile(key_path, key_pem));
  SG_TRY_STATUS(WriteFile(cert_path, chain));
  return cert;
}

}  // namespace scepgate::app
