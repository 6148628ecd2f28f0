// ParseRequest on untrusted bytes (the body of a PKIOperation), then EnvelopeCipher on what it
// extracted.
#include <cstddef>
#include <cstdint>

#include "codec/pki_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto req = scepgate::codec::ParseRequest(scepgate::ByteView(data, size));
  if (req) (void)scepgate::codec::EnvelopeCipher(req->enveloped);
  return 0;
}
