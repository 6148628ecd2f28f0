#include "ca/key_spec.h"
#include "common/text.h"

#include <algorithm>
#include <cctype>

namespace scepgate::ca {

Result<KeySpec> ParseKeySpec(std::string_view text) {
  const std::string t = AsciiLower(text);
  if (t == "rsa:2048") return KeySpec{KeySpec::Kind::kRsa, 2048};
  if (t == "rsa:3072") return KeySpec{KeySpec::Kind::kRsa, 3072};
  if (t == "rsa:4096") return KeySpec{KeySpec::Kind::kRsa, 4096};
  if (t == "ec:p256") return KeySpec{KeySpec::Kind::kEc, 256};
  if (t == "ec:p384") return KeySpec{KeySpec::Kind::kEc, 384};
  return Fail(Error::InvalidArgument("unsupported key type \"" + std::string(text) +
                                     "\" (use rsa:2048, rsa:3072, rsa:4096, ec:p256 or ec:p384)"));
}

std::string KeySpecName(const KeySpec& spec) {
  if (spec.kind == KeySpec::Kind::kEc) return "ec:p" + std::to_string(spec.bits);
  return "rsa:" + std::to_string(spec.bits);
}

Result<EvpPkeyPtr> GenerateKey(const KeySpec& spec) {
  EvpPkeyPtr key;
  if (spec.kind == KeySpec::Kind::kRsa) {
    if (spec.bits < 2048 || spec.bits > 16384)
      return Fail(Error::InvalidArgument("unsupported RSA size " + std::to_string(spec.bits)));
    key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(spec.bits)));
  } else {
    const char* curve = spec.bits == 256 ? "P-256" : spec.bits == 384 ? "P-384" : nullptr;
    if (curve == nullptr)
      return Fail(Error::InvalidArgument("unsupported EC size " + std::to_string(spec.bits)));
    key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
  }
  if (!key) return Fail(CryptoError("key generation (" + KeySpecName(spec) + ") failed"));
  return key;
}

int KeyBits(const EVP_PKEY& key) {
  if (!EVP_PKEY_is_a(&key, "RSA") && !EVP_PKEY_is_a(&key, "EC")) return 0;
  return EVP_PKEY_get_bits(&key);
}

bool IsRsa(const EVP_PKEY& key) { return EVP_PKEY_is_a(&key, "RSA") == 1; }

}  // namespace scepgate::ca
