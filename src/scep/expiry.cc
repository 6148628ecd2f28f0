#include "scep/expiry.h"

#include <spdlog/spdlog.h>

#include "notify/events.h"

namespace scepgate::scep {

namespace {

constexpr int64_t kDay = 86400;

void Add(std::vector<ExpiryItem>& out, const char* role, const X509& cert, int64_t now,
         int64_t warning_seconds) {
  ExpiryItem item;
  item.role = role;
  item.subject = NameToString(*X509_get_subject_name(&cert));
  item.sha256 = CertSha256(cert);
  auto not_after = AsnTimeToUnix(*X509_get0_notAfter(&cert));
  item.not_after = not_after ? *not_after : 0;
  item.seconds_left = item.not_after - now;
  item.state = item.seconds_left <= 0                 ? ExpiryState::kExpired
               : item.seconds_left <= warning_seconds ? ExpiryState::kWarning
                                                      : ExpiryState::kOk;
  out.push_back(std::move(item));
}

}  // namespace

std::vector<ExpiryItem> ExpiryOf(const CaState& cas, int64_t now, int64_t warning_seconds) {
  std::vector<ExpiryItem> out;
  if (cas.root() != nullptr) Add(out, "root", *cas.root(), now, warning_seconds);
  for (const X509Ptr& cert : cas.intermediates())
    Add(out, "intermediate", *cert, now, warning_seconds);
  Add(out, "issuing", cas.current().issuer->cert(), now, warning_seconds);
  Add(out, "ra", cas.ra_cert(), now, warning_seconds);
  if (cas.next_ca() != nullptr) Add(out, "next", *cas.next_ca(), now, warning_seconds);
  return out;
}

ExpiryState WorstOf(const std::vector<ExpiryItem>& items) {
  ExpiryState worst = ExpiryState::kOk;
  for (const ExpiryItem& i : items)
    if (static_cast<int>(i.state) > static_cast<int>(worst)) worst = i.state;
  return worst;
}

const char* ExpiryStateName(ExpiryState state) {
  switch (state) {
    case ExpiryState::kWarning:
      return "warning";
    case ExpiryState::kExpired:
      return "expired";
    case ExpiryState::kOk:
      break;
  }
  return "ok";
}

ExpiryWatch::ExpiryWatch(const CaState& cas, store::Store& store, const Clock& clock,
                         int64_t warning_seconds)
    : cas_(cas), store_(store), clock_(clock), warning_seconds_(warning_seconds) {}

Result<int> ExpiryWatch::Check() {
  const int64_t now = clock_.Now();
  const int64_t today = now / kDay;
  int told = 0;
  for (const ExpiryItem& item : ExpiryOf(cas_, now, warning_seconds_)) {
    if (item.state == ExpiryState::kOk) continue;
    {
      std::lock_guard lock(mu_);
      auto it = told_.find(item.sha256);
      if (it != told_.end() && it->second == today) continue;
    }
    const int64_t days_left = item.seconds_left / kDay;
    if (item.state == ExpiryState::kExpired) {
      spdlog::error("the {} certificate {} expired {} day(s) ago: {}", item.role, item.subject,
                    -days_left,
                    item.role == "ra" || item.role == "issuing"
                        ? "enrollment fails until it is replaced (scepgate ca rollover)"
                        : "relying parties no longer trust its chain");
    } else {
      spdlog::warn("the {} certificate {} expires in {} day(s)", item.role, item.subject,
                   days_left);
    }
    auto queued = store_.EnqueueEvent(notify::ExpiringEvent(
        item.role, item.subject, item.sha256, item.not_after, ExpiryStateName(item.state), now));
    if (!queued) return Fail(queued.error());
    std::lock_guard lock(mu_);
    told_[item.sha256] = today;
    ++told;
  }
  return told;
}

}  // namespace scepgate::scep
