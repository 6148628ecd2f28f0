// Integration tests main: loads OpenSSL's legacy provider so tests can *send* single DES.
#include <gtest/gtest.h>

#include "common/providers.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (!scepgate::LoadProviders(true)) return 2;
  return RUN_ALL_TESTS();
}
