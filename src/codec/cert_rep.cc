// The CertRep pkiMessage: EncodeCertRep (server side) and DecodeCertRep (client side).
#include <openssl/err.h>
#include <openssl/evp.h>

#include <string>

#include "codec/envelope.h"
#include "codec/pki_message.h"
#include "codec/signed_message.h"
#include "codec/signed_writer.h"

namespace scepgate::codec {
namespace {

// The envelope of a SUCCESS reply: the degenerate certs-only structure encrypted to the client.
Result<Bytes> SuccessContent(const CertRepParams& p) {
  if (p.recipient == nullptr)
    return Fail(Error::InvalidArgument("SUCCESS CertRep needs a recipient"));
  if (p.certs.empty() && p.crls.empty()) {
    return Fail(Error::InvalidArgument("SUCCESS CertRep needs a certificate or a CRL"));
  }
  SG_ASSIGN_OR_RETURN(Bytes inner, EncodeCertsOnly(p.certs, p.crls));
  if (p.recipient_key != nullptr && EnvelopeWriterHandles(p.cipher_nid, *p.recipient_key))
    return EncryptEnvelopeTo(inner, *p.recipient, *p.recipient_key, p.cipher_nid);
  // CMS_encrypt takes the key from the certificate: parse it in full if it was parsed without.
  X509Ptr full;
  const X509* recipient = p.recipient;
  if (X509_get0_pubkey(recipient) == nullptr) {
    ERR_clear_error();  // the failed lookup queues a decode error
    SG_ASSIGN_OR_RETURN(Bytes der, CertToDer(*recipient));
    SG_ASSIGN_OR_RETURN(full, CertFromDer(der));
    recipient = full.get();
  }
  const X509* recipients[] = {recipient};
  return EncryptEnvelope(inner, recipients, p.cipher_nid);
}

std::optional<PkiStatus> StatusFrom(const std::optional<std::string>& text) {
  std::optional<int> v = text ? ParseSmallDecimal(*text) : std::nullopt;
  if (!v) return std::nullopt;
  switch (*v) {
    case 0:
    case 2:
    case 3:
      return static_cast<PkiStatus>(*v);
    default:
      return std::nullopt;
  }
}

std::optional<FailInfo> FailInfoFrom(const std::optional<std::string>& text) {
  std::optional<int> v = text ? ParseSmallDecimal(*text) : std::nullopt;
  if (!v || *v > static_cast<int>(FailInfo::kBadCertId)) return std::nullopt;
  return static_cast<FailInfo>(*v);
}

}  // namespace

Result<Bytes> EncodeCertRep(const CertRepParams& params, const X509& ra_cert,
                            const EVP_PKEY& ra_key) {
  ScepAttributes a;
  a.message_type = std::to_string(static_cast<int>(MessageType::kCertRep));
  a.pki_status = std::to_string(static_cast<int>(params.status));
  a.transaction_id = params.transaction_id;
  if (!params.sender_nonce.empty()) a.sender_nonce = params.sender_nonce;
  if (!params.recipient_nonce.empty()) a.recipient_nonce = params.recipient_nonce;

  Bytes content;  // FAILURE and PENDING: an empty eContent, no envelope
  switch (params.status) {
    case PkiStatus::kSuccess: {
      SG_ASSIGN_OR_RETURN(content, SuccessContent(params));
      break;
    }
    case PkiStatus::kFailure:
      if (!params.fail_info) return Fail(Error::InvalidArgument("FAILURE CertRep needs failInfo"));
      a.fail_info = std::to_string(static_cast<int>(*params.fail_info));
      if (!params.fail_info_text.empty()) a.fail_info_text = params.fail_info_text;
      break;
    case PkiStatus::kPending:
      break;
    default:
      return Fail(Error::InvalidArgument("unknown pkiStatus"));
  }
  // Answer with the client's digest; fall back to SHA-256 when OpenSSL does not know it.
  int digest = EVP_get_digestbynid(params.digest_nid) != nullptr ? params.digest_nid : NID_sha256;
  if (EVP_PKEY_is_a(&ra_key, "RSA") == 1)
    return SignMessageDer(content, ra_cert, ra_key, digest, a);
  return SignMessage(content, ra_cert, ra_key, digest, a);
}

Result<CertRep> DecodeCertRep(ByteView der, const X509& recipient_cert,
                              const EVP_PKEY& recipient_key) {
  SG_ASSIGN_OR_RETURN(SignedMessage m, ReadSignedMessage(der));
  ScepAttributes& a = m.attributes;
  std::optional<int> type = a.message_type ? ParseSmallDecimal(*a.message_type) : std::nullopt;
  if (type != static_cast<int>(MessageType::kCertRep))
    return Fail(Error::BadRequest("not a CertRep"));
  std::optional<PkiStatus> status = StatusFrom(a.pki_status);
  if (!status) return Fail(Error::BadRequest("CertRep has no valid pkiStatus"));

  CertRep rep;
  rep.status = *status;
  rep.transaction_id = a.transaction_id.value_or("");
  rep.sender_nonce = a.sender_nonce.value_or(Bytes());
  rep.recipient_nonce = a.recipient_nonce.value_or(Bytes());
  rep.signer = std::move(m.signer);
  rep.signature_valid = m.signature_valid;
  if (rep.status == PkiStatus::kFailure) {
    rep.fail_info = FailInfoFrom(a.fail_info);
    rep.fail_info_text = a.fail_info_text.value_or("");
  }
  if (rep.status == PkiStatus::kSuccess) {
    if (!m.content || m.content->empty()) {
      return Fail(Error::BadRequest("SUCCESS CertRep carries no envelope"));
    }
    SG_ASSIGN_OR_RETURN(Bytes inner, DecryptEnvelope(*m.content, recipient_cert, recipient_key));
    SG_ASSIGN_OR_RETURN(rep.content, DecodeCertsOnly(inner));
  }
  return rep;
}

}  // namespace scepgate::codec
