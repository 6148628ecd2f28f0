// A SoftHSM2 token made for a test in a temporary directory: tests never touch a token of the
// machine. Test-only; not linked into scepgate.
#pragma once

#include <filesystem>
#include <string>

#include "common/error.h"

namespace scepgate::pkcs11 {

// The SoftHSM2 module found at configure time (empty when SoftHSM2 is not installed).
std::string SoftHsmModule();

// Points SoftHSM2 at DIR (writes DIR/softhsm2.conf and DIR/tokens, sets SOFTHSM2_CONF) and
// initialises a new token `label` there with the SO PIN `so_pin` and the user PIN `pin`. Call
// before the process first loads the module: SoftHSM2 reads its configuration once.
// Returns kFailedPrecondition when SoftHSM2 is missing, kCrypto naming the CK_RV otherwise.
// Not thread-safe (sets the environment).
Status CreateSoftHsmToken(const std::filesystem::path& dir, const std::string& label,
                          const std::string& so_pin, const std::string& pin);

}  // namespace scepgate::pkcs11
