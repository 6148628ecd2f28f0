// State of one PKIOperation as it moves through the service. Private to src/scep.
#pragma once

#include <chrono>
#include <optional>

#include "scep/service.h"

namespace scepgate::scep {

// Retry-After of a 503 answered when the store cannot be reached.
inline constexpr int kUnavailableRetryAfterSeconds = 2;

// A store failure as a reply should carry it: a lost connection keeps kUnavailable (HTTP 503, the
// client retries); anything else is an internal failure named StoreUnavailable.
inline Error StoreError(const Error& e) {
  if (e.code == ErrorCode::kUnavailable) return e;
  return Error::Internal("StoreUnavailable: " + e.message);
}

struct Service::Context {
  const Peer& peer;
  std::chrono::steady_clock::time_point started;
  codec::PkiRequest request;
  int cipher_nid = NID_aes_256_cbc;
  // The RA certificate the client encrypted to (another one of the RA key after a renewal); the
  // CertRep is signed as that one, which is what a client that cached it checks. Null: the served
  // one.
  const X509* ra_cert = nullptr;
  std::string signer_sha256;
  bool renewal = false;
  std::optional<store::CertificateRecord> renewed;  // the signer's record, when a renewal
  store::RequestRecord record;                      // filled as we go; stored by Record()
  bool recorded = false;  // set when the record went in with the certificate
  // A failure worth a request.failed event; false when repeating one already told (a poll of a
  // rejected request).
  bool notify_failure = true;
  // The CSR as the device sent it, once Intune was asked about the request (Intune mode): a
  // refusal recorded then queues intune.failure with it; an issuance queues intune.success.
  // Cleared when the request is answered from an earlier copy's outcome (a resend).
  Bytes intune_csr_der;
};

}  // namespace scepgate::scep
