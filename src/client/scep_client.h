// The SCEP operations from the client side, over an HttpClient. Not thread-safe (its
// HttpClient is not): one per thread.
#pragma once

#include <string>
#include <vector>

#include "client/http_client.h"
#include "codec/pki_message.h"

namespace scepgate::client {

// GetCACert's certificates sorted into roles.
struct CaCerts {
  std::vector<X509Ptr> all;
  std::vector<const X509*> recipients;  // RA certificates to encrypt to (keyEncipherment, not CA)
  const X509* issuing = nullptr;        // the CA that signed the recipients (or the lone CA)
};

// Sorts GetCACert's certificates. With no separate RA, the CA itself is the recipient.
// kBadRequest when there is no certificate at all.
Result<CaCerts> SortCaCerts(codec::CertsOnly certs);

class ScepClient {
 public:
  ScepClient(HttpClient& http, Url url);

  // The capability keywords. kIo when unreachable, kBadRequest on an unexpected HTTP answer.
  Result<std::vector<std::string>> GetCaCaps();
  // kIo, or kBadRequest when the reply is neither a DER certificate nor a certs-only SignedData.
  Result<CaCerts> GetCaCert();
  // Raw GetNextCACert body; kNotFound on HTTP 404.
  Result<Bytes> GetNextCaCert();
  // Sends a pkiMessage (GET with base64+percent-encoding, or POST) and returns the CertRep bytes.
  // kIo when unreachable; kBadRequest carrying the HTTP status and body for a non-200 answer.
  Result<Bytes> PkiOperation(ByteView message, bool use_get);

  // The last HTTP status seen (0 before any request).
  int last_status() const { return last_status_; }

 private:
  Result<HttpReply> Call(const std::string& operation, const std::string& extra_query);

  HttpClient& http_;
  Url url_;
  int last_status_ = 0;
};

}  // namespace scepgate::client
