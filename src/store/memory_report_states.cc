// MemoryStore's view of many devices for the status report.
#include <map>
#include <unordered_set>

#include "common/text.h"
#include "store/memory_store.h"

namespace scepgate::store {

Result<std::vector<ProfileDeviceState>> MemoryStore::ProfileDeviceStates(
    std::string_view profile, std::span<const std::string> device_ids, int64_t now) {
  std::lock_guard lock(mu_);
  const std::unordered_set<std::string> wanted(device_ids.begin(), device_ids.end());
  const std::string folded = AsciiLower(profile);
  std::map<std::string, ProfileDeviceState> states;
  std::map<std::string, int64_t> cert_at;  // created_at of the certificate kept per device
  // Insertion order: a later record of the same second wins, as "newest" says.
  for (const CertificateRecord& c : certs_) {
    if (!wanted.contains(c.device_id) || AsciiLower(c.profile) != folded) continue;
    if (c.status != CertStatus::kValid || c.not_after < now) continue;
    auto at = cert_at.find(c.device_id);
    if (at != cert_at.end() && at->second > c.created_at) continue;
    cert_at[c.device_id] = c.created_at;
    ProfileDeviceState& s = states[c.device_id];
    s.device_id = c.device_id;
    s.serial = c.serial;
    s.cert_not_after = c.not_after;
  }
  for (const RequestRecord& r : requests_) {
    if (!wanted.contains(r.device_id) || AsciiLower(r.profile) != folded) continue;
    ProfileDeviceState& s = states[r.device_id];
    if (s.request_id != 0 && s.request_created_at > r.created_at) continue;
    s.device_id = r.device_id;
    s.request_id = r.id;
    s.request_created_at = r.created_at;
    s.request_state = r.state;
    s.request_reason = r.reason;
  }
  std::vector<ProfileDeviceState> out;
  out.reserve(states.size());
  for (auto& [id, s] : states) out.push_back(std::move(s));
  return out;
}

}  // namespace scepgate::store
