#include "seeds.h"

#include <cstdio>
#include <cstdlib>

#include "client/request_builder.h"
#include "codec/get_message.h"
#include "codec/pki_message.h"
#include "codec/test_util.h"
#include "common/percent.h"

namespace scepgate::fuzz {
namespace {

using codec::testing::ClientCert;
using codec::testing::ClientKey;
using codec::testing::RaCert;
using codec::testing::RaKey;

Bytes Must(Result<Bytes> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "seed %s: %s\n", what, r.error().message.c_str());
    std::abort();
  }
  return std::move(*r);
}

}  // namespace

std::vector<Bytes> BuildSeeds() {
  std::vector<Bytes> seeds;
  codec::RequestParams req;
  req.transaction_id = "fuzz-transaction";
  req.sender_nonce = codec::testing::Nonce(1);
  req.content = codec::testing::MakeCsrDer("fuzz device", ClientKey(), "secret");
  req.recipients = {&RaCert()};
  Bytes request = Must(codec::EncodeRequest(req, ClientCert(), ClientKey()), "request");
  seeds.push_back(request);
  auto parsed = codec::ParseRequest(request);
  if (!parsed) std::abort();
  seeds.push_back(parsed->enveloped);

  X509NamePtr issuer = codec::testing::MakeName("fuzz CA");
  X509NamePtr subject = codec::testing::MakeName("fuzz device");
  seeds.push_back(Must(codec::EncodeIssuerAndSubject(*issuer, *subject), "IssuerAndSubject"));
  seeds.push_back(Must(codec::EncodeIssuerAndSerial(*issuer, *X509_get0_serialNumber(&RaCert())),
                       "IssuerAndSerial"));
  X509Ptr issued = codec::testing::MakeCert("fuzz device", ClientKey(), 5, &RaCert(), RaKey());
  seeds.push_back(Must(codec::EncodeCertsOnly({issued.get(), &RaCert()}, {}), "certs-only"));
  seeds.push_back(Must(codec::EncodeNextCaCert({issued.get()}, RaCert(), RaKey()), "next CA"));

  codec::CertRepParams rep;
  rep.transaction_id = req.transaction_id;
  rep.recipient_nonce = req.sender_nonce;
  rep.sender_nonce = codec::testing::Nonce(100);
  rep.recipient = &ClientCert();
  rep.certs = {issued.get(), &RaCert()};
  seeds.push_back(Must(codec::EncodeCertRep(rep, RaCert(), RaKey()), "CertRep SUCCESS"));
  rep.status = codec::PkiStatus::kFailure;
  rep.fail_info = codec::FailInfo::kBadRequest;
  rep.fail_info_text = "refused";
  seeds.push_back(Must(codec::EncodeCertRep(rep, RaCert(), RaKey()), "CertRep FAILURE"));

  std::string b64 = Base64Encode(request);
  seeds.emplace_back(b64.begin(), b64.end());
  std::string query = "operation=PKIOperation&message=" + PercentEncode(b64);
  seeds.emplace_back(query.begin(), query.end());

  // HTTP requests as a connection delivers them, and REST API bodies (route byte first).
  std::string der(request.begin(), request.end());
  const std::string http[] = {
      "GET /scep?" + query + " HTTP/1.1\r\nHost: gw\r\n\r\n",
      "POST /scep?operation=PKIOperation HTTP/1.1\r\nHost: gw\r\nContent-Length: " +
          std::to_string(der.size()) + "\r\n\r\n" + der,
      "POST /api/v1/devices HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n"
      "Authorization: Bearer sgt_x\r\nExpect: 100-continue\r\n\r\n"
      "c\r\n{\"name\":\"a\"}\r\n0\r\n\r\n",
      "GET /crl/current.crl HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
      std::string(1, '\0') +
          "{\"name\":\"laptop-1\",\"platform\":\"windows\",\"owner\":\"u@example.com\"}",
      std::string(1, '\2') +
          "{\"upn\":\"a@example.com\",\"email\":\"a@example.com\",\"sid\":\"S-1-5-21-1-2-3-1001\"}",
      std::string(1, '\6') +
          "{\"name\":\"wifi\",\"type\":\"device\",\"subject\":\"CN={{device.name}}\","
          "\"sans\":[\"dns:{{device.name}}.corp.example\"],\"purpose\":\"general\",\"ekus\":["
          "\"clientAuth\"]}",
      std::string(1, '\t') + "{\"device\":\"d1\",\"profile\":\"p\",\"ttl\":\"1h\"}",
  };
  for (const std::string& h : http) seeds.emplace_back(h.begin(), h.end());
  return seeds;
}

}  // namespace scepgate::fuzz
