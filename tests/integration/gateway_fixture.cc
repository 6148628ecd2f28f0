#include "gateway_fixture.h"

namespace scepgate::testing {

Identity NewIdentity(int bits) {
  Identity id;
  ca::KeySpec spec;
  spec.kind = bits == 256 ? ca::KeySpec::Kind::kEc : ca::KeySpec::Kind::kRsa;
  spec.bits = bits;
  if (bits == 1024) {  // below what the CA module offers: only to prove it is refused
    id.key.reset(EVP_RSA_gen(1024));
  } else {
    auto key = ca::GenerateKey(spec);
    EXPECT_TRUE(key) << key.error().message;
    if (key) id.key = std::move(*key);
  }
  auto signer = client::MakeSelfSignedSigner(*id.key, "SCEP SIGNER");
  EXPECT_TRUE(signer);
  id.signer = std::move(*signer);
  return id;
}

GatewayClient::GatewayClient(const std::string& url) {
  url_ = *client::ParseUrl(url);
  http_ = client::MakeHttpClient(30);
  scep_ = std::make_unique<client::ScepClient>(*http_, url_);
  auto ca = scep_->GetCaCert();
  EXPECT_TRUE(ca) << ca.error().message;
  if (ca) ca_ = std::move(*ca);
}

Result<codec::CertRep> GatewayClient::Enroll(const Identity& id, EnrollOptions o) {
  SG_ASSIGN_OR_RETURN(X509ReqPtr csr, client::MakeCsr(*id.key, o.csr));
  SG_ASSIGN_OR_RETURN(Bytes der, CsrToDer(*csr));
  if (o.msg.transaction_id.empty()) {
    SG_ASSIGN_OR_RETURN(o.msg.transaction_id, client::TransactionIdFor(*id.key));
  }
  return Send(id, der, o.msg, o.use_get);
}

Result<codec::CertRep> GatewayClient::Send(const Identity& id, ByteView content,
                                           const client::MessageOptions& msg, bool use_get) {
  SG_ASSIGN_OR_RETURN(auto out, client::BuildMessage(ca_, content, *id.signer, *id.key, msg));
  SG_ASSIGN_OR_RETURN(Bytes reply, scep_->PkiOperation(out.der, use_get));
  return client::ReadReply(reply, out, ca_, *id.signer, *id.key);
}

int GatewayClient::PostRaw(const std::string& body, std::string* reply) {
  auto r =
      http_->Post(url_, url_.path + "?operation=PKIOperation", body, "application/x-pki-message");
  if (!r) return -1;
  if (reply) *reply = r->body;
  return r->status;
}

void ExpectEnrolls(const std::string& url, const std::string& challenge) {
  GatewayClient fresh(url);
  Identity id = NewIdentity();
  EnrollOptions o;
  o.csr.subject = "/CN=still-serving";
  o.csr.challenge = challenge;
  auto rep = fresh.Enroll(id, o);
  ASSERT_TRUE(rep) << rep.error().message;
  EXPECT_EQ(rep->status, codec::PkiStatus::kSuccess) << rep->fail_info_text;
}

}  // namespace scepgate::testing
