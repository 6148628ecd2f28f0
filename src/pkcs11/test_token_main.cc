// scepgate-test-token DIR LABEL: makes a SoftHSM2 token LABEL whose files live in DIR (and
// DIR/softhsm2.conf, for SOFTHSM2_CONF), for the shell tests. The user PIN comes from
// SCEPGATE_PKCS11_PIN, the SO PIN from SCEPGATE_PKCS11_SO_PIN (default: the user PIN); neither
// is ever an argument. Prints the module path on success.
#include <cstdlib>
#include <iostream>

#include "pkcs11/test_token.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: scepgate-test-token DIR LABEL (PINs from the environment)\n";
    return 2;
  }
  const char* pin = std::getenv("SCEPGATE_PKCS11_PIN");
  const char* so = std::getenv("SCEPGATE_PKCS11_SO_PIN");
  if (pin == nullptr || *pin == '\0') {
    std::cerr << "scepgate-test-token: set SCEPGATE_PKCS11_PIN\n";
    return 2;
  }
  auto made = scepgate::pkcs11::CreateSoftHsmToken(argv[1], argv[2], so ? so : pin, pin);
  if (!made) {
    std::cerr << "scepgate-test-token: " << made.error().message << "\n";
    return 1;
  }
  std::cout << scepgate::pkcs11::SoftHsmModule() << "\n";
  return 0;
}
