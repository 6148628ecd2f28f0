#include "common/random.h"

#include <openssl/rand.h>

#include "common/text.h"

namespace scepgate {

Result<Bytes> SystemRandom::Generate(size_t n) {
  Bytes out(n);
  if (n > 0 && RAND_bytes(out.data(), static_cast<int>(n)) != 1)
    return Fail(CryptoError("RAND_bytes failed"));
  return out;
}

Result<std::string> NewUuid(Random& random) {
  SG_ASSIGN_OR_RETURN(Bytes b, random.Generate(16));
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string hex = AsciiLower(HexEncode(b));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

}  // namespace scepgate
