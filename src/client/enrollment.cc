#include "client/enrollment.h"

#include <openssl/rand.h>

namespace scepgate::client {

Result<OutgoingMessage> BuildMessage(const CaCerts& ca, ByteView content, const X509& signer,
                                     const EVP_PKEY& key, const MessageOptions& options) {
  OutgoingMessage out;
  out.transaction_id = options.transaction_id;
  out.sender_nonce.resize(16);
  if (RAND_bytes(out.sender_nonce.data(), 16) != 1) return Fail(CryptoError("RAND_bytes failed"));
  codec::RequestParams p;
  p.type = options.type;
  p.transaction_id = options.transaction_id;
  p.sender_nonce = out.sender_nonce;
  p.digest_nid = options.digest_nid;
  p.cipher_nid = options.cipher_nid;
  p.content.assign(content.begin(), content.end());
  p.recipients = ca.recipients;
  SG_ASSIGN_OR_RETURN(out.der, codec::EncodeRequest(p, signer, key));
  return out;
}

Result<codec::CertRep> ReadReply(ByteView reply, const OutgoingMessage& sent, const CaCerts& ca,
                                 const X509& signer, const EVP_PKEY& key) {
  SG_ASSIGN_OR_RETURN(codec::CertRep rep, codec::DecodeCertRep(reply, signer, key));
  if (!rep.signature_valid)
    return Fail(Error::BadMessageCheck("CertRep signature does not verify"));
  bool known_signer = false;
  for (const auto& c : ca.all)
    if (rep.signer && X509_cmp(rep.signer.get(), c.get()) == 0) known_signer = true;
  if (!known_signer)
    return Fail(Error::BadMessageCheck("CertRep is not signed by the gateway's RA"));
  if (rep.transaction_id != sent.transaction_id)
    return Fail(Error::BadMessageCheck("CertRep transactionID differs from the request's"));
  if (rep.recipient_nonce != sent.sender_nonce)
    return Fail(Error::BadMessageCheck("CertRep recipientNonce differs from our senderNonce"));
  return rep;
}

}  // namespace scepgate::client
