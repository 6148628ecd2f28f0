// The children of a labelled family: one per distinct list of label values, made on first use
// and kept at a stable address until the family is destroyed, so a caller may hold one and update
// it without any lock.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/family.h"

namespace scepgate::metrics {

// Thread-safe: lookups of existing children share a lock; only making a child takes it alone.
template <class Child>
class Children {
 public:
  using Make = std::function<std::unique_ptr<Child>()>;

  // A family without labels has exactly one child, made here, so it renders from the start.
  Children(const FamilySpec& spec, Make make) : spec_(spec), make_(std::move(make)) {
    if (spec_.label_names.empty()) map_.emplace(std::vector<std::string>{}, make_());
  }

  // The child for `values` (one per label name, in order), made on first use; valid as long as
  // this object. Aborts (Misuse) when the number of values is not the number of label names.
  // Thread-safe.
  Child& Get(std::span<const std::string_view> values) {
    if (values.size() != spec_.label_names.size()) MisuseCount(values.size());
    {
      std::shared_lock lock(mu_);
      if (auto it = map_.find(values); it != map_.end()) return *it->second;
    }
    std::unique_lock lock(mu_);
    if (auto it = map_.find(values); it != map_.end()) return *it->second;  // made meanwhile
    std::vector<std::string> key(values.begin(), values.end());
    return *map_.emplace(std::move(key), make_()).first->second;
  }

  // Calls fn(label_values, child) for each child, in lexicographic order of the label values.
  // Children cannot be made while it runs. Thread-safe.
  template <class Fn>
  void ForEach(Fn&& fn) const {
    std::shared_lock lock(mu_);
    for (const auto& [values, child] : map_) fn(std::span<const std::string>(values), *child);
  }

 private:
  // Orders label value lists, stored (strings) or looked up (string_views), without copying.
  struct Less {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return std::lexicographical_compare(
          a.begin(), a.end(), b.begin(), b.end(),
          [](std::string_view x, std::string_view y) { return x < y; });
    }
  };

  [[noreturn]] void MisuseCount(size_t given) const {
    std::string names;
    for (const auto& n : spec_.label_names) names += (names.empty() ? "" : ", ") + n;
    Misuse(spec_.name + " takes " + std::to_string(spec_.label_names.size()) + " label values (" +
           names + "), given " + std::to_string(given));
  }

  const FamilySpec& spec_;  // the owning family's
  const Make make_;
  mutable std::shared_mutex mu_;  // guards map_
  std::map<std::vector<std::string>, std::unique_ptr<Child>, Less> map_;
};

}  // namespace scepgate::metrics
