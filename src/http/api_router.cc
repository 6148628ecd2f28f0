#include "http/api_router.h"

#include <algorithm>
#include <charconv>

#include "codec/get_message.h"
#include "common/percent.h"

namespace scepgate::http {
namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = path.starts_with('/') ? 1 : 0;
  while (start <= path.size()) {
    size_t end = std::min(path.find('/', start), path.size());
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// The raw parameters when `path` fits `pattern`, nullopt otherwise.
std::optional<std::vector<std::pair<std::string, std::string>>> Fit(std::string_view pattern,
                                                                    std::string_view path) {
  auto want = Segments(pattern), got = Segments(path);
  if (want.size() != got.size()) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> params;
  for (size_t i = 0; i < want.size(); ++i) {
    if (IsParam(want[i])) {
      if (got[i].empty()) return std::nullopt;
      params.emplace_back(std::string(want[i].substr(1, want[i].size() - 2)), std::string(got[i]));
    } else if (want[i] != got[i]) {
      return std::nullopt;
    }
  }
  return params;
}

}  // namespace

const std::string& ApiCall::Param(std::string_view name) const {
  static const std::string kNone;
  for (const auto& [k, v] : params)
    if (k == name) return v;
  return kNone;
}

Result<std::string> ApiCall::Query(std::string_view key) const {
  auto value = codec::QueryParam(request.query, key);
  if (!value) return Fail(Error::InvalidArgument("malformed query string"));
  return value->value_or("");
}

Result<int> ApiCall::QueryCount(std::string_view key, int fallback) const {
  SG_ASSIGN_OR_RETURN(std::string text, Query(key));
  if (text.empty()) return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0)
    return Fail(Error::InvalidArgument("query parameter " + std::string(key) +
                                       " must be a whole number >= 0"));
  return value;
}

Result<int> ApiCall::PageLimit() const {
  SG_ASSIGN_OR_RETURN(int limit, QueryCount("limit", kDefaultPage));
  if (limit == 0 || limit > kMaxPage)
    return Fail(Error::InvalidArgument("limit is 1 to " + std::to_string(kMaxPage)));
  return limit;
}

void Router::Add(Route route) { routes_.push_back(std::move(route)); }

Result<RouteMatch> Router::Match(std::string_view method, std::string_view path) const {
  RouteMatch match;
  for (const Route& r : routes_) {
    auto params = Fit(r.pattern, path);
    if (!params) continue;
    if (r.method != method) {
      match.allowed.push_back(r.method);
      continue;
    }
    for (auto& [name, raw] : *params) {
      auto decoded = PercentDecode(raw);
      if (!decoded)
        return Fail(Error::InvalidArgument("malformed percent-escape in path parameter " + name));
      match.params.emplace_back(name, std::move(*decoded));
    }
    match.route = &r;
    match.allowed.clear();
    return match;
  }
  return match;
}

void LinkNextPage(ApiReply& reply, std::string_view path, std::string_view query,
                  const std::string& cursor) {
  if (cursor.empty()) return;
  reply.headers.emplace_back("X-Next-Cursor", cursor);
  std::string next = std::string(path) + "?cursor=" + PercentEncode(cursor);
  for (size_t at = 0; at < query.size();) {
    size_t end = query.find('&', at);
    std::string_view part = query.substr(at, end == std::string_view::npos ? end : end - at);
    if (!part.empty() && !part.starts_with("cursor=")) next += "&" + std::string(part);
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  reply.headers.emplace_back("Link", "<" + next + ">; rel=\"next\"");
}

}  // namespace scepgate::http
