// OAuth 2.0 client-credentials tokens from the Microsoft identity platform's v2 endpoint
// (docs/intune-protocol.md §2), one cached per scope until shortly before it expires.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/random.h"
#include "intune/call_metrics.h"
#include "intune/http_pool.h"
#include "intune/settings.h"

namespace scepgate::intune {

// Thread-safe: the cache is guarded by mu_. Callers wanting the same scope while it is fetched
// wait for that one fetch (fetched_) instead of fetching again.
class TokenSource {
 public:
  // Borrows all five; `settings` must have passed CheckSettings. `random` makes the assertions'
  // ids when the credential is a certificate.
  TokenSource(const IntuneSettings& settings, HttpPool& http, const Clock& clock, Random& random,
              CallMetrics& metrics);

  // Returns a bearer token for `scope`: the cached one while more than the refresh margin of its
  // lifetime is left, else a new one from POST {login}{tenant}/oauth2/v2.0/token, proving the
  // app with its secret or a fresh assertion signed with its certificate's key. Errors:
  // kUnavailable when the endpoint cannot be reached, times out, answers 5xx/429 or an answer
  // without a token; kPermissionDenied when it refuses the credentials or the scope (4xx), with
  // its `error` and description. No message carries the secret. Thread-safe.
  Result<std::string> Get(const std::string& scope);

  // Drops the cached token of `scope` (after a 401), only when it is still `stale` if that is
  // given, so a token another thread has just fetched survives. Thread-safe.
  void Invalidate(const std::string& scope, std::string_view stale = {});

 private:
  struct Entry {
    std::string token;
    int64_t refresh_at = 0;  // Clock seconds from which it is fetched again
    bool fetching = false;
  };
  struct Fetched {
    std::string token;
    int64_t expires_in = 0;
  };

  // One POST to the token endpoint, without the lock.
  Result<Fetched> Fetch(const std::string& scope);
  Error Refused(int status, const std::string& body) const;
  // The form fields proving the app: "&client_secret=..." or "&client_assertion_type=...&
  // client_assertion=..." for the token endpoint at `token_url`. kCrypto / kInvalidArgument when
  // the certificate or key cannot be used.
  Result<std::string> Credential(const std::string& token_url);

  const IntuneSettings& settings_;
  HttpPool& http_;
  const Clock& clock_;
  Random& random_;
  CallMetrics& metrics_;
  std::mutex mu_;  // guards cache_
  std::condition_variable fetched_;
  std::map<std::string, Entry, std::less<>> cache_;
};

}  // namespace scepgate::intune
