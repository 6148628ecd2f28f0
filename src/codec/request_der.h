// The fast path for a request pkiMessage: a DER walk of the shape every common client sends, with
// the signature verified directly, instead of OpenSSL's CMS layer. OpenSSL 3.0 sets up a key
// decoder for every certificate it parses (about 90 us, the largest cost of parsing a request);
// here the signer certificate is parsed without its key and the RSA key is built from its
// modulus and exponent.
#pragma once

#include <optional>

#include "codec/pki_message.h"

namespace scepgate::codec {

// Parses `der` when it is DER of this shape: ContentInfo(SignedData) with id-data content carried
// inline; exactly one signer info, naming its certificate by issuer and serial number; that
// certificate among the included ones, with an RSA key; a PKCS#1 v1.5 signature over signed
// attributes that hold contentType (id-data), messageDigest (matching the content), messageType,
// transactionID and senderNonce, each once with one value; and a signature that verifies.
// Returns nullopt for anything else (BER, other key or signature algorithms, a signature that does
// not verify, an unknown messageType, ...): ParseRequest then parses the message with OpenSSL's CMS
// layer, which gives the authoritative answer. On success the signer certificate has no decoded
// key (CertFromDerWithoutKey); the key is PkiRequest::signer_key. Leaves OpenSSL's error queue
// empty.
std::optional<PkiRequest> ParseRequestDer(ByteView der);

}  // namespace scepgate::codec
