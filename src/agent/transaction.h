// One SCEP enrollment (or renewal) against one URL: GetCACaps, GetCACert with the CA pinned by
// the payload's thumbprint, the CSR, PKIOperation (POST when advertised, else GET), and CertPoll
// while the gateway answers PENDING. Not thread-safe (its HttpClient is not).
#pragma once

#include <expected>
#include <string>

#include "agent/events.h"
#include "agent/failover.h"
#include "agent/payload.h"
#include "agent/sleeper.h"
#include "client/http_client.h"
#include "client/scep_client.h"

namespace scepgate::agent {

struct TransactionSpec {
  const AgentPayload* payload = nullptr;  // borrowed, never null
  const EVP_PKEY* new_key = nullptr;      // the key to certify; borrowed, never null
  // Renewal: the current certificate and key sign the request. Both null for a first enrollment.
  const X509* renew_cert = nullptr;
  const EVP_PKEY* renew_key = nullptr;
  int poll_interval_seconds = 5;
  int poll_limit = 60;
};

// Returns kInvalidArgument (not retryable) unless one of GetCACert's certificates, or the CA that
// signed the issuing CA, is the pinned one: its SHA-256 equals payload.ca_sha256.
Status CheckPinnedCa(const client::CaCerts& ca, const AgentPayload& payload);

class Transaction {
 public:
  Transaction(client::HttpClient& http, Sleeper& sleeper, EventSink& events)
      : http_(http), sleeper_(sleeper), events_(events) {}

  // The issued certificate, or why this URL failed (see AttemptError). Emits request.generated
  // when the request is built.
  std::expected<Issued, AttemptError> Run(const std::string& url, const TransactionSpec& spec);

 private:
  client::HttpClient& http_;
  Sleeper& sleeper_;
  EventSink& events_;
};

}  // namespace scepgate::agent
