// The boundary between the HTTP server and what it serves.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scepgate::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // raw request target: path and query
  std::string path;    // target up to '?'
  std::string query;   // raw query after '?', not decoded
  std::string body;
  std::string remote_addr;
  // DER of the client certificate the TLS handshake verified (http/tls_context.h); "" on plain
  // HTTP or when the client presented none.
  std::string client_cert;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

// What the server does with a request whose head (method, target, headers) has arrived, before
// it reads the body.
struct Admission {
  size_t max_body = 0;              // a larger body gets 413 without being read
  std::optional<Response> refusal;  // set: answered at once, the body is never read
};

// Answers one request. Implementations must be thread-safe and should not throw (the server
// answers 500 to an exception, and closes the connection).
class Handler {
 public:
  virtual ~Handler() = default;
  // Decides on a request from its head alone (`head.body` is empty). `fallback` is the server's
  // own body limit; the default admits every request with that limit.
  virtual Admission Admit(const Request& /*head*/, size_t fallback) { return {fallback, {}}; }
  virtual Response Handle(const Request& request) = 0;
};

// The value of the first header named `lower_name` (lower-case), "" when there is none.
inline std::string HeaderValue(const Request& request, std::string_view lower_name) {
  for (const auto& [name, value] : request.headers)
    if (name == lower_name) return value;
  return "";
}

// Splits a target into path and raw query.
inline std::pair<std::string, std::string> SplitTarget(const std::string& target) {
  auto q = target.find('?');
  if (q == std::string::npos) return {target, ""};
  return {target.substr(0, q), target.substr(q + 1)};
}

}  // namespace scepgate::http
