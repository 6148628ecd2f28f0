// A scepgate data directory: scepgate.toml, scepgate.db (SQLite, unless [store] names a
// PostgreSQL database) and ca/. Creating one and
// opening one wires the concrete parts together (the store backend is chosen here).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ca/key_token.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/random.h"
#include "mgmt/challenges.h"
#include "policy/sealed_challenge.h"
#include "scep/ca_state.h"
#include "scep/crl_publisher.h"
#include "scep/ra_renewal.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace scepgate::app {

struct InitOptions {
  std::filesystem::path dir;
  std::string name = "scepgate";
  std::string key = "rsa:2048";
  std::string challenge;
  std::filesystem::path import_cert;
  std::filesystem::path import_key;
  std::filesystem::path offline_root;  // set: the root key goes there, not into DIR/ca
  std::string crl_base_url;  // [ca] crl_base_url; the issuing CA names the root's CRL there
  // --pkcs11: keys made in this token (URI; object= is the label prefix), the module and the
  // PIN file (else $SCEPGATE_PKCS11_PIN) written to [pkcs11].
  std::string pkcs11_uri;
  std::string pkcs11_module;
  std::string pkcs11_pin_file;
  // Names of the admin listener's TLS certificate (apps/admin_cert.h); empty: the defaults.
  std::vector<std::string> admin_names;
  bool force = false;
};

// Creates the CA hierarchy, the database (migrated) and a commented scepgate.toml. Returns
// kAlreadyExists when DIR already holds a scepgate data dir and `force` is false,
// kInvalidArgument for a bad key spec or import, what ca::CheckOfflineRootKeyPath returns for
// `offline_root` (checked before `force` removes anything), what pkcs11::OpenTokenKeys returns
// for --pkcs11 (checked first too), kIo / kCrypto / kDatabase otherwise.
Status InitDataDir(const InitOptions& options, const Clock& clock, Random& random);

// An opened data dir. Members are thread-safe as their own classes say.
struct DataDir {
  std::filesystem::path dir;
  Config config;
  // The [pkcs11] token; null when the keys are files. Declared first among the parts that use
  // it, so that it goes last.
  std::shared_ptr<ca::KeyToken> token;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<scep::CaState> cas;
  std::unique_ptr<scep::CrlPublisher> crls;
  std::vector<policy::SealKey> seal_keys;  // current first; empty when the file is missing
};

// The token a data dir's [pkcs11] section names, opened and logged in; null when it names none.
// Returns what pkcs11::OpenConfiguredToken returns (kPermissionDenied for a wrong PIN, kNotFound
// for a missing token or module), prefixed with "[pkcs11]".
Result<std::shared_ptr<ca::KeyToken>> OpenConfiguredToken(const Config& config);

// Loads config, opens the store and the CA. Loads OpenSSL's legacy provider when the config asks.
// `store` tunes the SQLite store (the server checkpoints in the background).
// Returns kNotFound when DIR is not a data dir (with a hint to run init), or the first error.
Result<std::unique_ptr<DataDir>> OpenDataDir(const std::filesystem::path& dir, const Clock& clock,
                                             const store::SqliteOptions& store = {});

// Rebuilds d.cas and d.crls with the root key from `root_key_file` (an offline root), so that
// the root's CRL can be signed. What ca::LoadRootKey returns (kInvalidArgument when the file is
// not the root's key), kDatabase.
Status UseRootKey(DataDir& d, const std::filesystem::path& root_key_file, const Clock& clock);

// Records this node's issuing CAs in the store's issuer registry, so that the other nodes of a
// deployment with several issuing CAs know them: the current one active, archived ones inactive
// (an archived one still registered active is retired, since its node has moved on). What is
// registered already is kept. kDatabase / kUnavailable from the store. Thread-safe.
Status RegisterOwnIssuers(store::Store& store, const scep::CaState& cas, int64_t now);

std::filesystem::path ConfigPath(const std::filesystem::path& dir);
std::filesystem::path DatabasePath(const std::filesystem::path& dir);
// The seal key file named by the config (relative to the data dir unless absolute).
std::filesystem::path SealKeyPath(const std::filesystem::path& dir, const Config& config);

// The server's worker threads: [server] threads, or when 0 one per core on SQLite and four per
// core on PostgreSQL, where a worker spends part of each request waiting for the database server.
int WorkerThreads(const Config& config);

// The PostgreSQL connection settings of a config with backend "postgres": the DSN, the password
// from store.password_file, the pool size (store.pool_size, or WorkerThreads() + 2). Errors as
// OpenStore's before it connects.
Result<store::PostgresOptions> PostgresOptionsOf(const std::filesystem::path& dir,
                                                 const Config& config);

// The store the config names: SQLite (scepgate.db in DIR, tuned by `sqlite`) or PostgreSQL
// (store.dsn, with the password from store.password_file, which must be mode 0600). Returns
// kInvalidArgument for a DSN that holds a password or does not parse, kFailedPrecondition for a
// readable password file or a database of a newer schema, kUnavailable when the server cannot be
// reached, the store's own errors otherwise.
Result<std::unique_ptr<store::Store>> OpenStore(const std::filesystem::path& dir,
                                                const Config& config,
                                                const store::SqliteOptions& sqlite = {});

// Thumbprints of the current issuing CA and the root above it: the CAs a profile may trust.
std::vector<std::string> CaChain(const scep::CaState& cas);
// The thumbprint a new profile trusts by default: the root CA, or the issuing CA without one.
std::string DefaultTrustedCa(const scep::CaState& cas);
// How challenges are minted here: the config's format, the current seal key, the CA chain.
mgmt::ChallengeSettings ChallengeSettingsOf(const DataDir& data);

// The RA renewal settings of the data dir `data` ([ca] ra_renew_days, issuer_poll_seconds) and its
// node name. Thread-safe.
scep::RaRenewalOptions RaRenewalOptionsOf(const DataDir& data);

}  // namespace scepgate::app
