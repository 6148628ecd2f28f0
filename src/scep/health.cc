#include "scep/health.h"

#include "scep/expiry.h"

#include <spdlog/spdlog.h>

#include <array>

namespace scepgate::scep {
namespace {

// Signs a fixed probe with `key` and checks it against `cert`'s public key. The error names the
// failing step.
Status ProbeKey(const X509& cert, const EVP_PKEY& key) {
  static constexpr std::array<uint8_t, 16> kProbe = {'s', 'c', 'e', 'p', 'g', 'a', 't', 'e',
                                                     'h', 'e', 'a', 'l', 't', 'h', 'z', '!'};
  SG_ASSIGN_OR_RETURN(Bytes sig, SignData(*EVP_sha256(), key, kProbe));
  EVP_PKEY* pub = X509_get0_pubkey(&cert);
  if (pub == nullptr || !VerifyData(*EVP_sha256(), *pub, kProbe, sig))
    return Fail(Error::Crypto("the signature does not verify with the certificate's key"));
  return {};
}

}  // namespace

HealthReport HealthCheck::Check() {
  std::lock_guard lock(mu_);
  int64_t now = clock_.Now();
  if (now != probed_at_) {
    last_ = Probe();
    probed_at_ = now;
  }
  return last_;
}

HealthReport HealthCheck::Probe() {
  HealthReport r;
  if (auto read = store_.GetSetting("healthz.probe"); read) {
    r.database = "ok";
  } else {
    r.database = "unavailable";
    spdlog::warn("healthz: the store cannot be read: {}", read.error().message);
  }
  Status issuing = ProbeKey(cas_.current().issuer->cert(), cas_.current().issuer->key());
  Status ra = issuing ? ProbeKey(cas_.ra_cert(), cas_.ra_key()) : Status{};
  if (issuing && ra) {
    r.signing = "ok";
  } else {
    r.signing = "failed";
    spdlog::error("healthz: cannot sign with the {} key: {}", issuing ? "RA" : "issuing CA",
                  issuing ? ra.error().message : issuing.error().message);
  }
  // An expired RA or issuing CA cannot serve an enrollment (clients refuse what it signs); an
  // expired root or intermediate, or one in the warning window, is reported but still serves.
  const auto items = ExpiryOf(cas_, clock_.Now(), expiry_warning_seconds_);
  r.expiry = ExpiryStateName(WorstOf(items));
  bool can_enroll = true;
  for (const ExpiryItem& i : items)
    if ((i.role == "ra" || i.role == "issuing") && i.state == ExpiryState::kExpired)
      can_enroll = false;
  r.ok = r.database == "ok" && r.signing == "ok" && can_enroll;
  return r;
}

}  // namespace scepgate::scep
