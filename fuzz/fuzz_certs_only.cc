// Degenerate certs-only structures (GetCACert replies, CertRep contents) and GetNextCACert replies.
#include <cstddef>
#include <cstdint>

#include "codec/pki_message.h"
#include "codec/test_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  scepgate::ByteView in(data, size);
  (void)scepgate::codec::DecodeCertsOnly(in);
  (void)scepgate::codec::DecodeNextCaCert(in, scepgate::codec::testing::RaCert());
  return 0;
}
