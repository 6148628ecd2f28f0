#include "ca/ocsp.h"

#include "ca/extensions.h"

namespace scepgate::ca {
namespace {

using internal::MakeTime;
using internal::SigningDigest;

constexpr size_t kMaxNonceBytes = 128;  // RFC 8954 allows 32 octets of nonce; leave room

Bytes BytesOf(const ASN1_STRING& s) {
  const unsigned char* p = ASN1_STRING_get0_data(&s);
  return Bytes(p, p + ASN1_STRING_length(&s));
}

bool KnownHash(int nid) {
  return nid == NID_sha1 || nid == NID_sha224 || nid == NID_sha256 || nid == NID_sha384 ||
         nid == NID_sha512;
}

Result<Bytes> Encode(const OCSP_RESPONSE& resp) {
  unsigned char* out = nullptr;
  int len = i2d_OCSP_RESPONSE(const_cast<OCSP_RESPONSE*>(&resp), &out);
  if (len <= 0) return Fail(CryptoError("cannot encode the OCSP response"));
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

int StatusCode(OcspAnswer::Status s) {
  switch (s) {
    case OcspAnswer::Status::kGood:
      return V_OCSP_CERTSTATUS_GOOD;
    case OcspAnswer::Status::kRevoked:
      return V_OCSP_CERTSTATUS_REVOKED;
    case OcspAnswer::Status::kUnknown:
      break;
  }
  return V_OCSP_CERTSTATUS_UNKNOWN;
}

}  // namespace

Result<OcspRequestInfo> ParseOcspRequest(ByteView der, size_t max_ids) {
  const unsigned char* p = der.data();
  OcspRequestPtr req(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(der.size())));
  if (!req || p != der.data() + der.size()) {
    DrainOpenSslErrors();
    return Fail(Error::BadRequest("the body is not a DER OCSPRequest"));
  }
  const int n = OCSP_request_onereq_count(req.get());
  if (n <= 0) return Fail(Error::BadRequest("the OCSP request asks about no certificate"));
  if (static_cast<size_t>(n) > max_ids)
    return Fail(Error::BadRequest("the OCSP request asks about " + std::to_string(n) +
                                  " certificates; at most " + std::to_string(max_ids) +
                                  " are answered at once"));
  OcspRequestInfo info;
  for (int i = 0; i < n; ++i) {
    OCSP_CERTID* cid = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req.get(), i));
    ASN1_OCTET_STRING* name_hash = nullptr;
    ASN1_OCTET_STRING* key_hash = nullptr;
    ASN1_OBJECT* md = nullptr;
    ASN1_INTEGER* serial = nullptr;
    if (cid == nullptr || OCSP_id_get0_info(&name_hash, &md, &key_hash, &serial, cid) != 1 ||
        name_hash == nullptr || key_hash == nullptr || md == nullptr || serial == nullptr)
      return Fail(Error::BadRequest("an OCSP CertID is incomplete"));
    OcspCertId id;
    id.hash_nid = OBJ_obj2nid(md);
    if (!KnownHash(id.hash_nid))
      return Fail(Error::BadRequest("an OCSP CertID hashes with an unknown algorithm"));
    id.issuer_name_hash = BytesOf(*name_hash);
    id.issuer_key_hash = BytesOf(*key_hash);
    id.serial_hex = SerialHex(*serial);
    unsigned char* out = nullptr;
    int len = i2d_OCSP_CERTID(cid, &out);
    if (len <= 0) return Fail(CryptoError("cannot encode an OCSP CertID"));
    id.der.assign(out, out + len);
    OPENSSL_free(out);
    info.ids.push_back(std::move(id));
  }
  int at = OCSP_REQUEST_get_ext_by_NID(req.get(), NID_id_pkix_OCSP_Nonce, -1);
  if (at >= 0) {
    X509_EXTENSION* ext = OCSP_REQUEST_get_ext(req.get(), at);
    ASN1_OCTET_STRING* value = ext != nullptr ? X509_EXTENSION_get_data(ext) : nullptr;
    if (value == nullptr || ASN1_STRING_length(value) <= 0 ||
        static_cast<size_t>(ASN1_STRING_length(value)) > kMaxNonceBytes)
      return Fail(Error::BadRequest("the OCSP nonce is empty or longer than 128 bytes"));
    info.nonce = BytesOf(*value);
  }
  DrainOpenSslErrors();
  return info;
}

Result<OcspIssuerHashes> OcspHashesOf(const X509& ca) {
  unsigned char* name = nullptr;
  int name_len = i2d_X509_NAME(X509_get_subject_name(&ca), &name);
  if (name_len <= 0) return Fail(CryptoError("cannot encode the CA's name"));
  Bytes name_der(name, name + name_len);
  OPENSSL_free(name);
  const ASN1_BIT_STRING* key = X509_get0_pubkey_bitstr(&ca);
  if (key == nullptr) return Fail(CryptoError("the CA certificate has no public key"));
  Bytes key_bits = BytesOf(*key);
  OcspIssuerHashes h;
  SG_ASSIGN_OR_RETURN(h.name_sha1, Digest("SHA1", name_der));
  SG_ASSIGN_OR_RETURN(h.key_sha1, Digest("SHA1", key_bits));
  SG_ASSIGN_OR_RETURN(h.name_sha256, Digest("SHA256", name_der));
  SG_ASSIGN_OR_RETURN(h.key_sha256, Digest("SHA256", key_bits));
  return h;
}

bool NamesIssuer(const OcspIssuerHashes& hashes, const OcspCertId& id) {
  if (id.hash_nid == NID_sha1)
    return id.issuer_name_hash == hashes.name_sha1 && id.issuer_key_hash == hashes.key_sha1;
  if (id.hash_nid == NID_sha256)
    return id.issuer_name_hash == hashes.name_sha256 && id.issuer_key_hash == hashes.key_sha256;
  return false;
}

Result<Bytes> SignOcspResponse(const X509& signer, const EVP_PKEY& key,
                               std::span<const OcspAnswer> answers,
                               const std::optional<Bytes>& nonce) {
  OcspBasicRespPtr basic(OCSP_BASICRESP_new());
  if (!basic) return Fail(CryptoError("cannot make an OCSP response"));
  for (const OcspAnswer& a : answers) {
    const unsigned char* p = a.id->der.data();
    OcspCertIdPtr cid(d2i_OCSP_CERTID(nullptr, &p, static_cast<long>(a.id->der.size())));
    if (!cid) return Fail(CryptoError("cannot read back an OCSP CertID"));
    SG_ASSIGN_OR_RETURN(Asn1TimePtr this_update, MakeTime(a.this_update));
    Asn1TimePtr next_update;
    if (a.next_update != 0) {
      SG_ASSIGN_OR_RETURN(next_update, MakeTime(a.next_update));
    }
    Asn1TimePtr revoked_at;
    const bool revoked = a.status == OcspAnswer::Status::kRevoked;
    if (revoked) {
      SG_ASSIGN_OR_RETURN(revoked_at, MakeTime(a.revoked_at));
    }
    if (OCSP_basic_add1_status(basic.get(), cid.get(), StatusCode(a.status),
                               revoked ? a.reason : -1, revoked_at.get(), this_update.get(),
                               next_update.get()) == nullptr)
      return Fail(CryptoError("cannot add an OCSP answer"));
  }
  if (nonce) {
    Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
    if (!value ||
        ASN1_OCTET_STRING_set(value.get(), nonce->data(), static_cast<int>(nonce->size())) != 1)
      return Fail(CryptoError("cannot copy the OCSP nonce"));
    X509ExtensionPtr ext(
        X509_EXTENSION_create_by_NID(nullptr, NID_id_pkix_OCSP_Nonce, 0, value.get()));
    if (!ext || OCSP_BASICRESP_add_ext(basic.get(), ext.get(), -1) != 1)
      return Fail(CryptoError("cannot add the OCSP nonce"));
  }
  if (OCSP_basic_sign(basic.get(), const_cast<X509*>(&signer), const_cast<EVP_PKEY*>(&key),
                      SigningDigest(key), nullptr, OCSP_RESPID_KEY) != 1)
    return Fail(CryptoError("OCSP response signing failed"));
  OcspResponsePtr resp(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
  if (!resp) return Fail(CryptoError("cannot make an OCSP response"));
  return Encode(*resp);
}

Bytes OcspErrorResponse(OcspError error) {
  OcspResponsePtr resp(OCSP_response_create(static_cast<int>(error), nullptr));
  if (!resp) return {};
  auto der = Encode(*resp);
  return der ? std::move(*der) : Bytes{};
}

}  // namespace scepgate::ca
