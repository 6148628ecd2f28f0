// OpenSSL provider loading: the default provider always, the legacy one (single DES) on request.
#pragma once

#include "common/error.h"

namespace scepgate {

// Loads OpenSSL's default provider and, when `legacy` is true, the legacy provider that holds
// single DES. Idempotent and thread-safe. Returns kCrypto when a provider cannot be loaded.
Status LoadProviders(bool legacy);

// True once the legacy provider is loaded.
bool LegacyProviderLoaded();

}  // namespace scepgate
