#include "ca/offline_root.h"

#include <algorithm>
#include <string>
#include <system_error>

#include "ca/hierarchy.h"
#include "common/files.h"

namespace scepgate::ca {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMarker = "root.offline";
constexpr const char* kMarkerText =
    "The root CA's private key is not kept in this data dir: `scepgate init --offline-root` wrote\n"
    "it to a file of the administrator's choosing. Commands that sign with it (ca rollover) take\n"
    "that file with --root-key.\n";

// `p` made absolute, with symlinks resolved as far as it exists and no trailing separator.
Result<fs::path> Resolved(const fs::path& p) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(fs::absolute(p, ec), ec);
  if (ec) return Fail(Error::Io("cannot resolve " + p.string() + ": " + ec.message()));
  if (!out.has_filename() && out.has_parent_path() && out != out.root_path())
    out = out.parent_path();
  return out;
}

}  // namespace

Status CheckOfflineRootKeyPath(const fs::path& dir, const fs::path& file) {
  if (file.empty() || !file.has_filename())
    return Fail(Error::InvalidArgument("--offline-root needs a file name"));
  SG_ASSIGN_OR_RETURN(fs::path d, Resolved(dir));
  SG_ASSIGN_OR_RETURN(fs::path f, Resolved(file));
  auto [d_end, f_at] = std::mismatch(d.begin(), d.end(), f.begin(), f.end());
  if (d_end == d.end())
    return Fail(Error::InvalidArgument(
        "--offline-root " + file.string() + " is inside the data dir " + dir.string() +
        ": the point of an offline root is that its key is not kept with the data dir (write it "
        "to removable media or another machine's share)"));
  std::error_code ec;
  if (fs::exists(fs::symlink_status(file, ec)))
    return Fail(Error::AlreadyExists("--offline-root " + file.string() +
                                     " already exists; refusing to overwrite it"));
  fs::path parent = f.parent_path();
  if (!fs::is_directory(parent, ec))
    return Fail(
        Error::NotFound("--offline-root " + file.string() + ": no directory " + parent.string()));
  return {};
}

Status MarkRootKeyElsewhere(const fs::path& ca_dir, std::string_view why) {
  return WriteFile(ca_dir / kMarker, why, 0644);
}

Status WriteOfflineRootKey(const fs::path& ca_dir, const fs::path& file, const EVP_PKEY& key) {
  SG_TRY_STATUS(MarkRootKeyElsewhere(ca_dir, kMarkerText));
  SG_ASSIGN_OR_RETURN(std::string pem, KeyToPem(key));
  auto written = CreatePrivateFile(file, pem);
  if (!written) return Fail(written.error().With("--offline-root"));
  return {};
}

bool RootKeyOffline(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / "ca" / kMarker, ec);
}

Result<EvpPkeyPtr> LoadRootKey(const fs::path& dir, const CaSet& set,
                               const fs::path& root_key_file) {
  const fs::path in_dir = dir / "ca" / "root.key";
  // The root's key in a token (root.p11), loaded with the directory and checked then.
  if (root_key_file.empty() && set.root_key && set.root && !fs::exists(in_dir)) {
    if (!IsIssuedBy(*set.issuing.cert, *set.root))
      return Fail(Error::InvalidArgument(
          "the current issuing CA was not issued by the root CA, so the root cannot sign its "
          "successor"));
    EVP_PKEY_up_ref(set.root_key.get());
    return EvpPkeyPtr(set.root_key.get());
  }
  std::error_code ec;
  if (root_key_file.empty() && !fs::exists(in_dir, ec)) {
    if (RootKeyOffline(dir))
      return Fail(Error::FailedPrecondition(
          "the root CA's private key is kept offline (init --offline-root), not in " +
          (dir / "ca").string() + ": give its file with --root-key FILE"));
    return Fail(Error::InvalidArgument(
        "the issuing CA was imported; there is no root key here to sign its successor "
        "(have the external CA issue one and import it instead)"));
  }
  if (!set.root)
    return Fail(Error::InvalidArgument("there is no root certificate in " + (dir / "ca").string() +
                                       " for --root-key to belong to"));
  const fs::path& path = root_key_file.empty() ? in_dir : root_key_file;
  const std::string what = root_key_file.empty() ? path.string() : "--root-key " + path.string();
  auto pem = ReadFile(path);
  if (!pem) return Fail(root_key_file.empty() ? pem.error() : pem.error().With("--root-key"));
  auto key = KeyFromPem(*pem);
  if (!key) return Fail(key.error().With(what));
  if (X509_check_private_key(set.root.get(), key->get()) != 1) {
    DrainOpenSslErrors();
    return Fail(Error::InvalidArgument(what + " is not the private key of the root CA " +
                                       NameToString(*X509_get_subject_name(set.root.get()))));
  }
  if (!IsIssuedBy(*set.issuing.cert, *set.root))
    return Fail(Error::InvalidArgument(
        "the current issuing CA was not issued by the root CA, so the root cannot sign its "
        "successor (have its issuer sign one and import it instead)"));
  return std::move(*key);
}

}  // namespace scepgate::ca
