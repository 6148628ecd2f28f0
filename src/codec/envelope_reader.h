// The fast path for opening a request's envelope: a DER walk of the EnvelopedData every common
// client sends, decrypted with EVP calls, instead of OpenSSL's CMS layer parsing it twice (once
// for the cipher, once to decrypt).
#pragma once

#include <optional>

#include "codec/pki_message.h"

namespace scepgate::codec {

// Opens `enveloped` when it is DER of this shape: ContentInfo(EnvelopedData) without
// originatorInfo or unprotected attributes, a key-transport recipient info (rsaEncryption) that
// names `ra_cert` by the exact bytes of its issuer and serial number, and id-data content
// encrypted with a CBC cipher whose parameter is its IV (the encrypted content primitive, or
// constructed from primitive segments as Go's pkcs7 package writes it). Returns the opened
// envelope, or the error OpenEnvelope answers with (kBadAlg for a cipher we do not accept,
// kBadMessageCheck when the key or the content does not decrypt). Returns nullopt for any other
// shape; OpenEnvelope then uses the CMS layer. Leaves OpenSSL's error queue empty.
std::optional<Result<OpenedEnvelope>> OpenEnvelopeDer(ByteView enveloped, const X509& ra_cert,
                                                      const EVP_PKEY& ra_key);

}  // namespace scepgate::codec
