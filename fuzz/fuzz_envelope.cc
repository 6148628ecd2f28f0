// EnvelopeCipher (the hand-walked DER), the DER fast path OpenEnvelopeDer on any bytes, and
// OpenEnvelope with the test RA key.
#include <cstddef>
#include <cstdint>

#include "codec/envelope_reader.h"
#include "codec/pki_message.h"
#include "codec/test_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  scepgate::ByteView in(data, size);
  (void)scepgate::codec::OpenEnvelopeDer(in, scepgate::codec::testing::RaCert(),
                                         scepgate::codec::testing::RaKey());
  if (scepgate::codec::EnvelopeCipher(in)) {
    (void)scepgate::codec::OpenEnvelope(in, scepgate::codec::testing::RaCert(),
                                        scepgate::codec::testing::RaKey());
  }
  return 0;
}
