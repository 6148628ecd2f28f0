// libcurl handles, one RAII alias each, and the process-wide initialisation. Header-only: a
// module that includes it links CURL::libcurl itself.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace scepgate {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// Runs curl_global_init once per process; call before the first easy handle. Thread-safe.
inline void CurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace scepgate
