#include "agent/credentials.h"

#include <openssl/pkcs12.h>

#include "common/files.h"

namespace scepgate::agent {
namespace {

namespace fs = std::filesystem;

Result<std::string> Pkcs12(const EVP_PKEY& key, const X509& cert,
                           const std::vector<const X509*>& cas, const std::string& password) {
  X509StackPtr stack(sk_X509_new_null());
  for (const X509* c : cas) sk_X509_push(stack.get(), X509_dup(const_cast<X509*>(c)));
  Pkcs12Ptr p12(PKCS12_create(password.c_str(), "scepgate-agent", const_cast<EVP_PKEY*>(&key),
                              const_cast<X509*>(&cert), stack.get(), 0, 0, 0, 0, 0));
  if (!p12) return Fail(CryptoError("PKCS12_create"));
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (i2d_PKCS12_bio(bio.get(), p12.get()) != 1) return Fail(CryptoError("i2d_PKCS12_bio"));
  return AsString(BioBytes(*bio));
}

}  // namespace

Status WriteCredentials(const fs::path& dir, const EVP_PKEY& key, const X509& cert,
                        const std::vector<X509Ptr>& chain, const AgentPayload& state,
                        const std::optional<std::string>& p12_password) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Fail(Error::Io("cannot create " + dir.string() + ": " + ec.message()));
  std::vector<const X509*> cas;
  std::string chain_pem;
  for (const auto& c : chain) {
    if (X509_check_ca(c.get()) == 0) continue;
    cas.push_back(c.get());
    SG_ASSIGN_OR_RETURN(std::string pem, CertToPem(*c));
    chain_pem += pem;
  }
  SG_ASSIGN_OR_RETURN(std::string key_pem, KeyToPem(key));
  SG_ASSIGN_OR_RETURN(std::string cert_pem, CertToPem(cert));
  // name -> (content, mode)
  std::vector<std::tuple<std::string, std::string, unsigned>> files = {
      {"key.pem", key_pem, 0600},
      {"cert.pem", cert_pem, 0644},
      {"chain.pem", chain_pem, 0644},
      {"state.json", StateJson(state), 0644}};
  if (p12_password) {
    SG_ASSIGN_OR_RETURN(std::string p12, Pkcs12(key, cert, cas, *p12_password));
    files.emplace_back("cert.p12", std::move(p12), 0600);
  }
  for (const auto& [name, content, mode] : files)
    SG_TRY_STATUS(WriteFile(dir / (name + ".new"), content, mode));
  for (const auto& [name, content, mode] : files) {
    fs::rename(dir / (name + ".new"), dir / name, ec);
    if (ec) return Fail(Error::Io("cannot install " + (dir / name).string() + ": " + ec.message()));
  }
  return {};
}

Result<Credentials> ReadCredentials(const fs::path& dir) {
  if (!fs::exists(dir / "cert.pem") || !fs::exists(dir / "key.pem"))
    return Fail(Error::NotFound("no enrolled certificate in " + dir.string() +
                                " (run `scepgate-agent enroll` first)"));
  Credentials c;
  SG_ASSIGN_OR_RETURN(std::string key_pem, ReadFile(dir / "key.pem"));
  SG_ASSIGN_OR_RETURN(c.key, KeyFromPem(key_pem));
  SG_ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(dir / "cert.pem"));
  SG_ASSIGN_OR_RETURN(c.cert, CertFromPem(cert_pem));
  SG_ASSIGN_OR_RETURN(std::string state, ReadFile(dir / "state.json"));
  SG_ASSIGN_OR_RETURN(c.state, ParsePayload(state));
  return c;
}

}  // namespace scepgate::agent
