// Delivering one webhook: the HTTP POST (libcurl, behind an interface so tests can fake it) and
// the HMAC-SHA256 signature receivers verify.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace scepgate::notify {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct WebhookReply {
  int status = 0;
  std::string body;  // at most kMaxWebhookReply bytes are kept
};

inline constexpr size_t kMaxWebhookReply = 64 * 1024;

// Thread-safe implementations may be shared; the curl one is.
class WebhookSender {
 public:
  virtual ~WebhookSender() = default;
  // POSTs `body` (application/json) with the headers; returns the HTTP status and the answer's
  // body. kIo when the endpoint cannot be reached, the TLS handshake fails, the timeout passes or
  // the answer is longer than kMaxWebhookReply.
  virtual Result<WebhookReply> Post(const std::string& url, const std::string& body,
                                    const Headers& headers) = 0;
};

// libcurl: http and https (system trust store), no redirects followed, `timeout_seconds` for the
// whole exchange.
std::unique_ptr<WebhookSender> MakeCurlSender(int timeout_seconds);

// "t=<unix time>,v1=<hex HMAC-SHA256 over "<unix time>.<body>" keyed with the secret>". A receiver
// recomputes it and rejects old timestamps to stop replays. kCrypto when HMAC fails.
Result<std::string> SignatureHeader(std::string_view secret, int64_t timestamp,
                                    std::string_view body);

}  // namespace scepgate::notify
