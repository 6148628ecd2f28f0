#include "ca/ca_dir.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <algorithm>
#include <system_error>

#include "ca/extensions.h"
#include "ca/hierarchy.h"
#include "ca/offline_root.h"
#include "common/files.h"
#include "common/text.h"

namespace scepgate::ca {

namespace {

namespace fs = std::filesystem;
using internal::CommonName;

constexpr int64_t kDay = 86400;

bool Exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

// Writes STEM.key (0600), or STEM.p11 (the token's URI, 0644) for a key in a token, and then
// STEM.crt (0644) in `dir`. The other kind of key file goes: a key is named once.
Status WritePair(const fs::path& dir, const std::string& stem, const CaKeyPair& pair) {
  SG_ASSIGN_OR_RETURN(std::string cert_pem, CertToPem(*pair.cert));
  std::error_code ec;
  if (pair.uri.empty()) {
    SG_ASSIGN_OR_RETURN(std::string key_pem, KeyToPem(*pair.key));
    SG_TRY_STATUS(WritePrivateFile(dir / (stem + ".key"), key_pem));
    fs::remove(dir / (stem + ".p11"), ec);
  } else {
    SG_TRY_STATUS(WriteFile(dir / (stem + ".p11"), pair.uri + "\n", 0644));
    fs::remove(dir / (stem + ".key"), ec);
  }
  return WriteFile(dir / (stem + ".crt"), cert_pem, 0644);
}

// A new key of `spec` for `role`: made in `token` when given (its URI returned beside it), else
// generated here.
Result<CaKeyPair> MakeKey(KeyToken* token, const KeySpec& spec, std::string_view role) {
  if (token == nullptr) {
    SG_ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateKey(spec));
    return CaKeyPair{nullptr, std::move(key), ""};
  }
  SG_ASSIGN_OR_RETURN(TokenKey made, token->Generate(spec, role));
  return CaKeyPair{nullptr, std::move(made.key), std::move(made.uri)};
}

// The key a STEM.p11 file names, loaded from `token` for `cert`. kFailedPrecondition without a
// token.
Result<CaKeyPair> LoadTokenPair(const fs::path& uri_file, X509Ptr cert, KeyToken* token) {
  SG_ASSIGN_OR_RETURN(std::string text, ReadFile(uri_file));
  std::string uri(TrimBlanks(text));
  if (token == nullptr)
    return Fail(Error::FailedPrecondition(
        uri_file.string() + " names a key in a PKCS#11 token (" + uri +
        "): set [pkcs11] uri, module and pin_file (or SCEPGATE_PKCS11_PIN)"));
  auto key = token->Load(uri, *cert);
  if (!key) return Fail(key.error().With(uri_file.string()));
  return CaKeyPair{std::move(cert), std::move(*key), std::move(uri)};
}

Result<X509Ptr> LoadCert(const fs::path& path) {
  auto pem = ReadFile(path);
  if (!pem) return Fail(pem.error());
  auto cert = CertFromPem(*pem);
  if (!cert) return Fail(cert.error().With(path.string()));
  return std::move(*cert);
}

Result<EvpPkeyPtr> LoadKey(const fs::path& path) {
  auto pem = ReadFile(path);
  if (!pem) return Fail(pem.error());
  auto key = KeyFromPem(*pem);
  if (!key) return Fail(key.error().With(path.string()));
  return std::move(*key);
}

// STEM.crt and its key: STEM.key, else the token key STEM.p11 names.
Result<CaKeyPair> LoadPair(const fs::path& dir, const std::string& stem, KeyToken* token) {
  SG_ASSIGN_OR_RETURN(X509Ptr cert, LoadCert(dir / (stem + ".crt")));
  if (!Exists(dir / (stem + ".key")) && Exists(dir / (stem + ".p11")))
    return LoadTokenPair(dir / (stem + ".p11"), std::move(cert), token);
  SG_ASSIGN_OR_RETURN(EvpPkeyPtr key, LoadKey(dir / (stem + ".key")));
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    DrainOpenSslErrors();
    return Fail(Error::InvalidArgument((dir / (stem + ".key")).string() +
                                       " does not match its certificate"));
  }
  return CaKeyPair{std::move(cert), std::move(key), ""};
}

// True when both certificates certify the same public key.
bool SameKey(const X509& a, const X509& b) {
  const EVP_PKEY* ka = X509_get0_pubkey(const_cast<X509*>(&a));
  const EVP_PKEY* kb = X509_get0_pubkey(const_cast<X509*>(&b));
  bool same = ka != nullptr && kb != nullptr && EVP_PKEY_eq(ka, kb) == 1;
  DrainOpenSslErrors();
  return same;
}

// Another certificate of the RA key at `path` (ra-next.crt, ra-previous.crt), or null when the
// file is absent. kInvalidArgument when it certifies another key than `ra`.
Result<X509Ptr> LoadOtherRa(const fs::path& path, const X509& ra) {
  if (!Exists(path)) return X509Ptr();
  SG_ASSIGN_OR_RETURN(X509Ptr cert, LoadCert(path));
  if (!SameKey(*cert, ra))
    return Fail(Error::InvalidArgument(path.string() + " certifies another key than ra.crt"));
  return cert;
}

// Returns every certificate of a PEM bundle, in order. kInvalidArgument when there is none.
Result<std::vector<X509Ptr>> CertsFromPem(const std::string& pem, const fs::path& path) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::vector<X509Ptr> certs;
  while (bio) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) break;
    certs.push_back(std::move(cert));
  }
  DrainOpenSslErrors();
  if (certs.empty()) return Fail(Error::InvalidArgument(path.string() + ": no PEM certificate"));
  return certs;
}

// The numbered directories under DIR/ca/archive, ascending.
std::vector<int> ArchiveNumbers(const fs::path& ca) {
  std::vector<int> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(ca / "archive", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.size() > 9 ||
        !std::ranges::all_of(name, [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    if (int n = std::stoi(name); n > 0) out.push_back(n);
  }
  std::ranges::sort(out);
  return out;
}

KeySpec RaSpec(const KeySpec& requested) {
  int bits = requested.kind == KeySpec::Kind::kRsa ? std::max(2048, requested.bits) : 2048;
  return KeySpec{KeySpec::Kind::kRsa, bits};
}

// The whole days between notBefore and notAfter, rounded, at least 1.
int LifetimeDays(const X509& cert) {
  auto nb = AsnTimeToUnix(*X509_get0_notBefore(&cert));
  auto na = AsnTimeToUnix(*X509_get0_notAfter(&cert));
  if (!nb || !na) return 1;
  return static_cast<int>(std::max<int64_t>(1, (*na - *nb + kDay / 2) / kDay));
}

std::string CnOr(const X509& cert, const std::string& fallback) {
  std::string cn = CommonName(*X509_get_subject_name(&cert));
  return cn.empty() ? fallback : cn;
}

// Returns a new RA key (in `token` when given) and certificate issued by `issuing`.
Result<CaKeyPair> NewRa(const std::string& cn, const KeySpec& spec, int days,
                        const CaKeyPair& issuing, int64_t now, Random& random, KeyToken* token) {
  SG_ASSIGN_OR_RETURN(CaKeyPair ra, MakeKey(token, spec, "ra"));
  SG_ASSIGN_OR_RETURN(ra.cert,
                      MakeRaCert(*ra.key, cn, days, *issuing.cert, *issuing.key, now, random));
  return ra;
}

Status CreateNew(const fs::path& ca, const CreateCaOptions& o, int64_t now, Random& random) {
  // An offline root's key is written to its file: it cannot be in the token.
  SG_ASSIGN_OR_RETURN(CaKeyPair root,
                      MakeKey(o.offline_root_key.empty() ? o.token : nullptr, o.key, "root"));
  SG_ASSIGN_OR_RETURN(root.cert,
                      MakeRootCa(*root.key, o.name + " Root CA", o.root_days, now, random));
  SG_ASSIGN_OR_RETURN(CaKeyPair pair, MakeKey(o.token, o.key, "issuing"));
  SG_ASSIGN_OR_RETURN(
      pair.cert, MakeIssuingCa(*pair.key, o.name + " Issuing CA", o.issuing_days, *root.cert,
                               *root.key, now, random, RootCrlUrl(o.crl_base_url, *root.cert)));
  SG_ASSIGN_OR_RETURN(CaKeyPair ra,
                      NewRa(o.name + " RA", RaSpec(o.key), o.ra_days, pair, now, random, o.token));
  // An earlier attempt that stopped before issuing.crt may have left the other mode's files.
  std::error_code ec;
  fs::remove(ca / (o.offline_root_key.empty() ? "root.offline" : "root.key"), ec);
  if (o.offline_root_key.empty()) {
    SG_TRY_STATUS(WritePair(ca, "root", root));
  } else {
    fs::remove(ca / "root.p11", ec);
    SG_ASSIGN_OR_RETURN(std::string root_pem, CertToPem(*root.cert));
    SG_TRY_STATUS(WriteFile(ca / "root.crt", root_pem, 0644));
    SG_TRY_STATUS(WriteOfflineRootKey(ca, o.offline_root_key, *root.key));
  }
  SG_TRY_STATUS(WritePair(ca, "ra", ra));
  // issuing.crt last: its presence marks a complete directory.
  return WritePair(ca, "issuing", pair);
}

// `key_checked`: the key was loaded from a token for this certificate (KeyToken::Load checks).
Status CheckImportedCa(const X509& cert, const EVP_PKEY& key, int64_t now, bool key_checked) {
  X509* c = const_cast<X509*>(&cert);
  if ((X509_get_extension_flags(c) & EXFLAG_CA) == 0)
    return Fail(Error::InvalidArgument(
        "the imported certificate is not a CA (it lacks basicConstraints CA:TRUE)"));
  if (!key_checked && X509_check_private_key(c, &key) != 1) {
    DrainOpenSslErrors();
    return Fail(Error::InvalidArgument("the imported key does not match the imported certificate"));
  }
  SG_ASSIGN_OR_RETURN(int64_t not_after, internal::NotAfter(cert));
  if (not_after <= now) return Fail(Error::InvalidArgument("the imported CA has expired"));
  return {};
}

// The certificates after the first of an imported bundle must each have issued the one before
// and be CAs. kInvalidArgument naming the first link that breaks.
Status CheckImportedChain(const std::vector<X509Ptr>& chain, const fs::path& path) {
  for (size_t i = 1; i < chain.size(); ++i) {
    const std::string where = path.string() + ": certificate " + std::to_string(i + 1) + " (" +
                              CnOr(*chain[i], "no CN") + ")";
    if ((X509_get_extension_flags(chain[i].get()) & EXFLAG_CA) == 0)
      return Fail(Error::InvalidArgument(where + " is not a CA"));
    if (!IsIssuedBy(*chain[i - 1], *chain[i]))
      return Fail(Error::InvalidArgument(where + " did not issue certificate " + std::to_string(i) +
                                         " (" + CnOr(*chain[i - 1], "no CN") +
                                         "): give the issuing CA first, then each issuer in turn"));
  }
  DrainOpenSslErrors();
  return {};
}

Status CreateImported(const fs::path& ca, const CreateCaOptions& o, int64_t now, Random& random) {
  if (o.import_cert.empty() || o.import_key.empty())
    return Fail(Error::InvalidArgument("importing a CA needs both its certificate and its key"));
  SG_ASSIGN_OR_RETURN(std::string pem, ReadFile(o.import_cert));
  SG_ASSIGN_OR_RETURN(std::vector<X509Ptr> chain, CertsFromPem(pem, o.import_cert));
  // --import-key pkcs11:...: a key already in the token (made there at a key ceremony).
  const std::string key_name = o.import_key.string();
  const bool in_token = key_name.starts_with("pkcs11:");
  if (in_token && o.token == nullptr)
    return Fail(Error::InvalidArgument("--import-key " + key_name +
                                       " names a key in a token: give --pkcs11 too"));
  EvpPkeyPtr key;
  if (in_token) {
    auto loaded = o.token->Load(key_name, *chain.front());
    if (!loaded) return Fail(loaded.error().With("--import-key"));
    key = std::move(*loaded);
  } else {
    SG_ASSIGN_OR_RETURN(key, LoadKey(o.import_key));
  }
  SG_TRY_STATUS(CheckImportedCa(*chain.front(), *key, now, in_token));
  SG_TRY_STATUS(CheckImportedChain(chain, o.import_cert));
  // An earlier attempt that stopped before issuing.crt may have left these: none of them belongs
  // to this bundle unless written below.
  for (const char* stale :
       {"root.key", "root.p11", "root.crt", "root.offline", "intermediates.crt"}) {
    std::error_code ec;
    fs::remove(ca / stale, ec);
  }
  // Between the issuing CA and the root (or the end of the bundle): the intermediates.
  size_t end = chain.size();
  if (chain.size() > 1 && X509_self_signed(chain.back().get(), 1) == 1) {
    SG_ASSIGN_OR_RETURN(std::string root_pem, CertToPem(*chain.back()));
    SG_TRY_STATUS(WriteFile(ca / "root.crt", root_pem, 0644));
    --end;
  }
  DrainOpenSslErrors();
  std::string intermediates;
  for (size_t i = 1; i < end; ++i) {
    SG_ASSIGN_OR_RETURN(std::string cert_pem, CertToPem(*chain[i]));
    intermediates += cert_pem;
  }
  if (!intermediates.empty())
    SG_TRY_STATUS(WriteFile(ca / "intermediates.crt", intermediates, 0644));
  CaKeyPair pair{std::move(chain.front()), std::move(key), in_token ? key_name : ""};
  SG_ASSIGN_OR_RETURN(CaKeyPair ra,
                      NewRa(o.name + " RA", RaSpec(o.key), o.ra_days, pair, now, random, o.token));
  SG_TRY_STATUS(WritePair(ca, "ra", ra));
  return WritePair(ca, "issuing", pair);
}

Result<KeySpec> SpecOf(const EVP_PKEY& key) {
  int bits = KeyBits(key);
  if (IsRsa(key)) return KeySpec{KeySpec::Kind::kRsa, bits};
  if (bits == 256 || bits == 384) return KeySpec{KeySpec::Kind::kEc, bits};
  return Fail(Error::InvalidArgument("the current issuing key type cannot be repeated; name one"));
}

// Copies FROM/issuing.key (0600) or, for a key in a token, FROM/issuing.p11 (0644) into TO,
// removing the other kind there.
Status CopyKeyFile(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (!Exists(from / "issuing.key") && Exists(from / "issuing.p11")) {
    SG_ASSIGN_OR_RETURN(std::string uri, ReadFile(from / "issuing.p11"));
    SG_TRY_STATUS(WriteFile(to / "issuing.p11", uri, 0644));
    fs::remove(to / "issuing.key", ec);
    return {};
  }
  SG_ASSIGN_OR_RETURN(std::string key_pem, ReadFile(from / "issuing.key"));
  SG_TRY_STATUS(WritePrivateFile(to / "issuing.key", key_pem));
  fs::remove(to / "issuing.p11", ec);
  return {};
}

// Copies the current issuing CA to archive/N (N = one past the highest), via a temporary
// directory renamed into place so that archive/N is either complete or absent.
Status ArchiveCurrent(const fs::path& ca) {
  std::vector<int> numbers = ArchiveNumbers(ca);
  const int n = numbers.empty() ? 1 : numbers.back() + 1;
  const fs::path partial = ca / "archive" / ".partial";
  const fs::path target = ca / "archive" / std::to_string(n);
  std::error_code ec;
  fs::remove_all(partial, ec);
  SG_TRY_STATUS(MakePrivateDirectory(partial));
  SG_TRY_STATUS(CopyKeyFile(ca, partial));
  SG_ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(ca / "issuing.crt"));
  SG_TRY_STATUS(WriteFile(partial / "issuing.crt", cert_pem, 0644));
  fs::rename(partial, target, ec);
  if (ec) return Fail(Error::Io("cannot create " + target.string() + ": " + ec.message()));
  return {};
}

// Replaces issuing.{key|p11,crt} with the staged files (each replacement is an atomic rename).
Status PromoteNext(const fs::path& ca) {
  SG_TRY_STATUS(CopyKeyFile(ca / "next", ca));
  SG_ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(ca / "next" / "issuing.crt"));
  return WriteFile(ca / "issuing.crt", cert_pem, 0644);
}

}  // namespace

Status CreateCaDirectory(const fs::path& dir, const CreateCaOptions& options, int64_t now,
                         Random& random) {
  const fs::path ca = dir / "ca";
  if (Exists(ca / "issuing.crt"))
    return Fail(Error::AlreadyExists(ca.string() + " already holds a CA; refusing to overwrite"));
  if (options.root_days <= 0 || options.issuing_days <= 0 || options.ra_days <= 0)
    return Fail(Error::InvalidArgument("CA validity periods must be at least one day"));
  const bool import = !options.import_cert.empty() || !options.import_key.empty();
  if (!options.offline_root_key.empty()) {
    if (import)
      return Fail(Error::InvalidArgument(
          "--offline-root is for a new root; an imported issuing CA brings no root key"));
    SG_TRY_STATUS(CheckOfflineRootKeyPath(dir, options.offline_root_key));
  }
  SG_TRY_STATUS(MakePrivateDirectory(ca));
  if (import) return CreateImported(ca, options, now, random);
  return CreateNew(ca, options, now, random);
}

Result<CaSet> LoadCaDirectory(const fs::path& dir, KeyToken* token) {
  const fs::path ca = dir / "ca";
  if (!Exists(ca / "issuing.crt"))
    return Fail(Error::NotFound(ca.string() + " holds no CA (run `scepgate init` first)"));
  CaSet set;
  if (Exists(ca / "root.key") || Exists(ca / "root.p11")) {
    SG_ASSIGN_OR_RETURN(CaKeyPair root, LoadPair(ca, "root", token));
    set.root = std::move(root.cert);
    set.root_key = std::move(root.key);
  } else if (Exists(ca / "root.crt")) {
    SG_ASSIGN_OR_RETURN(set.root, LoadCert(ca / "root.crt"));
  }
  if (Exists(ca / "intermediates.crt")) {
    SG_ASSIGN_OR_RETURN(std::string pem, ReadFile(ca / "intermediates.crt"));
    SG_ASSIGN_OR_RETURN(set.intermediates, CertsFromPem(pem, ca / "intermediates.crt"));
  }
  SG_ASSIGN_OR_RETURN(set.issuing, LoadPair(ca, "issuing", token));
  SG_ASSIGN_OR_RETURN(set.ra, LoadPair(ca, "ra", token));
  SG_ASSIGN_OR_RETURN(set.ra_next, LoadOtherRa(ca / "ra-next.crt", *set.ra.cert));
  SG_ASSIGN_OR_RETURN(set.ra_previous, LoadOtherRa(ca / "ra-previous.crt", *set.ra.cert));
  if (Exists(ca / "next" / "issuing.crt")) {
    SG_ASSIGN_OR_RETURN(set.next, LoadPair(ca / "next", "issuing", token));
  }
  for (int n : ArchiveNumbers(ca)) {
    SG_ASSIGN_OR_RETURN(CaKeyPair old,
                        LoadPair(ca / "archive" / std::to_string(n), "issuing", token));
    set.previous.push_back(std::move(old));
  }
  return set;
}

Status StageRollover(const fs::path& dir, const KeySpec* key, int64_t now, Random& random,
                     const fs::path& root_key_file, std::string_view crl_base_url,
                     KeyToken* token) {
  const fs::path ca = dir / "ca";
  SG_ASSIGN_OR_RETURN(CaSet set, LoadCaDirectory(dir, token));
  if (set.next.cert)
    return Fail(Error::AlreadyExists("a rollover is already staged; activate it first"));
  SG_ASSIGN_OR_RETURN(EvpPkeyPtr root_key, LoadRootKey(dir, set, root_key_file));
  SG_ASSIGN_OR_RETURN(KeySpec spec, key ? Result<KeySpec>(*key) : SpecOf(*set.issuing.key));
  SG_ASSIGN_OR_RETURN(CaKeyPair next, MakeKey(token, spec, "issuing"));
  const X509& current = *set.issuing.cert;
  SG_ASSIGN_OR_RETURN(next.cert, MakeIssuingCa(*next.key, CnOr(current, "scepgate Issuing CA"),
                                               LifetimeDays(current), *set.root, *root_key, now,
                                               random, RootCrlUrl(crl_base_url, *set.root)));
  SG_TRY_STATUS(MakePrivateDirectory(ca / "next"));
  return WritePair(ca / "next", "issuing", next);
}

Result<CaKeyPair> CreateSiblingIssuer(const fs::path& dir, const fs::path& out,
                                      const std::string& common_name, const KeySpec* key,
                                      int64_t now, Random& random, const fs::path& root_key_file,
                                      std::string_view crl_base_url, KeyToken* token) {
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_empty(out, ec))
    return Fail(Error::AlreadyExists(out.string() + " is not empty"));
  SG_ASSIGN_OR_RETURN(CaSet set, LoadCaDirectory(dir, token));
  const X509& current = *set.issuing.cert;
  if (common_name.empty() || common_name == CnOr(current, ""))
    return Fail(
        Error::InvalidArgument("the new issuing CA needs a name of its own (the current one is '" +
                               CnOr(current, "") + "')"));
  SG_ASSIGN_OR_RETURN(EvpPkeyPtr root_key, LoadRootKey(dir, set, root_key_file));
  SG_ASSIGN_OR_RETURN(KeySpec spec, key ? Result<KeySpec>(*key) : SpecOf(*set.issuing.key));
  SG_ASSIGN_OR_RETURN(CaKeyPair made, MakeKey(token, spec, "issuing"));
  SG_ASSIGN_OR_RETURN(
      made.cert, MakeIssuingCa(*made.key, common_name, LifetimeDays(current), *set.root, *root_key,
                               now, random, RootCrlUrl(crl_base_url, *set.root)));
  SG_TRY_STATUS(MakePrivateDirectory(out));
  SG_TRY_STATUS(WritePair(out, "issuing", made));
  return made;
}

Status ActivateRollover(const fs::path& dir, int64_t now, Random& random, KeyToken* token) {
  const fs::path ca = dir / "ca";
  if (!Exists(ca / "next" / "issuing.crt"))
    return Fail(Error::NotFound("no rollover is staged (stage one first)"));
  SG_ASSIGN_OR_RETURN(CaSet set, LoadCaDirectory(dir, token));
  const KeySpec ra_spec{KeySpec::Kind::kRsa, std::max(2048, KeyBits(*set.ra.key))};
  SG_ASSIGN_OR_RETURN(CaKeyPair ra,
                      NewRa(CnOr(*set.ra.cert, "scepgate RA"), ra_spec, LifetimeDays(*set.ra.cert),
                            set.next, now, random, token));
  // Equal when an earlier activation stopped after promoting the staged CA: only finish it.
  if (X509_cmp(set.next.cert.get(), set.issuing.cert.get()) != 0) {
    // Already archived when an earlier activation stopped before promoting.
    bool archived = !set.previous.empty() &&
                    X509_cmp(set.previous.back().cert.get(), set.issuing.cert.get()) == 0;
    SG_TRY_STATUS(MakePrivateDirectory(ca / "archive"));
    if (!archived) SG_TRY_STATUS(ArchiveCurrent(ca));
    SG_TRY_STATUS(PromoteNext(ca));
  }
  SG_TRY_STATUS(WritePair(ca, "ra", ra));
  std::error_code ec;
  // Renewals of the old RA key certify nothing this node holds any more.
  fs::remove(ca / "ra-next.crt", ec);
  fs::remove(ca / "ra-previous.crt", ec);
  fs::remove_all(ca / "next", ec);
  if (ec) return Fail(Error::Io("cannot remove " + (ca / "next").string() + ": " + ec.message()));
  return {};
}

Status StageRaCertificate(const fs::path& dir, const X509& cert) {
  const fs::path ca = dir / "ca";
  if (!Exists(ca / "ra.crt"))
    return Fail(Error::NotFound(ca.string() + " holds no RA (run `scepgate init` first)"));
  SG_ASSIGN_OR_RETURN(X509Ptr ra, LoadCert(ca / "ra.crt"));
  if (!SameKey(cert, *ra))
    return Fail(Error::InvalidArgument("the RA certificate to stage certifies another key than " +
                                       (ca / "ra.crt").string()));
  SG_ASSIGN_OR_RETURN(std::string pem, CertToPem(cert));
  return WriteFile(ca / "ra-next.crt", pem, 0644);
}

Status PromoteRaCertificate(const fs::path& dir) {
  const fs::path ca = dir / "ca";
  if (!Exists(ca / "ra-next.crt"))
    return Fail(Error::NotFound("no renewal of the RA certificate is staged"));
  SG_ASSIGN_OR_RETURN(std::string next, ReadFile(ca / "ra-next.crt"));
  SG_ASSIGN_OR_RETURN(std::string served, ReadFile(ca / "ra.crt"));
  // Equal when an earlier promotion stopped after writing ra.crt: only finish it.
  if (next != served) {
    SG_TRY_STATUS(WriteFile(ca / "ra-previous.crt", served, 0644));
    SG_TRY_STATUS(WriteFile(ca / "ra.crt", next, 0644));
  }
  std::error_code ec;
  fs::remove(ca / "ra-next.crt", ec);
  if (ec)
    return Fail(Error::Io("cannot remove " + (ca / "ra-next.crt").string() + ": " + ec.message()));
  return {};
}

}  // namespace scepgate::ca
