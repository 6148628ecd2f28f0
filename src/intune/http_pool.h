// Outbound HTTPS for the Intune client: client::HttpClient is one-per-thread, so concurrent calls
// each borrow an idle client from a pool (keeping its connection) and give it back.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "client/http_client.h"
#include "intune/settings.h"

namespace scepgate::intune {

using HttpClientFactory = std::function<std::unique_ptr<client::HttpClient>()>;

// libcurl clients with the settings' timeout and CA file (client::MakeTlsHttpClient).
// Thread-safe.
HttpClientFactory TlsClientFactory(const IntuneSettings& settings);

// Thread-safe: the idle clients are guarded by mu_.
class HttpPool {
 public:
  explicit HttpPool(HttpClientFactory make) : make_(std::move(make)) {}

  // Sends `request` to `url`'s origin on an idle client (a new one when none is idle). Returns
  // what HttpClient::Send returns: kIo when the server cannot be reached, the connection breaks
  // or the time runs out; any HTTP status is a result. Thread-safe.
  Result<client::HttpReply> Send(const client::Url& url, const client::HttpRequest& request);

 private:
  HttpClientFactory make_;
  std::mutex mu_;  // guards idle_
  std::vector<std::unique_ptr<client::HttpClient>> idle_;
};

// "https://host:port/a/b" split into the origin and the target ("/a/b"). kInvalidArgument as
// client::ParseUrl. Thread-safe.
Result<std::pair<client::Url, std::string>> SplitUrl(std::string_view url);

}  // namespace scepgate::intune
