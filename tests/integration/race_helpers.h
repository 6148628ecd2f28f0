// What the race tests share: bounded rounds, many attempts released at once, and copies of one
// request as strongSwan's pki makes them.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>
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

// What copies of one request, sent at once, were answered with.
struct CopiesOutcome {
  std::set<std::string> serials;      // of the certificates the successful copies got
  std::vector<std::string> failures;  // the failInfoText (or transport error) of every other one
};

// Sends one copy of `id`'s request (each with its own fresh signer) to each of `urls` at once,
// on a connection of its own, asking for `subject` with `challenge`.
inline CopiesOutcome SendCopiesAtOnce(const Identity& id, const std::vector<std::string>& urls,
                                      const std::string& subject, const std::string& challenge) {
  std::vector<std::unique_ptr<GatewayClient>> connections;
  std::vector<Identity> copies;
  for (const std::string& url : urls) {
    connections.push_back(std::make_unique<GatewayClient>(url));
    copies.push_back(CopyOf(id));
  }
  std::mutex mu;  // guards out
  CopiesOutcome out;
  AllAtOnce(static_cast<int>(urls.size()), [&](int i) {
    EnrollOptions o;
    o.csr.subject = subject;
    o.csr.challenge = challenge;
    auto rep = connections[i]->Enroll(copies[i], o);
    std::lock_guard lock(mu);
    if (!rep || rep->status != codec::PkiStatus::kSuccess || rep->content.certs.empty())
      out.failures.push_back(rep ? rep->fail_info_text : rep.error().message);
    else
      out.serials.insert(SerialOf(*rep));
  });
  return out;
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
