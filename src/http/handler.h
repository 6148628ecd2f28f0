// The boundary between the HTTP server and what it serves.
#pragma once

#include <string>
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
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

// Answers one request. Implementations must be thread-safe and must not throw.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual Response Handle(const Request& request) = 0;
};

// Splits a target into path and raw query.
inline std::pair<std::string, std::string> SplitTarget(const std::string& target) {
  auto q = target.find('?');
  if (q == std::string::npos) return {target, ""};
  return {target.substr(0, q), target.substr(q + 1)};
}

}  // namespace scepgate::http
