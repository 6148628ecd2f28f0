// Conditional GET (RFC 9110 §13): the validators of a representation scepgate serves (CRLs, OCSP
// responses), the HTTP dates they are written in, and the decision to answer 304 Not Modified.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/handler.h"

namespace scepgate::http {

struct Validators {
  std::string etag;           // strong entity tag with its quotes: "\"...\""
  int64_t last_modified = 0;  // seconds since the epoch
};

// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") of a time in seconds since the epoch.
std::string HttpDate(int64_t unix_seconds);

// Parses the three forms RFC 9110 §5.6.7 makes recipients accept: IMF-fixdate, RFC 850
// ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994"). nullopt for
// anything else (a conditional header that does not parse is ignored, as the RFC says).
std::optional<int64_t> ParseHttpDate(std::string_view text);

// True when the request's copy is current and the answer is 304: If-None-Match names the entity
// tag (or is "*"); or, only when there is no If-None-Match, If-Modified-Since is a date at or
// after last_modified. Entity tags compare weakly, as If-None-Match requires.
bool NotModified(const Request& request, const Validators& validators);

// Adds ETag and Last-Modified to `response`.
void AddValidators(Response& response, const Validators& validators);

// A 304 answer for a representation with these validators, carrying `cache_control` when given.
Response NotModifiedResponse(const Validators& validators, std::string_view cache_control);

}  // namespace scepgate::http
