// The server's request path on untrusted bytes, as a connection delivers them: find the end of
// the head (or refuse one that is too large), check and parse it, then read the body (sized or
// chunked) under a limit, and build the Request a handler would see.
#include <boost/asio/buffer.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/request_head.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scepgate::http;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const HeadLimits limits{4096, 4096};
  auto end = FindHeadEnd(input);
  if (!end) {
    (void)HeadTooLarge(input, limits);
    return 0;
  }
  RequestParser parser;
  auto head = ParseHead(parser, input.substr(0, *end), limits);
  if (!head) return 0;
  parser.body_limit(64 * 1024);
  std::string_view rest = input.substr(*end);
  boost::beast::error_code ec;
  while (!parser.is_done() && !rest.empty()) {
    size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (ec && ec != boost::beast::http::error::need_more) return 0;
    if (used == 0) break;
    rest.remove_prefix(used);
  }
  if (parser.is_done()) {
    Request r = std::move(head->request);
    r.body = std::move(parser.get().body());
    (void)HeaderValue(r, "authorization");
  }
  return 0;
}
