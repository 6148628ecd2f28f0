#include "agent/url_plan.h"

namespace scepgate::agent {

Result<UrlPlan> UrlPlan::Make(const std::string& mode, std::vector<std::string> urls,
                              Random& random) {
  if (urls.empty()) return Fail(Error::InvalidArgument("no SCEP URL"));
  if (mode == "ios" && urls.size() != 1)
    return Fail(Error::InvalidArgument("an ios payload carries exactly one URL"));
  if (mode == "android") {
    for (size_t i = urls.size(); i > 1; --i) {  // Fisher-Yates
      SG_ASSIGN_OR_RETURN(Bytes b, random.Generate(4));
      uint32_t v = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
      std::swap(urls[i - 1], urls[v % i]);
    }
  } else if (mode != "windows" && mode != "ios") {
    return Fail(Error::InvalidArgument("unknown mode '" + mode + "' (android|windows|ios)"));
  }
  return UrlPlan(mode, std::move(urls));
}

std::vector<std::string> UrlPlan::Round() const {
  if (sticky_) return {*sticky_};
  return urls_;
}

void UrlPlan::Answered(const std::string& url) {
  if (mode_ == "android" && !sticky_) sticky_ = url;
}

}  // namespace scepgate::agent
