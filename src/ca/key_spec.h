// Key types the CA creates and accepts.
#pragma once

#include <string>
#include <string_view>

#include "common/ossl.h"

namespace scepgate::ca {

struct KeySpec {
  enum class Kind { kRsa, kEc } kind = Kind::kRsa;
  int bits = 2048;  // RSA modulus bits, or the EC curve size (256, 384)
};

// Parses "rsa:2048", "rsa:3072", "rsa:4096", "ec:p256", "ec:p384".
// Returns kInvalidArgument for anything else.
Result<KeySpec> ParseKeySpec(std::string_view text);
// Returns the text form ("rsa:2048", "ec:p256").
std::string KeySpecName(const KeySpec& spec);
// Generates a fresh key. Returns kCrypto on failure.
Result<EvpPkeyPtr> GenerateKey(const KeySpec& spec);
// Returns the key's size in bits (RSA modulus, EC field), or 0 for an unknown type.
int KeyBits(const EVP_PKEY& key);
// True for RSA keys.
bool IsRsa(const EVP_PKEY& key);

}  // namespace scepgate::ca
