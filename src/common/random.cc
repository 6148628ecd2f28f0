#include "common/random.h"

#include <openssl/rand.h>

namespace scepgate {

Result<Bytes> SystemRandom::Generate(size_t n) {
  Bytes out(n);
  if (n > 0 && RAND_bytes(out.data(), static_cast<int>(n)) != 1)
    return Fail(CryptoError("RAND_bytes failed"));
  return out;
}

}  // namespace scepgate
