// Everything `scepgate serve` answers requests with, opened from a data dir: store, CA, policy,
// SCEP service (public listener), REST API (admin listener), CRL refresher and webhook notifier.
// The server holds one at a time and opens a new one on SIGHUP (http/reloadable.h), so a CA
// activated or a setting changed takes effect without a restart.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "common/clock.h"
#include "common/random.h"
#include "data_dir.h"
#include "http/handler.h"
#include "http/request_metrics.h"
#include "metrics/registry.h"
#include "notify/notifier.h"
#include "scep/health.h"

namespace scepgate::app {

// The webhook delivery settings of a config, with this process's worker name. Thread-safe.
notify::NotifierOptions NotifierOptionsOf(const Config& c);

// Where a stack counts what it serves: one per process, kept across reloads. Both may be null.
struct ServeMetrics {
  metrics::Registry* registry = nullptr;  // rendered at the admin listener's /metrics
  http::RequestMetrics* requests = nullptr;
};

// Thread-safe; its threads stop when it is destroyed.
class ServeStack final {
 public:
  // Opens the data dir and builds every part. Returns what OpenDataDir returns, or
  // kInvalidArgument for a template the config names wrongly.
  static Result<std::shared_ptr<ServeStack>> Open(const std::filesystem::path& dir,
                                                  const Clock& clock, Random& random,
                                                  ServeMetrics metrics = {});
  ~ServeStack();
  ServeStack(const ServeStack&) = delete;
  ServeStack& operator=(const ServeStack&) = delete;

  // What the public listener serves: SCEP, CRLs, OCSP, /healthz. Never the REST API.
  http::Handler& public_handler();
  // What the admin listener serves: the REST API under /api/v1 (and /healthz).
  http::Handler& admin_handler();

  const DataDir& data() const { return *data_; }
  // What /healthz reports now (probed at most once a second). Thread-safe.
  scep::HealthReport Health();
  // The OCSP responder's delegated certificates in use: subject and notAfter. Thread-safe.
  std::vector<std::pair<std::string, int64_t>> ResponderCertificates();

 private:
  struct Parts;  // built in order, destroyed in reverse
  ServeStack(std::unique_ptr<DataDir> data, std::unique_ptr<Parts> parts);

  std::unique_ptr<DataDir> data_;
  std::unique_ptr<Parts> parts_;
};

}  // namespace scepgate::app
