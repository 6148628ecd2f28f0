// scepgate.toml: every setting, its default, and the file `scepgate init` writes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/error.h"

namespace scepgate {

struct TemplateConfig {
  std::string purpose;            // "signature" | "encryption" | "general"
  std::vector<std::string> ekus;  // names or OIDs
  int validity_days = 365;
};

struct Config {
  // [server]
  std::string listen = "127.0.0.1:8080";
  int threads = 0;  // 0 = one per core (SQLite), four per core (PostgreSQL): WorkerThreads()
  std::vector<std::string> scep_paths = {"/scep", "/certsrv/mscep/mscep.dll",
                                         "/certsrv/mscep/mscep.dll/pkiclient.exe",
                                         "/cgi-bin/pkiclient.exe"};
  size_t max_request_line = 65536;           // longer: 414
  size_t max_header_bytes = 16384;           // header fields together, after the request line: 431
  size_t max_body = 1024 * 1024;             // REST API bodies (read only once the token is known)
  size_t max_scep_body = 128 * 1024;         // POST PKIOperation bodies
  int max_json_depth = 32;                   // nesting of a REST API JSON body
  size_t max_connections = 1024;             // open at once (lowered to fit the descriptor limit)
  size_t max_connections_per_address = 128;  // from one remote address; 0 = no cap
  int read_timeout_seconds = 30;             // to receive a whole request, and idle keep-alive
  // Reverse proxies (addresses or CIDR networks) whose X-Forwarded-For names the client: the
  // address then recorded for a request, and exempt from max_connections_per_address.
  std::vector<std::string> trusted_proxies;
  std::string crl_path =
      "/crl";  // CRLs served as <crl_path>/<issuer>.crl and <crl_path>/current.crl
  // TLS on the public listener (relative to the data dir): both set, or neither (plain HTTP, as
  // behind a TLS-terminating proxy).
  std::string tls_cert;
  std::string tls_key;

  // [admin]: the listener of the REST API, apart from the public one
  std::string admin_listen = "127.0.0.1:8443";   // "" = no admin listener (and no REST API)
  bool admin_tls = true;                         // false: plain HTTP (loopback only, say)
  std::string admin_tls_cert = "admin/tls.crt";  // relative to the data dir; init issues it
  std::string admin_tls_key = "admin/tls.key";
  std::string admin_client_ca;              // PEM CAs of client certificates; "" = none accepted
  bool admin_client_cert_required = false;  // then a client without one fails the handshake
  // Client certificates that act with a role when no bearer token is given: "ROLE:SUBJECT"
  // (admin, operator or auditor; the subject as scepgate prints it, e.g. "CN=alice,O=Example").
  std::vector<std::string> admin_client_roles;

  // [metrics]
  // A plain-HTTP listener serving /metrics alone without a token, for a Prometheus on the same
  // host or network: "" = none (the admin listener's /metrics, for auditors, is always there).
  std::string metrics_listen;

  // [store]
  std::string store_backend = "sqlite";  // "sqlite" (scepgate.db in the data dir) | "postgres"
  // PostgreSQL connection: a libpq URI or key=value string without the password; libpq's
  // environment (PGHOST, PGPASSFILE, ...) fills what it leaves out.
  std::string store_dsn;
  // A file (relative to the data dir, mode 0600) holding the database password; "" = none.
  std::string store_password_file;
  int store_pool_size = 0;  // connections per process; 0 = the server's threads + 2

  // [scep]
  std::string challenge;         // static challenge; empty = none (one-time challenges only)
  bool open_enrollment = false;  // lab only: a first enrollment with no challenge at all is let in
  bool legacy_algorithms = false;  // accept single DES (loads OpenSSL's legacy provider)
  bool include_root = true;        // GetCACert also returns the root
  bool renewal_requires_challenge = false;
  bool revoke_superseded = false;       // revoke (superseded) the certificate a renewal replaces
  size_t max_transaction_id = 128;      // longer transactionIDs (or with control characters): 400
  int signer_clock_skew_seconds = 300;  // a first enrollment's self-signed signer: valid now +/-

  // [challenges]
  std::string challenge_format = "stored";  // "stored" (hashed in the store) | "sealed" (AEAD)
  int challenge_ttl_minutes = 60;           // default lifetime of a minted challenge
  std::string seal_key_file = "seal-keys";  // relative to the data dir; shared with the gateways

  // [mgmt]
  bool revoke_on_unassign = false;  // devices a profile stops targeting lose its certificates

  // [api]
  int token_default_expiry_days = 0;  // lifetime of a token created without one; 0 = never

  // [webhooks]
  std::vector<std::string> webhook_urls;  // each event is POSTed to every one
  std::string webhook_secret;             // HMAC-SHA256 key of X-Scepgate-Signature
  int webhook_timeout_seconds = 5;
  int webhook_max_attempts = 10;
  int webhook_backoff_seconds = 5;  // doubles after each failure
  int webhook_max_backoff_seconds = 3600;
  int webhook_poll_ms = 1000;  // how often the outbox is looked at
  // How long a delivery worker holds an event it took; another worker (process or node) may take
  // it once this runs out. 0: timeout_seconds x the number of URLs, plus 30 s.
  int webhook_lease_seconds = 0;
  int event_retention_days = 30;  // then an event leaves the outbox, delivered or not; 0 = never

  // [ca]
  int backdate_minutes = 5;
  std::string crl_base_url;  // e.g. "http://pki.example.com/crl" -> CDP <base>/<issuer>.crl
  std::string aia_url;       // caIssuers URL put in issued certificates
  std::string ocsp_url;      // AIA OCSP URL put in issued certificates (this gateway's /ocsp)
  int crl_validity_hours = 168;
  int crl_refresh_hours = 24;       // re-sign when the current CRL is older than this
  int root_crl_validity_days = 30;  // nextUpdate of the root's CRL (revoked issuing CAs)
  int root_crl_refresh_days = 7;    // re-signed where the root key is when older than this
  int expiry_warning_days = 30;     // warn (log, ca.expiring event, /healthz) this long before a
                                    // CA or RA certificate expires
  // Renew the RA certificate (same key, scep/ra_renewal.h) this long before it ends (at most
  // half its lifetime); 0: only `scepgate ca renew-ra`.
  int ra_renew_days = 60;

  // [ocsp]
  int ocsp_validity_minutes = 60;  // nextUpdate - thisUpdate of each answer
  int ocsp_cache_seconds = 60;     // HTTP max-age of an answer (never past its nextUpdate)
  int ocsp_responder_hours = 168;  // lifetime of a delegated responder certificate
  bool ocsp_sign_with_ca = false;  // sign with the issuing CA itself, not a delegated one
  // [pkcs11]: CA keys in a token (a key the CA directory names by a .p11 file)
  std::string pkcs11_uri;       // token (and object= label prefix) new keys are made in
  std::string pkcs11_module;    // the PKCS#11 library
  std::string pkcs11_pin_file;  // the user PIN (file 0600/0400); else $SCEPGATE_PKCS11_PIN
  // How often `serve` reads the issuer registry: issuing CAs added or retired on other nodes,
  // and CRLs they ask this node to sign (option 2 of docs/high-availability.md).
  int issuer_poll_seconds = 10;

  // [templates.signature|encryption|general]
  TemplateConfig signature_template{"signature", {"clientAuth"}, 365};
  TemplateConfig encryption_template{"encryption", {"clientAuth"}, 365};
  TemplateConfig general_template{"general", {"clientAuth"}, 365};

  // [policy]
  int min_rsa_bits = 2048;
  int min_ec_bits = 256;
  int max_rsa_bits = 4096;
  int rsa_min_exponent = 65537;  // odd; every exponent must also be odd and below 2^256
  std::vector<std::string> ec_curves = {"P-256", "P-384", "P-521"};  // named curves accepted
  bool allow_wildcard_dns = false;     // then only "*" as the whole leftmost label
  int max_sans = 32;                   // subjectAltNames one request may ask for
  std::string validation_url;          // external validation webhook; empty = none
  std::string validation_secret;       // HMAC-SHA256 key of its X-Scepgate-Signature
  int validation_timeout_seconds = 5;  // no answer in time refuses the request

  // [log]
  // [intune] Intune mode (docs/intune.md): Intune's challenges validated by Intune, outcomes
  // notified to it, its revocation requests carried out.
  bool intune_enabled = false;
  std::string intune_tenant;     // Entra ID tenant: a GUID or contoso.onmicrosoft.com
  std::string intune_client_id;  // the app registration's application (client) ID
  std::string intune_client_secret_file = "intune-client-secret";  // relative to the data dir
  // Or a certificate of the app registration and its RSA key (PEM; the key 0600): when set, the
  // secret file is not read.
  std::string intune_client_certificate_file;
  std::string intune_client_key_file;
  std::string intune_provider = "scepgate";  // callerInfo and UserAgent (the version appended)
  std::string intune_login_url = "https://login.microsoftonline.com/";
  std::string intune_graph_url = "https://graph.microsoft.com/";
  std::string intune_resource = "https://api.manage.microsoft.com/";
  std::string intune_ca_file;  // PEM bundle trusted for Intune's HTTPS; "" = the system's
  int intune_timeout_seconds = 30;
  std::string intune_profile;  // template of Intune-validated certificates; "" = by key usage
  int intune_notify_max_attempts = 20;
  // The answer to a device waits until Intune took the success notification (at most
  // intune_notification_wait_seconds; the certificate is returned either way).
  bool intune_wait_for_success_notification = false;
  int intune_notification_wait_seconds = 10;
  int intune_revocation_poll_seconds = 300;  // 0 = no polling
  std::string intune_revocation_reason = "cessationOfOperation";

  std::string log_level = "info";
  bool log_json = false;
};

// Reads a scepgate.toml. Missing keys keep their defaults. Returns kNotFound when the file is
// missing, kInvalidArgument naming the key (and line) for a syntax error, an unknown key or a
// value of the wrong type or range.
Result<Config> LoadConfig(const std::filesystem::path& file);

// The text of a new scepgate.toml: every setting with its default, commented, and the given
// static challenge set (empty: left commented out).
std::string DefaultConfigText(std::string_view challenge);

}  // namespace scepgate
