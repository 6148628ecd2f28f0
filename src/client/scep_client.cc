#include "client/scep_client.h"

#include <sstream>

#include "client/request_builder.h"
#include "common/percent.h"

namespace scepgate::client {
namespace {

bool IsCa(const X509& cert) { return X509_check_ca(const_cast<X509*>(&cert)) != 0; }

bool CanEncipher(const X509& cert) {
  uint32_t ku = X509_get_key_usage(const_cast<X509*>(&cert));
  return ku == UINT32_MAX || (ku & KU_KEY_ENCIPHERMENT) != 0;
}

}  // namespace

Result<CaCerts> SortCaCerts(codec::CertsOnly certs) {
  CaCerts out;
  out.all = std::move(certs.certs);
  if (out.all.empty()) return Fail(Error::BadRequest("GetCACert returned no certificate"));
  for (const auto& c : out.all)
    if (!IsCa(*c) && CanEncipher(*c)) out.recipients.push_back(c.get());
  if (out.recipients.empty()) out.recipients.push_back(out.all.front().get());
  const X509* first = out.recipients.front();
  for (const auto& c : out.all)
    if (IsCa(*c) && X509_check_issued(c.get(), const_cast<X509*>(first)) == X509_V_OK)
      out.issuing = c.get();
  if (out.issuing == nullptr) out.issuing = first;
  return out;
}

ScepClient::ScepClient(HttpClient& http, Url url) : http_(http), url_(std::move(url)) {}

Result<HttpReply> ScepClient::Call(const std::string& operation, const std::string& extra_query) {
  std::string target = url_.path + "?operation=" + operation + extra_query;
  SG_ASSIGN_OR_RETURN(HttpReply r, http_.Get(url_, target));
  last_status_ = r.status;
  return r;
}

Result<std::vector<std::string>> ScepClient::GetCaCaps() {
  SG_ASSIGN_OR_RETURN(HttpReply r, Call("GetCACaps", ""));
  if (r.status != 200)
    return Fail(Error::BadRequest("GetCACaps: HTTP " + std::to_string(r.status)));
  std::vector<std::string> caps;
  std::istringstream in(r.body);
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) caps.push_back(line);
  }
  return caps;
}

Result<CaCerts> ScepClient::GetCaCert() {
  SG_ASSIGN_OR_RETURN(HttpReply r, Call("GetCACert", "&message=0"));
  if (r.status != 200)
    return Fail(Error::BadRequest("GetCACert: HTTP " + std::to_string(r.status)));
  Bytes body(r.body.begin(), r.body.end());
  if (r.content_type == "application/x-x509-ca-cert") {
    SG_ASSIGN_OR_RETURN(X509Ptr cert, CertFromDer(body));
    codec::CertsOnly one;
    one.certs.push_back(std::move(cert));
    return SortCaCerts(std::move(one));
  }
  SG_ASSIGN_OR_RETURN(codec::CertsOnly certs, codec::DecodeCertsOnly(body));
  return SortCaCerts(std::move(certs));
}

Result<Bytes> ScepClient::GetNextCaCert() {
  SG_ASSIGN_OR_RETURN(HttpReply r, Call("GetNextCACert", ""));
  if (r.status == 404) return Fail(Error::NotFound("no next CA certificate"));
  if (r.status != 200)
    return Fail(Error::BadRequest("GetNextCACert: HTTP " + std::to_string(r.status)));
  return Bytes(r.body.begin(), r.body.end());
}

Result<Bytes> ScepClient::PkiOperation(ByteView message, bool use_get) {
  HttpReply r;
  if (use_get) {
    SG_ASSIGN_OR_RETURN(r,
                        Call("PKIOperation", "&message=" + PercentEncode(Base64Encode(message))));
  } else {
    SG_ASSIGN_OR_RETURN(r, http_.Post(url_, url_.path + "?operation=PKIOperation",
                                      AsString(message), "application/x-pki-message"));
    last_status_ = r.status;
  }
  if (r.status != 200)
    return Fail(
        Error::BadRequest("PKIOperation: HTTP " + std::to_string(r.status) + ": " + r.body));
  return Bytes(r.body.begin(), r.body.end());
}

}  // namespace scepgate::client
