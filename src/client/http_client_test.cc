// URL parsing, and the plain client's refusal of https.
#include "client/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace scepgate::client {
namespace {

TEST(ParseUrlTest, HttpAndHttpsWithTheirDefaultPorts) {
  auto plain = ParseUrl("http://gw.example.com/scep?operation=GetCACaps");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->host, "gw.example.com");
  EXPECT_EQ(plain->port, 80);
  EXPECT_EQ(plain->path, "/scep");
  auto tls = ParseUrl("https://gw.example.com/certsrv/mscep/mscep.dll");
  ASSERT_TRUE(tls);
  EXPECT_TRUE(tls->tls);
  EXPECT_EQ(tls->port, 443);
  EXPECT_EQ(tls->path, "/certsrv/mscep/mscep.dll");
  auto v6 = ParseUrl("https://[::1]:8443");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8443);
  EXPECT_EQ(v6->path, "/");
}

TEST(ParseUrlTest, AnythingElseIsInvalid) {
  for (const char* bad : {"ftp://x/", "gw.example.com/scep", "https://", "http://x:0/",
                          "http://x:70000/", "http://x:8a/", "https://[::1/"}) {
    auto u = ParseUrl(bad);
    ASSERT_FALSE(u) << bad;
    EXPECT_EQ(u.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(HttpClientTest, ThePlainClientRefusesHttpsWithoutConnecting) {
  auto reply = MakeHttpClient(1)->Get(*ParseUrl("https://127.0.0.1:9/scep"), "/scep");
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(reply.error().message.find("plain HTTP only"), std::string::npos);
}

// A loopback port that was free a moment ago (bound, then closed).
uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

TEST(HttpClientTest, TheTlsClientNamesAnUnreachableGateway) {
  std::string where = "127.0.0.1:" + std::to_string(FreePort());
  auto reply = MakeTlsHttpClient(2)->Get(*ParseUrl("https://" + where + "/scep"), "/scep");
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, ErrorCode::kIo);
  EXPECT_NE(reply.error().message.find("cannot connect to " + where), std::string::npos)
      << reply.error().message;
}

}  // namespace
}  // namespace scepgate::client
