// HttpClient over libcurl: plain HTTP and HTTPS (peer and name verified), one easy handle kept
// so that connections are reused.

#include <memory>

#include "client/http_client.h"
#include "common/curl.h"
#include "common/text.h"

namespace scepgate::client {
namespace {

// Where an answer's body goes, and how much of it may come.
struct BodySink {
  std::string& body;
  size_t max;
};

size_t KeepBody(char* data, size_t size, size_t n, void* out) {
  auto& sink = *static_cast<BodySink*>(out);
  if (sink.body.size() + size * n > sink.max) return 0;  // aborts the transfer
  sink.body.append(data, size * n);
  return size * n;
}

size_t KeepHeader(char* data, size_t size, size_t n, void* out) {
  auto& reply = *static_cast<HttpReply*>(out);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) reply.headers.clear();  // a new response (after a 100, say)
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string_view value = TrimBlanks(line.substr(colon + 1));
    reply.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return size * n;
}

std::string Location(const Url& url, const std::string& target) {
  bool v6 = url.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + url.host + "]" : url.host;
  return std::string(url.tls ? "https://" : "http://") + host + ":" + std::to_string(url.port) +
         target;
}

// Why an exchange failed, worded as the plain client words it where the causes are the same.
std::string Describe(CURLcode rc, const Url& url, const char* detail) {
  std::string where = url.host + ":" + std::to_string(url.port);
  std::string why = detail[0] != '\0' ? detail : curl_easy_strerror(rc);
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
      return "cannot resolve " + url.host + ": " + why;
    case CURLE_COULDNT_CONNECT:
      return "cannot connect to " + where + ": " + why;
    case CURLE_OPERATION_TIMEDOUT:
      return where + ": timed out: " + why;
    default:
      return where + ": " + why;
  }
}

// Not thread-safe (one easy handle), as HttpClient says.
class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient(int timeout, std::string ca_file, size_t max_body)
      : timeout_(timeout), ca_file_(std::move(ca_file)), max_body_(max_body) {
    CurlGlobalInit();
  }

  Result<HttpReply> Get(const Url& url, const std::string& target) override {
    HttpRequest r;
    r.target = target;
    return Send(url, r);
  }

  Result<HttpReply> Post(const Url& url, const std::string& target, const std::string& body,
                         const std::string& content_type) override {
    HttpRequest r;
    r.method = "POST";
    r.target = target;
    r.body = body;
    r.content_type = content_type;
    return Send(url, r);
  }

  Result<HttpReply> Send(const Url& url, const HttpRequest& request) override {
    if (!curl_) curl_.reset(curl_easy_init());
    if (!curl_) return Fail(Error::Internal("curl_easy_init failed"));
    CURL* c = curl_.get();
    curl_easy_reset(c);  // keeps the connection cache
    CurlSlistPtr headers;
    for (const auto& [name, value] : request.headers)
      SG_TRY_STATUS(Append(headers, name + ": " + value));
    if (!request.content_type.empty())
      SG_TRY_STATUS(Append(headers, "Content-Type: " + request.content_type));
    SG_TRY_STATUS(Append(headers, "Expect:"));  // no 100-continue round trip
    std::string location = Location(url, request.target);
    curl_easy_setopt(c, CURLOPT_URL, location.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "POST" || !request.body.empty()) {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    } else if (request.method == "HEAD") {
      curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_USERAGENT, "scepgate-client");
    curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(timeout_));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!ca_file_.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, ca_file_.c_str());
    HttpReply reply;
    BodySink sink{reply.body, max_body_};
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, KeepBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, KeepHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &reply);
    char detail[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) return Fail(Error::Io(Describe(rc, url, detail)));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    reply.status = static_cast<int>(status);
    char* type = nullptr;
    curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
    if (type != nullptr) reply.content_type = type;
    return reply;
  }

 private:
  static Status Append(CurlSlistPtr& list, const std::string& line) {
    curl_slist* grown = curl_slist_append(list.get(), line.c_str());
    if (grown == nullptr) return Fail(Error::Internal("curl_slist_append failed"));
    (void)list.release();  // curl_slist_append returned the same list, now longer
    list.reset(grown);
    return {};
  }

  int timeout_;
  std::string ca_file_;
  size_t max_body_;
  CurlPtr curl_;
};

}  // namespace

std::unique_ptr<HttpClient> MakeTlsHttpClient(int timeout_seconds, std::string ca_file,
                                              size_t max_body) {
  return std::make_unique<CurlHttpClient>(timeout_seconds, std::move(ca_file), max_body);
}

}  // namespace scepgate::client
