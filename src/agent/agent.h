// scepgate-agent's operations: enroll from a payload, renew a certificate when its remaining
// validity falls under the threshold, and the run loop. Every outside dependency is an interface
// (HttpClient, Sleeper, Clock, Random, EventSink). Not thread-safe.
#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>

#include "agent/events.h"
#include "agent/payload.h"
#include "agent/sleeper.h"
#include "client/http_client.h"
#include "common/clock.h"
#include "common/random.h"

namespace scepgate::agent {

struct AgentOptions {
  int poll_interval_seconds = 5;  // CertPoll while PENDING
  int poll_limit = 60;
  std::optional<std::string> p12_password;  // also write cert.p12
  bool reuse_key = false;                   // renew with the current key
};

struct Installed {
  std::string serial;      // lower-case hex
  std::string thumbprint;  // SHA-256 hex of the certificate
  std::string url;
  int retries = 0;
};

// True when less than `threshold_percent` of the lifetime [not_before, not_after] is left at `now`
// (always for 100%, or once expired).
bool RenewalDue(int64_t not_before, int64_t not_after, int64_t now, int threshold_percent);

class Agent {
 public:
  Agent(client::HttpClient& http, Sleeper& sleeper, EventSink& events, Random& random,
        const Clock& clock)
      : http_(http), sleeper_(sleeper), events_(events), random_(random), clock_(clock) {}

  // Enrolls a new key with the payload and writes the set into `dir`; emits
  // certificate.installed. Errors as RunWithFailover (CA mismatch: kInvalidArgument; refusal:
  // kPolicyDenied; every URL failing: kIo), or kIo when the files cannot be written.
  Result<Installed> Enroll(const AgentPayload& payload, const std::filesystem::path& dir,
                           const AgentOptions& options);
  // Renews the certificate in `dir` when due (or `force`), signed with the current certificate
  // and key; the old files stay until the new ones are written. Returns nullopt when not due.
  // kNotFound when `dir` holds no certificate; otherwise as Enroll.
  Result<std::optional<Installed>> Renew(const std::filesystem::path& dir, bool force,
                                         const AgentOptions& options);
  // Renews when due every `interval_seconds` until the sleeper reports a stop; a failed renewal
  // is reported and tried again at the next check. kNotFound when `dir` holds no certificate.
  Status Run(const std::filesystem::path& dir, int64_t interval_seconds,
             const AgentOptions& options);

 private:
  // Makes a key of the payload's type and size. kInvalidArgument for an unsupported one.
  Result<EvpPkeyPtr> NewKey(const AgentPayload& payload);
  Result<Installed> Obtain(const AgentPayload& payload, const EVP_PKEY& key, const X509* renew_cert,
                           const EVP_PKEY* renew_key, const std::filesystem::path& dir,
                           const AgentOptions& options);

  client::HttpClient& http_;
  Sleeper& sleeper_;
  EventSink& events_;
  Random& random_;
  const Clock& clock_;
};

}  // namespace scepgate::agent
