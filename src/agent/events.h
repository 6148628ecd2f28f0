// The agent's device log: one line per event with a stable id and the facts the seeds' device log
// shows. Never carries the challenge or a key.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace scepgate::agent {

// Stable event ids.
inline constexpr char kRequestGenerated[] = "request.generated";          // url, key_size
inline constexpr char kEnrollFailed[] = "enroll.failed";                  // url, http_status, ...
inline constexpr char kRetryScheduled[] = "enroll.retry_scheduled";       // attempt, delay_seconds
inline constexpr char kCertificateInstalled[] = "certificate.installed";  // thumbprint, url, ...
inline constexpr char kRenewalNotDue[] = "renewal.not_due";               // remaining_percent
inline constexpr char kRenewalStarted[] = "renewal.started";              // serial

struct Event {
  std::string id;
  // (name, value) facts; a value that is an integer is written as a JSON number.
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::pair<std::string, long long>> numbers;
};

// Where events go. Implementations say whether they are thread-safe.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Emit(const Event& event) = 0;
};

// JSON lines ({"event": id, "time": ISO-8601, ...facts}) on a stream. Not thread-safe.
class JsonLineEvents final : public EventSink {
 public:
  explicit JsonLineEvents(std::ostream& out) : out_(out) {}
  void Emit(const Event& event) override;

 private:
  std::ostream& out_;
};

// Keeps events in memory for tests. Not thread-safe.
class RecordingEvents final : public EventSink {
 public:
  void Emit(const Event& event) override { events.push_back(event); }
  std::vector<Event> events;
};

}  // namespace scepgate::agent
