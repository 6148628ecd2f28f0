// The decrypted message contents: IssuerAndSubject, IssuerAndSerialNumber and the CSR.
#include <cstddef>
#include <cstdint>

#include "codec/pki_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  scepgate::ByteView in(data, size);
  (void)scepgate::codec::ParseIssuerAndSubject(in);
  (void)scepgate::codec::ParseIssuerAndSerial(in);
  (void)scepgate::codec::ParseCsr(in);
  return 0;
}
