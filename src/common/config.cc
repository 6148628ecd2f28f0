#include "common/config.h"

#include <toml++/toml.h>

#include "common/ip_networks.h"
#include "common/key_sanity.h"

#include <cstdint>
#include <set>
#include <sstream>

namespace scepgate {
namespace {

using KeySet = std::set<std::string, std::less<>>;

Error KeyError(std::string_view table, std::string_view key, std::string_view what) {
  std::string where =
      table.empty() ? std::string(key) : std::string(table) + "." + std::string(key);
  return Error::InvalidArgument("config: " + where + ": " + std::string(what));
}

// Reads one table, refusing keys it does not know. Thread-compatible; used once at start.
class TableReader {
 public:
  TableReader(const toml::table* t, std::string name) : t_(t), name_(std::move(name)) {}

  Status Str(std::string_view key, std::string& out) { return Get(key, out, "a string"); }
  Status Bool(std::string_view key, bool& out) { return Get(key, out, "true or false"); }
  Status Int(std::string_view key, int& out, int64_t lo, int64_t hi) {
    int64_t v = out;
    SG_TRY_STATUS(Get(key, v, "an integer"));
    if (v < lo || v > hi)
      return Fail(KeyError(name_, key,
                           "must be between " + std::to_string(lo) + " and " + std::to_string(hi)));
    out = static_cast<int>(v);
    return {};
  }
  Status Size(std::string_view key, size_t& out, int64_t lo, int64_t hi) {
    int v = static_cast<int>(out);
    SG_TRY_STATUS(Int(key, v, lo, hi));
    out = static_cast<size_t>(v);
    return {};
  }
  Status StrList(std::string_view key, std::vector<std::string>& out) {
    known_.emplace(key);
    if (t_ == nullptr) return {};
    const toml::node* n = t_->get(key);
    if (n == nullptr) return {};
    const toml::array* arr = n->as_array();
    if (arr == nullptr) return Fail(KeyError(name_, key, "must be a list of strings"));
    std::vector<std::string> v;
    for (const auto& el : *arr) {
      auto s = el.value<std::string>();
      if (!s) return Fail(KeyError(name_, key, "must be a list of strings"));
      v.push_back(*s);
    }
    out = std::move(v);
    return {};
  }
  // Returns kInvalidArgument for the first key that no accessor asked for.
  Status RejectUnknown() const {
    if (t_ == nullptr) return {};
    for (const auto& [k, v] : *t_) {
      if (!known_.contains(k.str()) && !v.is_table())
        return Fail(KeyError(name_, k.str(), "unknown setting"));
    }
    return {};
  }

 private:
  template <class T>
  Status Get(std::string_view key, T& out, std::string_view want) {
    known_.emplace(key);
    if (t_ == nullptr) return {};
    const toml::node* n = t_->get(key);
    if (n == nullptr) return {};
    auto v = n->value_exact<T>();
    if constexpr (std::is_same_v<T, int64_t>) v = n->value<int64_t>();
    if (!v) return Fail(KeyError(name_, key, "must be " + std::string(want)));
    out = *v;
    return {};
  }

  const toml::table* t_;
  std::string name_;
  KeySet known_;
};

const toml::table* Sub(const toml::table& root, std::string_view key) {
  const toml::node* n = root.get(key);
  return n ? n->as_table() : nullptr;
}

Status ReadTemplate(const toml::table* templates, std::string_view name, TemplateConfig& out) {
  const toml::table* t = templates ? Sub(*templates, name) : nullptr;
  TableReader r(t, "templates." + std::string(name));
  SG_TRY_STATUS(r.Str("purpose", out.purpose));
  SG_TRY_STATUS(r.StrList("ekus", out.ekus));
  SG_TRY_STATUS(r.Int("validity_days", out.validity_days, 1, 36500));
  if (out.purpose != "signature" && out.purpose != "encryption" && out.purpose != "general")
    return Fail(KeyError("templates." + std::string(name), "purpose",
                         "must be signature, encryption or general"));
  return r.RejectUnknown();
}

// [policy] max_rsa_bits, rsa_min_exponent, ec_curves, checked against each other.
Status ReadKeyLimits(TableReader& policy, Config& c) {
  SG_TRY_STATUS(policy.Int("max_rsa_bits", c.max_rsa_bits, 2048, kMaxRsaModulusBits));
  if (c.max_rsa_bits < c.min_rsa_bits)
    return Fail(KeyError("policy", "max_rsa_bits", "must not be below min_rsa_bits"));
  SG_TRY_STATUS(policy.Int("rsa_min_exponent", c.rsa_min_exponent, 3, INT32_MAX));
  if (c.rsa_min_exponent % 2 == 0)
    return Fail(KeyError("policy", "rsa_min_exponent", "must be odd"));
  SG_TRY_STATUS(policy.StrList("ec_curves", c.ec_curves));
  for (const std::string& curve : c.ec_curves) {
    if (CurveNidByName(curve) == NID_undef)
      return Fail(KeyError("policy", "ec_curves", "'" + curve + "' is not a named curve"));
  }
  return {};
}

// An [intune] base URL: http(s), ending in '/' (the tenant or a path is appended to it).
Status CheckBaseUrl(std::string_view key, const std::string& url) {
  if (!url.starts_with("https://") && !url.starts_with("http://"))
    return Fail(KeyError("intune", key, "'" + url + "' is not an http(s) URL"));
  if (!url.ends_with('/')) return Fail(KeyError("intune", key, "must end in '/'"));
  return {};
}

// [intune]; with enabled = true, the tenant and client id are required. The secret file and the
// revocation reason are checked where they are used (apps/serve_stack.cc).
Status ReadIntune(const toml::table* table, Config& c) {
  TableReader intune(table, "intune");
  SG_TRY_STATUS(intune.Bool("enabled", c.intune_enabled));
  SG_TRY_STATUS(intune.Str("tenant", c.intune_tenant));
  SG_TRY_STATUS(intune.Str("client_id", c.intune_client_id));
  SG_TRY_STATUS(intune.Str("client_secret_file", c.intune_client_secret_file));
  SG_TRY_STATUS(intune.Str("client_certificate_file", c.intune_client_certificate_file));
  SG_TRY_STATUS(intune.Str("client_key_file", c.intune_client_key_file));
  SG_TRY_STATUS(intune.Str("provider", c.intune_provider));
  SG_TRY_STATUS(intune.Str("login_url", c.intune_login_url));
  SG_TRY_STATUS(intune.Str("graph_url", c.intune_graph_url));
  SG_TRY_STATUS(intune.Str("resource", c.intune_resource));
  SG_TRY_STATUS(intune.Str("ca_file", c.intune_ca_file));
  SG_TRY_STATUS(intune.Int("timeout_seconds", c.intune_timeout_seconds, 1, 300));
  SG_TRY_STATUS(intune.Str("profile", c.intune_profile));
  SG_TRY_STATUS(intune.Int("notify_max_attempts", c.intune_notify_max_attempts, 1, 1000));
  SG_TRY_STATUS(
      intune.Bool("wait_for_success_notification", c.intune_wait_for_success_notification));
  SG_TRY_STATUS(intune.Int("notification_wait_seconds", c.intune_notification_wait_seconds, 1, 60));
  SG_TRY_STATUS(
      intune.Int("revocation_poll_seconds", c.intune_revocation_poll_seconds, 0, 7 * 86400));
  SG_TRY_STATUS(intune.Str("revocation_reason", c.intune_revocation_reason));
  SG_TRY_STATUS(intune.RejectUnknown());
  if (!c.intune_enabled) return {};
  if (c.intune_tenant.empty()) return Fail(KeyError("intune", "tenant", "is required"));
  if (c.intune_client_id.empty()) return Fail(KeyError("intune", "client_id", "is required"));
  if (c.intune_client_certificate_file.empty() != c.intune_client_key_file.empty())
    return Fail(KeyError("intune", "client_key_file",
                         "client_certificate_file and client_key_file go together"));
  if (c.intune_client_certificate_file.empty() && c.intune_client_secret_file.empty())
    return Fail(KeyError("intune", "client_secret_file",
                         "is required (or client_certificate_file and client_key_file)"));
  if (c.intune_provider.empty()) return Fail(KeyError("intune", "provider", "must not be empty"));
  SG_TRY_STATUS(CheckBaseUrl("login_url", c.intune_login_url));
  SG_TRY_STATUS(CheckBaseUrl("graph_url", c.intune_graph_url));
  return CheckBaseUrl("resource", c.intune_resource);
}

Status ReadAll(const toml::table& root, Config& c) {
  for (const auto& [k, v] : root) {
    static const KeySet kTables = {"server",   "store", "scep",    "challenges", "mgmt",   "api",
                                   "webhooks", "ca",    "ocsp",    "templates",  "policy", "log",
                                   "pkcs11",   "admin", "metrics", "intune"};
    if (!kTables.contains(k.str())) return Fail(KeyError("", k.str(), "unknown section"));
  }
  TableReader server(Sub(root, "server"), "server");
  SG_TRY_STATUS(server.Str("listen", c.listen));
  SG_TRY_STATUS(server.Int("threads", c.threads, 0, 256));
  SG_TRY_STATUS(server.StrList("scep_paths", c.scep_paths));
  SG_TRY_STATUS(server.Size("max_request_line", c.max_request_line, 4096, 1 << 20));
  SG_TRY_STATUS(server.Size("max_header_bytes", c.max_header_bytes, 1024, 60000));
  SG_TRY_STATUS(server.Size("max_body", c.max_body, 4096, 64 << 20));
  SG_TRY_STATUS(server.Size("max_scep_body", c.max_scep_body, 4096, 16 << 20));
  SG_TRY_STATUS(server.Int("max_json_depth", c.max_json_depth, 2, 1000));
  SG_TRY_STATUS(server.Size("max_connections", c.max_connections, 0, 1 << 20));
  SG_TRY_STATUS(
      server.Size("max_connections_per_address", c.max_connections_per_address, 0, 1 << 20));
  SG_TRY_STATUS(server.Int("read_timeout_seconds", c.read_timeout_seconds, 1, 3600));
  SG_TRY_STATUS(server.StrList("trusted_proxies", c.trusted_proxies));
  if (auto nets = IpNetworks::Parse(c.trusted_proxies); !nets)
    return Fail(Error::InvalidArgument("[server] trusted_proxies: " + nets.error().message));
  SG_TRY_STATUS(server.Str("crl_path", c.crl_path));
  SG_TRY_STATUS(server.Str("tls_cert", c.tls_cert));
  SG_TRY_STATUS(server.Str("tls_key", c.tls_key));
  SG_TRY_STATUS(server.RejectUnknown());
  if (c.tls_cert.empty() != c.tls_key.empty())
    return Fail(KeyError("server", "tls_cert", "tls_cert and tls_key go together"));

  TableReader admin(Sub(root, "admin"), "admin");
  SG_TRY_STATUS(admin.Str("listen", c.admin_listen));
  SG_TRY_STATUS(admin.Bool("tls", c.admin_tls));
  SG_TRY_STATUS(admin.Str("tls_cert", c.admin_tls_cert));
  SG_TRY_STATUS(admin.Str("tls_key", c.admin_tls_key));
  SG_TRY_STATUS(admin.Str("client_ca", c.admin_client_ca));
  SG_TRY_STATUS(admin.Bool("client_cert_required", c.admin_client_cert_required));
  SG_TRY_STATUS(admin.StrList("client_roles", c.admin_client_roles));
  SG_TRY_STATUS(admin.RejectUnknown());
  for (const std::string& entry : c.admin_client_roles) {
    static const KeySet kRoles = {"admin", "operator", "auditor"};
    auto colon = entry.find(':');
    if (colon == std::string::npos || colon + 1 == entry.size() ||
        !kRoles.contains(entry.substr(0, colon)))
      return Fail(KeyError("admin", "client_roles",
                           "'" + entry + "' is not ROLE:SUBJECT (admin, operator or auditor)"));
  }
  if (!c.admin_client_roles.empty() && c.admin_client_ca.empty())
    return Fail(KeyError("admin", "client_roles", "needs client_ca"));

  TableReader metrics(Sub(root, "metrics"), "metrics");
  SG_TRY_STATUS(metrics.Str("listen", c.metrics_listen));
  SG_TRY_STATUS(metrics.RejectUnknown());
  if (c.admin_tls && (c.admin_tls_cert.empty() || c.admin_tls_key.empty()))
    return Fail(KeyError("admin", "tls_cert", "tls = true needs tls_cert and tls_key"));
  if (c.admin_client_cert_required && c.admin_client_ca.empty())
    return Fail(KeyError("admin", "client_cert_required", "needs client_ca"));
  if (!c.admin_client_ca.empty() && !c.admin_tls)
    return Fail(KeyError("admin", "client_ca", "client certificates need tls = true"));

  TableReader store(Sub(root, "store"), "store");
  SG_TRY_STATUS(store.Str("backend", c.store_backend));
  SG_TRY_STATUS(store.Str("dsn", c.store_dsn));
  SG_TRY_STATUS(store.Str("password_file", c.store_password_file));
  SG_TRY_STATUS(store.Int("pool_size", c.store_pool_size, 0, 1024));
  SG_TRY_STATUS(store.RejectUnknown());
  if (c.store_backend != "sqlite" && c.store_backend != "postgres")
    return Fail(KeyError("store", "backend", "must be sqlite or postgres"));
  if (c.store_backend == "postgres" && c.store_dsn.empty())
    return Fail(
        KeyError("store", "dsn", "must name the PostgreSQL database when backend is postgres"));

  TableReader scep(Sub(root, "scep"), "scep");
  SG_TRY_STATUS(scep.Str("challenge", c.challenge));
  SG_TRY_STATUS(scep.Bool("legacy_algorithms", c.legacy_algorithms));
  SG_TRY_STATUS(scep.Bool("include_root", c.include_root));
  SG_TRY_STATUS(scep.Bool("open_enrollment", c.open_enrollment));
  SG_TRY_STATUS(scep.Bool("renewal_requires_challenge", c.renewal_requires_challenge));
  SG_TRY_STATUS(scep.Bool("revoke_superseded", c.revoke_superseded));
  SG_TRY_STATUS(scep.Size("max_transaction_id", c.max_transaction_id, 16, 4096));
  SG_TRY_STATUS(scep.Int("signer_clock_skew_seconds", c.signer_clock_skew_seconds, 0, 86400));
  SG_TRY_STATUS(scep.RejectUnknown());

  TableReader challenges(Sub(root, "challenges"), "challenges");
  SG_TRY_STATUS(challenges.Str("format", c.challenge_format));
  SG_TRY_STATUS(challenges.Int("ttl_minutes", c.challenge_ttl_minutes, 1, 60 * 24 * 30));
  SG_TRY_STATUS(challenges.Str("seal_key_file", c.seal_key_file));
  SG_TRY_STATUS(challenges.RejectUnknown());
  if (c.challenge_format != "stored" && c.challenge_format != "sealed")
    return Fail(KeyError("challenges", "format", "must be stored or sealed"));

  TableReader mgmt(Sub(root, "mgmt"), "mgmt");
  SG_TRY_STATUS(mgmt.Bool("revoke_on_unassign", c.revoke_on_unassign));
  SG_TRY_STATUS(mgmt.RejectUnknown());

  TableReader api(Sub(root, "api"), "api");
  SG_TRY_STATUS(api.Int("token_default_expiry_days", c.token_default_expiry_days, 0, 36500));
  SG_TRY_STATUS(api.RejectUnknown());

  TableReader hooks(Sub(root, "webhooks"), "webhooks");
  SG_TRY_STATUS(hooks.StrList("urls", c.webhook_urls));
  SG_TRY_STATUS(hooks.Str("secret", c.webhook_secret));
  SG_TRY_STATUS(hooks.Int("timeout_seconds", c.webhook_timeout_seconds, 1, 300));
  SG_TRY_STATUS(hooks.Int("max_attempts", c.webhook_max_attempts, 1, 1000));
  SG_TRY_STATUS(hooks.Int("backoff_seconds", c.webhook_backoff_seconds, 1, 86400));
  SG_TRY_STATUS(hooks.Int("max_backoff_seconds", c.webhook_max_backoff_seconds, 1, 7 * 86400));
  SG_TRY_STATUS(hooks.Int("poll_ms", c.webhook_poll_ms, 50, 60000));
  SG_TRY_STATUS(hooks.Int("lease_seconds", c.webhook_lease_seconds, 0, 86400));
  SG_TRY_STATUS(hooks.Int("retention_days", c.event_retention_days, 0, 36500));
  SG_TRY_STATUS(hooks.RejectUnknown());
  for (const std::string& url : c.webhook_urls) {
    if (!url.starts_with("http://") && !url.starts_with("https://"))
      return Fail(KeyError("webhooks", "urls", "'" + url + "' is not an http(s) URL"));
  }

  TableReader ca(Sub(root, "ca"), "ca");
  SG_TRY_STATUS(ca.Int("backdate_minutes", c.backdate_minutes, 0, 1440));
  SG_TRY_STATUS(ca.Str("crl_base_url", c.crl_base_url));
  SG_TRY_STATUS(ca.Str("aia_url", c.aia_url));
  SG_TRY_STATUS(ca.Str("ocsp_url", c.ocsp_url));
  SG_TRY_STATUS(ca.Int("crl_validity_hours", c.crl_validity_hours, 1, 24 * 365));
  SG_TRY_STATUS(ca.Int("crl_refresh_hours", c.crl_refresh_hours, 1, 24 * 365));
  SG_TRY_STATUS(ca.Int("root_crl_validity_days", c.root_crl_validity_days, 2, 3650));
  SG_TRY_STATUS(ca.Int("root_crl_refresh_days", c.root_crl_refresh_days, 1, 3650));
  SG_TRY_STATUS(ca.Int("issuer_poll_seconds", c.issuer_poll_seconds, 1, 3600));
  SG_TRY_STATUS(ca.Int("expiry_warning_days", c.expiry_warning_days, 1, 3650));
  SG_TRY_STATUS(ca.Int("ra_renew_days", c.ra_renew_days, 0, 3650));
  SG_TRY_STATUS(ca.RejectUnknown());
  if (c.crl_refresh_hours >= c.crl_validity_hours)
    return Fail(KeyError("ca", "crl_refresh_hours", "must be less than crl_validity_hours"));
  if (c.root_crl_refresh_days >= c.root_crl_validity_days)
    return Fail(
        KeyError("ca", "root_crl_refresh_days", "must be less than root_crl_validity_days"));

  TableReader ocsp(Sub(root, "ocsp"), "ocsp");
  SG_TRY_STATUS(ocsp.Int("validity_minutes", c.ocsp_validity_minutes, 1, 7 * 24 * 60));
  SG_TRY_STATUS(ocsp.Int("cache_seconds", c.ocsp_cache_seconds, 0, 7 * 24 * 3600));
  SG_TRY_STATUS(ocsp.Int("responder_hours", c.ocsp_responder_hours, 2, 24 * 365));
  SG_TRY_STATUS(ocsp.Bool("sign_with_ca", c.ocsp_sign_with_ca));
  SG_TRY_STATUS(ocsp.RejectUnknown());

  TableReader pkcs11(Sub(root, "pkcs11"), "pkcs11");
  SG_TRY_STATUS(pkcs11.Str("uri", c.pkcs11_uri));
  SG_TRY_STATUS(pkcs11.Str("module", c.pkcs11_module));
  SG_TRY_STATUS(pkcs11.Str("pin_file", c.pkcs11_pin_file));
  SG_TRY_STATUS(pkcs11.RejectUnknown());

  const toml::table* templates = Sub(root, "templates");
  SG_TRY_STATUS(ReadTemplate(templates, "signature", c.signature_template));
  SG_TRY_STATUS(ReadTemplate(templates, "encryption", c.encryption_template));
  SG_TRY_STATUS(ReadTemplate(templates, "general", c.general_template));

  TableReader policy(Sub(root, "policy"), "policy");
  SG_TRY_STATUS(policy.Int("min_rsa_bits", c.min_rsa_bits, 1024, 16384));
  SG_TRY_STATUS(policy.Int("min_ec_bits", c.min_ec_bits, 256, 521));
  SG_TRY_STATUS(ReadKeyLimits(policy, c));
  SG_TRY_STATUS(policy.Bool("allow_wildcard_dns", c.allow_wildcard_dns));
  SG_TRY_STATUS(policy.Int("max_sans", c.max_sans, 1, 4096));
  SG_TRY_STATUS(policy.Str("validation_url", c.validation_url));
  SG_TRY_STATUS(policy.Str("validation_secret", c.validation_secret));
  SG_TRY_STATUS(policy.Int("validation_timeout_seconds", c.validation_timeout_seconds, 1, 60));
  if (!c.validation_url.empty() && !c.validation_url.starts_with("http://") &&
      !c.validation_url.starts_with("https://"))
    return Fail(
        KeyError("policy", "validation_url", "'" + c.validation_url + "' is not an http(s) URL"));
  SG_TRY_STATUS(policy.RejectUnknown());

  SG_TRY_STATUS(ReadIntune(Sub(root, "intune"), c));

  TableReader log(Sub(root, "log"), "log");
  SG_TRY_STATUS(log.Str("level", c.log_level));
  SG_TRY_STATUS(log.Bool("json", c.log_json));
  return log.RejectUnknown();
}

}  // namespace

Result<Config> LoadConfig(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file))
    return Fail(Error::NotFound(file.string() + ": no such file"));
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << file.string() << ":" << e.source().begin.line << ": " << e.description();
    return Fail(Error::InvalidArgument(msg.str()));
  }
  Config c;
  auto st = ReadAll(root, c);
  if (!st) return Fail(st.error().With(file.string()));
  if (c.scep_paths.empty())
    return Fail(Error::InvalidArgument("config: server.scep_paths is empty"));
  return c;
}

std::string DefaultConfigText(std::string_view challenge) {
  std::string ch = "# challenge = \"\"";
  if (!challenge.empty()) {
    std::ostringstream q;
    q << toml::value<std::string>(std::string(challenge));
    ch = "challenge = " + q.str();
  }
  return R"(# scepgate configuration. Every setting is listed with its default.

[server]
# Address and port `scepgate serve` listens on (overridden by --listen).
listen = "127.0.0.1:8080"
# Worker threads; 0 = one per core on SQLite, four per core on PostgreSQL (a worker waits for
# the database server, and the others keep the cores busy meanwhile).
threads = 0
# URL paths that answer SCEP. Cisco appends /pkiclient.exe to whatever it is given.
scep_paths = ["/scep", "/certsrv/mscep/mscep.dll", "/certsrv/mscep/mscep.dll/pkiclient.exe", "/cgi-bin/pkiclient.exe"]
# Longest request line accepted (GET PKIOperation carries the whole message); longer gets 414.
max_request_line = 65536
# Largest size of the header fields together (after the request line); larger gets 431.
max_header_bytes = 16384
# Largest REST API body; larger gets 413. The token is checked before any body is read.
max_body = 1048576
# Largest POST PKIOperation body (a pkiMessage is a few KiB); larger gets 413.
max_scep_body = 131072
# Deepest nesting of a REST API JSON body; deeper gets 400.
max_json_depth = 32
# Connections open at once; more are turned away with 503. Lowered to fit the process's
# file-descriptor limit. 0 = that limit alone.
max_connections = 1024
# Connections open at once from one remote address (a trusted proxy below is exempt). 0 = no cap.
max_connections_per_address = 128
# Seconds to receive one whole request, and to wait for the next on a kept-alive connection.
read_timeout_seconds = 30
# Reverse proxies in front of this gateway (addresses or CIDR networks, e.g. ["10.0.0.5",
# "192.0.2.0/24"]). For a connection from one of them, the client address recorded is read from
# X-Forwarded-For (the nearest address that is not a trusted proxy). Empty = trust no header.
trusted_proxies = []
# CRLs are served as <crl_path>/<issuer-id>.crl, and the current issuing CA's as <crl_path>/current.crl.
crl_path = "/crl"
# TLS on this listener: a PEM certificate chain (leaf first) and its key (mode 0600), relative
# to the data dir. Unset: plain HTTP, for a TLS-terminating proxy in front (deploy/nginx). SCEP
# itself needs no TLS: its messages are signed and encrypted.
# tls_cert = "public/tls.crt"
# tls_key = "public/tls.key"

[admin]
# The REST API (/api/v1) is served only here, never on the public listener above. Keep it on
# loopback or a management network. "" = no admin listener.
listen = "127.0.0.1:8443"
# TLS 1.2 or later on the admin listener. `scepgate init` issues tls_cert from its own CA for the
# names given with --admin-name (default: localhost, 127.0.0.1, ::1 and the host name);
# `scepgate admin-cert` issues it again. Clients trust ca/root.crt.
tls = true
tls_cert = "admin/tls.crt"
tls_key = "admin/tls.key"
# PEM CAs whose client certificates the admin listener accepts (e.g. "ca/root.crt"); "" = none.
# client_ca = ""
# With client_ca: refuse (at the handshake) a client that presents no certificate.
client_cert_required = false
# Client certificates (under client_ca) that act with a role when a request has no bearer token:
# "ROLE:SUBJECT", ROLE admin, operator or auditor, SUBJECT as `scepgate cert show` prints it.
# The audit log names them cert:<thumbprint> (<subject>). One scepgate issued and has revoked is
# refused. Example: ["admin:CN=alice,O=Example", "auditor:CN=monitoring"]
client_roles = []

[metrics]
# A listener of its own for Prometheus: plain HTTP, GET /metrics only, no token (the admin
# listener's /metrics needs an auditor's). Keep it on loopback or a monitoring network.
# listen = "127.0.0.1:9810"

[store]
# Where scepgate keeps its records: "sqlite" (scepgate.db in the data dir; one machine) or
# "postgres" (one database shared by several gateway nodes, see docs/multi-node.md).
backend = "sqlite"
# The PostgreSQL database, as a libpq URI or key=value string, without the password:
#   dsn = "postgresql://scepgate@db.example.com:5432/scepgate?sslmode=verify-full"
# dsn = ""
# A file holding the database password (relative to the data dir, mode 0600); libpq's own
# password file (PGPASSFILE, ~/.pgpass) works too.
# password_file = "db-password"
# Database connections per process; 0 = the server's worker threads + 2.
pool_size = 0

[scep]
# Static challenge password accepted for a first enrollment (compared in constant time), as a
# single-secret NDES would. Empty or absent: none; first enrollments need a one-time challenge
# from `scepgate challenge issue`.
)" + ch + R"(
# Lab only: let a first enrollment that carries no challenge at all through.
open_enrollment = false
# Accept single DES (micromdm scepclient, old Cisco): loads OpenSSL's legacy provider.
legacy_algorithms = false
# GetCACert returns RA + issuing CA, and the root too when true.
include_root = true
# Renewal (a request signed by a certificate this CA issued) normally needs no challenge.
renewal_requires_challenge = false
# Revoke (reason superseded) the certificate a renewal replaces, once the new one is stored.
revoke_superseded = false
# Longest transactionID accepted (clients send a hash of the key: 32 to 64 characters). Longer
# ones, and any with control characters, get HTTP 400 and are recorded shortened.
max_transaction_id = 128
# A first enrollment is signed by a self-signed certificate over the key it asks to certify
# (RFC 8894 3.3.1); that certificate must be valid now, give or take this many seconds.
signer_clock_skew_seconds = 300

[challenges]
# How `scepgate challenge issue` mints one-time challenges: "stored" (random, kept hashed in the
# database) or "sealed" (the challenge carries its own claims, AEAD-sealed under the key file
# below, so a gateway checks it without the management tables; replays are still refused).
format = "stored"
# Default lifetime of a challenge (challenge issue --ttl overrides it).
ttl_minutes = 60
# Sealing keys, relative to the data dir; the first is current. Shared by every gateway.
seal_key_file = "seal-keys"

[mgmt]
# When an assignment is removed (or a profile deleted), revoke (cessationOfOperation) the
# certificates issued for that profile to devices it no longer targets. Retiring a device always
# revokes its certificates.
revoke_on_unassign = false

[api]
# Days a REST API token lives when `scepgate token create` gets no --expires-in (nor the API's
# POST /api/v1/tokens an "expires_in"); then it is refused as a revoked one is. 0 = never expires.
token_default_expiry_days = 0

[webhooks]
# Every event (certificate.issued, request.failed, certificate.revoked) is written to an outbox in
# the same transaction as what it reports, then POSTed as JSON to each URL, signed with
# X-Scepgate-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>.
# Failures are retried with exponential backoff; `scepgate events list` shows delivery state.
# With no URLs, events stay queued and are sent once a URL is set.
urls = []
secret = ""
timeout_seconds = 5
max_attempts = 10
backoff_seconds = 5
max_backoff_seconds = 3600
poll_ms = 1000
# The server deletes events older than this from the outbox, delivered or not (0: keep all).
retention_days = 30

[ca]
# notBefore of issued certificates is backdated by this many minutes (clock skew).
backdate_minutes = 5
# When set, issued certificates carry a CRL distribution point <crl_base_url>/<issuer-id>.crl.
crl_base_url = ""
# When set, issued certificates carry an AIA caIssuers URL.
aia_url = ""
# When set, issued certificates carry an AIA OCSP URL: this gateway's /ocsp as clients reach it,
# e.g. "http://pki.example.com/ocsp".
ocsp_url = ""
# nextUpdate of each CRL, and how often it is re-signed even without revocations.
crl_validity_hours = 168
crl_refresh_hours = 24
# The root's CRL (the issuing CAs revoked with `scepgate ca revoke-issuer`, none otherwise),
# served at /crl/root.crl: its nextUpdate, and how often a node holding the root key re-signs it.
# With the root key offline, `scepgate ca crl --root --root-key FILE` signs it (for these days).
root_crl_validity_days = 30
root_crl_refresh_days = 7
# How long before the RA, an issuing CA, an intermediate or the root expires that `serve` warns:
# a log line and a ca.expiring event once a day, "expiry: warning" in /healthz, and `scepgate ca
# status` (exit 1 with --check).
expiry_warning_days = 30
# How long before the RA certificate ends that `serve` renews it for the same key (at most half
# its lifetime before), on a node holding the current issuing CA's key. With several nodes the
# renewal is served once every running node has loaded it. 0: only `scepgate ca renew-ra`.
ra_renew_days = 60
# With several nodes on one database: how often this node looks for issuing CAs added or
# retired elsewhere, CRLs it is asked to sign, and a renewed RA certificate to load or serve.
issuer_poll_seconds = 10

[ocsp]
# The OCSP responder at /ocsp (RFC 6960, POST and GET), for every issuing CA this node holds.
# nextUpdate of each answer: how long a relying party may keep it.
validity_minutes = 60
# HTTP max-age of an answer (RFC 5019), never past its nextUpdate. A cache in front (or the
# relying party's) may serve a "good" answer this long after a revocation; 0: no HTTP caching.
cache_seconds = 60
# Answers are signed by a delegated responder certificate (id-kp-OCSPSigning, ocsp-nocheck) that
# each node issues itself from the CA, keeps in memory only, and renews at half its lifetime.
responder_hours = 168
# true: sign with the issuing CA's own key instead.
sign_with_ca = false

[pkcs11]
# CA keys in a PKCS#11 token (`scepgate init --pkcs11 URI`): the issuing CA, RA and, when online,
# root keys are made inside the token and never leave it; the data dir names each by a .p11
# file. The OCSP responder keys are then session objects of the token. Empty: keys are files.
# The token, and object= the label prefix of the keys scepgate makes, e.g.
# "pkcs11:token=scepgate;object=scepgate".
uri = ""
# The PKCS#11 library, e.g. "/usr/lib/softhsm/libsofthsm2.so".
module = ""
# A file (mode 0600 or 0400) holding the user PIN. Empty: the PIN is read from the environment
# variable SCEPGATE_PKCS11_PIN. The PIN is never taken from a command line.
pin_file = ""

# Templates by purpose, chosen from the key usage the request asks for (as NDES does):
# digitalSignature only -> signature; keyEncipherment only -> encryption; otherwise general.
[templates.signature]
purpose = "signature"
ekus = ["clientAuth"]
validity_days = 365

[templates.encryption]
purpose = "encryption"
ekus = ["clientAuth"]
validity_days = 365

[templates.general]
purpose = "general"
ekus = ["clientAuth"]
validity_days = 365

[policy]
# Smallest keys accepted in a request.
min_rsa_bits = 2048
min_ec_bits = 256
# Largest RSA key accepted (never above 16384, the ceiling checked before any signature).
max_rsa_bits = 4096
# Smallest RSA public exponent accepted; exponents must also be odd and below 2^256.
rsa_min_exponent = 65537
# Named EC curves accepted ("P-256" or OpenSSL's names); explicit curve parameters never are.
ec_curves = ["P-256", "P-384", "P-521"]
# DNS subjectAltNames with a wildcard: only "*" as the whole leftmost label, when true.
allow_wildcard_dns = false
# Most subjectAltNames one request may ask for.
max_sans = 32
# External validation (as Intune's validateRequest or step-ca's challenge webhook): when set, every
# request that passes the checks above is POSTed as JSON (transaction_id, csr PEM, challenge,
# device_id, user_upn, profile, renewal, subject, sans), signed as the webhooks are with
# validation_secret. The endpoint answers 200 {"allow": true} or {"allow": false, "reason": ...};
# anything else, or no answer within the timeout, refuses the request (ValidationDenied /
# ValidationUnavailable).
validation_url = ""
validation_secret = ""
validation_timeout_seconds = 5

[intune]
# Intune mode (docs/intune.md): scepgate as the certification authority behind Microsoft Intune's
# own SCEP profiles. A challenge that is not scepgate's own goes to Intune's validateRequest;
# Intune is notified of each outcome (through the outbox) and its revocation requests are
# carried out.
enabled = false
# The Entra ID tenant (a GUID or contoso.onmicrosoft.com) and the app registration's client ID.
tenant = ""
client_id = ""
# The client secret's value alone, in a file only its owner may read (0600), relative to the
# data dir.
client_secret_file = "intune-client-secret"
# Or a certificate uploaded to the app registration and its RSA key (PEM, the key 0600); when
# set, the secret file is not read.
client_certificate_file = ""
client_key_file = ""
# Sent to Intune as callerInfo and the UserAgent header, with scepgate's version appended.
provider = "scepgate"
# Overridable for national clouds and tests; each ends in '/'.
login_url = "https://login.microsoftonline.com/"
graph_url = "https://graph.microsoft.com/"
resource = "https://api.manage.microsoft.com/"
# PEM bundle trusted for these HTTPS calls; "" = the system's trust store.
ca_file = ""
timeout_seconds = 30
# The profile whose template (purpose, EKUs, validity) Intune-validated certificates get; "" =
# the template the CSR's key usage picks, as for a static challenge.
profile = ""
# A notification Intune has not taken after this many attempts is given up ("dead").
notify_max_attempts = 20
# Hold the answer to the device until Intune took the success notification, for at most
# notification_wait_seconds (then the certificate is returned anyway and the notification stays
# queued). Off: the device is answered at once and Intune hears within a second or so.
wait_for_success_notification = false
notification_wait_seconds = 10
# How often Intune's revocation requests are downloaded (one node at a time); 0 = never. The
# interface carries no reason: this one goes on the CRL.
revocation_poll_seconds = 300
revocation_reason = "cessationOfOperation"

[log]
# trace, debug, info, warn, error, critical, off
level = "info"
# One JSON object per line instead of plain text.
json = false
)";
}

}  // namespace scepgate
