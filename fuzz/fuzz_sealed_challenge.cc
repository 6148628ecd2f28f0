// Sealed challenges: Unseal with a fixed key ring on (1) the input as a challenge string,
// (2) a valid sealed challenge with the input spliced into it, so mutations start from a string
// that opens, and (3) the input sealed as the plaintext under the ring's key, which reaches the
// claim decoder with authentic but arbitrary bytes. Must never crash.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "policy/sealed_challenge.h"

namespace {

using scepgate::Bytes;
using scepgate::ByteView;
using scepgate::policy::SealKey;

const std::vector<SealKey>& Ring() {
  static const std::vector<SealKey> ring = {{"k2", Bytes(32, 0x22)}, {"k1", Bytes(32, 0x11)}};
  return ring;
}

// A valid challenge under "k1", built once with fixed claims and a fixed random source.
const std::string& ValidChallenge() {
  static const std::string sealed = [] {
    scepgate::policy::SealedClaims c;
    c.expires_at = 1767225600;
    c.device_id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    c.profile = "fuzz profile";
    c.key_usage = 0x80a0;
    c.key_type = "rsa";
    c.min_key_size = 2048;
    c.validity_days = 365;
    c.purpose = "general";
    c.ekus = {"1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"};
    c.subject_digest = Bytes(16, 0xaa);
    c.sans_digest = Bytes(16, 0xbb);
    scepgate::FakeRandom random(7);
    auto r = scepgate::policy::Seal(c, Ring()[1], random);
    if (!r || !scepgate::policy::Unseal(*r, Ring())) std::abort();
    return *r;
  }();
  return sealed;
}

// The first input byte picks where the rest overwrites the valid challenge.
std::string Spliced(ByteView in) {
  std::string out = ValidChallenge();
  if (in.empty()) return out;
  size_t at = in[0] % (out.size() + 1);
  ByteView rest = in.subspan(1);
  out.replace(at, std::min(rest.size(), out.size() - at), scepgate::AsString(rest));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView in(data, size);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)scepgate::policy::Unseal(text, Ring());
  (void)scepgate::policy::Unseal(Spliced(in), Ring());
  Bytes nonce(12, 0x5a);
  auto authentic = scepgate::policy::internal::SealPlaintext(in, Ring()[1], nonce);
  if (authentic) (void)scepgate::policy::Unseal(*authentic, Ring());
  return 0;
}
