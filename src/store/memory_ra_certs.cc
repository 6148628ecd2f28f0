// MemoryStore's RA certificate renewals and what each node serves.
#include <algorithm>

#include "store/memory_store.h"

namespace scepgate::store {

Status MemoryStore::PublishRaCertificate(const RaCertificateRecord& record) {
  std::lock_guard lock(mu_);
  bool taken = std::ranges::any_of(ra_certs_, [&](const RaCertificateRecord& r) {
    return r.id == record.id || r.replaces == record.replaces;
  });
  if (taken)
    return Fail(Error::AlreadyExists("a renewal of RA certificate " + record.replaces +
                                     " is published already"));
  ra_certs_.push_back(record);
  return {};
}

Result<std::optional<RaCertificateRecord>> MemoryStore::LatestRaCertificate(
    std::string_view key_id) {
  std::lock_guard lock(mu_);
  std::optional<RaCertificateRecord> out;
  for (const auto& r : ra_certs_)
    if (r.key_id == key_id && (!out || r.not_after > out->not_after)) out = r;
  return out;
}

Status MemoryStore::ReportNodeRa(const NodeRaRecord& record) {
  std::lock_guard lock(mu_);
  node_ra_[record.node] = record;
  return {};
}

Result<std::vector<NodeRaRecord>> MemoryStore::ListNodeRa() {
  std::lock_guard lock(mu_);
  std::vector<NodeRaRecord> out;
  for (const auto& [node, record] : node_ra_) out.push_back(record);
  return out;
}

}  // namespace scepgate::store
