// The persistence boundary. The store keeps records; it knows nothing of policy.
// Implementations: sqlite/SqliteStore (default), memory_store.h (unit tests).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ossl.h"

namespace scepgate::store {

enum class CertStatus { kValid, kRevoked };

struct CertificateRecord {
  std::string serial;             // lower-case hex, no leading zeros
  std::string issuer_id;          // SHA-256 thumbprint (hex) of the issuing CA certificate
  std::string subject;            // RFC 2253 form
  std::vector<std::string> sans;  // "DNS:x", "email:x", "IP:x", "URI:x", "UPN:x"
  int64_t not_before = 0;
  int64_t not_after = 0;
  std::string sha1;                   // thumbprint of the DER, hex
  std::string sha256;                 // thumbprint of the DER, hex
  std::string public_key_sha256;      // SHA-256 of the SubjectPublicKeyInfo DER, hex
  std::string transaction_id;         // of the request that produced it
  std::string request_signer_sha256;  // thumbprint of the request's signer certificate
  std::string template_name;
  Bytes der;
  CertStatus status = CertStatus::kValid;
  int64_t revoked_at = 0;
  int revocation_reason = 0;  // RFC 5280 reason code
  int64_t created_at = 0;
};

// One PKIOperation (or other SCEP request worth keeping), whatever its outcome.
struct RequestRecord {
  int64_t id = 0;              // assigned by the store
  std::string correlation_id;  // also in the log line
  std::string transaction_id;
  std::string
      message_type;   // "PKCSReq", "RenewalReq", "CertPoll", "GetCert", "GetCRL", "" if unparsed
  std::string state;  // "issued", "failed", "pending", "answered"
  std::string fail_info;  // "badRequest", ... ("" unless failed)
  std::string reason;     // human reason / stable code
  std::string signer_subject;
  std::string signer_sha256;
  std::string cert_serial;  // issued or returned certificate
  std::string remote_addr;
  bool renewal = false;
  int64_t created_at = 0;
  int64_t duration_us = 0;
};

struct CertFilter {
  std::optional<CertStatus> status;
  std::optional<std::string> issuer_id;
  int limit = 0;  // 0 = no limit; newest first
};

struct RequestFilter {
  std::optional<std::string> state;
  std::optional<std::string> transaction_id;
  int limit = 0;  // 0 = no limit; newest first
};

// Thread-safe: every implementation may be called from several threads at once.
class Store {
 public:
  virtual ~Store() = default;

  // Stores a new certificate. Returns kAlreadyExists when the serial is taken, kDatabase otherwise.
  virtual Status InsertCertificate(const CertificateRecord& cert) = 0;
  // Stores the certificate and the request record in one transaction (both or neither).
  // Returns the request id; kAlreadyExists when the serial is taken, kDatabase otherwise.
  virtual Result<int64_t> RecordIssuance(const CertificateRecord& cert,
                                         const RequestRecord& request) = 0;
  // Returns the certificate with this serial (lower-case hex), nullopt when none; kDatabase.
  virtual Result<std::optional<CertificateRecord>> FindCertificate(std::string_view serial) = 0;
  // Returns every certificate issued for this transaction ID, oldest first; kDatabase.
  virtual Result<std::vector<CertificateRecord>> FindByTransaction(
      std::string_view transaction_id) = 0;
  // Returns the newest certificate with this issuer and subject, nullopt when none; kDatabase.
  virtual Result<std::optional<CertificateRecord>> FindLatestBySubject(
      std::string_view issuer_id, std::string_view subject) = 0;
  // Newest first. kDatabase.
  virtual Result<std::vector<CertificateRecord>> ListCertificates(const CertFilter& filter) = 0;
  // Marks the certificate revoked. Returns kNotFound for an unknown serial, kAlreadyExists when
  // it is already revoked, kDatabase otherwise.
  virtual Status Revoke(std::string_view serial, int reason, int64_t revoked_at) = 0;

  // Stores a request record and returns its id. kDatabase.
  virtual Result<int64_t> InsertRequest(const RequestRecord& request) = 0;
  // Newest first. kDatabase.
  virtual Result<std::vector<RequestRecord>> ListRequests(const RequestFilter& filter) = 0;

  // Returns the next value of a named counter (1, 2, ...), atomically. kDatabase.
  virtual Result<int64_t> NextCounter(std::string_view name) = 0;
  // Small named values (e.g. the last CRL's time). kDatabase.
  virtual Result<std::optional<std::string>> GetSetting(std::string_view key) = 0;
  virtual Status SetSetting(std::string_view key, std::string_view value) = 0;
};

}  // namespace scepgate::store
