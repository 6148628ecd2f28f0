#include "mgmt/page.h"

#include "common/utc_time.h"

namespace scepgate::mgmt {

Status CheckPageLimit(int limit) {
  if (limit < 0) return Fail(Error::InvalidArgument("limit must not be negative"));
  return {};
}

Result<int64_t> PageTimeBound(std::string_view text, std::string_view field) {
  if (text.empty()) return int64_t{0};
  auto t = ParseUtcTime(text);
  if (!t) return Fail(t.error().With(std::string(field)));
  return *t;
}

}  // namespace scepgate::mgmt
