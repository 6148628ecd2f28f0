// The PKCS#11 C API (the header p11-kit ships, the OASIS types and function list) and the
// small things every user of it needs: RAII for a dlopen'ed module, CK_RV names for messages.
#pragma once

#include <p11-kit/pkcs11.h>

#include <string>

namespace scepgate::pkcs11 {

// The name of a PKCS#11 return value ("CKR_PIN_INCORRECT"), or its hex value when unknown.
// Thread-safe.
std::string RvName(CK_RV rv);

}  // namespace scepgate::pkcs11
