// A GET query string: QueryParam, PercentDecode and DecodeGetMessage.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/get_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view query(reinterpret_cast<const char*>(data), size);
  auto message = scepgate::codec::QueryParam(query, "message");
  if (message && *message) (void)scepgate::codec::DecodeGetMessage(**message);
  (void)scepgate::PercentDecode(query);
  (void)scepgate::codec::DecodeGetMessage(query);
  return 0;
}
