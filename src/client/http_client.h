// Outbound HTTP for SCEP clients (tests, bench, agent). An interface so tests can fake it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace scepgate::client {

struct Url {
  std::string host;
  uint16_t port = 80;
  std::string path = "/";  // path only, no query
  bool tls = false;        // https
};

// Parses "http://host[:port]/path" or "https://host[:port]/path" (port 443 by default). Returns
// kInvalidArgument for anything else.
Result<Url> ParseUrl(std::string_view text);

struct HttpReply {
  int status = 0;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // as received (Send only)
};

// Any request: method, target (path plus query), extra headers and an optional body.
struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;  // set with the body; "" for none
};

// Not thread-safe: one instance per thread.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // `target` is path plus query. Returns kIo when the server cannot be reached or the connection
  // breaks; any HTTP status is a successful result.
  virtual Result<HttpReply> Get(const Url& url, const std::string& target) = 0;
  virtual Result<HttpReply> Post(const Url& url, const std::string& target, const std::string& body,
                                 const std::string& content_type) = 0;
  // Sends any request and returns the reply with its headers. Same errors as Get; a client that
  // does not implement it returns kInvalidArgument.
  virtual Result<HttpReply> Send(const Url& url, const HttpRequest& request) {
    (void)url;
    (void)request;
    return Fail(Error::InvalidArgument("this HTTP client sends only GET and POST"));
  }
};

// HTTP/1.1 over plain TCP with one kept-alive connection, reconnecting once when it was closed.
// An https URL is refused with kInvalidArgument: MakeTlsHttpClient speaks both.
std::unique_ptr<HttpClient> MakeHttpClient(int timeout_seconds = 30);

// HTTP and HTTPS through libcurl (client/curl_http_client.cc), reusing connections. The server's
// certificate is verified, name included, against `ca_file` (PEM) when given, else the system's
// trust store. A failed handshake or verification is kIo naming the cause, and so is an answer
// whose body is longer than `max_body` bytes.
std::unique_ptr<HttpClient> MakeTlsHttpClient(int timeout_seconds = 30, std::string ca_file = "",
                                              size_t max_body = size_t{64} << 20);

}  // namespace scepgate::client
