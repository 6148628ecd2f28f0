// RAII aliases for the OpenSSL handles only the codec uses (the shared ones are in common/ossl.h).
#pragma once

#include <openssl/pkcs7.h>
#include <openssl/provider.h>

#include "common/ossl.h"

namespace scepgate::codec {

inline void FreeCrlStack(STACK_OF(X509_CRL) * s) { sk_X509_CRL_pop_free(s, X509_CRL_free); }

using Pkcs7Ptr = OsslPtr<PKCS7, PKCS7_free>;
using Pkcs7IssuerAndSerialPtr = OsslPtr<PKCS7_ISSUER_AND_SERIAL, PKCS7_ISSUER_AND_SERIAL_free>;
using X509CrlStackPtr = OsslPtr<STACK_OF(X509_CRL), FreeCrlStack>;

}  // namespace scepgate::codec
