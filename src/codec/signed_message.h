// Reading and writing the outer CMS SignedData of a pkiMessage, shared by requests and replies.
#pragma once

#include <openssl/cms.h>

#include <optional>
#include <string>

#include "codec/attributes.h"
#include "common/ossl.h"

namespace scepgate::codec {

// Returns the CMS structure in `der` (BER accepted), or kBadRequest when it does not parse.
Result<CmsPtr> ParseCms(ByteView der);
// Returns the DER of `cms`, or kCrypto.
Result<Bytes> CmsToDer(CMS_ContentInfo& cms);
// Returns OpenSSL's short name of `nid` ("AES-256-CBC"), or "NID <n>" when it has none.
std::string NidName(int nid);
// Returns a memory BIO reading `data` (which must outlive it), or nullptr when too large.
BioPtr ReadOnlyBio(ByteView data);

// A parsed SignedData and what its (first) signer says.
struct SignedMessage {
  CmsPtr cms;
  X509Ptr signer;                // the included certificate matching the first signer info
  int digest_nid = NID_undef;    // digest of the first signer info
  bool signature_valid = false;  // every signer info verifies with its included certificate
  // Set, and the signature left unverified, when a signer's key is too costly or unsafe to verify
  // with (common/key_sanity.h): "KeyParametersRejected: ..."; or when there is more than one
  // signer: "SignersUnsupported: ...".
  std::string refusal;
  std::optional<Bytes> content;  // the eContent; nullopt when absent (detached)
  ScepAttributes attributes;     // of the first signer info
};

// Parses a SignedData and verifies its signature with the included signer certificate, without
// any chain check, once the signer's key passed CheckKeyCost (else `refusal` says why not). Returns
// kBadRequest when `der` is not a SignedData, has no signer info, or does not include the signer's
// certificate. A signature that does not verify is not an error.
Result<SignedMessage> ReadSignedMessage(ByteView der);

// Returns the DER of a SignedData (eContentType id-data, eContent = `content`, empty allowed)
// signed by `cert`/`key` with `digest_nid`, carrying `attrs` as signed attributes and `cert` in
// `certificates`. Returns kBadAlg when the digest is unknown, kCrypto on failure.
Result<Bytes> SignMessage(ByteView content, const X509& cert, const EVP_PKEY& key, int digest_nid,
                          const ScepAttributes& attrs);

}  // namespace scepgate::codec
