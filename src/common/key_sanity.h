// Cheap checks of a public key's parameters, made before any signature is verified with it.
// Verifying with an RSA key costs in proportion to its exponent's length and the square of its
// modulus', so a request carrying a key with a huge exponent costs the gateway milliseconds per
// signature whatever else is wrong with it; an EC key with explicit curve parameters is not one a
// CA should trust at all. Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "common/ossl.h"

namespace scepgate {

// Hard ceilings, whatever the configuration says: an RSA modulus of at most this many bits...
inline constexpr int kMaxRsaModulusBits = 16384;
// ... and an odd public exponent of at least 3 and below 2^256 (CA/Browser Forum BR 6.1.6).
inline constexpr int kMaxRsaExponentBits = 256;

// True for RSA keys (rsaEncryption), whose exponent and modulus the checks look at.
bool IsRsaKey(const EVP_PKEY& key);
// The public exponent of an RSA key; null for another type or when it cannot be read.
BignumPtr RsaPublicExponent(const EVP_PKEY& key);
// True when `key` is EC with explicit curve parameters rather than a named curve.
bool HasExplicitEcParameters(const EVP_PKEY& key);
// The NID of an EC key's named curve; NID_undef for another type or explicit parameters.
int EcCurveNid(const EVP_PKEY& key);
// The NID of a curve named "P-256" (NIST) or "prime256v1" / "secp384r1" (OpenSSL short names);
// NID_undef when no curve has that name.
int CurveNidByName(std::string_view name);

// Returns nothing when `key` is cheap and sane to verify a signature with: RSA whose modulus has
// at most kMaxRsaModulusBits and whose exponent is odd, at least 3 and below 2^256; EC on a named
// curve; any other type (left to the caller). Otherwise kBadRequest with a message
// "KeyParametersRejected: <whose> ..." (`whose` e.g. "the message signer's key").
Status CheckKeyCost(const EVP_PKEY& key, std::string_view whose);
// The same for an encoded key, before it is decoded: refuses an EC AlgorithmIdentifier whose
// parameters are not a named curve's OID. kBadRequest as above.
Status CheckSpkiCost(const X509_PUBKEY& spki, std::string_view whose);

}  // namespace scepgate
