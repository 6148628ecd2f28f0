// An in-memory Store for unit tests of other modules. Same semantics as SqliteStore (ordering,
// error codes, atomic RecordIssuance); nothing survives the object.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.h"

namespace scepgate::store {

// Thread-safe: all state is guarded by `mu_`, held for the whole of each public method.
class MemoryStore final : public Store {
 public:
  MemoryStore() = default;

  Status InsertCertificate(const CertificateRecord& cert) override;
  Result<int64_t> RecordIssuance(const CertificateRecord& cert,
                                 const RequestRecord& request) override;
  Result<std::optional<CertificateRecord>> FindCertificate(std::string_view serial) override;
  Result<std::vector<CertificateRecord>> FindByTransaction(
      std::string_view transaction_id) override;
  Result<std::optional<CertificateRecord>> FindLatestBySubject(std::string_view issuer_id,
                                                               std::string_view subject) override;
  Result<std::vector<CertificateRecord>> ListCertificates(const CertFilter& filter) override;
  Status Revoke(std::string_view serial, int reason, int64_t revoked_at) override;

  Result<int64_t> InsertRequest(const RequestRecord& request) override;
  Result<std::vector<RequestRecord>> ListRequests(const RequestFilter& filter) override;

  Result<int64_t> NextCounter(std::string_view name) override;
  Result<std::optional<std::string>> GetSetting(std::string_view key) override;
  Status SetSetting(std::string_view key, std::string_view value) override;

 private:
  // Each *Locked helper expects `mu_` to be held.
  Status CheckSerialFreeLocked(const std::string& serial) const;
  int64_t AppendRequestLocked(RequestRecord request);
  // Certificates matching `keep`, newest first (created_at, then insertion order).
  template <class Pred>
  std::vector<CertificateRecord> NewestFirstLocked(Pred keep) const;

  std::mutex mu_;
  std::vector<CertificateRecord> certs_;                      // insertion order; guarded by mu_
  std::map<std::string, size_t, std::less<>> cert_index_;     // serial -> certs_ index; mu_
  std::vector<RequestRecord> requests_;                       // id order; guarded by mu_
  std::map<std::string, int64_t, std::less<>> counters_;      // guarded by mu_
  std::map<std::string, std::string, std::less<>> settings_;  // guarded by mu_
};

}  // namespace scepgate::store
