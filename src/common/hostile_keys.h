// Keys no well-behaved client sends, made on purpose: RSA with a chosen public exponent (3, a huge
// one, an even one), EC with explicit curve parameters. For the tests and the bench that prove the
// gateway refuses them cheaply; not linked into scepgate. Thread-safe.
#pragma once

#include "common/ossl.h"

namespace scepgate::hostile {

// A random odd number of exactly `bits` bits (the top bit set). Null on failure.
BignumPtr OddNumber(int bits);
// A usable RSA key pair of `bits` modulus bits whose public exponent is `e` (odd; 1 allowed).
// kInvalidArgument for an even `e`, kCrypto on failure.
Result<EvpPkeyPtr> RsaKeyWithExponent(int bits, const BIGNUM& e);
// An RSA public key with modulus `n` and exponent `e`, which may be anything (even, 1, huge):
// for a CSR or certificate signed by another key. kCrypto on failure.
Result<EvpPkeyPtr> RsaPublicKey(const BIGNUM& n, const BIGNUM& e);
// A usable EC key pair on `curve` ("P-256", "secp256k1", ...) that encodes its curve as explicit
// parameters. kCrypto on failure.
Result<EvpPkeyPtr> EcKeyWithExplicitParameters(const char* curve);
// An EC key pair on a named curve OpenSSL knows ("secp256k1", "P-224", ...). kCrypto on failure.
Result<EvpPkeyPtr> EcKeyOn(const char* curve);

}  // namespace scepgate::hostile
