#include "join_node.h"

#include <algorithm>

#include "admin_cert.h"
#include "ca/ca_dir.h"
#include "ca/hierarchy.h"
#include "ca/offline_root.h"
#include "common/config_edit.h"
#include "common/files.h"
#include "data_dir.h"
#include "data_dir_files.h"
#include "scep/ca_state.h"

namespace scepgate::app {
namespace {

namespace fs = std::filesystem;

constexpr unsigned kPrivate = kPrivateMode;
constexpr unsigned kPublic = kPublicMode;
constexpr const char* kPasswordFile = "db-password";
constexpr const char* kRootKeyElsewhere =
    "This node was made with `scepgate init --join`: the root CA's private key was not copied\n"
    "to it and stays with the node it came from (or offline). Commands that sign with it (ca\n"
    "rollover) take that key file with --root-key.\n";

// Whether FROM/ca/`rel` belongs to the source's issuing CA (current, staged, archived).
bool OfSourceIssuer(const fs::path& rel) {
  auto it = rel.begin();
  if (it == rel.end() || *it != "ca" || ++it == rel.end()) return false;
  return *it == "issuing.crt" || *it == "issuing.key" || *it == "issuing.p11" || *it == "next" ||
         *it == "archive";
}

// Copies FROM/ca into DIR/ca file by file with the modes the layout prescribes, leaving out the
// root CA's key (or, in a token, its URI), and with `own_issuer` the source's issuing CAs. Keys
// in a token are named by .p11 files, copied as they are: the new node opens the same token.
Status CopyCaDirectory(const fs::path& from, const fs::path& dir, bool own_issuer,
                       std::vector<JoinedFile>& out) {
  bool root_key = false;
  SG_ASSIGN_OR_RETURN(
      auto files, ListLayoutFiles(from, "ca", [&](const fs::path& rel) {
        if (own_issuer && OfSourceIssuer(rel)) return true;
        if (rel == fs::path("ca") / "root.key" || rel == fs::path("ca") / "root.p11") {
          root_key = true;
          return true;
        }
        return false;
      }));
  SG_TRY_STATUS(MakePrivateDirectory(dir / "ca"));
  for (const DataDirFile& f : files) {
    if (f.directory) {
      SG_TRY_STATUS(MakePrivateDirectory(dir / f.path));
      continue;
    }
    bool key = f.mode == kPrivate;
    SG_ASSIGN_OR_RETURN(std::string data,
                        key ? ReadPrivateFile(from / f.path) : ReadFile(from / f.path));
    SG_TRY_STATUS(WriteFile(dir / f.path, data, f.mode));
    out.push_back({f.path, f.mode});
  }
  if (root_key) {
    SG_TRY_STATUS(ca::MarkRootKeyElsewhere(dir / "ca", kRootKeyElsewhere));
    out.push_back({fs::path("ca") / "root.offline", kPublic});
  }
  return {};
}

// A secret file of the source's data dir (seal keys, the password), copied 0600 when it lives
// there; an absolute path stays as it is and must exist on the new machine.
Status CopySecret(const fs::path& from, const fs::path& dir, const std::string& name,
                  std::vector<JoinedFile>& out) {
  if (name.empty() || !InsideDataDir(name)) return {};
  std::error_code ec;
  if (!fs::exists(from / name, ec)) return {};
  SG_ASSIGN_OR_RETURN(std::string data, ReadPrivateFile(from / name));
  SG_TRY_STATUS(WritePrivateFile(dir / name, data));
  out.push_back({name, kPrivate});
  return {};
}

// DIR/ca/issuing.{crt,key|p11} from the directory `ca add-issuer --out` wrote.
Status CopyIssuer(const fs::path& issuer, const fs::path& dir, std::vector<JoinedFile>& out) {
  std::error_code ec;
  const bool in_token =
      !fs::exists(issuer / "issuing.key", ec) && fs::exists(issuer / "issuing.p11", ec);
  for (const char* name : {in_token ? "issuing.p11" : "issuing.key", "issuing.crt"}) {
    bool key = fs::path(name).extension() == ".key";
    auto data = key ? ReadPrivateFile(issuer / name) : ReadFile(issuer / name);
    if (!data) return Fail(data.error().With("--issuer"));
    SG_TRY_STATUS(WriteFile(dir / "ca" / name, *data, key ? kPrivate : kPublic));
    out.push_back({fs::path("ca") / name, key ? kPrivate : kPublic});
  }
  return {};
}

// The database must be this deployment's: empty, or holding certificates of its CAs; and it
// must know the node's issuing CA when that is one of its own (`--issuer`).
// Returns the node's CA state.
Result<std::unique_ptr<scep::CaState>> CheckDatabase(const fs::path& dir, const Config& config,
                                                     bool own_issuer) {
  SG_ASSIGN_OR_RETURN(auto store, OpenStore(dir, config));
  SG_ASSIGN_OR_RETURN(auto token, OpenConfiguredToken(config));
  SG_ASSIGN_OR_RETURN(ca::CaSet set, ca::LoadCaDirectory(dir, token.get()));
  if (own_issuer && (!set.root || !ca::IsIssuedBy(*set.issuing.cert, *set.root)))
    return Fail(Error::FailedPrecondition(
        "--issuer holds an issuing CA the deployment's root did not issue"));
  SG_ASSIGN_OR_RETURN(auto registry, store->ListIssuers());
  SG_ASSIGN_OR_RETURN(auto cas, scep::CaState::Build(std::move(set), config, registry));
  if (own_issuer &&
      std::ranges::find(registry, cas->current().id, &store::IssuerRecord::id) == registry.end())
    return Fail(Error::FailedPrecondition(
        "--issuer holds an issuing CA this database does not know: make it with `scepgate ca "
        "add-issuer` on a node of this deployment"));
  store::CertFilter newest;
  newest.limit = 1;
  SG_ASSIGN_OR_RETURN(auto certs, store->ListCertificates(newest));
  for (const auto& c : certs)
    if (cas->FindById(c.issuer_id) == nullptr)
      return Fail(Error::FailedPrecondition(
          "the database holds certificates of another CA (issuer " + c.issuer_id +
          "): it is not the database of the node in --from"));
  return cas;
}

Result<std::vector<JoinedFile>> Join(const JoinOptions& o, const Config& source,
                                     const std::string& source_text) {
  std::vector<JoinedFile> files;
  const bool own_issuer = !o.issuer.empty();
  SG_TRY_STATUS(CopyCaDirectory(o.from, o.dir, own_issuer, files));
  if (own_issuer) SG_TRY_STATUS(CopyIssuer(o.issuer, o.dir, files));
  SG_TRY_STATUS(CopySecret(o.from, o.dir, source.seal_key_file, files));

  std::string text = source_text;
  text = SetConfigValue(text, "store", "backend", TomlString("postgres"));
  text = SetConfigValue(text, "store", "dsn", TomlString(o.dsn));
  if (!o.password_file.empty()) {
    auto password = ReadPrivateFile(o.password_file);
    if (!password) return Fail(password.error().With("--password-file"));
    SG_TRY_STATUS(WritePrivateFile(o.dir / kPasswordFile, *password));
    files.push_back({kPasswordFile, kPrivate});
    text = SetConfigValue(text, "store", "password_file", TomlString(kPasswordFile));
  } else {
    SG_TRY_STATUS(CopySecret(o.from, o.dir, source.store_password_file, files));
  }
  SG_TRY_STATUS(WritePrivateFile(ConfigPath(o.dir), text));
  files.insert(files.begin(), {"scepgate.toml", kPrivate});

  SG_ASSIGN_OR_RETURN(Config config, LoadConfig(ConfigPath(o.dir)));
  SG_ASSIGN_OR_RETURN(auto cas, CheckDatabase(o.dir, config, own_issuer));
  // Its own admin certificate, for its own names: it is another machine.
  SystemRandom random;
  SG_TRY_STATUS(IssueAdminCert(o.dir, config, *cas,
                               o.admin_names.empty() ? DefaultAdminNames() : o.admin_names,
                               SystemClock().Now(), random));
  files.push_back({config.admin_tls_key, kPrivate});
  files.push_back({config.admin_tls_cert, kPublic});
  return files;
}

}  // namespace

Result<std::vector<JoinedFile>> JoinNode(const JoinOptions& o) {
  auto source = LoadConfig(ConfigPath(o.from));
  if (!source)
    return Fail(Error::NotFound("--from " + o.from.string() +
                                " is not a scepgate data dir: " + source.error().message));
  if (source->store_backend != "postgres")
    return Fail(Error::FailedPrecondition(
        "--from " + o.from.string() +
        " keeps its records in SQLite: move them into the database with `scepgate migrate "
        "--from-sqlite` and set [store] on that node first"));
  SG_ASSIGN_OR_RETURN(std::string source_text, ReadPrivateFile(ConfigPath(o.from)));
  std::error_code ec;
  if (fs::exists(o.dir, ec) && !fs::is_empty(o.dir, ec))
    return Fail(Error::AlreadyExists(o.dir.string() + " is not empty; a new node needs a new "
                                                      "data dir"));
  bool created = !fs::exists(o.dir, ec);
  SG_TRY_STATUS(MakePrivateDirectory(o.dir));
  auto joined = Join(o, *source, source_text);
  if (!joined) {
    if (created) {
      fs::remove_all(o.dir, ec);
    } else {
      for (const auto& entry : fs::directory_iterator(o.dir, ec)) fs::remove_all(entry.path(), ec);
    }
  }
  return joined;
}

}  // namespace scepgate::app
