#include "data_dir.h"

#include <sys/stat.h>

#include <algorithm>
#include <thread>

#include "admin_cert.h"
#include "ca/ca_dir.h"
#include "ca/key_spec.h"
#include "ca/offline_root.h"
#include "common/config_edit.h"
#include "common/files.h"
#include "common/providers.h"
#include "pkcs11/keys.h"
#include "policy/seal_keys.h"
#include "store/postgres/connection.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace scepgate::app {

namespace fs = std::filesystem;

fs::path ConfigPath(const fs::path& dir) { return dir / "scepgate.toml"; }
fs::path DatabasePath(const fs::path& dir) { return dir / "scepgate.db"; }
fs::path SealKeyPath(const fs::path& dir, const Config& config) {
  return dir / config.seal_key_file;  // an absolute seal_key_file replaces dir
}

std::vector<std::string> CaChain(const scep::CaState& cas) {
  std::vector<std::string> chain = {cas.current().id};
  if (cas.root() != nullptr) chain.push_back(scep::CertSha256(*cas.root()));
  return chain;
}

std::string DefaultTrustedCa(const scep::CaState& cas) {
  return cas.root() ? scep::CertSha256(*cas.root()) : cas.current().id;
}

int WorkerThreads(const Config& config) {
  if (config.threads > 0) return config.threads;
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return config.store_backend == "postgres" ? 4 * cores : cores;
}

Result<store::PostgresOptions> PostgresOptionsOf(const fs::path& dir, const Config& config) {
  SG_ASSIGN_OR_RETURN(bool inline_password, store::pg::DsnHasPassword(config.store_dsn));
  if (inline_password)
    return Fail(Error::InvalidArgument(
        "store.dsn must not hold the password: put it in store.password_file (mode 0600) or "
        "libpq's password file"));
  store::PostgresOptions options;
  options.dsn = config.store_dsn;
  if (!config.store_password_file.empty()) {
    auto text = ReadPrivateFile(dir / config.store_password_file);
    if (!text) return Fail(text.error().With("store.password_file"));
    std::string password = std::move(*text);
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r'))
      password.pop_back();
    options.password = std::move(password);
  }
  options.pool_size = config.store_pool_size > 0 ? static_cast<size_t>(config.store_pool_size)
                                                 : static_cast<size_t>(WorkerThreads(config)) + 2;
  return options;
}

Result<std::unique_ptr<store::Store>> OpenStore(const fs::path& dir, const Config& config,
                                                const store::SqliteOptions& sqlite) {
  if (config.store_backend == "postgres") {
    SG_ASSIGN_OR_RETURN(store::PostgresOptions options, PostgresOptionsOf(dir, config));
    auto opened = store::PostgresStore::Open(options);
    if (!opened) return Fail(opened.error().With("store (postgres)"));
    return std::unique_ptr<store::Store>(std::move(*opened));
  }
  SG_ASSIGN_OR_RETURN(auto opened, store::SqliteStore::Open(DatabasePath(dir), sqlite));
  return std::unique_ptr<store::Store>(std::move(opened));
}

mgmt::ChallengeSettings ChallengeSettingsOf(const DataDir& data) {
  mgmt::ChallengeSettings settings;
  settings.format = data.config.challenge_format;
  if (!data.seal_keys.empty()) settings.seal_key = data.seal_keys.front();
  settings.ca_chain = CaChain(*data.cas);
  return settings;
}

namespace {

bool LooksInitialised(const fs::path& dir) {
  return fs::exists(ConfigPath(dir)) || fs::exists(DatabasePath(dir)) || fs::exists(dir / "ca");
}

void RemoveDataFiles(const fs::path& dir) {
  std::error_code ec;
  fs::remove_all(dir / "ca", ec);
  for (const char* f :
       {"scepgate.toml", "scepgate.db", "scepgate.db-wal", "scepgate.db-shm", "seal-keys"})
    fs::remove(dir / f, ec);
}

}  // namespace

Status InitDataDir(const InitOptions& o, const Clock& clock, Random& random) {
  SG_ASSIGN_OR_RETURN(ca::KeySpec spec, ca::ParseKeySpec(o.key));
  if (o.import_cert.empty() != o.import_key.empty())
    return Fail(Error::InvalidArgument("--import-ca and --import-key go together"));
  if (!o.offline_root.empty()) {
    if (!o.import_cert.empty())
      return Fail(Error::InvalidArgument(
          "--offline-root is for a new root; an imported issuing CA brings no root key"));
    SG_TRY_STATUS(ca::CheckOfflineRootKeyPath(o.dir, o.offline_root));
  }
  SG_TRY_STATUS(CheckAdminNames(o.admin_names));
  // The token first: a wrong PIN or a missing token must fail before anything is replaced.
  std::shared_ptr<pkcs11::TokenKeys> token;
  if (!o.pkcs11_uri.empty()) {
    auto opened = pkcs11::OpenTokenKeys(o.pkcs11_uri, o.pkcs11_module, o.pkcs11_pin_file);
    if (!opened) return Fail(opened.error().With("--pkcs11"));
    token = std::move(*opened);
  }
  if (LooksInitialised(o.dir)) {
    if (!o.force)
      return Fail(Error::AlreadyExists(
          o.dir.string() + " already holds a scepgate data dir; use --force to replace it"));
    RemoveDataFiles(o.dir);
  }
  SG_TRY_STATUS(MakePrivateDirectory(o.dir));

  ca::CreateCaOptions co;
  co.name = o.name;
  co.key = spec;
  co.import_cert = o.import_cert;
  co.import_key = o.import_key;
  co.offline_root_key = o.offline_root;
  co.crl_base_url = o.crl_base_url;
  co.token = token.get();
  SG_TRY_STATUS(ca::CreateCaDirectory(o.dir, co, clock.Now(), random));
  SG_ASSIGN_OR_RETURN(auto store, store::SqliteStore::Open(DatabasePath(o.dir)));
  ::chmod(DatabasePath(o.dir).c_str(), 0600);
  SG_ASSIGN_OR_RETURN(ca::CaSet set, ca::LoadCaDirectory(o.dir, token.get()));
  SG_ASSIGN_OR_RETURN(auto cas, scep::CaState::Build(std::move(set), Config{}));
  SG_TRY_STATUS(RegisterOwnIssuers(*store, *cas, clock.Now()));
  SG_TRY_STATUS(IssueAdminCert(o.dir, Config{}, *cas,
                               o.admin_names.empty() ? DefaultAdminNames() : o.admin_names,
                               clock.Now(), random));
  // The first sealing key, so that switching to sealed challenges needs no other step.
  SG_TRY_STATUS(policy::RotateSealKey(SealKeyPath(o.dir, Config{}), random));
  // The config holds the challenge: readable by the owner only.
  std::string text = DefaultConfigText(o.challenge);
  if (!o.crl_base_url.empty())
    text = SetConfigValue(text, "ca", "crl_base_url", TomlString(o.crl_base_url));
  if (token) {
    text = SetConfigValue(text, "pkcs11", "uri", TomlString(o.pkcs11_uri));
    if (!o.pkcs11_module.empty())
      text = SetConfigValue(text, "pkcs11", "module", TomlString(o.pkcs11_module));
    if (!o.pkcs11_pin_file.empty())
      text = SetConfigValue(text, "pkcs11", "pin_file",
                            TomlString(fs::absolute(o.pkcs11_pin_file).string()));
  }
  return WritePrivateFile(ConfigPath(o.dir), text);
}

Status RegisterOwnIssuers(store::Store& store, const scep::CaState& cas, int64_t now) {
  SG_ASSIGN_OR_RETURN(auto registry, store.ListIssuers());
  for (const auto& ca : cas.all()) {
    if (!ca->issuer->can_sign()) continue;
    auto known = std::ranges::find(registry, ca->id, &store::IssuerRecord::id);
    if (known == registry.end()) {
      store::IssuerRecord r;
      r.id = ca->id;
      SG_ASSIGN_OR_RETURN(r.cert_der, CertToDer(ca->issuer->cert()));
      r.name = NameToString(*X509_get_subject_name(&ca->issuer->cert()));
      r.active = ca->current;
      r.created_at = now;
      Status added = store.RegisterIssuer(r);
      // Another node of an option 1 deployment registered the same CA at the same moment.
      if (!added && added.error().code != ErrorCode::kAlreadyExists) return added;
    } else if (!ca->current && known->active) {
      SG_TRY_STATUS(store.SetIssuerActive(ca->id, false));
    }
  }
  return {};
}

namespace {

std::unique_ptr<scep::CrlPublisher> MakeCrlPublisher(const DataDir& d, const Clock& clock) {
  const Config& c = d.config;
  return std::make_unique<scep::CrlPublisher>(
      *d.cas, *d.store, clock,
      scep::CrlOptions{c.crl_validity_hours, c.crl_refresh_hours, c.root_crl_validity_days * 24,
                       c.root_crl_refresh_days * 24});
}

}  // namespace

Result<std::shared_ptr<ca::KeyToken>> OpenConfiguredToken(const Config& config) {
  auto token = pkcs11::OpenConfiguredToken(config);
  if (!token) return Fail(token.error().With("[pkcs11]"));
  return std::shared_ptr<ca::KeyToken>(std::move(*token));
}

Status UseRootKey(DataDir& d, const fs::path& root_key_file, const Clock& clock) {
  SG_ASSIGN_OR_RETURN(ca::CaSet set, ca::LoadCaDirectory(d.dir, d.token.get()));
  SG_ASSIGN_OR_RETURN(set.root_key, ca::LoadRootKey(d.dir, set, root_key_file));
  SG_ASSIGN_OR_RETURN(auto registry, d.store->ListIssuers());
  d.crls.reset();
  SG_ASSIGN_OR_RETURN(d.cas, scep::CaState::Build(std::move(set), d.config, registry));
  d.crls = MakeCrlPublisher(d, clock);
  return {};
}

Result<std::unique_ptr<DataDir>> OpenDataDir(const fs::path& dir, const Clock& clock,
                                             const store::SqliteOptions& store) {
  auto d = std::make_unique<DataDir>();
  d->dir = dir;
  auto config = LoadConfig(ConfigPath(dir));
  if (!config) {
    if (config.error().code == ErrorCode::kNotFound)
      return Fail(Error::NotFound(dir.string() +
                                  " is not a scepgate data dir (run `scepgate init --dir " +
                                  dir.string() + "` first)"));
    return Fail(config.error());
  }
  d->config = std::move(*config);
  SG_TRY_STATUS(LoadProviders(d->config.legacy_algorithms));
  SG_ASSIGN_OR_RETURN(d->token, OpenConfiguredToken(d->config));
  SG_ASSIGN_OR_RETURN(d->store, OpenStore(dir, d->config, store));
  SG_ASSIGN_OR_RETURN(ca::CaSet set, ca::LoadCaDirectory(dir, d->token.get()));
  SG_ASSIGN_OR_RETURN(auto registry, d->store->ListIssuers());
  SG_ASSIGN_OR_RETURN(d->cas, scep::CaState::Build(std::move(set), d->config, registry));
  auto keys = policy::LoadSealKeys(SealKeyPath(dir, d->config));
  if (keys) d->seal_keys = std::move(*keys);
  if (!keys &&
      (keys.error().code != ErrorCode::kNotFound || d->config.challenge_format == "sealed"))
    return Fail(keys.error().With("seal key file"));
  d->crls = MakeCrlPublisher(*d, clock);
  return d;
}

scep::RaRenewalOptions RaRenewalOptionsOf(const DataDir& data) {
  scep::RaRenewalOptions o;
  o.node = scep::NodeName(data.dir);
  o.renew_before_seconds = int64_t{data.config.ra_renew_days} * 86400;
  // A node reports every issuer_poll_seconds: six missed reports and it counts as stopped.
  o.live_seconds = std::max<int64_t>(60, int64_t{6} * data.config.issuer_poll_seconds);
  return o;
}

}  // namespace scepgate::app
