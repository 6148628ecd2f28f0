// The server's TLS listener over real sockets: answers over TLS only, passes the client
// certificate it verified to the handler, refuses one from another CA (and none, when required),
// takes a renewed certificate on ReloadTls, and refuses a key file others may read.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "ca/hierarchy.h"
#include "ca/issuer.h"
#include "ca/key_spec.h"
#include "common/files.h"
#include "common/san_text.h"
#include "http/server.h"
#include "http/test_socket.h"

namespace scepgate::http {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace fs = std::filesystem;

// Answers with the size of the client certificate the request carries.
class CertEchoHandler final : public Handler {
 public:
  Response Handle(const Request& request) override {
    return Response{
        200, "text/plain", "client_cert=" + std::to_string(request.client_cert.size()), {}};
  }
};

EvpPkeyPtr NewKey() { return *ca::GenerateKey(*ca::ParseKeySpec("ec:p256")); }

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

// A root CA and an issuer under it (the root signs directly: enough for TLS).
struct TestPki {
  explicit TestPki(const std::string& name) : key(NewKey()) {
    SystemRandom random;
    root = *ca::MakeRootCa(*key, name, 30, Now(), random);
    issuer = std::make_unique<ca::Issuer>(X509Ptr(X509_dup(root.get())), EvpPkeyPtr([&] {
                                            EVP_PKEY_up_ref(key.get());
                                            return key.get();
                                          }()),
                                          ca::IssuerOptions{});
  }
  EvpPkeyPtr key;
  X509Ptr root;
  std::unique_ptr<ca::Issuer> issuer;
};

Bytes Serial(uint8_t last) { return Bytes{0x01, 0x02, last}; }

// A serverAuth certificate for 127.0.0.1 with its key, as PEM.
std::pair<std::string, std::string> ServerCert(const TestPki& pki, uint8_t serial) {
  EvpPkeyPtr key = NewKey();
  auto sans = SansFromText({"IP:127.0.0.1"});
  auto cert = pki.issuer->IssueTlsServer(*key, "server", **sans, Serial(serial), Now(), 1);
  EXPECT_TRUE(cert) << cert.error().message;
  return {*CertToPem(**cert), *KeyToPem(*key)};
}

// A clientAuth certificate CN=`cn` with its key, as PEM.
std::pair<std::string, std::string> ClientCert(const TestPki& pki, const std::string& cn) {
  EvpPkeyPtr key = NewKey();
  X509ReqPtr req(X509_REQ_new());
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_REQ_set_pubkey(req.get(), key.get());
  X509_REQ_sign(req.get(), key.get(), EVP_sha256());
  ca::CertTemplate tmpl{"client", ca::Purpose::kSignature, {"clientAuth"}, 1};
  auto cert = pki.issuer->Issue(*req, tmpl, Serial(0x50), Now());
  EXPECT_TRUE(cert) << cert.error().message;
  return {*CertToPem(**cert), *KeyToPem(*key)};
}

class ServerTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("scepgate-tls-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    WriteServerCert(1);
    ASSERT_TRUE(WriteFile(dir_ / "root.crt", *CertToPem(*pki_.root)));
    ASSERT_TRUE(WriteFile(dir_ / "other-root.crt", *CertToPem(*other_.root)));
  }
  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    fs::remove_all(dir_);
  }
  void WriteServerCert(uint8_t serial) {
    auto [cert, key] = ServerCert(pki_, serial);
    ASSERT_TRUE(WriteFile(dir_ / "tls.crt", cert));
    ASSERT_TRUE(WritePrivateFile(dir_ / "tls.key", key));
  }
  TlsOptions Tls(const std::string& client_ca = "", bool required = false) {
    return TlsOptions{(dir_ / "tls.crt").string(), (dir_ / "tls.key").string(),
                      client_ca.empty() ? "" : (dir_ / client_ca).string(), required};
  }
  Status Start(TlsOptions tls) {
    ServerOptions o;
    o.port = 0;
    o.threads = 2;
    o.tls = std::move(tls);
    server_ = std::make_unique<Server>(o, handler_);
    SG_TRY_STATUS(server_->Listen());
    thread_ = std::thread([this] { server_->Run(false); });
    return {};
  }

  struct Answer {
    bool handshake = false;
    std::string text;           // the whole HTTP answer
    std::string server_serial;  // hex serial of the certificate the server presented
  };
  // GET / over TLS, trusting root.crt, presenting `client` (cert, key PEM) when given.
  Answer Get(const std::pair<std::string, std::string>* client = nullptr) {
    Answer out;
    asio::io_context io;
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file((dir_ / "root.crt").string());
    ctx.set_verify_mode(ssl::verify_peer);
    if (client != nullptr) {
      ctx.use_certificate(asio::buffer(client->first), ssl::context::pem);
      ctx.use_private_key(asio::buffer(client->second), ssl::context::pem);
    }
    ssl::stream<asio::ip::tcp::socket> s(io, ctx);
    boost::system::error_code ec;
    s.lowest_layer().connect({asio::ip::make_address("127.0.0.1"), server_->port()}, ec);
    if (ec) return out;
    s.handshake(ssl::stream_base::client, ec);
    if (ec) return out;
    out.handshake = true;
    if (X509* peer = SSL_get0_peer_certificate(s.native_handle()))
      out.server_serial = SerialHex(*X509_get0_serialNumber(peer));
    std::string req = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    asio::write(s, asio::buffer(req), ec);
    if (ec) return out;
    std::array<char, 4096> buf{};
    for (;;) {
      size_t n = s.read_some(asio::buffer(buf), ec);
      out.text.append(buf.data(), n);
      if (ec) break;
    }
    return out;
  }

  fs::path dir_;
  TestPki pki_{"Test Root"};
  TestPki other_{"Other Root"};
  CertEchoHandler handler_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(ServerTlsTest, AnswersOverTlsAndNotInPlainHttp) {
  ASSERT_TRUE(Start(Tls()));
  Answer a = Get();
  ASSERT_TRUE(a.handshake);
  EXPECT_EQ(testing::StatusOf(a.text), 200) << a.text;
  EXPECT_NE(a.text.find("client_cert=0"), std::string::npos) << a.text;
  // Plain HTTP gets no HTTP answer, and the listener goes on serving.
  testing::TestSocket plain(server_->port());
  plain.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(plain.ReadAll().find("HTTP/1.1"), std::string::npos);
  EXPECT_TRUE(Get().handshake);
}

TEST_F(ServerTlsTest, AClientCertificateUnderTheClientCaReachesTheHandler) {
  ASSERT_TRUE(Start(Tls("root.crt")));
  auto alice = ClientCert(pki_, "alice");
  Answer a = Get(&alice);
  ASSERT_TRUE(a.handshake);
  std::string der_size = std::to_string(CertToDer(**CertFromPem(alice.first))->size());
  EXPECT_NE(a.text.find("client_cert=" + der_size), std::string::npos) << a.text;
  // Without one, the request is served and carries none (tokens still work).
  EXPECT_NE(Get().text.find("client_cert=0"), std::string::npos);
  // One from another CA ends the handshake (with TLS 1.3 the client learns it at its first read):
  // no request is answered.
  auto mallory = ClientCert(other_, "mallory");
  EXPECT_EQ(Get(&mallory).text.find("HTTP/1.1"), std::string::npos);
  EXPECT_TRUE(Get(&alice).handshake);
}

TEST_F(ServerTlsTest, AClientCertificateOfAnIssuingCaUnderTheRootNeedsThatCaAsAnIntermediate) {
  // An issuing CA under the root signs the client certificate; the client sends it alone.
  SystemRandom random;
  EvpPkeyPtr sub_key = NewKey();
  X509Ptr sub = *ca::MakeIssuingCa(*sub_key, "Issuing", 30, *pki_.root, *pki_.key, Now(), random);
  std::string sub_pem = *CertToPem(*sub);
  TestPki issuing("unused");
  issuing.issuer =
      std::make_unique<ca::Issuer>(std::move(sub), std::move(sub_key), ca::IssuerOptions{});
  auto carol = ClientCert(issuing, "carol");
  TlsOptions tls = Tls("root.crt");
  tls.client_intermediates_pem = sub_pem;
  ASSERT_TRUE(Start(tls));
  Answer a = Get(&carol);
  ASSERT_TRUE(a.handshake);
  EXPECT_EQ(testing::StatusOf(a.text), 200) << a.text;
  server_->Stop();
  thread_.join();
  // Without it, the chain cannot be built: refused. And the intermediate alone is no anchor.
  ASSERT_TRUE(Start(Tls("root.crt")));
  EXPECT_EQ(Get(&carol).text.find("HTTP/1.1"), std::string::npos);
  server_->Stop();
  thread_.join();
  ASSERT_TRUE(WriteFile(dir_ / "sub.crt", sub_pem));
  TlsOptions only_sub = Tls("other-root.crt");
  only_sub.client_intermediates_pem = sub_pem;
  ASSERT_TRUE(Start(only_sub));
  EXPECT_EQ(Get(&carol).text.find("HTTP/1.1"), std::string::npos);
}

TEST_F(ServerTlsTest, ARequiredClientCertificateRefusesAClientWithout) {
  ASSERT_TRUE(Start(Tls("root.crt", /*required=*/true)));
  EXPECT_EQ(Get().text.find("HTTP/1.1"), std::string::npos);
  auto alice = ClientCert(pki_, "alice");
  Answer a = Get(&alice);
  ASSERT_TRUE(a.handshake);
  EXPECT_EQ(testing::StatusOf(a.text), 200) << a.text;
}

TEST_F(ServerTlsTest, ReloadTlsServesARenewedCertificateToNewConnections) {
  ASSERT_TRUE(Start(Tls()));
  EXPECT_EQ(Get().server_serial, "10201");
  WriteServerCert(2);
  ASSERT_TRUE(server_->ReloadTls());
  EXPECT_EQ(Get().server_serial, "10202");
  // A broken file is refused and the certificate in use stays.
  ASSERT_TRUE(WriteFile(dir_ / "tls.crt", "not a certificate"));
  auto reloaded = server_->ReloadTls();
  ASSERT_FALSE(reloaded);
  EXPECT_EQ(reloaded.error().code, ErrorCode::kInvalidArgument) << reloaded.error().message;
  EXPECT_EQ(Get().server_serial, "10202");
}

TEST_F(ServerTlsTest, AKeyFileOthersMayReadOrAMismatchedKeyIsRefusedAtListen) {
  ::chmod((dir_ / "tls.key").c_str(), 0644);
  ServerOptions o;
  o.port = 0;
  o.tls = Tls();
  auto readable = Server(o, handler_).Listen();
  ASSERT_FALSE(readable);
  EXPECT_EQ(readable.error().code, ErrorCode::kFailedPrecondition) << readable.error().message;
  ASSERT_TRUE(WritePrivateFile(dir_ / "tls.key", *KeyToPem(*NewKey())));
  auto mismatched = Server(o, handler_).Listen();
  ASSERT_FALSE(mismatched);
  EXPECT_NE(mismatched.error().message.find("does not match"), std::string::npos)
      << mismatched.error().message;
  o.tls = Tls("", /*required=*/true);
  EXPECT_FALSE(Server(o, handler_).Listen());
}

}  // namespace
}  // namespace scepgate::http
