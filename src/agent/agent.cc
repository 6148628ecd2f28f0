#include "agent/agent.h"

#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "agent/credentials.h"
#include "agent/failover.h"
#include "agent/transaction.h"
#include "agent/url_plan.h"

namespace scepgate::agent {
namespace {

std::string Sha256Hex(const X509& cert) {
  auto der = CertToDer(cert);
  if (!der) return "";
  auto d = Digest("SHA256", *der);
  return d ? HexEncode(*d) : "";
}

}  // namespace

bool RenewalDue(int64_t not_before, int64_t not_after, int64_t now, int threshold_percent) {
  int64_t lifetime = not_after - not_before;
  if (lifetime <= 0 || now >= not_after || threshold_percent >= 100) return true;
  // remaining / lifetime < threshold / 100, in integers.
  return (not_after - now) * 100 < lifetime * threshold_percent;
}

Result<EvpPkeyPtr> Agent::NewKey(const AgentPayload& p) {
  EVP_PKEY* key = nullptr;
  if (p.key_type == "rsa") {
    if (p.key_size < 2048 || p.key_size > 16384)
      return Fail(Error::InvalidArgument("RSA key size " + std::to_string(p.key_size) +
                                         " is outside 2048..16384"));
    key = EVP_RSA_gen(static_cast<unsigned>(p.key_size));
  } else {
    const char* curve = p.key_size == 384 ? "P-384" : p.key_size == 521 ? "P-521" : "P-256";
    key = EVP_EC_gen(curve);
  }
  if (key == nullptr) return Fail(CryptoError("cannot generate the key"));
  return EvpPkeyPtr(key);
}

Result<Installed> Agent::Obtain(const AgentPayload& payload, const EVP_PKEY& key,
                                const X509* renew_cert, const EVP_PKEY* renew_key,
                                const std::filesystem::path& dir, const AgentOptions& options) {
  SG_ASSIGN_OR_RETURN(UrlPlan plan, UrlPlan::Make(payload.mode, payload.urls, random_));
  TransactionSpec spec;
  spec.payload = &payload;
  spec.new_key = &key;
  spec.renew_cert = renew_cert;
  spec.renew_key = renew_key;
  spec.poll_interval_seconds = options.poll_interval_seconds;
  spec.poll_limit = options.poll_limit;
  Transaction transaction(http_, sleeper_, events_);
  RetryPolicy policy{payload.retry_count, payload.retry_delay_seconds};
  SG_ASSIGN_OR_RETURN(FailoverResult r,
                      RunWithFailover(plan, policy, sleeper_, events_, [&](const std::string& url) {
                        return transaction.Run(url, spec);
                      }));
  AgentPayload state = payload;
  state.challenge.clear();
  SG_TRY_STATUS(
      WriteCredentials(dir, key, *r.issued.cert, r.issued.ca_certs, state, options.p12_password));
  Installed out;
  out.serial = SerialHex(*X509_get0_serialNumber(r.issued.cert.get()));
  out.thumbprint = Sha256Hex(*r.issued.cert);
  out.url = r.url;
  out.retries = r.retries;
  events_.Emit({kCertificateInstalled,
                {{"thumbprint", out.thumbprint},
                 {"serial", out.serial},
                 {"url", out.url},
                 {"subject", NameToString(*X509_get_subject_name(r.issued.cert.get()))},
                 {"dir", dir.string()}},
                {{"retry_count", out.retries}}});
  return out;
}

Result<Installed> Agent::Enroll(const AgentPayload& payload, const std::filesystem::path& dir,
                                const AgentOptions& options) {
  if (payload.challenge.empty())
    return Fail(Error::InvalidArgument("the payload carries no challenge"));
  SG_ASSIGN_OR_RETURN(EvpPkeyPtr key, NewKey(payload));
  return Obtain(payload, *key, nullptr, nullptr, dir, options);
}

Result<std::optional<Installed>> Agent::Renew(const std::filesystem::path& dir, bool force,
                                              const AgentOptions& options) {
  SG_ASSIGN_OR_RETURN(Credentials current, ReadCredentials(dir));
  SG_ASSIGN_OR_RETURN(int64_t not_before, AsnTimeToUnix(*X509_get0_notBefore(current.cert.get())));
  SG_ASSIGN_OR_RETURN(int64_t not_after, AsnTimeToUnix(*X509_get0_notAfter(current.cert.get())));
  int64_t now = clock_.Now();
  std::string serial = SerialHex(*X509_get0_serialNumber(current.cert.get()));
  if (!force && !RenewalDue(not_before, not_after, now, current.state.renewal_threshold)) {
    int64_t lifetime = std::max<int64_t>(1, not_after - not_before);
    events_.Emit({kRenewalNotDue,
                  {{"serial", serial}},
                  {{"remaining_percent", (not_after - now) * 100 / lifetime},
                   {"threshold_percent", current.state.renewal_threshold}}});
    return std::optional<Installed>();
  }
  events_.Emit({kRenewalStarted, {{"serial", serial}}, {{"forced", force ? 1 : 0}}});
  EvpPkeyPtr new_key;
  if (options.reuse_key) {
    new_key.reset(current.key.get());
    EVP_PKEY_up_ref(new_key.get());
  } else {
    SG_ASSIGN_OR_RETURN(new_key, NewKey(current.state));
  }
  SG_ASSIGN_OR_RETURN(Installed r, Obtain(current.state, *new_key, current.cert.get(),
                                          current.key.get(), dir, options));
  return std::optional<Installed>(std::move(r));
}

Status Agent::Run(const std::filesystem::path& dir, int64_t interval_seconds,
                  const AgentOptions& options) {
  for (;;) {
    auto r = Renew(dir, /*force=*/false, options);
    if (!r && r.error().code == ErrorCode::kNotFound) return Fail(r.error());
    if (!r) events_.Emit({kEnrollFailed, {{"error", r.error().message}, {"stage", "renewal"}}, {}});
    if (!sleeper_.Sleep(interval_seconds)) return {};
  }
}

}  // namespace scepgate::agent
