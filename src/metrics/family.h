// What a Registry holds: one metric family, as it was registered, and how it renders itself.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scepgate::metrics {

enum class MetricType { kCounter, kGauge, kHistogram };

// "counter", "gauge" or "histogram": the word on the # TYPE line. Thread-safe.
std::string_view TypeName(MetricType type);

// A family's registration. Registering a name again returns the existing family only when the
// two specs are equal (and both are of the same kind); see Registry.
struct FamilySpec {
  std::string name;
  std::string help;
  MetricType type = MetricType::kGauge;
  std::vector<std::string> label_names;
  std::vector<double> bounds;  // histograms only: bucket upper bounds, ascending, +Inf left out

  bool operator==(const FamilySpec&) const = default;
};

// Writes "scepgate metrics: <what>" to stderr and aborts: how the library answers a programming
// error (a bad name, a conflicting registration, the wrong number of label values). Thread-safe.
[[noreturn]] void Misuse(std::string_view what);

// The interface each kind of family implements. Implementations are thread-safe.
class Family {
 public:
  explicit Family(FamilySpec spec) : spec_(std::move(spec)) {}
  virtual ~Family() = default;
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  const FamilySpec& spec() const { return spec_; }

  // Appends the HELP and TYPE lines and every sample, in a stable order; appends nothing when the
  // family has no sample now (a labelled family not used yet). Thread-safe.
  virtual void Render(std::string& out) const = 0;

 private:
  const FamilySpec spec_;
};

}  // namespace scepgate::metrics
