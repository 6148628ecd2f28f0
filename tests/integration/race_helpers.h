// What the race tests share: bounded rounds, many attempts released at once, and copies of one
// request as strongSwan's pki makes them.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gateway_fixture.h"

namespace scepgate::testing {

// SCEPGATE_RACE_ROUNDS when set (to loop longer when hunting a race), else `fallback`.
inline int Rounds(int fallback) {
  const char* env = std::getenv("SCEPGATE_RACE_ROUNDS");
  int n = env != nullptr ? std::atoi(env) : 0;
  return n > 0 ? n : fallback;
}

// Runs `body(i)` on `n` threads released together.
template <class Body>
void AllAtOnce(int n, Body body) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (!go.load()) std::this_thread::yield();
      body(i);
    });
  }
  while (ready.load() < n) std::this_thread::yield();
  go = true;
  for (auto& t : threads) t.join();
}

// The serial (lower-case hex) of the certificate a successful CertRep carries.
inline std::string SerialOf(const codec::CertRep& rep) {
  return SerialHex(*X509_get0_serialNumber(rep.content.certs.front().get()));
}

// A copy of `id`'s request as strongSwan's pki sends it: same key, a freshly made signer.
inline Identity CopyOf(const Identity& id) {
  Identity copy;
  EVP_PKEY_up_ref(id.key.get());
  copy.key.reset(id.key.get());
  auto signer = client::MakeSelfSignedSigner(*copy.key, "SCEP SIGNER");
  EXPECT_TRUE(signer);
  if (signer) copy.signer = std::move(*signer);
  return copy;
}

// The serials (lower-case hex) a CRL lists.
inline std::set<std::string> RevokedSerials(const X509_CRL& crl) {
  std::set<std::string> out;
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(const_cast<X509_CRL*>(&crl));
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i)
    out.insert(SerialHex(*X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i))));
  return out;
}

}  // namespace scepgate::testing
