#include "ca/extensions.h"

#include <ctime>

#include "ca/san.h"

namespace scepgate::ca::internal {

namespace {

Status AddExt(X509& cert, int nid, void* value, bool critical, std::string_view what) {
  if (X509_add1_ext_i2d(&cert, nid, value, critical ? 1 : 0, X509V3_ADD_REPLACE) != 1)
    return Fail(CryptoError(std::string("cannot add ") + std::string(what)));
  return {};
}

Result<Asn1OctetStringPtr> OctetString(ByteView bytes) {
  Asn1OctetStringPtr s(ASN1_OCTET_STRING_new());
  if (!s || ASN1_OCTET_STRING_set(s.get(), bytes.data(), static_cast<int>(bytes.size())) != 1)
    return Fail(CryptoError("cannot build OCTET STRING"));
  return s;
}

Result<AuthorityKeyIdPtr> MakeAkid(ByteView key_id) {
  AuthorityKeyIdPtr akid(AUTHORITY_KEYID_new());
  if (!akid) return Fail(CryptoError("cannot build authorityKeyIdentifier"));
  SG_ASSIGN_OR_RETURN(Asn1OctetStringPtr id, OctetString(key_id));
  akid->keyid = id.release();
  return akid;
}

}  // namespace

Result<Asn1IntegerPtr> SerialToAsn1(ByteView serial) {
  BignumPtr bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  if (!bn) return Fail(CryptoError("cannot convert serial"));
  if (BN_is_zero(bn.get())) return Fail(Error::InvalidArgument("serial number must be positive"));
  Asn1IntegerPtr out(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!out) return Fail(CryptoError("cannot convert serial"));
  return out;
}

Result<Asn1TimePtr> MakeTime(int64_t t) {
  Asn1TimePtr out(ASN1_TIME_set(nullptr, static_cast<time_t>(t)));
  if (!out) return Fail(CryptoError("cannot encode time " + std::to_string(t)));
  return out;
}

Result<int64_t> NotAfter(const X509& cert) { return AsnTimeToUnix(*X509_get0_notAfter(&cert)); }

// Copies algorithm, parameters and key bits of a SubjectPublicKeyInfo as they are encoded.
Status CopySpki(const X509_PUBKEY& from, X509_PUBKEY& to) {
  ASN1_OBJECT* alg = nullptr;
  const unsigned char* bits = nullptr;
  int len = 0;
  X509_ALGOR* algor = nullptr;
  if (X509_PUBKEY_get0_param(&alg, &bits, &len, &algor, &from) != 1 || len <= 0)
    return Fail(Error::BadRequest("the request's public key is malformed"));
  int ptype = V_ASN1_UNDEF;
  const void* pval = nullptr;
  X509_ALGOR_get0(nullptr, &ptype, &pval, algor);
  // Owned here until X509_PUBKEY_set0_param takes them (on success only).
  Asn1ObjectPtr param_object;
  Asn1StringPtr param_string;
  void* param = nullptr;
  if (ptype == V_ASN1_OBJECT) {
    param_object.reset(OBJ_dup(static_cast<const ASN1_OBJECT*>(pval)));
    param = param_object.get();
  } else if (ptype == V_ASN1_SEQUENCE || ptype == V_ASN1_OCTET_STRING) {
    param_string.reset(ASN1_STRING_dup(static_cast<const ASN1_STRING*>(pval)));
    param = param_string.get();
  }
  Asn1ObjectPtr algorithm(OBJ_dup(alg));
  OsslStringPtr copy(static_cast<char*>(OPENSSL_memdup(bits, static_cast<size_t>(len))));
  if (!copy || !algorithm ||
      X509_PUBKEY_set0_param(&to, algorithm.get(), ptype, param,
                             reinterpret_cast<unsigned char*>(copy.get()), len) != 1)
    return Fail(CryptoError("cannot copy the public key"));
  (void)algorithm.release();
  (void)param_object.release();
  (void)param_string.release();
  (void)copy.release();
  return {};
}

Result<X509Ptr> NewCert(const CertFields& f) {
  if (f.not_after < f.not_before)
    return Fail(Error::InvalidArgument("notAfter would precede notBefore"));
  SG_ASSIGN_OR_RETURN(Asn1IntegerPtr serial, SerialToAsn1(f.serial));
  SG_ASSIGN_OR_RETURN(Asn1TimePtr not_before, MakeTime(f.not_before));
  SG_ASSIGN_OR_RETURN(Asn1TimePtr not_after, MakeTime(f.not_after));
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_serialNumber(cert.get(), serial.get()) != 1 ||
      X509_set_subject_name(cert.get(), &f.subject) != 1 ||
      X509_set_issuer_name(cert.get(), &f.issuer) != 1 ||
      X509_set1_notBefore(cert.get(), not_before.get()) != 1 ||
      X509_set1_notAfter(cert.get(), not_after.get()) != 1)
    return Fail(CryptoError("cannot fill certificate fields"));
  if (f.spki != nullptr) {
    SG_TRY_STATUS(CopySpki(*f.spki, *X509_get_X509_PUBKEY(cert.get())));
  } else if (X509_set_pubkey(cert.get(), const_cast<EVP_PKEY*>(&f.public_key)) != 1) {
    return Fail(CryptoError("cannot set the public key"));
  }
  return cert;
}

Status AddBasicConstraints(X509& cert, bool is_ca, int path_len) {
  BasicConstraintsPtr bc(BASIC_CONSTRAINTS_new());
  if (!bc) return Fail(CryptoError("cannot build basicConstraints"));
  bc->ca = is_ca ? 0xff : 0;
  if (path_len >= 0) {
    bc->pathlen = ASN1_INTEGER_new();
    if (bc->pathlen == nullptr || ASN1_INTEGER_set(bc->pathlen, path_len) != 1)
      return Fail(CryptoError("cannot build basicConstraints"));
  }
  return AddExt(cert, NID_basic_constraints, bc.get(), true, "basicConstraints");
}

Status AddKeyUsage(X509& cert, unsigned bits) {
  Asn1BitStringPtr ku(ASN1_BIT_STRING_new());
  if (!ku) return Fail(CryptoError("cannot build keyUsage"));
  for (int n = 0; n < 9; ++n) {
    if ((bits & (1u << n)) != 0 && ASN1_BIT_STRING_set_bit(ku.get(), n, 1) != 1)
      return Fail(CryptoError("cannot build keyUsage"));
  }
  return AddExt(cert, NID_key_usage, ku.get(), true, "keyUsage");
}

Result<Bytes> PublicKeyId(const X509& cert) {
  Bytes md(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (X509_pubkey_digest(&cert, EVP_sha1(), md.data(), &len) != 1)
    return Fail(CryptoError("cannot hash the public key"));
  md.resize(len);
  return md;
}

Result<Bytes> KeyIdOf(const X509& cert) {
  int crit = 0;
  Asn1OctetStringPtr ski(static_cast<ASN1_OCTET_STRING*>(
      X509_get_ext_d2i(&cert, NID_subject_key_identifier, &crit, nullptr)));
  if (ski && ASN1_STRING_length(ski.get()) > 0) {
    const uint8_t* p = ASN1_STRING_get0_data(ski.get());
    return Bytes(p, p + ASN1_STRING_length(ski.get()));
  }
  return PublicKeyId(cert);
}

Status AddSubjectKeyId(X509& cert) {
  SG_ASSIGN_OR_RETURN(Bytes id, PublicKeyId(cert));
  SG_ASSIGN_OR_RETURN(Asn1OctetStringPtr ski, OctetString(id));
  return AddExt(cert, NID_subject_key_identifier, ski.get(), false, "subjectKeyIdentifier");
}

Status AddAuthorityKeyId(X509& cert, ByteView key_id) {
  SG_ASSIGN_OR_RETURN(AuthorityKeyIdPtr akid, MakeAkid(key_id));
  return AddExt(cert, NID_authority_key_identifier, akid.get(), false, "authorityKeyIdentifier");
}

Status AddAuthorityKeyId(X509_CRL& crl, ByteView key_id) {
  SG_ASSIGN_OR_RETURN(AuthorityKeyIdPtr akid, MakeAkid(key_id));
  if (X509_CRL_add1_ext_i2d(&crl, NID_authority_key_identifier, akid.get(), 0, 0) != 1)
    return Fail(CryptoError("cannot add the CRL's authorityKeyIdentifier"));
  return {};
}

const EVP_MD* SigningDigest(const EVP_PKEY& key) {
  if (EVP_PKEY_is_a(&key, "ED25519") || EVP_PKEY_is_a(&key, "ED448")) return nullptr;
  if (EVP_PKEY_is_a(&key, "EC")) {
    int bits = EVP_PKEY_get_bits(&key);
    if (bits > 384) return EVP_sha512();
    if (bits > 256) return EVP_sha384();
  }
  return EVP_sha256();
}

Status SignCert(X509& cert, const EVP_PKEY& key) {
  if (X509_sign(&cert, const_cast<EVP_PKEY*>(&key), SigningDigest(key)) <= 0)
    return Fail(CryptoError("certificate signing failed"));
  return {};
}

std::string CommonName(const X509_NAME& name) {
  int idx = X509_NAME_get_index_by_NID(&name, NID_commonName, -1);
  if (idx < 0) return "";
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(&name, idx));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) return "";
  OsslStringPtr owned(reinterpret_cast<char*>(utf8));
  return std::string(owned.get(), static_cast<size_t>(len));
}

Result<X509NamePtr> NameWithCommonName(std::string_view common_name) {
  if (common_name.empty()) return Fail(Error::InvalidArgument("common name is empty"));
  X509NamePtr name(X509_NAME_new());
  if (!name ||
      X509_NAME_add_entry_by_NID(name.get(), NID_commonName, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.data()),
                                 static_cast<int>(common_name.size()), -1, 0) != 1)
    return Fail(CryptoError("cannot build the name CN=" + std::string(common_name)));
  return name;
}

Status AddCrlDistributionPoint(X509& cert, std::string_view url) {
  SG_ASSIGN_OR_RETURN(GeneralNamesPtr names, UriNames(url));
  DistPointPtr dp(DIST_POINT_new());
  if (dp) dp->distpoint = DIST_POINT_NAME_new();
  if (!dp || dp->distpoint == nullptr)
    return Fail(CryptoError("cannot build cRLDistributionPoints"));
  dp->distpoint->type = 0;  // fullName
  dp->distpoint->name.fullname = names.release();
  CrlDistPointsPtr cdp(sk_DIST_POINT_new_null());
  if (!cdp || sk_DIST_POINT_push(cdp.get(), dp.get()) <= 0)
    return Fail(CryptoError("cannot build cRLDistributionPoints"));
  (void)dp.release();
  if (X509_add1_ext_i2d(&cert, NID_crl_distribution_points, cdp.get(), 0, X509V3_ADD_REPLACE) != 1)
    return Fail(CryptoError("cannot add cRLDistributionPoints"));
  return {};
}

}  // namespace scepgate::ca::internal
