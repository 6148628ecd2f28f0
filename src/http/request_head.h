// Reading the head of an HTTP/1.x request from raw bytes, before the server reads any body:
// limits on the request line and the header fields, and the framing rules that keep a proxy in
// front and this server agreeing on where a request ends (RFC 9112). Pure: bytes in, a request
// head or a refusal out; the fuzz target drives it as the server does.
#pragma once

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "http/handler.h"

namespace scepgate::http {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

struct HeadLimits {
  size_t max_request_line = 65536;  // longer: 414
  size_t max_header_bytes = 16384;  // the header fields together, after the request line: 431
};

// Why a request is answered with an error before it is served: the status and a short reason.
struct Refusal {
  int status = 400;
  std::string reason;
};

// A request head that passed every check.
struct Head {
  Request request;                         // method, target, path, query, headers; body empty
  std::optional<uint64_t> content_length;  // when the request gave one
  bool chunked = false;                    // Transfer-Encoding: chunked
  bool keep_alive = true;
};

// Where the head in `data` ends (just past its blank line), or nullopt while it is incomplete.
std::optional<size_t> FindHeadEnd(std::string_view data);

// For the start of a head still arriving (FindHeadEnd found no end): 414 once the request line is
// longer than allowed, 431 once the header fields are, nullopt while it may still fit.
std::optional<Refusal> HeadTooLarge(std::string_view data, const HeadLimits& limits);

// Checks a complete head (`head` ends with the blank line) and parses it with `parser`, which is
// left ready to read the body. Refusals: 414 request line too long; 431 header fields too large;
// 400 for a malformed request line or field, obs-fold (a field line starting with a space or tab),
// control characters, bare CR or LF, conflicting or malformed Content-Length, Transfer-Encoding
// together with Content-Length, or Transfer-Encoding on HTTP/1.0; 501 for a transfer coding other
// than exactly "chunked"; 505 for an HTTP version other than 1.0 and 1.1. Thread-compatible.
std::expected<Head, Refusal> ParseHead(RequestParser& parser, std::string_view head,
                                       const HeadLimits& limits);

}  // namespace scepgate::http
