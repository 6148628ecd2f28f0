#include "intune/http_pool.h"

namespace scepgate::intune {

HttpClientFactory TlsClientFactory(const IntuneSettings& settings) {
  int seconds = static_cast<int>(settings.timeout.count());
  std::string ca_file = settings.ca_file.string();
  return [seconds, ca_file] { return client::MakeTlsHttpClient(seconds, ca_file); };
}

Result<client::HttpReply> HttpPool::Send(const client::Url& url,
                                         const client::HttpRequest& request) {
  std::unique_ptr<client::HttpClient> http;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      http = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!http) http = make_();
  if (!http) return Fail(Error::Internal("no HTTP client for Intune"));
  Result<client::HttpReply> reply = http->Send(url, request);
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(http));
  return reply;
}

Result<std::pair<client::Url, std::string>> SplitUrl(std::string_view url) {
  SG_ASSIGN_OR_RETURN(client::Url origin, client::ParseUrl(url));
  if (url.find('?') != std::string_view::npos)
    return Fail(Error::InvalidArgument("an Intune URL takes no query: " + std::string(url)));
  std::string target = origin.path;
  return std::pair{std::move(origin), std::move(target)};
}

}  // namespace scepgate::intune
