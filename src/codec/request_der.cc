// ContentInfo ::= SEQUENCE { contentType OID (signedData), content [0] EXPLICIT SignedData }
// SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo SEQUENCE {
//     eContentType OID (data), eContent [0] EXPLICIT OCTET STRING }, certificates [0] IMPLICIT,
//     crls [1] IMPLICIT OPTIONAL, signerInfos SET }
// SignerInfo ::= SEQUENCE { version (1), sid IssuerAndSerialNumber, digestAlgorithm,
//     signedAttrs [0] IMPLICIT SET OF Attribute, signatureAlgorithm, signature OCTET STRING,
//     unsignedAttrs [1] IMPLICIT OPTIONAL }
#include "codec/request_der.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include <algorithm>
#include <array>
#include <climits>

#include "codec/attributes.h"
#include "codec/der_reader.h"
#include "codec/oids.h"
#include "common/key_sanity.h"
#include "common/public_key.h"

namespace scepgate::codec {
namespace {

constexpr int kUniversal = V_ASN1_UNIVERSAL;
constexpr int kContext = V_ASN1_CONTEXT_SPECIFIC;

template <size_t N>
bool OidIs(const DerElement& e, const std::array<uint8_t, N>& oid) {
  return e.tag_class == kUniversal && e.tag == V_ASN1_OBJECT && !e.constructed &&
         std::ranges::equal(e.body, oid);
}

bool Same(ByteView a, ByteView b) { return std::ranges::equal(a, b); }

std::string_view Text(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

bool IsText(const DerElement& e) {
  return e.tag_class == kUniversal && !e.constructed &&
         (e.tag == V_ASN1_PRINTABLESTRING || e.tag == V_ASN1_UTF8STRING ||
          e.tag == V_ASN1_IA5STRING);
}

bool IsOctets(const DerElement& e) {
  return e.tag_class == kUniversal && !e.constructed && e.tag == V_ASN1_OCTET_STRING;
}

// What the signed attributes say; each slot is filled at most once.
struct SignedAttrs {
  std::optional<DerElement> content_type;
  std::optional<DerElement> message_digest;
  std::optional<DerElement> message_type;
  std::optional<DerElement> transaction_id;
  std::optional<DerElement> sender_nonce;
};

// Reads the attributes; false when any is malformed, multi-valued, repeated (for the ones used
// here) or a countersignature (which OpenSSL refuses among signed attributes).
bool ReadAttrs(ByteView body, SignedAttrs& out) {
  DerReader r(body);
  while (!r.AtEnd()) {
    auto attr = r.Expect(kUniversal, V_ASN1_SEQUENCE, true);
    if (!attr) return false;
    DerReader a(attr->body);
    auto id = a.Expect(kUniversal, V_ASN1_OBJECT, false);
    auto values = a.Expect(kUniversal, V_ASN1_SET, true);
    if (!id || !values || !a.AtEnd()) return false;
    DerReader v(values->body);
    auto value = v.Next();
    if (!value || !v.AtEnd()) return false;
    std::optional<DerElement>* slot = nullptr;
    if (OidIs(*id, oid::kContentType)) slot = &out.content_type;
    if (OidIs(*id, oid::kMessageDigest)) slot = &out.message_digest;
    if (OidIs(*id, oid::kMessageType)) slot = &out.message_type;
    if (OidIs(*id, oid::kTransactionId)) slot = &out.transaction_id;
    if (OidIs(*id, oid::kSenderNonce)) slot = &out.sender_nonce;
    if (OidIs(*id, oid::kCounterSignature)) return false;
    if (slot == nullptr) continue;
    if (slot->has_value()) return false;
    *slot = *value;
  }
  return true;
}

struct IssuerSerial {
  ByteView issuer;  // whole Name encoding
  ByteView serial;  // whole INTEGER encoding
};

// The issuer and serial number of a Certificate, from its TBSCertificate.
std::optional<IssuerSerial> CertIssuerSerial(const DerElement& cert) {
  if (cert.tag_class != kUniversal || cert.tag != V_ASN1_SEQUENCE || !cert.constructed)
    return std::nullopt;
  DerReader c(cert.body);
  auto tbs = c.Expect(kUniversal, V_ASN1_SEQUENCE, true);
  if (!tbs) return std::nullopt;
  DerReader t(tbs->body);
  t.Expect(kContext, 0, true);  // version, optional
  auto serial = t.Expect(kUniversal, V_ASN1_INTEGER, false);
  auto sig_alg = serial ? t.Expect(kUniversal, V_ASN1_SEQUENCE, true) : std::nullopt;
  auto issuer = sig_alg ? t.Expect(kUniversal, V_ASN1_SEQUENCE, true) : std::nullopt;
  if (!issuer) return std::nullopt;
  return IssuerSerial{issuer->whole, serial->whole};
}

// The NID of an AlgorithmIdentifier's OID; NID_undef when malformed or unknown.
int AlgorithmNid(const DerElement& alg) {
  DerReader r(alg.body);
  auto oid = r.Expect(kUniversal, V_ASN1_OBJECT, false);
  std::optional<int> nid = oid ? DerOidNid(*oid) : std::nullopt;
  return nid.value_or(NID_undef);
}

// A digest algorithm, or the digest of a signature algorithm some clients put in its place.
int DigestNid(int nid) {
  int md_nid = NID_undef;
  int pk_nid = NID_undef;
  if (nid != NID_undef && OBJ_find_sigid_algs(nid, &md_nid, &pk_nid) == 1 && md_nid != NID_undef)
    return md_nid;
  return nid;
}

// rsaEncryption, or an RSA signature OID (sha256WithRSAEncryption, ...), as OpenSSL accepts.
bool IsRsaPkcs1(int nid) {
  int pk_nid = NID_undef;
  return nid == NID_rsaEncryption ||
         (nid != NID_undef && OBJ_find_sigid_algs(nid, nullptr, &pk_nid) == 1 &&
          pk_nid == NID_rsaEncryption);
}

bool IsRsaSpki(const X509& cert) {
  ASN1_OBJECT* alg = nullptr;
  return X509_PUBKEY_get0_param(&alg, nullptr, nullptr, nullptr,
                                X509_get_X509_PUBKEY(const_cast<X509*>(&cert))) == 1 &&
         alg != nullptr && OBJ_obj2nid(alg) == NID_rsaEncryption;
}

bool DigestMatches(const EVP_MD& md, ByteView content, ByteView expected) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  return EVP_Digest(content.data(), content.size(), out.data(), &len, &md, nullptr) == 1 &&
         Same(ByteView(out.data(), len), expected);
}

// The signature is over the DER of the SET OF attributes: the [0] IMPLICIT encoding with the
// universal SET tag.
bool SignatureVerifies(const EVP_MD& md, EVP_PKEY& key, ByteView attrs_whole, ByteView signature) {
  Bytes tbs(attrs_whole.begin(), attrs_whole.end());
  tbs[0] = 0x31;
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, &md, nullptr, &key) == 1 &&
         EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), tbs.data(), tbs.size()) ==
             1;
}

std::optional<PkiRequest> Parse(ByteView der) {
  std::optional<ContentInfoElements> ci = ReadContentInfo(der);
  if (!ci || !OidIs(ci->type, oid::kSignedData)) return std::nullopt;
  DerReader s(ci->content.body);
  if (!s.Expect(kUniversal, V_ASN1_INTEGER, false) || !s.Expect(kUniversal, V_ASN1_SET, true))
    return std::nullopt;
  auto encap = s.Expect(kUniversal, V_ASN1_SEQUENCE, true);
  auto certs = s.Expect(kContext, 0, true);
  s.Expect(kContext, 1, true);  // crls, optional
  auto infos = s.Expect(kUniversal, V_ASN1_SET, true);
  if (!encap || !certs || !infos || !s.AtEnd()) return std::nullopt;

  DerReader e(encap->body);
  auto content_type = e.Expect(kUniversal, V_ASN1_OBJECT, false);
  auto content_wrap = e.Expect(kContext, 0, true);
  if (!content_type || !OidIs(*content_type, oid::kData) || !content_wrap || !e.AtEnd())
    return std::nullopt;
  DerReader cw(content_wrap->body);
  auto content = cw.Expect(kUniversal, V_ASN1_OCTET_STRING, false);
  if (!content || content->body.empty() || !cw.AtEnd()) return std::nullopt;

  DerReader ir(infos->body);
  auto si = ir.Expect(kUniversal, V_ASN1_SEQUENCE, true);
  if (!si || !ir.AtEnd()) return std::nullopt;  // exactly one signer
  DerReader r(si->body);
  auto version = r.Expect(kUniversal, V_ASN1_INTEGER, false);
  auto sid = r.Expect(kUniversal, V_ASN1_SEQUENCE, true);
  auto digest_alg = r.Expect(kUniversal, V_ASN1_SEQUENCE, true);
  auto attrs = r.Expect(kContext, 0, true);
  auto sig_alg = r.Expect(kUniversal, V_ASN1_SEQUENCE, true);
  auto signature = r.Expect(kUniversal, V_ASN1_OCTET_STRING, false);
  r.Expect(kContext, 1, true);  // unsignedAttrs, optional
  if (!version || !Same(version->body, std::array<uint8_t, 1>{1}) || !sid || !digest_alg ||
      !attrs || !sig_alg || !signature || signature->body.empty() || !r.AtEnd())
    return std::nullopt;
  DerReader sr(sid->body);
  auto issuer = sr.Expect(kUniversal, V_ASN1_SEQUENCE, true);
  auto serial = sr.Expect(kUniversal, V_ASN1_INTEGER, false);
  if (!issuer || !serial || !sr.AtEnd()) return std::nullopt;

  std::optional<ByteView> signer_der;
  DerReader cr(certs->body);
  while (!cr.AtEnd() && !signer_der) {
    auto cert = cr.Next();
    if (!cert) return std::nullopt;
    auto is = CertIssuerSerial(*cert);
    if (is && Same(is->issuer, issuer->whole) && Same(is->serial, serial->whole))
      signer_der = cert->whole;
  }
  if (!signer_der) return std::nullopt;

  SignedAttrs a;
  if (!ReadAttrs(attrs->body, a) || !a.content_type || !OidIs(*a.content_type, oid::kData) ||
      !a.message_digest || !IsOctets(*a.message_digest) || !a.message_type ||
      !IsText(*a.message_type) || !a.transaction_id || !IsText(*a.transaction_id) ||
      a.transaction_id->body.empty() || !a.sender_nonce || !IsOctets(*a.sender_nonce) ||
      a.sender_nonce->body.empty())
    return std::nullopt;
  std::optional<int> number = ParseSmallDecimal(Text(a.message_type->body));
  std::optional<MessageType> message_type = number ? MessageTypeFromInt(*number) : std::nullopt;
  if (!message_type) return std::nullopt;

  int digest_nid = DigestNid(AlgorithmNid(*digest_alg));
  const EVP_MD* md = EVP_get_digestbynid(digest_nid);
  if (md == nullptr || !IsRsaPkcs1(AlgorithmNid(*sig_alg)) ||
      !DigestMatches(*md, content->body, a.message_digest->body))
    return std::nullopt;

  auto signer = CertFromDerWithoutKey(*signer_der);
  if (!signer || !IsRsaSpki(**signer)) return std::nullopt;
  auto key = PublicKeyFromSpki(*X509_get_X509_PUBKEY(signer->get()));
  // A key too costly to verify with is left to ReadSignedMessage, which refuses it unverified.
  if (!key || !CheckKeyCost(**key, "") ||
      !SignatureVerifies(*md, **key, attrs->whole, signature->body))
    return std::nullopt;

  PkiRequest out;
  out.type = *message_type;
  out.transaction_id = std::string(Text(a.transaction_id->body));
  out.sender_nonce = Bytes(a.sender_nonce->body.begin(), a.sender_nonce->body.end());
  out.signer = std::move(*signer);
  out.signer_key = std::move(*key);
  out.digest_nid = digest_nid;
  out.signature_valid = true;
  out.enveloped = Bytes(content->body.begin(), content->body.end());
  return out;
}

}  // namespace

std::optional<PkiRequest> ParseRequestDer(ByteView der) {
  if (der.size() > static_cast<size_t>(LONG_MAX)) return std::nullopt;
  std::optional<PkiRequest> out = Parse(der);
  ERR_clear_error();
  return out;
}

}  // namespace scepgate::codec
