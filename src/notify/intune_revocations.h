// Intune's revocation requests (Intune mode, docs/intune.md): download the requests Intune holds
// for scepgate's issuing CAs, revoke each named certificate, upload a result for each, as the
// certificate connector does for AD CS. One node at a time, under a named lease in the store.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ca/revocation.h"
#include "common/clock.h"
#include "intune/intune_api.h"
#include "store/store.h"

namespace scepgate::notify {

struct IntuneRevocationOptions {
  ca::RevocationReason reason = ca::RevocationReason::kCessationOfOperation;  // none travels
  std::string owner = "worker";  // this process in the lease (WorkerName())
  int lease_seconds = 300;       // longer than a poll can take
  int max_batches = 20;          // downloads per issuer and poll; the rest waits for the next
};

// What one poll did.
struct RevocationPoll {
  bool leased = false;  // false: another node holds the lease, nothing was done
  int requests = 0;     // handed out by Intune
  int revoked = 0;      // revoked by this poll
  int refused = 0;      // answered with an error code (not found, already revoked, ...)
};

// The result for each request of a batch, from what RevokeMany did: success for a revoked
// serial; CertificateNotFoundError for one scepgate never issued; ConflictError for one revoked
// before; ParameterDataInvalidError for a serial that is not hex. `serials` are the requests'
// serials in scepgate's form (SerialOfRequest), "" for one that is not hex. Thread-safe.
std::vector<intune::RevocationResult> ResultsFor(
    const std::vector<intune::RevocationRequest>& requests, const std::vector<std::string>& serials,
    const ca::RevokeReport& report);

// A serial as Intune sends it ("0A1B", "0a:1b") in scepgate's stored form (lower-case hex,
// separators and leading zeros removed); "" when it is not hex. Thread-safe.
std::string SerialOfRequest(std::string_view serial);

// Thread-safe as far as its parts are; meant to be driven by one thread per process.
class IntuneRevocations {
 public:
  IntuneRevocations(store::Store& store, ca::Revoker& revoker, intune::IntuneApi& api,
                    const Clock& clock, IntuneRevocationOptions options)
      : store_(store), revoker_(revoker), api_(api), clock_(clock), options_(std::move(options)) {}

  // One poll: takes the lease (or returns leased = false); uploads the results a failed upload
  // left behind; then, for each issuing CA in the store, downloads up to 500 requests at a time,
  // revokes the named certificates in one RevokeMany (each CRL re-signed once), and uploads a
  // result for each. Results are kept in the store until Intune took them, so a restart or an
  // unreachable Intune neither loses them nor answers ConflictError for a revocation this poll
  // made. When the store fails while revoking, the batch is answered ServiceUnavailableException
  // (retryable). Returns what was done; kUnavailable / kPermissionDenied / kInternal when Intune
  // cannot be asked (the next poll tries again), kDatabase when the store fails.
  Result<RevocationPoll> PollOnce();
  // Gives the lease up when this poller holds it, so that another node (or this one restarted,
  // under a new owner name) polls next without waiting for it to run out. kDatabase.
  Status Release();

 private:
  Status UploadPending();
  Status Batch(const std::string& issuer_name, RevocationPoll& poll, bool& more);

  store::Store& store_;
  ca::Revoker& revoker_;
  intune::IntuneApi& api_;
  const Clock& clock_;
  IntuneRevocationOptions options_;
};

}  // namespace scepgate::notify
