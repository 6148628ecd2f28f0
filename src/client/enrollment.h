// One SCEP exchange from the client side: build a pkiMessage for the gateway's RA, and check the
// CertRep that comes back (signature, transactionID, nonce). Pure functions; thread-safe.
#pragma once

#include <string>

#include "client/scep_client.h"
#include "codec/pki_message.h"

namespace scepgate::client {

struct OutgoingMessage {
  Bytes der;
  Bytes sender_nonce;
  std::string transaction_id;
};

struct MessageOptions {
  codec::MessageType type = codec::MessageType::kPKCSReq;
  std::string transaction_id;
  int cipher_nid = NID_aes_256_cbc;
  int digest_nid = NID_sha256;
};

// Encrypts `content` to the RA certificates in `ca` and signs it with signer/key.
// kBadAlg for a cipher OpenSSL cannot use here, kCrypto otherwise.
Result<OutgoingMessage> BuildMessage(const CaCerts& ca, ByteView content, const X509& signer,
                                     const EVP_PKEY& key, const MessageOptions& options);

// Decodes a CertRep and checks it answers `sent`: signature valid, signed by a certificate from
// `ca`, same transactionID, recipientNonce = our senderNonce. kBadMessageCheck when a check
// fails, kBadRequest when the bytes are not a CertRep.
Result<codec::CertRep> ReadReply(ByteView reply, const OutgoingMessage& sent, const CaCerts& ca,
                                 const X509& signer, const EVP_PKEY& key);

}  // namespace scepgate::client
