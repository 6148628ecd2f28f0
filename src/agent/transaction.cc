#include "agent/transaction.h"

#include <algorithm>

#include "client/enrollment.h"
#include "client/request_builder.h"
#include "codec/types.h"

namespace scepgate::agent {
namespace {

using Attempt = std::expected<Issued, AttemptError>;

std::unexpected<AttemptError> Fatal(Error e) {
  return std::unexpected(AttemptError{std::move(e), false, true, 0, ""});
}

// An error of the HTTP layer: kIo means nothing answered; otherwise the status is in `status`.
std::unexpected<AttemptError> FromHttp(const Error& e, int status) {
  AttemptError a{e, true, e.code != ErrorCode::kIo, e.code == ErrorCode::kIo ? 0 : status, ""};
  // A 4xx other than 404/408/429 says the request itself is wrong: sending it again cannot help.
  if (status >= 400 && status < 500 && status != 404 && status != 408 && status != 429)
    a.retryable = false;
  return std::unexpected(std::move(a));
}

bool Has(const std::vector<std::string>& caps, std::string_view cap) {
  return std::ranges::any_of(caps, [&](const std::string& c) {
    return c.size() == cap.size() &&
           std::equal(c.begin(), c.end(), cap.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) ==
                    std::tolower(static_cast<unsigned char>(b));
           });
  });
}

int DigestNid(const std::string& hash) {
  if (hash == "sha384") return NID_sha384;
  if (hash == "sha512") return NID_sha512;
  return NID_sha256;
}

std::string Sha256(const X509& cert) {
  auto der = CertToDer(cert);
  if (!der) return "";
  auto d = Digest("SHA256", *der);
  return d ? HexEncode(*d) : "";
}

// The CSR for the new key: the payload's subject, SANs, usages and challenge.
Result<Bytes> BuildCsr(const TransactionSpec& spec, const X509_NAME& subject) {
  const AgentPayload& p = *spec.payload;
  client::CsrOptions o;
  o.subject = "/CN=scepgate-agent";  // replaced below by the payload's name, attribute by attribute
  if (spec.renew_cert == nullptr) o.challenge = p.challenge;
  o.sans = p.sans;
  if (p.key_usage != 0) o.key_usage = p.key_usage;
  o.ekus = p.ekus;
  o.digest_nid = DigestNid(p.hash);
  SG_ASSIGN_OR_RETURN(X509ReqPtr csr, client::MakeCsr(*spec.new_key, o));
  if (X509_REQ_set_subject_name(csr.get(), const_cast<X509_NAME*>(&subject)) != 1 ||
      X509_REQ_sign(csr.get(), const_cast<EVP_PKEY*>(spec.new_key),
                    EVP_get_digestbynid(o.digest_nid)) <= 0)
    return Fail(CryptoError("cannot sign the CSR"));
  return CsrToDer(*csr);
}

std::string FailInfoText(const codec::CertRep& rep) {
  std::string out = rep.fail_info ? std::string(codec::FailInfoName(*rep.fail_info)) : "failure";
  if (!rep.fail_info_text.empty()) out += ": " + rep.fail_info_text;
  return out;
}

}  // namespace

Status CheckPinnedCa(const client::CaCerts& ca, const AgentPayload& payload) {
  for (const auto& c : ca.all)
    if (Sha256(*c) == payload.ca_sha256) return {};
  // The pinned CA may be the root above the issuing CA, given in the payload.
  if (!payload.ca_der.empty() && ca.issuing != nullptr) {
    auto pinned = CertFromDer(payload.ca_der);
    if (pinned && Sha256(**pinned) == payload.ca_sha256 &&
        X509_check_issued(pinned->get(), const_cast<X509*>(ca.issuing)) == X509_V_OK &&
        X509_verify(const_cast<X509*>(ca.issuing), X509_get0_pubkey(pinned->get())) == 1)
      return {};
  }
  std::string got = ca.issuing != nullptr ? Sha256(*ca.issuing) : "none";
  return Fail(Error::InvalidArgument("CA thumbprint mismatch: the gateway's CA is SHA-256 " + got +
                                     ", the payload pins " + payload.ca_sha256 +
                                     "; refusing to enroll"));
}

namespace {

template <class T>
using Step = std::expected<T, AttemptError>;

// What the gateway said about itself: capabilities and CA certificates (the CA already pinned).
struct Gateway {
  std::vector<std::string> caps;
  client::CaCerts ca;
  bool post = false;
};

// One transaction's request: the subject, the CSR, who signs and how.
struct Request {
  X509NamePtr subject;
  Bytes csr;
  X509Ptr self_signed;  // first enrollment only
  const X509* signer = nullptr;
  const EVP_PKEY* signer_key = nullptr;
  client::MessageOptions msg;
};

// GetCACaps, GetCACert and the pin.
Step<Gateway> Discover(client::ScepClient& scep, const AgentPayload& p) {
  Gateway g;
  auto caps = scep.GetCaCaps();
  if (!caps) return FromHttp(caps.error(), scep.last_status());
  g.caps = std::move(*caps);
  auto ca = scep.GetCaCert();
  if (!ca) return FromHttp(ca.error(), scep.last_status());
  g.ca = std::move(*ca);
  if (auto pinned = CheckPinnedCa(g.ca, p); !pinned) return Fatal(pinned.error());
  g.post = Has(g.caps, "POSTPKIOperation") || Has(g.caps, "SCEPStandard");
  return g;
}

// The CSR and the message options; a self-signed signer for a first enrollment.
Step<Request> Prepare(const TransactionSpec& spec, const Gateway& g) {
  const AgentPayload& p = *spec.payload;
  Request r;
  auto subject = SubjectName(p.subject_rdns);
  if (!subject) return Fatal(subject.error());
  r.subject = std::move(*subject);
  auto csr = BuildCsr(spec, *r.subject);
  if (!csr) return Fatal(csr.error());
  r.csr = std::move(*csr);
  bool renewal = spec.renew_cert != nullptr;
  if (!renewal) {
    auto s = client::MakeSelfSignedSigner(*spec.new_key, "scepgate-agent");
    if (!s) return Fatal(s.error());
    r.self_signed = std::move(*s);
  }
  r.signer = renewal ? spec.renew_cert : r.self_signed.get();
  r.signer_key = renewal ? spec.renew_key : spec.new_key;
  r.msg.type = renewal && Has(g.caps, "Renewal") ? codec::MessageType::kRenewalReq
                                                 : codec::MessageType::kPKCSReq;
  auto tid = client::TransactionIdFor(*spec.new_key);
  if (!tid) return Fatal(tid.error());
  r.msg.transaction_id = *tid;
  bool aes = Has(g.caps, "AES") || Has(g.caps, "SCEPStandard");
  r.msg.cipher_nid = aes ? NID_aes_256_cbc : NID_des_ede3_cbc;
  r.msg.digest_nid = DigestNid(p.hash);
  return r;
}

// Sends one message and checks the CertRep that answers it.
Step<codec::CertRep> Send(client::ScepClient& scep, const Gateway& g, const Request& r,
                          const client::OutgoingMessage& m) {
  auto reply = scep.PkiOperation(m.der, !g.post);
  if (!reply) return FromHttp(reply.error(), scep.last_status());
  auto rep = client::ReadReply(*reply, m, g.ca, *r.signer, *r.signer_key);
  if (!rep) return Fatal(rep.error());
  return std::move(*rep);
}

// CertPoll every interval while the answer is PENDING, up to the limit.
Step<codec::CertRep> Poll(client::ScepClient& scep, const Gateway& g, const Request& r,
                          codec::CertRep rep, const TransactionSpec& spec, Sleeper& sleeper) {
  for (int poll = 0; rep.status == codec::PkiStatus::kPending; ++poll) {
    if (poll >= spec.poll_limit)
      return std::unexpected(
          AttemptError{Error::Io("still PENDING after " + std::to_string(poll) + " polls"), true,
                       true, 200, ""});
    if (!sleeper.Sleep(spec.poll_interval_seconds))
      return Fatal(Error::FailedPrecondition("stopped while polling"));
    auto content = codec::EncodeIssuerAndSubject(*X509_get_subject_name(g.ca.issuing), *r.subject);
    if (!content) return Fatal(content.error());
    client::MessageOptions poll_msg = r.msg;
    poll_msg.type = codec::MessageType::kCertPoll;
    auto out = client::BuildMessage(g.ca, *content, *r.signer, *r.signer_key, poll_msg);
    if (!out) return Fatal(out.error());
    auto next = Send(scep, g, r, *out);
    if (!next) return std::unexpected(next.error());
    rep = std::move(*next);
  }
  return rep;
}

// The certificate of a final answer, or the gateway's refusal (not retryable).
Attempt Finish(const codec::CertRep& rep, const Gateway& g, const EVP_PKEY& new_key) {
  if (rep.status == codec::PkiStatus::kFailure) {
    std::string why = FailInfoText(rep);
    return std::unexpected(AttemptError{
        Error::PolicyDenied("the gateway refused the request: " + why), false, true, 200, why});
  }
  if (rep.content.certs.empty()) return Fatal(Error::BadRequest("SUCCESS without a certificate"));
  Issued issued;
  issued.cert = CertDup(*rep.content.certs.front());
  if (EVP_PKEY_eq(X509_get0_pubkey(issued.cert.get()), &new_key) != 1)
    return Fatal(Error::BadRequest("the issued certificate is not for our key"));
  for (const auto& c : g.ca.all) issued.ca_certs.push_back(CertDup(*c));
  return issued;
}

}  // namespace

Attempt Transaction::Run(const std::string& url_text, const TransactionSpec& spec) {
  auto url = client::ParseUrl(url_text);
  if (!url) return Fatal(url.error());
  client::ScepClient scep(http_, *url);
  auto gateway = Discover(scep, *spec.payload);
  if (!gateway) return std::unexpected(gateway.error());
  auto request = Prepare(spec, *gateway);
  if (!request) return std::unexpected(request.error());
  auto out = client::BuildMessage(gateway->ca, request->csr, *request->signer, *request->signer_key,
                                  request->msg);
  if (!out) return Fatal(out.error());
  events_.Emit({kRequestGenerated,
                {{"url", url_text},
                 {"message_type", std::string(codec::MessageTypeName(request->msg.type))},
                 {"transaction_id", request->msg.transaction_id}},
                {{"key_size", EVP_PKEY_get_bits(spec.new_key)}}});
  auto rep = Send(scep, *gateway, *request, *out);
  if (!rep) return std::unexpected(rep.error());
  auto final_rep = Poll(scep, *gateway, *request, std::move(*rep), spec, sleeper_);
  if (!final_rep) return std::unexpected(final_rep.error());
  return Finish(*final_rep, *gateway, *spec.new_key);
}

}  // namespace scepgate::agent
