#include "common/providers.h"

#include <openssl/provider.h>

#include <atomic>
#include <mutex>

#include "common/ossl.h"

namespace scepgate {
namespace {
std::mutex g_mu;  // guards the two provider handles below
OSSL_PROVIDER* g_default = nullptr;
OSSL_PROVIDER* g_legacy = nullptr;
std::atomic<bool> g_legacy_loaded{false};
}  // namespace

Status LoadProviders(bool legacy) {
  std::lock_guard lock(g_mu);
  if (g_default == nullptr) {
    g_default = OSSL_PROVIDER_load(nullptr, "default");
    if (g_default == nullptr) return Fail(CryptoError("cannot load OpenSSL default provider"));
  }
  if (legacy && g_legacy == nullptr) {
    g_legacy = OSSL_PROVIDER_load(nullptr, "legacy");
    if (g_legacy == nullptr) return Fail(CryptoError("cannot load OpenSSL legacy provider"));
    g_legacy_loaded = true;
  }
  return {};
}

bool LegacyProviderLoaded() { return g_legacy_loaded.load(); }

}  // namespace scepgate
