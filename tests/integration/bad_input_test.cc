// Bad input against a real gateway: each gets its documented answer, and the gateway enrolls
// normally afterwards.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>

#include "codec/pki_message.h"
#include "gateway_fixture.h"

namespace scepgate::testing {
namespace {

constexpr char kChallenge[] = "right-challenge";

class BadInputTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto s = ServerProcess::Start({{"--challenge", kChallenge}, {}});
    ASSERT_TRUE(s) << s.error().message;
    server_ = std::move(*s);
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { gw_ = std::make_unique<GatewayClient>(server_->Url()); }
  // Whatever happened, the gateway still enrolls.
  void TearDown() override { ExpectEnrolls(server_->Url(), kChallenge); }

  // A valid PKCSReq for a fresh identity.
  client::OutgoingMessage ValidMessage(Identity& id, client::CsrOptions csr = {}) {
    if (csr.challenge.empty()) csr.challenge = kChallenge;
    auto req = client::MakeCsr(*id.key, csr);
    client::MessageOptions m;
    m.transaction_id = *client::TransactionIdFor(*id.key);
    return *client::BuildMessage(gw_->ca(), *CsrToDer(**req), *id.signer, *id.key, m);
  }
  // The DER of a CSR for `id`'s key that carries the challenge.
  Bytes ChallengedCsrDer(const Identity& id) {
    client::CsrOptions o;
    o.challenge = kChallenge;
    auto req = client::MakeCsr(*id.key, o);
    EXPECT_TRUE(req);
    return req ? *CsrToDer(**req) : Bytes();
  }
  // A PKCSReq carrying `csr_der` as it is, signed by `id`.
  client::OutgoingMessage MessageWith(const Identity& id, const Bytes& csr_der,
                                      const std::string& transaction_id) {
    client::MessageOptions m;
    m.transaction_id = transaction_id;
    auto msg = client::BuildMessage(gw_->ca(), csr_der, *id.signer, *id.key, m);
    EXPECT_TRUE(msg) << msg.error().message;
    return msg ? std::move(*msg) : client::OutgoingMessage{};
  }
  // Sends a message and expects a FAILURE CertRep with `info` whose text contains `code`.
  void ExpectFailure(const Identity& id, const client::OutgoingMessage& msg, codec::FailInfo info,
                     const std::string& code) {
    ASSERT_FALSE(code.empty()) << "name the reason the failure must give";
    auto reply = gw_->scep().PkiOperation(msg.der, false);
    ASSERT_TRUE(reply) << reply.error().message;
    auto rep = codec::DecodeCertRep(*reply, *id.signer, *id.key);
    ASSERT_TRUE(rep) << rep.error().message;
    EXPECT_TRUE(rep->signature_valid);
    EXPECT_EQ(rep->status, codec::PkiStatus::kFailure);
    ASSERT_TRUE(rep->fail_info.has_value());
    EXPECT_EQ(*rep->fail_info, info) << rep->fail_info_text;
    EXPECT_NE(rep->fail_info_text.find(code), std::string::npos) << rep->fail_info_text;
    EXPECT_EQ(rep->transaction_id, msg.transaction_id);
    EXPECT_EQ(rep->recipient_nonce, msg.sender_nonce);
  }
  int GetStatus(const std::string& target) {
    auto http = client::MakeHttpClient();
    auto r = http->Get({"127.0.0.1", server_->port(), "/scep"}, target);
    return r ? r->status : -1;
  }

  static std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<GatewayClient> gw_;
};
std::unique_ptr<ServerProcess> BadInputTest::server_;

TEST_F(BadInputTest, GarbageBodyIs400) {
  std::string reply;
  EXPECT_EQ(gw_->PostRaw("this is not a pkiMessage at all", &reply), 400);
  EXPECT_NE(reply.find("not a SCEP pkiMessage"), std::string::npos);
  EXPECT_EQ(gw_->PostRaw(std::string(1, '\x30'), &reply), 400);
}

TEST_F(BadInputTest, TruncatedCmsIs400) {
  Identity id = NewIdentity();
  auto msg = ValidMessage(id);
  for (size_t cut : {msg.der.size() / 2, msg.der.size() - 1, size_t{40}})
    EXPECT_EQ(gw_->PostRaw(std::string(msg.der.begin(), msg.der.begin() + static_cast<long>(cut))),
              400)
        << cut;
}

TEST_F(BadInputTest, EnvelopeNotForTheRaIsBadMessageCheck) {
  Identity id = NewIdentity();
  Identity stranger = NewIdentity();
  client::CaCerts wrong;
  wrong.recipients = {stranger.signer.get()};
  client::CsrOptions csr;
  csr.challenge = kChallenge;
  auto req = client::MakeCsr(*id.key, csr);
  client::MessageOptions m;
  m.transaction_id = "wrong-recipient";
  auto msg = client::BuildMessage(wrong, *CsrToDer(**req), *id.signer, *id.key, m);
  ASSERT_TRUE(msg);
  ExpectFailure(id, *msg, codec::FailInfo::kBadMessageCheck,
                "envelope does not decrypt with our key");
}

TEST_F(BadInputTest, BadOuterSignatureIsBadMessageCheck) {
  Identity id = NewIdentity();
  auto msg = ValidMessage(id);
  msg.der[msg.der.size() - 5] ^= 0x55;  // inside the signature value, the SignerInfo's last field
  ExpectFailure(id, msg, codec::FailInfo::kBadMessageCheck, "SignatureInvalid");
}

TEST_F(BadInputTest, CsrWithBadSignatureIsBadMessageCheck) {
  Identity id = NewIdentity();
  Bytes der = ChallengedCsrDer(id);
  der[der.size() - 3] ^= 0x01;  // signature bits
  ExpectFailure(id, MessageWith(id, der, "bad-csr-signature"), codec::FailInfo::kBadMessageCheck,
                "CsrSignatureInvalid");
}

TEST_F(BadInputTest, CsrWithAnUnusableKeyIsBadRequestAndTheGatewayEnrollsOn) {
  Identity id = NewIdentity();
  Bytes der = ChallengedCsrDer(id);
  // rsaEncryption (1.2.840.113549.1.1.1) becomes 1.2.840.113549.1.1.127, which no provider knows.
  const Bytes rsa_oid = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
  auto at = std::search(der.begin(), der.end(), rsa_oid.begin(), rsa_oid.end());
  ASSERT_NE(at, der.end());
  *(at + static_cast<std::ptrdiff_t>(rsa_oid.size()) - 1) = 0x7f;
  ExpectFailure(id, MessageWith(id, der, "csr-unusable-key"), codec::FailInfo::kBadRequest,
                "CsrMalformed");

  Identity next = NewIdentity();
  EnrollOptions ok;
  ok.csr.challenge = kChallenge;
  auto rep = gw_->Enroll(next, ok);
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->status, codec::PkiStatus::kSuccess) << rep->fail_info_text;
}

TEST_F(BadInputTest, SmallKeyIsRefused) {
  Identity id = NewIdentity(1024);
  ExpectFailure(id, ValidMessage(id), codec::FailInfo::kBadRequest, "KeyLengthMismatch");
}

TEST_F(BadInputTest, WrongOrMissingChallengeIsRefused) {
  Identity id = NewIdentity();
  client::CsrOptions wrong;
  wrong.challenge = "wrong-challenge";
  ExpectFailure(id, ValidMessage(id, wrong), codec::FailInfo::kBadRequest, "ChallengeInvalid");
  Identity id2 = NewIdentity();
  auto req = client::MakeCsr(*id2.key, {});
  client::MessageOptions m;
  m.transaction_id = "no-challenge";
  ExpectFailure(id2, *client::BuildMessage(gw_->ca(), *CsrToDer(**req), *id2.signer, *id2.key, m),
                codec::FailInfo::kBadRequest, "ChallengePasswordMissing");
  std::string out;
  ASSERT_EQ(server_->Cli({"requests", "list", "--state", "failed"}, &out), 0);
  EXPECT_NE(out.find("ChallengeInvalid"), std::string::npos);
  EXPECT_EQ(out.find("wrong-challenge"), std::string::npos) << "a secret reached the records";
}

TEST_F(BadInputTest, KnownTransactionIdWithAnotherKeyIsRefused) {
  Identity first = NewIdentity();
  auto msg = ValidMessage(first);
  auto reply = gw_->scep().PkiOperation(msg.der, false);
  ASSERT_TRUE(reply);
  Identity second = NewIdentity();
  client::CsrOptions o;
  o.challenge = kChallenge;
  auto req = client::MakeCsr(*second.key, o);
  client::MessageOptions m;
  m.transaction_id = msg.transaction_id;  // reused
  ExpectFailure(second,
                *client::BuildMessage(gw_->ca(), *CsrToDer(**req), *second.signer, *second.key, m),
                codec::FailInfo::kBadRequest, "TransactionIdReused");
}

TEST_F(BadInputTest, OversizedUrlIs414AndOversizedBodyIs413) {
  std::string target = "/scep?operation=PKIOperation&message=" + std::string(70 * 1024, 'A');
  EXPECT_EQ(GetStatus(target), 414);
  std::string reply;
  EXPECT_EQ(gw_->PostRaw(std::string(3 * 1024 * 1024, 'x'), &reply), 413);
}

TEST_F(BadInputTest, MissingOrUnknownOperationIs403) {
  EXPECT_EQ(GetStatus("/scep"), 403);
  EXPECT_EQ(GetStatus("/scep?operation=DeleteEverything"), 403);
  EXPECT_EQ(GetStatus("/certsrv/mscep/mscep.dll?operation=GetCACaps"), 200);
  EXPECT_EQ(GetStatus("/cgi-bin/pkiclient.exe?operation=GetCACaps"), 200);
  EXPECT_EQ(GetStatus("/scep?operation=PKIOperation&message=%zz"), 400);
  EXPECT_EQ(GetStatus("/scep?operation=PKIOperation&message=!!!"), 400);
  EXPECT_EQ(GetStatus("/nowhere"), 404);
}

}  // namespace
}  // namespace scepgate::testing

namespace scepgate::testing {
namespace {

// Raw TCP: what no HTTP client library would send.
std::string RawExchange(uint16_t port, const std::string& bytes, bool half_close) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return "connect failed";
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  if (half_close) ::shutdown(fd, SHUT_WR);
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    got.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return got;
}

TEST_F(BadInputTest, BrokenHttpIsRefusedOrDroppedAndTheGatewayServesOn) {
  // Half a request, then the client goes away.
  EXPECT_EQ(RawExchange(server_->port(), "GET /scep?operation=GetCA", true), "");
  // Not HTTP at all: a 400 saying why, and the connection closed.
  EXPECT_TRUE(
      RawExchange(server_->port(), "\x16\x03\x01 this is a TLS hello, not HTTP\r\n\r\n", true)
          .starts_with("HTTP/1.1 400 "));
  // A body shorter than its Content-Length, then hang-up.
  EXPECT_EQ(RawExchange(server_->port(),
                        "POST /scep?operation=PKIOperation HTTP/1.1\r\nHost: x\r\n"
                        "Content-Length: 1000\r\n\r\nshort",
                        true),
            "");
  // Two pipelined requests on one connection are both answered.
  std::string two = RawExchange(server_->port(),
                                "GET /scep?operation=GetCACaps HTTP/1.1\r\nHost: x\r\n\r\n"
                                "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                false);
  EXPECT_NE(two.find("SCEPStandard"), std::string::npos);
  EXPECT_NE(two.find("ok\n"), std::string::npos);
  EXPECT_EQ(two.find("Transfer-Encoding"), std::string::npos) << "replies carry Content-Length";
}

}  // namespace
}  // namespace scepgate::testing
