// Intune mode's parts in a serving stack (docs/intune.md): the client, the challenge check the
// policy asks, the notifier of Intune's notifications and the revocation poller. Built from the
// [intune] section by ServeStack::Open, so a reload reads the section and the secret again.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "ca/revocation.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/periodic.h"
#include "intune/intune_client.h"
#include "metrics/registry.h"
#include "notify/intune_revocations.h"
#include "notify/intune_sink.h"
#include "notify/notifier.h"
#include "policy/intune_challenges.h"
#include "store/store.h"

namespace scepgate::app {

// The client settings an [intune] section gives, the secret read from its file (relative to
// `dir`). kInvalidArgument naming the key for a bad setting; what intune::LoadClientSecret
// returns for the secret file (kFailedPrecondition when others may read it, kNotFound). Never
// puts the secret in a message. Thread-safe.
Result<intune::IntuneSettings> IntuneSettingsOf(const std::filesystem::path& dir,
                                                const Config& config);

// Thread-safe; its threads stop when it is destroyed.
class IntuneMode {
 public:
  // The parts for `config` (whose [intune] is enabled). The errors of IntuneSettingsOf;
  // kInvalidArgument for an unknown revocation_reason or a profile the store does not have;
  // kDatabase.
  static Result<std::unique_ptr<IntuneMode>> Open(const std::filesystem::path& dir,
                                                  const Config& config, store::Store& store,
                                                  ca::Revoker& revoker, const Clock& clock,
                                                  metrics::Registry* registry);

  // Stops the threads, then gives the revocation lease up (a restart polls at once).
  ~IntuneMode();
  IntuneMode(const IntuneMode&) = delete;
  IntuneMode& operator=(const IntuneMode&) = delete;

  // What the policy asks about a challenge that is not scepgate's own.
  policy::IntuneChallenges& challenges() { return challenges_; }
  // Has the notifier deliver now (a notification was just queued). Thread-safe.
  void WakeNotifier() { notifier_thread_.Wake(); }

  IntuneMode(std::unique_ptr<intune::IntuneClient> client, const Config& config,
             store::Store& store, ca::Revoker& revoker, const Clock& clock,
             ca::RevocationReason reason);  // use Open

 private:
  std::unique_ptr<intune::IntuneClient> client_;
  policy::IntuneChallenges challenges_;
  notify::IntuneSink sink_;
  notify::Notifier notifier_;
  notify::IntuneRevocations revocations_;
  notify::NotifierThread notifier_thread_;           // after what it uses
  std::optional<PeriodicThread> revocation_thread_;  // none when polling is off
};

}  // namespace scepgate::app
