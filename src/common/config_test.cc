#include "common/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "common/files.h"

namespace scepgate {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("sg_cfg_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  Result<Config> Load(std::string_view text) {
    auto p = dir_ / "scepgate.toml";
    EXPECT_TRUE(WriteFile(p, text));
    return LoadConfig(p);
  }
  std::filesystem::path dir_;
};

TEST_F(ConfigTest, DefaultTextParsesToDefaults) {
  auto c = Load(DefaultConfigText(""));
  ASSERT_TRUE(c) << c.error().message;
  Config d;
  EXPECT_EQ(c->listen, d.listen);
  EXPECT_EQ(c->scep_paths, d.scep_paths);
  EXPECT_EQ(c->max_request_line, d.max_request_line);
  EXPECT_EQ(c->max_body, d.max_body);
  EXPECT_EQ(c->challenge, "");
  EXPECT_EQ(c->min_rsa_bits, 2048);
  EXPECT_EQ(c->general_template.ekus, std::vector<std::string>{"clientAuth"});
  EXPECT_EQ(c->event_retention_days, 30);
  EXPECT_EQ(c->token_default_expiry_days, 0);
}

TEST_F(ConfigTest, TokenDefaultExpiryIsReadAndBounded) {
  EXPECT_EQ(Load("[api]\ntoken_default_expiry_days = 90\n")->token_default_expiry_days, 90);
  EXPECT_EQ(Load("[api]\ntoken_default_expiry_days = 0\n")->token_default_expiry_days, 0);
  auto negative = Load("[api]\ntoken_default_expiry_days = -1\n");
  ASSERT_FALSE(negative);
  EXPECT_NE(negative.error().message.find("api.token_default_expiry_days"), std::string::npos);
  EXPECT_FALSE(Load("[api]\ntoken_default_expiry_days = 36501\n"));
  EXPECT_FALSE(Load("[api]\ntoken_default_expiry_day = 1\n"));
}

TEST_F(ConfigTest, ExpiryWarningAndPkcs11AreRead) {
  EXPECT_EQ(Load(DefaultConfigText(""))->expiry_warning_days, 30);
  EXPECT_EQ(Load("[ca]\nexpiry_warning_days = 90\n")->expiry_warning_days, 90);
  EXPECT_FALSE(Load("[ca]\nexpiry_warning_days = 0\n"));
  auto p11 = Load("[pkcs11]\nuri = \"pkcs11:token=t\"\nmodule = \"/m.so\"\npin_file = \"/p\"\n");
  ASSERT_TRUE(p11) << p11.error().message;
  EXPECT_EQ(p11->pkcs11_uri, "pkcs11:token=t");
  EXPECT_EQ(p11->pkcs11_module, "/m.so");
  EXPECT_EQ(p11->pkcs11_pin_file, "/p");
  EXPECT_FALSE(Load("[pkcs11]\npin = \"1234\"\n"));
}

TEST_F(ConfigTest, TheAdminListenerIsTlsOnLoopbackByDefaultAndItsSettingsAreChecked) {
  auto d = Load(DefaultConfigText(""));
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->admin_listen, "127.0.0.1:8443");
  EXPECT_TRUE(d->admin_tls);
  EXPECT_EQ(d->admin_tls_cert, "admin/tls.crt");
  EXPECT_EQ(d->admin_tls_key, "admin/tls.key");
  EXPECT_EQ(d->admin_client_ca, "");
  EXPECT_EQ(d->tls_cert, "");
  auto set = Load(
      "[admin]\nlisten = \"10.0.0.5:9443\"\nclient_ca = \"ca/root.crt\"\n"
      "client_cert_required = true\n[server]\ntls_cert = \"p.crt\"\ntls_key = \"p.key\"\n");
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->admin_listen, "10.0.0.5:9443");
  EXPECT_TRUE(set->admin_client_cert_required);
  EXPECT_EQ(set->tls_key, "p.key");
  EXPECT_EQ(Load("[admin]\nlisten = \"\"\n")->admin_listen, "");
  EXPECT_FALSE(Load("[admin]\ntls_cert = \"\"\n"));                     // TLS without a cert
  EXPECT_FALSE(Load("[admin]\nclient_cert_required = true\n"));         // without client_ca
  EXPECT_FALSE(Load("[admin]\ntls = false\nclient_ca = \"r.crt\"\n"));  // no TLS, no certs
  EXPECT_FALSE(Load("[server]\ntls_cert = \"p.crt\"\n"));               // without its key
  EXPECT_FALSE(Load("[admin]\nport = 1\n"));
  auto roles = Load(
      "[admin]\nclient_ca = \"r.crt\"\nclient_roles = [\"admin:CN=alice,O=Example\", "
      "\"auditor:CN=prometheus\"]\n");
  ASSERT_TRUE(roles) << roles.error().message;
  EXPECT_EQ(roles->admin_client_roles.size(), 2u);
  EXPECT_FALSE(Load("[admin]\nclient_ca = \"r.crt\"\nclient_roles = [\"root:CN=x\"]\n"));
  EXPECT_FALSE(Load("[admin]\nclient_ca = \"r.crt\"\nclient_roles = [\"admin\"]\n"));
  EXPECT_FALSE(Load("[admin]\nclient_roles = [\"admin:CN=x\"]\n"));  // without client_ca
  EXPECT_EQ(d->metrics_listen, "");
  EXPECT_EQ(Load("[metrics]\nlisten = \"127.0.0.1:9810\"\n")->metrics_listen, "127.0.0.1:9810");
  EXPECT_FALSE(Load("[metrics]\npath = \"/m\"\n"));
}

TEST_F(ConfigTest, StoreBackendIsSqliteUnlessAPostgresDsnIsGiven) {
  auto defaults = Load(DefaultConfigText(""));
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->store_backend, "sqlite");
  EXPECT_EQ(defaults->store_dsn, "");
  auto pg = Load(
      "[store]\nbackend = \"postgres\"\ndsn = \"postgresql://sg@127.0.0.1:5432/sg\"\n"
      "password_file = \"db-password\"\npool_size = 12\n");
  ASSERT_TRUE(pg) << pg.error().message;
  EXPECT_EQ(pg->store_backend, "postgres");
  EXPECT_EQ(pg->store_dsn, "postgresql://sg@127.0.0.1:5432/sg");
  EXPECT_EQ(pg->store_password_file, "db-password");
  EXPECT_EQ(pg->store_pool_size, 12);
  auto no_dsn = Load("[store]\nbackend = \"postgres\"\n");
  ASSERT_FALSE(no_dsn);
  EXPECT_NE(no_dsn.error().message.find("store.dsn"), std::string::npos);
  auto other = Load("[store]\nbackend = \"mysql\"\n");
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("must be sqlite or postgres"), std::string::npos);
  EXPECT_FALSE(Load("[store]\npool_size = -1\n"));
  EXPECT_FALSE(Load("[store]\nhost = \"db\"\n"));
}

TEST_F(ConfigTest, EventRetentionIsReadAndBounded) {
  auto keep = Load("[webhooks]\nretention_days = 0\n");
  ASSERT_TRUE(keep) << keep.error().message;
  EXPECT_EQ(keep->event_retention_days, 0);
  EXPECT_EQ(Load("[webhooks]\nretention_days = 7\n")->event_retention_days, 7);
  EXPECT_FALSE(Load("[webhooks]\nretention_days = -1\n"));
}

TEST_F(ConfigTest, ChallengeWithQuotesRoundTrips) {
  std::string secret = R"(a"b\c d)";
  auto c = Load(DefaultConfigText(secret));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->challenge, secret);
}

TEST_F(ConfigTest, RejectsUnknownKeysWrongTypesAndRanges) {
  auto unknown = Load("[server]\nlisen = \"x\"\n");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("server.lisen"), std::string::npos);
  EXPECT_FALSE(Load("[nope]\n"));
  EXPECT_FALSE(Load("[server]\nthreads = \"four\"\n"));
  EXPECT_FALSE(Load("[policy]\nmin_rsa_bits = 512\n"));
  EXPECT_FALSE(Load("[templates.general]\npurpose = \"other\"\n"));
  auto syntax = Load("[server\n");
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(ConfigTest, KeyNameAndSignerLimitsHaveSafeDefaultsAndAreChecked) {
  auto d = Load(DefaultConfigText(""));
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->max_rsa_bits, 4096);
  EXPECT_EQ(d->rsa_min_exponent, 65537);
  EXPECT_EQ(d->ec_curves, (std::vector<std::string>{"P-256", "P-384", "P-521"}));
  EXPECT_FALSE(d->allow_wildcard_dns);
  EXPECT_EQ(d->max_sans, 32);
  EXPECT_EQ(d->signer_clock_skew_seconds, 300);
  auto c = Load(
      "[policy]\nmax_rsa_bits = 8192\nrsa_min_exponent = 3\nec_curves = [\"P-384\", "
      "\"secp256k1\"]\nallow_wildcard_dns = true\nmax_sans = 100\n"
      "[scep]\nsigner_clock_skew_seconds = 0\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->max_rsa_bits, 8192);
  EXPECT_EQ(c->rsa_min_exponent, 3);
  EXPECT_EQ(c->ec_curves, (std::vector<std::string>{"P-384", "secp256k1"}));
  EXPECT_TRUE(c->allow_wildcard_dns);
  EXPECT_EQ(c->max_sans, 100);
  EXPECT_EQ(c->signer_clock_skew_seconds, 0);
  for (const char* bad :
       {"[policy]\nmax_rsa_bits = 32768\n", "[policy]\nmax_rsa_bits = 2048\nmin_rsa_bits = 3072\n",
        "[policy]\nrsa_min_exponent = 65536\n", "[policy]\nrsa_min_exponent = 1\n",
        "[policy]\nec_curves = [\"P-999\"]\n", "[policy]\nmax_sans = 0\n",
        "[scep]\nsigner_clock_skew_seconds = -1\n"}) {
    auto r = Load(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

TEST_F(ConfigTest, IntuneModeIsOffByDefaultAndItsSettingsAreChecked) {
  auto d = Load(DefaultConfigText(""));
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_FALSE(d->intune_enabled);
  EXPECT_EQ(d->intune_login_url, "https://login.microsoftonline.com/");
  EXPECT_EQ(d->intune_resource, "https://api.manage.microsoft.com/");
  EXPECT_EQ(d->intune_revocation_poll_seconds, 300);
  EXPECT_EQ(d->intune_revocation_reason, "cessationOfOperation");
  EXPECT_EQ(d->intune_client_secret_file, "intune-client-secret");

  const std::string on =
      "[intune]\nenabled = true\ntenant = \"contoso.onmicrosoft.com\"\n"
      "client_id = \"5e4c1ad0-3f1b-4c6a-9d2e-7a8b9c0d1e2f\"\n";
  auto c = Load(on +
                "login_url = \"https://127.0.0.1:8443/login/\"\nprofile = \"intune\"\n"
                "revocation_poll_seconds = 0\n");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->intune_enabled);
  EXPECT_EQ(c->intune_tenant, "contoso.onmicrosoft.com");
  EXPECT_EQ(c->intune_login_url, "https://127.0.0.1:8443/login/");
  EXPECT_EQ(c->intune_profile, "intune");
  EXPECT_EQ(c->intune_revocation_poll_seconds, 0);

  auto error = [&](const std::string& text) {
    auto r = Load(text);
    return r ? std::string("accepted") : r.error().message;
  };
  EXPECT_NE(error("[intune]\nenabled = true\nclient_id = \"x\"\n").find("intune.tenant"),
            std::string::npos);
  EXPECT_NE(error("[intune]\nenabled = true\ntenant = \"t\"\n").find("intune.client_id"),
            std::string::npos);
  EXPECT_NE(error(on + "graph_url = \"https://graph.microsoft.com\"\n").find("intune.graph_url"),
            std::string::npos);
  EXPECT_NE(error(on + "login_url = \"ftp://x/\"\n").find("intune.login_url"), std::string::npos);
  EXPECT_NE(error(on + "client_secret = \"inline\"\n").find("client_secret"), std::string::npos);
  EXPECT_NE(error(on + "timeout_seconds = 0\n").find("intune.timeout_seconds"), std::string::npos);
  EXPECT_NE(error(on + "client_certificate_file = \"app.crt\"\n").find("intune.client_key_file"),
            std::string::npos);
  auto cert = Load(on + "client_certificate_file = \"app.crt\"\nclient_key_file = \"app.key\"\n");
  ASSERT_TRUE(cert) << cert.error().message;
  EXPECT_EQ(cert->intune_client_certificate_file, "app.crt");
  EXPECT_EQ(cert->intune_client_key_file, "app.key");
  // Off, an incomplete section is kept for later.
  EXPECT_TRUE(Load("[intune]\nenabled = false\ntenant = \"\"\n"));
}

TEST_F(ConfigTest, MissingFileIsNotFound) {
  EXPECT_EQ(LoadConfig(dir_ / "none.toml").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace scepgate
