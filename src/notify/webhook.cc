#include "notify/webhook.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "client/http_client.h"
#include "common/ossl.h"

namespace scepgate::notify {
namespace {

// One POST per call through the project's HTTP client (client/curl_http_client.cc), made for the
// call: the sender is shared by threads, the client is not.
class CurlSender final : public WebhookSender {
 public:
  explicit CurlSender(int timeout_seconds) : timeout_(timeout_seconds) {}

  Result<WebhookReply> Post(const std::string& url, const std::string& body,
                            const Headers& headers) override {
    SG_ASSIGN_OR_RETURN(client::Url where, client::ParseUrl(url));
    client::HttpRequest request;
    request.method = "POST";
    size_t query = url.find('?');
    request.target = where.path + (query == std::string::npos ? "" : url.substr(query));
    request.headers = headers;
    request.body = body;
    request.content_type = "application/json";
    auto http = client::MakeTlsHttpClient(timeout_, "", kMaxWebhookReply);
    SG_ASSIGN_OR_RETURN(client::HttpReply reply, http->Send(where, request));
    return WebhookReply{reply.status, std::move(reply.body)};
  }

 private:
  int timeout_;
};

}  // namespace

std::unique_ptr<WebhookSender> MakeCurlSender(int timeout_seconds) {
  return std::make_unique<CurlSender>(timeout_seconds);
}

Result<std::string> SignatureHeader(std::string_view secret, int64_t timestamp,
                                    std::string_view body) {
  std::string signed_text = std::to_string(timestamp) + "." + std::string(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac,
           &len) == nullptr)
    return Fail(CryptoError("HMAC-SHA256 failed"));
  return "t=" + std::to_string(timestamp) + ",v1=" + HexEncode(ByteView(mac, len));
}

}  // namespace scepgate::notify
