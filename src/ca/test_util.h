// Helpers shared by the ca unit tests: keys, a test CA, CSRs with chosen SANs, chain checks.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ca/key_spec.h"
#include "ca/key_token.h"
#include "ca/san.h"
#include "common/ossl.h"

namespace scepgate::ca::testutil {

// Returns a reference to a key generated once per spec ("rsa:2048", "ec:p256", ...).
EvpPkeyPtr SharedKey(std::string_view spec);
// Wall-clock now.
int64_t Now();

struct TestCa {
  X509Ptr root;
  EvpPkeyPtr root_key;
  X509Ptr issuing;
  EvpPkeyPtr issuing_key;
};
// A root and an issuing CA made with the hierarchy functions, keys of `spec`.
TestCa MakeTestCa(std::string_view spec, int64_t now, int issuing_days = 3650);

GeneralNamePtr Dns(std::string_view v);
GeneralNamePtr Email(std::string_view v);
GeneralNamePtr Uri(std::string_view v);
GeneralNamePtr Ip(const Bytes& addr);
GeneralNamePtr Upn(std::string_view v);
GeneralNamePtr OtherName(std::string_view oid, std::string_view v);
GeneralNamePtr RegisteredId(std::string_view oid);
GeneralNamePtr DirName(std::string_view cn);

// A CSR signed by `key` with subject O=Example Corp, CN=`cn` (or an empty subject when cn is
// empty), the given SANs, and (when `extra`) basicConstraints CA:TRUE and keyUsage keyCertSign
// in its extensionRequest, which the issuer must not copy.
X509ReqPtr MakeCsr(const EVP_PKEY& key, std::string_view cn, std::vector<GeneralNamePtr> sans,
                   bool extra = true);

// SANs as "DNS:x", "email:x", "IP:hex", "URI:x", "UPN:x"; "other" for anything else.
std::vector<std::string> SanStrings(const X509& cert);
// Dotted OIDs of the extendedKeyUsage, in order; empty when absent.
std::vector<std::string> EkuOids(const X509& cert);
// -1 when the extension is absent, else 0/1.
int Criticality(const X509& cert, int nid);
Bytes SubjectKeyId(const X509& cert);
Bytes AuthorityKeyId(const X509& cert);
Bytes SerialBytes(const X509& cert);
int64_t NotBefore(const X509& cert);
int64_t NotAfterOf(const X509& cert);

// Verifies `leaf` against `root` (trusted) with `intermediates` untrusted. Returns "" when it
// verifies, else OpenSSL's reason.
std::string VerifyChain(const X509& leaf, const X509& root,
                        const std::vector<const X509*>& intermediates);

// A KeyToken that keeps its keys in memory (made here, handed out by reference): how ca_dir
// treats a token without a PKCS#11 module. Thread-safe.
class FakeKeyToken final : public KeyToken {
 public:
  Result<TokenKey> Generate(const KeySpec& spec, std::string_view role) override;
  Result<EvpPkeyPtr> GenerateEphemeral(const KeySpec& spec) override;
  Result<EvpPkeyPtr> Load(std::string_view uri, const X509& cert) override;
  std::string Describe() const override { return "token 'fake'"; }
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, EvpPkeyPtr, std::less<>> keys_;  // guarded by mu_
};

// A fresh directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace scepgate::ca::testutil
