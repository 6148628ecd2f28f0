#include "seeds.h"

#include <cstdio>
#include <cstdlib>

#include "client/request_builder.h"
#include "codec/get_message.h"
#include "codec/pki_message.h"
#include "codec/test_util.h"

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
  std::string query = "operation=PKIOperation&message=" + client::PercentEncode(b64);
  seeds.emplace_back(query.begin(), query.end());
  return seeds;
}

}  // namespace scepgate::fuzz
