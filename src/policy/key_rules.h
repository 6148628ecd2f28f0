// The one check of a request's public key that every path to issuance makes (static challenge,
// one-time or sealed challenge, renewal of a linked or a static-challenge certificate), before the
// CSR's signature is verified with that key. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/ossl.h"

namespace scepgate::policy {

// The configured limits ([policy] in scepgate.toml).
struct KeyRules {
  int min_rsa_bits = 2048;
  int max_rsa_bits = 4096;
  int rsa_min_exponent = 65537;  // and always odd and below 2^256
  int min_ec_bits = 256;
  // Named curves accepted ("P-256" or OpenSSL's "prime256v1"); explicit parameters never are.
  std::vector<std::string> ec_curves = {"P-256", "P-384", "P-521"};
};

// Returns nothing when `key` may be certified. Otherwise, in order: kBadRequest for a null key
// ("CSR carries no usable public key"); KeyTypeUnsupported (kBadAlg) for other than RSA and EC;
// KeyParametersRejected (kPolicyDenied) for an RSA modulus above 16384 bits, an even exponent, one
// below `rsa_min_exponent` or one not below 2^256, for EC explicit parameters, a curve not in
// `ec_curves`, or a point that fails EVP_PKEY_public_check; KeyLengthMismatch (kPolicyDenied) for
// an RSA key below `min_rsa_bits` or above `max_rsa_bits`, an EC key below `min_ec_bits`. Looks
// only at the key's parameters (no modular exponentiation), so a hostile key costs microseconds.
Status CheckRequestKey(const EVP_PKEY* key, const KeyRules& rules);

}  // namespace scepgate::policy
