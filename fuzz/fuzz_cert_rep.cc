// DecodeCertRep: what a device agent reads from a (possibly hostile) server.
#include <cstddef>
#include <cstdint>

#include "codec/pki_message.h"
#include "codec/test_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)scepgate::codec::DecodeCertRep(scepgate::ByteView(data, size),
                                       scepgate::codec::testing::ClientCert(),
                                       scepgate::codec::testing::ClientKey());
  return 0;
}
