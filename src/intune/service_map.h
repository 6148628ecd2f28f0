// Where Intune's services are: Graph's list of the endpoints of Intune's service principal
// (docs/intune-protocol.md §3), kept until a failed service call clears it.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "common/random.h"
#include "intune/call_metrics.h"
#include "intune/http_pool.h"
#include "intune/settings.h"
#include "intune/token_source.h"

namespace scepgate::intune {

// Thread-safe: the map is guarded by mu_; one discovery runs at a time (discover_mu_), and
// callers that waited for it use its map.
class ServiceMap {
 public:
  // Borrows all; `settings` must have passed CheckSettings.
  ServiceMap(const IntuneSettings& settings, HttpPool& http, TokenSource& tokens, Random& random,
             CallMetrics& metrics);

  // Returns the base URI of `service`, matched case-insensitively, discovering first when the map
  // is empty (GET {graph}{version}/servicePrincipals/appId={app}/endpoints with a Graph token and
  // a client-request-id). Errors: kNotFound naming the service when discovery does not list it;
  // kUnavailable when Graph cannot be reached, times out, answers 5xx/404/429 or an answer
  // without a "value" list; kPermissionDenied when it answers 401 twice (a new token the second
  // time) or 403; kInternal for another 4xx. A failed discovery leaves the map empty. Thread-safe.
  Result<std::string> Find(std::string_view service);

  // Forgets every URI, so that the next Find discovers again. Thread-safe.
  void Clear();

 private:
  // Fills map_ from Graph; called with discover_mu_ held and mu_ not held.
  Status Discover();
  // One GET with `token`: the answer's status and body, kUnavailable when unreachable.
  Result<client::HttpReply> Get(const std::string& url, const std::string& token);

  const IntuneSettings& settings_;
  HttpPool& http_;
  TokenSource& tokens_;
  Random& random_;
  CallMetrics& metrics_;
  std::mutex discover_mu_;                               // held while discovering
  std::mutex mu_;                                        // guards map_
  std::map<std::string, std::string, std::less<>> map_;  // lower-cased providerName -> uri
};

}  // namespace scepgate::intune
