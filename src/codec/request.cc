// The request pkiMessage: ParseRequest (server side) and EncodeRequest (client side).
#include <string>

#include "codec/envelope.h"
#include "codec/pki_message.h"
#include "codec/request_der.h"
#include "codec/signed_message.h"

namespace scepgate::codec {

Result<PkiRequest> ParseRequest(ByteView der) {
  if (std::optional<PkiRequest> fast = ParseRequestDer(der)) return std::move(*fast);
  SG_ASSIGN_OR_RETURN(SignedMessage m, ReadSignedMessage(der));
  const ScepAttributes& a = m.attributes;
  if (!a.message_type) return Fail(Error::BadRequest("request has no messageType attribute"));
  std::optional<int> number = ParseSmallDecimal(*a.message_type);
  std::optional<MessageType> type = number ? MessageTypeFromInt(*number) : std::nullopt;
  if (!type) return Fail(Error::BadRequest("unknown messageType"));
  if (!a.transaction_id || a.transaction_id->empty()) {
    return Fail(Error::BadRequest("request has no transactionID attribute"));
  }
  if (!a.sender_nonce || a.sender_nonce->empty()) {
    return Fail(Error::BadRequest("request has no senderNonce attribute"));
  }
  if (!m.content || m.content->empty()) {
    return Fail(Error::BadRequest("request carries no enveloped content"));
  }
  PkiRequest r;
  r.type = *type;
  r.transaction_id = *a.transaction_id;
  r.sender_nonce = *a.sender_nonce;
  r.signer = std::move(m.signer);
  if (EVP_PKEY* key = X509_get0_pubkey(r.signer.get()); key != nullptr && EVP_PKEY_up_ref(key) == 1)
    r.signer_key.reset(key);
  r.digest_nid = m.digest_nid;
  r.signature_valid = m.signature_valid;
  r.signer_refusal = std::move(m.refusal);
  r.enveloped = std::move(*m.content);
  return r;
}

Result<Bytes> EncodeRequest(const RequestParams& params, const X509& signer_cert,
                            const EVP_PKEY& signer_key) {
  SG_ASSIGN_OR_RETURN(Bytes enveloped,
                      EncryptEnvelope(params.content, params.recipients, params.cipher_nid));
  ScepAttributes a;
  a.message_type = std::to_string(static_cast<int>(params.type));
  a.transaction_id = params.transaction_id;
  a.sender_nonce = params.sender_nonce;
  return SignMessage(enveloped, signer_cert, signer_key, params.digest_nid, a);
}

}  // namespace scepgate::codec
