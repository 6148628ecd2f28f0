#include "notify/webhook.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/curl.h"
#include "common/ossl.h"

namespace scepgate::notify {
namespace {

// Keeps the answer up to kMaxWebhookReply bytes; a longer one aborts the transfer.
size_t Keep(char* data, size_t size, size_t n, void* out) {
  auto& body = *static_cast<std::string*>(out);
  size_t len = size * n;
  if (body.size() + len > kMaxWebhookReply) return 0;
  body.append(data, len);
  return len;
}

class CurlSender final : public WebhookSender {
 public:
  explicit CurlSender(int timeout_seconds) : timeout_(timeout_seconds) { CurlGlobalInit(); }

  Result<WebhookReply> Post(const std::string& url, const std::string& body,
                            const Headers& headers) override {
    CurlPtr curl(curl_easy_init());
    if (!curl) return Fail(Error::Internal("curl_easy_init failed"));
    curl_slist* raw = curl_slist_append(nullptr, "Content-Type: application/json");
    CurlSlistPtr list(raw);
    for (const auto& [name, value] : headers) {
      raw = curl_slist_append(list.get(), (name + ": " + value).c_str());
      if (raw == nullptr) return Fail(Error::Internal("curl_slist_append failed"));
    }
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
    curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(timeout_));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    WebhookReply reply;
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Keep);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) return Fail(Error::Io(std::string(curl_easy_strerror(rc))));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    reply.status = static_cast<int>(status);
    return reply;
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
