// SHA-256 over data that arrives in pieces, as lower-case hex. Not thread-safe (one per stream).
#pragma once

#include <string>
#include <string_view>

#include "common/ossl.h"

namespace scepgate::archive {

class Sha256 {
 public:
  Sha256();
  void Update(std::string_view data);
  // The digest of everything given so far, 64 hex digits; "" if OpenSSL failed (then it matches
  // no recorded digest). Ends the stream: call once.
  std::string HexDigest();

 private:
  EvpMdCtxPtr ctx_;
  bool ok_ = false;
};

// SHA-256 of `data` as lower-case hex. Thread-safe.
std::string Sha256Hex(std::string_view data);

}  // namespace scepgate::archive
