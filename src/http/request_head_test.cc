// ParseHead and the connection caps, without sockets.
#include "http/request_head.h"

#include <gtest/gtest.h>

#include "http/connection_limits.h"

namespace scepgate::http {
namespace {

std::expected<Head, Refusal> Parse(std::string_view head, HeadLimits limits = {}) {
  RequestParser parser;
  return ParseHead(parser, head, limits);
}

int StatusFor(std::string_view head, HeadLimits limits = {}) {
  auto h = Parse(head, limits);
  return h ? 200 : h.error().status;
}

TEST(RequestHeadTest, AGoodHeadGivesMethodPathQueryHeadersAndFraming) {
  auto h = Parse(
      "POST /scep?operation=PKIOperation HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n"
      "X-Thing:  value \r\n\r\n");
  ASSERT_TRUE(h) << h.error().reason;
  EXPECT_EQ(h->request.method, "POST");
  EXPECT_EQ(h->request.path, "/scep");
  EXPECT_EQ(h->request.query, "operation=PKIOperation");
  EXPECT_EQ(HeaderValue(h->request, "x-thing"), "value");
  EXPECT_EQ(h->content_length, 12u);
  EXPECT_FALSE(h->chunked);
  EXPECT_TRUE(h->keep_alive);
  auto chunked = Parse("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n");
  ASSERT_TRUE(chunked);
  EXPECT_TRUE(chunked->chunked);
  auto old = Parse("GET / HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(old);
  EXPECT_FALSE(old->keep_alive);
}

TEST(RequestHeadTest, LimitsGive414And431) {
  HeadLimits small{64, 128};
  EXPECT_EQ(StatusFor("GET /" + std::string(64, 'a') + " HTTP/1.1\r\n\r\n", small), 414);
  EXPECT_EQ(StatusFor("GET / HTTP/1.1\r\nX: " + std::string(200, 'a') + "\r\n\r\n", small), 431);
  EXPECT_EQ(StatusFor("GET / HTTP/1.1\r\nX: " + std::string(100, 'a') + "\r\n\r\n", small), 200);
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 101; ++i) many += "a:1\r\n";
  EXPECT_EQ(StatusFor(many + "\r\n"), 431);
  EXPECT_EQ(HeadTooLarge("GET /" + std::string(70, 'a'), small)->status, 414);
  EXPECT_FALSE(HeadTooLarge("GET /" + std::string(50, 'a'), small));
  EXPECT_EQ(HeadTooLarge("GET / HTTP/1.1\r\nX: " + std::string(200, 'a'), small)->status, 431);
  EXPECT_FALSE(HeadTooLarge("GET / HTTP/1.1\r\nX: " + std::string(100, 'a'), small));
  EXPECT_FALSE(FindHeadEnd("GET / HTTP/1.1\r\nX: a\r\n"));
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\n\r\nbody"), 18u);
}

TEST(RequestHeadTest, MalformedAndAmbiguousHeadsAreRefused) {
  EXPECT_EQ(StatusFor("GET / HTTP/1.1\r\nA: 1\r\n folded\r\n\r\n"), 400);
  EXPECT_EQ(StatusFor("GET / HTTP/1.1\r\nA: 1\n\r\n"), 400);
  EXPECT_EQ(StatusFor("GET / HTTP/1.1\r\nA: 1\r2\r\n\r\n"), 400);
  std::string nul = "GET / HTTP/1.1\r\nA: 1";
  nul += '\0';
  EXPECT_EQ(StatusFor(nul + "2\r\n\r\n"), 400);
  EXPECT_EQ(StatusFor("GET / HTTP/1.1\r\nA: \x1b[31m\r\n\r\n"), 400);
  EXPECT_EQ(StatusFor("GET / HTTP/1.1\r\nA: tab\there\r\n\r\n"), 200);
  EXPECT_EQ(StatusFor("GET / HTTP/1.1\r\nContent-Length: 1, 2\r\n\r\n"), 400);
  EXPECT_EQ(StatusFor("GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), 400);
  EXPECT_EQ(
      StatusFor("POST / HTTP/1.1\r\nTransfer-Encoding: xchunked\r\nContent-Length: 3\r\n\r\n"),
      400);
  EXPECT_EQ(StatusFor("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"),
            400);
  EXPECT_EQ(StatusFor("POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n"), 501);
  EXPECT_EQ(StatusFor("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n"),
            400);
  EXPECT_EQ(StatusFor("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
  EXPECT_EQ(StatusFor("GET / HTTP/1.2\r\n\r\n"), 505);
  EXPECT_EQ(StatusFor("GARBAGE\r\n\r\n"), 400);
}

TEST(ConnectionLimitsTest, CapsInTotalAndPerAddressAndGivesPlacesBack) {
  ConnectionLimits limits(3, 2);
  auto a1 = limits.Admit("a");
  auto a2 = limits.Admit("a");
  EXPECT_TRUE(a1 && a2);
  EXPECT_FALSE(limits.Admit("a"));
  auto b1 = limits.Admit("b");
  EXPECT_TRUE(b1);
  EXPECT_FALSE(limits.Admit("c"));  // total reached
  EXPECT_EQ(limits.open(), 3u);
  a1.reset();
  EXPECT_EQ(limits.open_from("a"), 1u);
  auto c1 = limits.Admit("c");
  EXPECT_TRUE(c1);
  ConnectionLimits open(0, 0);
  std::vector<ConnectionSlot> slots;
  for (int i = 0; i < 1000; ++i) slots.push_back(*open.Admit("x"));
  EXPECT_EQ(open.open_from("x"), 1000u);
  slots.clear();
  EXPECT_EQ(open.open(), 0u);
  EXPECT_EQ(open.open_from("x"), 0u);
}

}  // namespace
}  // namespace scepgate::http
