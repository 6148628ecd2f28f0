// EnvelopeCipher: OpenSSL 3.0 has no getter for an EnvelopedData's content-encryption algorithm,
// so re-encode the parsed structure as DER and walk it:
//   ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT EnvelopedData }
//   EnvelopedData ::= SEQUENCE { version INTEGER, originatorInfo [0] IMPLICIT OPTIONAL,
//       recipientInfos SET, encryptedContentInfo SEQUENCE {
//           contentType OID, contentEncryptionAlgorithm AlgorithmIdentifier, ... }, ... }
// AuthEnvelopedData (AES-GCM) has the same prefix; its algorithm is reported so that the caller
// can refuse it with badAlg.
#include <openssl/objects.h>

#include "codec/der_reader.h"
#include "codec/pki_message.h"
#include "codec/signed_message.h"

namespace scepgate::codec {
namespace {

constexpr int kUniversal = V_ASN1_UNIVERSAL;
constexpr int kContext = V_ASN1_CONTEXT_SPECIFIC;

std::optional<int> WalkEnvelope(ByteView der) {
  DerReader top(der);
  auto content_info = top.Expect(kUniversal, V_ASN1_SEQUENCE, true);
  if (!content_info) return std::nullopt;
  DerReader ci(content_info->body);
  if (!ci.Expect(kUniversal, V_ASN1_OBJECT, false)) return std::nullopt;
  auto explicit0 = ci.Expect(kContext, 0, true);
  if (!explicit0) return std::nullopt;
  DerReader wrapper(explicit0->body);
  auto enveloped = wrapper.Expect(kUniversal, V_ASN1_SEQUENCE, true);
  if (!enveloped) return std::nullopt;

  DerReader ed(enveloped->body);
  if (!ed.Expect(kUniversal, V_ASN1_INTEGER, false)) return std::nullopt;
  ed.Expect(kContext, 0, true);  // originatorInfo, optional
  if (!ed.Expect(kUniversal, V_ASN1_SET, true)) return std::nullopt;
  auto eci = ed.Expect(kUniversal, V_ASN1_SEQUENCE, true);
  if (!eci) return std::nullopt;

  DerReader content(eci->body);
  if (!content.Expect(kUniversal, V_ASN1_OBJECT, false)) return std::nullopt;
  auto algorithm = content.Expect(kUniversal, V_ASN1_SEQUENCE, true);
  if (!algorithm) return std::nullopt;
  DerReader alg(algorithm->body);
  auto oid = alg.Expect(kUniversal, V_ASN1_OBJECT, false);
  if (!oid) return std::nullopt;
  return DerOidNid(*oid);
}

}  // namespace

Result<int> EnvelopeCipher(ByteView enveloped) {
  // Parsing first accepts BER (indefinite lengths, as BouncyCastle-based clients send) and
  // rejects anything that is not a CMS structure before the walk below.
  SG_ASSIGN_OR_RETURN(CmsPtr cms, ParseCms(enveloped));
  int type = OBJ_obj2nid(CMS_get0_type(cms.get()));
  if (type != NID_pkcs7_enveloped && type != NID_id_smime_ct_authEnvelopedData) {
    return Fail(Error::BadRequest("not a CMS EnvelopedData"));
  }
  auto der = CmsToDer(*cms);
  if (!der) return Fail(Error::BadRequest("cannot re-encode the EnvelopedData"));
  std::optional<int> nid = WalkEnvelope(*der);
  if (!nid) return Fail(Error::BadRequest("malformed EnvelopedData"));
  return *nid;
}

}  // namespace scepgate::codec
