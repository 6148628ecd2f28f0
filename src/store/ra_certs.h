// The RA certificate's renewals, shared by every node of a deployment (they all hold the one RA
// key): a node that holds the key of the RA's issuing CA publishes a new certificate for the same
// key before the old one expires, and each node reports which RA certificate it serves and which
// it has loaded, so that the new one goes into service only once every running node can decrypt
// what clients encrypt to it (scep/ra_renewal.h).
// Part of the store (store.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/ossl.h"

namespace scepgate::store {

struct RaCertificateRecord {
  std::string id;        // SHA-256 (hex) of the certificate's DER
  std::string key_id;    // SHA-256 (hex) of its SubjectPublicKeyInfo: the RA key it certifies
  std::string replaces;  // id of the RA certificate it renews
  Bytes cert_der;
  int64_t not_after = 0;
  int64_t created_at = 0;
  std::string created_by;  // the node that published it
};

// What one node serves: the RA key it holds, its RA certificate in GetCACert and CertReps, and the
// published renewal it has loaded (empty when none), as of `seen_at`.
struct NodeRaRecord {
  std::string node;
  std::string key_id;  // the RA key it holds (RaCertificateRecord::key_id)
  std::string serving;
  std::string loaded;
  int64_t seen_at = 0;
};

// Thread-safe: every implementation may be called from several threads and processes at once.
class RaCertificateStore {
 public:
  virtual ~RaCertificateStore() = default;

  // Publishes the renewal of the RA certificate `record.replaces`: one renewal per certificate,
  // whichever node publishes first. kAlreadyExists when a renewal of it (or this very
  // certificate) is published already; kDatabase.
  virtual Status PublishRaCertificate(const RaCertificateRecord& record) = 0;
  // The published RA certificate of the key `key_id` that ends last, or nullopt. kDatabase.
  virtual Result<std::optional<RaCertificateRecord>> LatestRaCertificate(
      std::string_view key_id) = 0;
  // Records (inserts or replaces) what the node `record.node` serves. kDatabase.
  virtual Status ReportNodeRa(const NodeRaRecord& record) = 0;
  // Every node that ever reported, by name. kDatabase.
  virtual Result<std::vector<NodeRaRecord>> ListNodeRa() = 0;
};

}  // namespace scepgate::store
