// The certificate credential: the assertion's JWT, the checks of the certificate and key, and an
// IntuneClient proving itself with it to the stand-in over TLS.
#include "intune/client_assertion.h"

#include <openssl/evp.h>

#include "ca/key_spec.h"
#include "client/request_builder.h"
#include "intune/client_fixture.h"

namespace scepgate::intune {
namespace {

using nlohmann::json;

struct Credential {
  EvpPkeyPtr key;
  X509Ptr cert;
  std::string cert_pem;
  std::string key_pem;
};

Credential MakeCredential(const std::string& spec, const std::string& cn) {
  Credential c;
  c.key = std::move(*ca::GenerateKey(*ca::ParseKeySpec(spec)));
  c.cert = std::move(*client::MakeSelfSignedSigner(*c.key, cn));
  c.cert_pem = *CertToPem(*c.cert);
  c.key_pem = *KeyToPem(*c.key);
  return c;
}

// A JWT's part decoded as JSON.
json Part(const std::string& jwt, int index) {
  size_t begin = 0;
  for (int i = 0; i < index; ++i) begin = jwt.find('.', begin) + 1;
  size_t end = jwt.find('.', begin);
  return json::parse(AsString(*Base64Decode(jwt.substr(begin, end - begin))));
}

TEST(ClientAssertionTest, IsAnRs256JwtNamingTheCertificateAndTheApp) {
  Credential c = MakeCredential("rsa:2048", "scepgate intune");
  auto jwt = ClientAssertion(*c.cert, *c.key, "app-id", "https://login/t/oauth2/v2.0/token", 1000,
                             "jti-1");
  ASSERT_TRUE(jwt) << jwt.error().message;
  json header = Part(*jwt, 0);
  EXPECT_EQ(header["alg"], "RS256");
  EXPECT_EQ(header["typ"], "JWT");
  EXPECT_EQ(header["x5t"], Base64UrlEncode(*Digest("SHA1", *CertToDer(*c.cert))));
  EXPECT_EQ(header["x5t#S256"], Base64UrlEncode(*Digest("SHA256", *CertToDer(*c.cert))));
  json claims = Part(*jwt, 1);
  EXPECT_EQ(claims["aud"], "https://login/t/oauth2/v2.0/token");
  EXPECT_EQ(claims["iss"], "app-id");
  EXPECT_EQ(claims["sub"], "app-id");
  EXPECT_EQ(claims["jti"], "jti-1");
  EXPECT_EQ(claims["nbf"], 1000);
  EXPECT_EQ(claims["exp"], 1000 + kAssertionLifetimeSeconds);
  size_t last = jwt->rfind('.');
  std::string signed_part = jwt->substr(0, last);
  auto signature = Base64Decode(jwt->substr(last + 1));
  ASSERT_TRUE(signature);
  EXPECT_TRUE(VerifyData(*EVP_sha256(), *c.key, AsView(signed_part), *signature));
}

TEST(ClientAssertionTest, TheKeyMustBeTheCertificatesAndRsa) {
  Credential rsa = MakeCredential("rsa:2048", "a");
  Credential other = MakeCredential("rsa:2048", "b");
  Credential ec = MakeCredential("ec:p256", "c");
  EXPECT_TRUE(CheckClientCertificate(rsa.cert_pem, rsa.key_pem));
  auto mismatch = CheckClientCertificate(rsa.cert_pem, other.key_pem);
  ASSERT_FALSE(mismatch);
  EXPECT_NE(mismatch.error().message.find("not the certificate's"), std::string::npos);
  auto not_rsa = CheckClientCertificate(ec.cert_pem, ec.key_pem);
  ASSERT_FALSE(not_rsa);
  EXPECT_NE(not_rsa.error().message.find("RSA"), std::string::npos);
  EXPECT_FALSE(CheckClientCertificate("not pem", rsa.key_pem));
  auto bad_key = CheckClientCertificate(rsa.cert_pem, "not a key");
  ASSERT_FALSE(bad_key);
  EXPECT_EQ(bad_key.error().message.find("not a key"), std::string::npos);  // never quoted

  IntuneSettings s;
  s.tenant = "t";
  s.client_id = "id";
  s.client_certificate_pem = rsa.cert_pem;
  s.client_key_pem = rsa.key_pem;
  EXPECT_TRUE(CheckSettings(s));
  s.client_secret = "also a secret";
  EXPECT_FALSE(CheckSettings(s));  // one or the other
  s.client_secret.clear();
  s.client_key_pem = other.key_pem;
  EXPECT_FALSE(CheckSettings(s));
}

// The stand-in knows the app's certificate; the client proves itself with assertions.
class IntuneCertificateTest : public IntuneClientTest {
 protected:
  static void SetUpTestSuite() { app_ = new Credential(MakeCredential("rsa:2048", "scepgate")); }
  static void TearDownTestSuite() {
    delete app_;
    app_ = nullptr;
  }
  void Customize(testing::StandInOptions& options) override {
    options.client_certificate_pem = app_->cert_pem;
  }
  std::unique_ptr<IntuneClient> ClientWith(const Credential& credential) {
    IntuneSettings s;
    s.tenant = standin_->options().tenant;
    s.client_id = standin_->options().client_id;
    s.client_certificate_pem = credential.cert_pem;
    s.client_key_pem = credential.key_pem;
    s.login_base_url = standin_->login_base_url();
    s.graph_base_url = standin_->graph_base_url();
    s.ca_file = standin_->ca_file();
    s.timeout = std::chrono::seconds(5);
    auto made = IntuneClient::Make(s);
    EXPECT_TRUE(made) << made.error().message;
    return made ? std::move(*made) : nullptr;
  }
  static inline Credential* app_ = nullptr;
};

TEST_F(IntuneCertificateTest, TheAppsCertificateGetsTokensAndNoSecretIsSent) {
  auto client = ClientWith(*app_);
  ASSERT_TRUE(client);
  auto answer = client->Validate("t1", CsrWithChallenge("CN=device-1"));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_TRUE(answer->accepted());
  auto tokens = standin_->Calls(Endpoint::kToken);
  ASSERT_EQ(tokens.size(), 2u);
  for (const RecordedCall& call : tokens) {
    EXPECT_EQ(call.status, 200);
    EXPECT_NE(call.body.find("client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-"
                             "assertion-type%3Ajwt-bearer"),
              std::string::npos);
    EXPECT_NE(call.body.find("&client_assertion=ey"), std::string::npos);
    EXPECT_EQ(call.body.find("client_secret"), std::string::npos);
  }
}

TEST_F(IntuneCertificateTest, AnotherCertificateIsRefused) {
  Credential stranger = MakeCredential("rsa:2048", "scepgate");  // same name, another key
  auto client = ClientWith(stranger);
  ASSERT_TRUE(client);
  auto answer = client->Validate("t1", CsrWithChallenge("CN=device-1"));
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(answer.error().message.find("AADSTS700027"), std::string::npos)
      << answer.error().message;
}

}  // namespace
}  // namespace scepgate::intune
