// Randomness as an interface: OpenSSL's CSPRNG in production, a counter in unit tests.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "common/ossl.h"

namespace scepgate {

// A source of random bytes. Implementations are thread-safe.
class Random {
 public:
  virtual ~Random() = default;
  // Returns n random bytes, or kCrypto if the generator fails.
  virtual Result<Bytes> Generate(size_t n) = 0;
};

// Returns a random UUID v4 in lower-case 8-4-4-4-12 form (also a GUID as Microsoft writes one);
// kCrypto when `random` fails. Thread-safe as `random` is.
Result<std::string> NewUuid(Random& random);

// OpenSSL's RAND_bytes.
class SystemRandom final : public Random {
 public:
  Result<Bytes> Generate(size_t n) override;
};

// Deterministic bytes (a counter) for unit tests. Thread-safe: guarded by mu_.
class FakeRandom final : public Random {
 public:
  explicit FakeRandom(uint8_t seed = 1) : next_(seed) {}
  Result<Bytes> Generate(size_t n) override {
    std::lock_guard lock(mu_);
    Bytes out(n);
    for (auto& b : out) b = next_++;
    return out;
  }

 private:
  std::mutex mu_;
  uint8_t next_;
};

}  // namespace scepgate
