// Turning an encoded SubjectPublicKeyInfo into a usable key without OpenSSL 3.0's decoder set-up.
#pragma once

#include "common/ossl.h"

namespace scepgate {

// Returns the key of `spki`. An RSA key (rsaEncryption, NULL or absent parameters) is built from
// its modulus and exponent through the provider's key import, which costs a few microseconds;
// every other algorithm goes through d2i_PUBKEY, which in OpenSSL 3.0 sets up a key decoder for
// each call (about 90 us). kBadRequest when the key is not one OpenSSL can use.
Result<EvpPkeyPtr> PublicKeyFromSpki(const X509_PUBKEY& spki);

}  // namespace scepgate
