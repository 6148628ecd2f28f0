#include "scep/service.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/text.h"
#include "notify/events.h"
#include "scep/service_internal.h"

namespace scepgate::scep {
namespace {

// How much of a transactionID and a signer subject a request record keeps.
constexpr size_t kRecordedTransactionId = 160;
constexpr size_t kRecordedSubject = 1024;

}  // namespace

Service::Service(const CaState& cas, store::Store& store, policy::Policy& policy,
                 CrlPublisher& crls, const Clock& clock, Random& random, ServiceOptions options)
    : cas_(cas),
      store_(store),
      policy_(policy),
      crls_(crls),
      clock_(clock),
      random_(random),
      options_(std::move(options)),
      overlap_(options_.overlap != nullptr ? *options_.overlap : in_order_) {}

Reply Service::GetCaCaps() const {
  Reply r;
  r.content_type = "text/plain";
  r.body = "AES\nDES3\n";
  if (cas_.next_ca() != nullptr) r.body += "GetNextCACert\n";
  // SHA-384 is accepted like the others, and strongSwan's pki 5.9 needs to read it to use AES:
  // it tests its capability bits by their index (AES at 0, so never set) and so takes AES, and
  // SHA-256 signatures, only from a CA that lists SHA-384 (bit 3, its SCEPStandard test).
  r.body += "POSTPKIOperation\nRenewal\nSHA-1\nSHA-256\nSHA-384\nSHA-512\nSCEPStandard\n";
  r.outcome = "ok";
  return r;
}

Reply Service::GetCaCert() const {
  Reply r;
  r.content_type = "application/x-x509-ca-ra-cert";
  r.body = cas_.ca_cert_body();
  r.outcome = "ok";
  return r;
}

Reply Service::GetNextCaCert() const {
  Reply r;
  if (cas_.next_ca_cert_body().empty()) {
    r.http_status = 404;
    r.content_type = "text/plain";
    r.body = "no next CA certificate is staged\n";
    r.outcome = "rejected";
    r.reason = "no rollover staged";
    return r;
  }
  r.content_type = "application/x-x509-next-ca-cert";
  r.body = cas_.next_ca_cert_body();
  r.outcome = "ok";
  return r;
}

Reply Service::PkiOperation(ByteView der, const Peer& peer) {
  in_flight_.fetch_add(1);
  struct Done {
    std::atomic<int>& n;
    ~Done() { n.fetch_sub(1); }
  } done{in_flight_};
  Context ctx{peer,    std::chrono::steady_clock::now(),
              {},      NID_aes_256_cbc,
              nullptr, {},
              false,   std::nullopt,
              {},      false,
              true,    {}};
  ctx.record.correlation_id = peer.correlation_id;
  ctx.record.remote_addr = peer.remote_addr;
  ctx.record.created_at = clock_.Now();

  auto parsed = codec::ParseRequest(der);
  if (!parsed) return Refuse(ctx, "MessageMalformed", parsed.error().message);
  ctx.request = std::move(*parsed);
  const std::string& tid = ctx.request.transaction_id;
  ctx.record.transaction_id = Shortened(tid, kRecordedTransactionId);
  ctx.record.message_type = std::string(codec::MessageTypeName(ctx.request.type));
  ctx.record.signer_subject =
      Shortened(NameToString(*X509_get_subject_name(ctx.request.signer.get())), kRecordedSubject);
  ctx.signer_sha256 = CertSha256(*ctx.request.signer);
  ctx.record.signer_sha256 = ctx.signer_sha256;
  if (tid.size() > options_.max_transaction_id)
    return Refuse(ctx, "TransactionIdTooLong",
                  "the transactionID has " + std::to_string(tid.size()) + " bytes; at most " +
                      std::to_string(options_.max_transaction_id) + " are accepted");
  if (std::ranges::any_of(tid, IsControl))
    return Refuse(ctx, "TransactionIdMalformed", "the transactionID has control characters");

  Reply reply = Dispatch(ctx);
  Record(ctx, reply);
  return reply;
}

Reply Service::Refuse(Context& ctx, std::string_view code, const std::string& why) {
  Reply r;
  r.http_status = 400;
  r.content_type = "text/plain";
  r.body = "not a SCEP pkiMessage: " + why + "\n";
  r.outcome = "rejected";
  r.fail_info = "badRequest";
  r.reason = why;
  r.transaction_id = ctx.record.transaction_id;
  ctx.record.state = "failed";
  ctx.record.fail_info = r.fail_info;
  ctx.record.reason = std::string(code) + ": " + why;
  ctx.record.stage = "parse";
  Record(ctx, r);
  return r;
}

Reply Service::Dispatch(Context& ctx) {
  if (!ctx.request.signer_refusal.empty())
    return Failure(ctx, Error::BadRequest(ctx.request.signer_refusal));
  if (!ctx.request.signature_valid)
    return Failure(
        ctx, Error::BadMessageCheck("SignatureInvalid: the message signature does not verify"));
  if (auto st = ClassifySigner(ctx); !st) return Failure(ctx, st.error());
  auto opened = codec::OpenEnvelope(ctx.request.enveloped, cas_.ra_cert(), cas_.ra_key());
  // A client may encrypt to another certificate of the RA key: the renewal another node serves
  // already, or the one this node served before.
  for (const X509* other : cas_.OtherRaCerts()) {
    if (opened || opened.error().code != ErrorCode::kBadMessageCheck) break;
    if (auto again = codec::OpenEnvelope(ctx.request.enveloped, *other, cas_.ra_key())) {
      opened = std::move(again);
      ctx.ra_cert = other;
    }
  }
  if (!opened) return Failure(ctx, opened.error());
  ctx.cipher_nid = opened->cipher_nid;
  ctx.request.enveloped = std::move(opened->content);  // from here on: the decrypted content
  switch (ctx.request.type) {
    case codec::MessageType::kPKCSReq:
    case codec::MessageType::kRenewalReq:
    case codec::MessageType::kUpdateReq:
      return Enroll(ctx);
    case codec::MessageType::kCertPoll:
      return CertPoll(ctx);
    case codec::MessageType::kGetCert:
      return GetCert(ctx);
    case codec::MessageType::kGetCRL:
      return GetCrl(ctx);
    case codec::MessageType::kCertRep:
      break;
  }
  return Failure(ctx, Error::BadRequest("MessageTypeUnsupported: a CertRep is not a request"));
}

// A request signed by a certificate one of our CAs issued is a renewal, whatever its messageType
// says (certmonger and macOS send PKCSReq). That certificate must be known, valid and unrevoked.
Status Service::ClassifySigner(Context& ctx) {
  const X509& signer = *ctx.request.signer;
  const IssuingCa* issuer = cas_.FindIssuerOf(signer);
  if (issuer == nullptr) {
    if (ctx.request.type == codec::MessageType::kRenewalReq)
      return Fail(Error::BadRequest(
          "RenewalSignerUnknown: a RenewalReq must be signed by a certificate this CA issued"));
    return {};
  }
  std::string serial = SerialHex(*X509_get0_serialNumber(&signer));
  SG_ASSIGN_OR_RETURN(auto known, store_.FindCertificate(serial));
  if (!known || known->issuer_id != issuer->id)
    return Fail(Error::BadCertId(
        "SignerCertificateUnknown: the signing certificate is not in this CA's records"));
  if (known->status == store::CertStatus::kRevoked)
    return Fail(Error::BadRequest("SignerCertificateRevoked: the signing certificate is revoked"));
  if (issuer->revoked)
    return Fail(Error::BadRequest(
        "SignerCertificateRevoked: the issuing CA of the signing certificate is revoked"));
  int64_t now = clock_.Now();
  if (now < known->not_before || now > known->not_after)
    return Fail(
        Error::BadTime("SignerCertificateExpired: the signing certificate is not valid now"));
  ctx.renewal = true;
  ctx.record.renewal = true;
  ctx.renewed = std::move(*known);
  return {};
}

Reply Service::Success(Context& ctx, std::vector<const X509*> certs,
                       std::vector<const X509_CRL*> crls, std::string outcome) {
  codec::CertRepParams p;
  p.status = codec::PkiStatus::kSuccess;
  p.recipient = ctx.request.signer.get();
  p.recipient_key = ctx.request.signer_key.get();
  p.certs = std::move(certs);
  p.crls = std::move(crls);
  Reply r = Encode(ctx, std::move(p));
  if (r.http_status == 200) {
    r.outcome = std::move(outcome);
    ctx.record.state = r.outcome == "answered" ? "answered" : "issued";
  }
  return r;
}

Reply Service::Failure(Context& ctx, const Error& error) {
  if (error.code == ErrorCode::kUnavailable) return Unavailable(ctx, error);
  codec::CertRepParams p;
  p.status = codec::PkiStatus::kFailure;
  p.fail_info = codec::FailInfoFor(error.code);
  p.fail_info_text = error.message;
  codec::FailInfo info = *p.fail_info;
  Reply r = Encode(ctx, std::move(p));
  r.outcome = "failed";
  r.fail_info = std::string(codec::FailInfoName(info));
  r.reason = error.message;
  ctx.record.state = "failed";
  ctx.record.fail_info = r.fail_info;
  ctx.record.reason = error.message;
  return r;
}

// No SCEP answer at all: a CertRep FAILURE would end the client's enrollment for a fault that
// is ours and passing. HTTP 503 makes the client (or the proxy in front) try again, and a retry
// is safe: whatever was committed is found by the resend.
Reply Service::Unavailable(Context& ctx, const Error& error) {
  spdlog::warn("correlation_id={} store unavailable, answered 503: {}", ctx.peer.correlation_id,
               error.message);
  Reply r;
  r.http_status = 503;
  r.content_type = "text/plain";
  r.body = "service unavailable, retry shortly\n";
  r.retry_after_seconds = kUnavailableRetryAfterSeconds;
  r.message_type = ctx.record.message_type;
  r.transaction_id = ctx.request.transaction_id;
  r.outcome = "unavailable";
  r.reason = error.message;
  ctx.record.state = "failed";
  ctx.record.reason = "StoreUnavailable: " + error.message;
  return r;
}

Reply Service::Encode(Context& ctx, codec::CertRepParams p) {
  p.transaction_id = ctx.request.transaction_id;
  p.recipient_nonce = ctx.request.sender_nonce;
  p.digest_nid = ctx.request.digest_nid;
  p.cipher_nid = ctx.cipher_nid;
  Reply r;
  r.message_type = ctx.record.message_type;
  r.transaction_id = ctx.request.transaction_id;
  Result<Bytes> der = random_.Generate(16);
  if (der) {
    p.sender_nonce = std::move(*der);
    der = codec::EncodeCertRep(p, ctx.ra_cert != nullptr ? *ctx.ra_cert : cas_.ra_cert(),
                               cas_.ra_key());
  }
  if (!der) {
    spdlog::error("correlation_id={} cannot encode CertRep: {}", ctx.peer.correlation_id,
                  der.error().message);
    r.http_status = 500;
    r.content_type = "text/plain";
    r.body = "internal error\n";
    r.outcome = "error";
    r.reason = der.error().message;
    ctx.record.state = "failed";
    ctx.record.reason = "InternalError: " + der.error().message;
    return r;
  }
  r.content_type = "application/x-pki-message";
  r.body = AsString(*der);
  return r;
}

void Service::Record(Context& ctx, const Reply& reply) {
  if (ctx.recorded) return;
  ctx.record.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - ctx.started)
                               .count();
  if (ctx.record.state.empty()) ctx.record.state = reply.outcome;
  std::vector<store::OutboxEvent> events;
  if (ctx.record.state == "failed" && ctx.notify_failure)
    events.push_back(notify::FailedEvent(ctx.record, clock_.Now()));
  // Intune hears of a refusal, not of a 503: the device retries that transaction.
  if (ctx.record.state == "failed" && reply.outcome == "failed" && !ctx.intune_csr_der.empty())
    events.push_back(notify::IntuneFailureEvent(ctx.record, ctx.intune_csr_der, clock_.Now()));
  auto id = store_.RecordRequest(ctx.record, events);
  if (!id)
    spdlog::error("correlation_id={} cannot record request: {}", ctx.peer.correlation_id,
                  id.error().message);
}

}  // namespace scepgate::scep
