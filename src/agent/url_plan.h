// Which SCEP URL the agent tries next, by mode (seed 000). Not thread-safe.
//   android: the agent shuffles the payload's URLs once, tries them in that order, and once one
//            answers keeps only that one for the rest of the transaction (retries included);
//   windows: the payload's order (the server shuffled it), every round;
//   ios:     the payload's single URL (the server picked it).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/random.h"

namespace scepgate::agent {

class UrlPlan {
 public:
  // Shuffles for android with `random`. kInvalidArgument for an empty list or unknown mode, or an
  // ios payload with more than one URL; Random's error when it fails.
  static Result<UrlPlan> Make(const std::string& mode, std::vector<std::string> urls,
                              Random& random);

  // The URLs to try in the next round, in order.
  std::vector<std::string> Round() const;
  // Tells the plan that `url` answered (any HTTP reply).
  void Answered(const std::string& url);

 private:
  UrlPlan(std::string mode, std::vector<std::string> urls)
      : mode_(std::move(mode)), urls_(std::move(urls)) {}
  std::string mode_;
  std::vector<std::string> urls_;
  std::optional<std::string> sticky_;
};

}  // namespace scepgate::agent
