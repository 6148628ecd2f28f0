#include "ca/issuer.h"

#include <algorithm>
#include <utility>

#include "ca/extensions.h"
#include "ca/key_spec.h"
#include "ca/san.h"

namespace scepgate::ca {

namespace {

using namespace internal;

Result<Asn1ObjectPtr> EkuObject(std::string_view name) {
  SG_ASSIGN_OR_RETURN(std::string oid, EkuOid(name));
  Asn1ObjectPtr obj(OBJ_txt2obj(oid.c_str(), 1));
  if (!obj) {
    DrainOpenSslErrors();
    return Fail(Error::InvalidArgument("unknown EKU '" + std::string(name) + "'"));
  }
  return obj;
}

// Returns the extendedKeyUsage value for the template, or null when it lists none.
Result<ObjectStackPtr> EkuStack(const std::vector<std::string>& ekus) {
  if (ekus.empty()) return ObjectStackPtr();
  ObjectStackPtr stack(sk_ASN1_OBJECT_new_null());
  if (!stack) return Fail(CryptoError("cannot build extendedKeyUsage"));
  for (const std::string& name : ekus) {
    SG_ASSIGN_OR_RETURN(Asn1ObjectPtr obj, EkuObject(name));
    bool seen = false;
    for (int i = 0; i < sk_ASN1_OBJECT_num(stack.get()); ++i)
      seen = seen || OBJ_cmp(sk_ASN1_OBJECT_value(stack.get(), i), obj.get()) == 0;
    if (seen) continue;
    if (sk_ASN1_OBJECT_push(stack.get(), obj.get()) <= 0)
      return Fail(CryptoError("cannot build extendedKeyUsage"));
    (void)obj.release();
  }
  return stack;
}

// keyUsage by purpose and key type (KeyUsageFor in cert_template.h), converted from OpenSSL's
// KU_* values (0x80 = digitalSignature ... 0x8000 = decipherOnly) to kKu* bit positions.
unsigned KeyUsageFor(Purpose purpose, const EVP_PKEY& subject_key) {
  std::string_view type = IsRsa(subject_key)                       ? "rsa"
                          : EVP_PKEY_is_a(&subject_key, "EC") != 0 ? "ec"
                                                                   : "other";
  unsigned ku = ca::KeyUsageFor(purpose, type);
  unsigned flags = (ku & 0x8000u) != 0 ? 1u << 8 : 0;
  for (unsigned bit = 0; bit < 8; ++bit)
    if ((ku & (0x80u >> bit)) != 0) flags |= 1u << bit;
  return flags;
}

// authorityInfoAccess with an OCSP and a caIssuers location, each when its URL is not empty.
Status AddAuthorityInfoAccess(X509& cert, const std::string& ocsp_url,
                              const std::string& ca_issuers_url) {
  AuthorityInfoAccessPtr aia(sk_ACCESS_DESCRIPTION_new_null());
  if (!aia) return Fail(CryptoError("cannot build authorityInfoAccess"));
  for (const auto& [url, nid] :
       {std::pair{&ocsp_url, NID_ad_OCSP}, std::pair{&ca_issuers_url, NID_ad_ca_issuers}}) {
    if (url->empty()) continue;
    SG_ASSIGN_OR_RETURN(GeneralNamesPtr names, UriNames(*url));
    AccessDescriptionPtr ad(ACCESS_DESCRIPTION_new());
    if (!ad) return Fail(CryptoError("cannot build authorityInfoAccess"));
    GENERAL_NAME_free(ad->location);
    ad->location = sk_GENERAL_NAME_pop(names.get());
    ASN1_OBJECT_free(ad->method);
    ad->method = OBJ_nid2obj(nid);
    if (sk_ACCESS_DESCRIPTION_push(aia.get(), ad.get()) <= 0)
      return Fail(CryptoError("cannot build authorityInfoAccess"));
    (void)ad.release();
  }
  if (sk_ACCESS_DESCRIPTION_num(aia.get()) == 0) return {};
  if (X509_add1_ext_i2d(&cert, NID_info_access, aia.get(), 0, X509V3_ADD_REPLACE) != 1)
    return Fail(CryptoError("cannot add authorityInfoAccess"));
  return {};
}

// Orders big-endian magnitudes numerically.
bool SerialLess(const Bytes& a, const Bytes& b) {
  auto strip = [](const Bytes& s) {
    size_t i = 0;
    while (i < s.size() && s[i] == 0) ++i;
    return ByteView(s).subspan(i);
  };
  ByteView x = strip(a), y = strip(b);
  if (x.size() != y.size()) return x.size() < y.size();
  return std::ranges::lexicographical_compare(x, y);
}

Result<X509RevokedPtr> MakeRevoked(const RevokedEntry& entry) {
  SG_ASSIGN_OR_RETURN(Asn1IntegerPtr serial, SerialToAsn1(entry.serial));
  SG_ASSIGN_OR_RETURN(Asn1TimePtr when, MakeTime(entry.revoked_at));
  X509RevokedPtr rev(X509_REVOKED_new());
  if (!rev || X509_REVOKED_set_serialNumber(rev.get(), serial.get()) != 1 ||
      X509_REVOKED_set_revocationDate(rev.get(), when.get()) != 1)
    return Fail(CryptoError("cannot build a CRL entry"));
  if (entry.reason != RevocationReason::kUnspecified) {
    Asn1EnumeratedPtr code(ASN1_ENUMERATED_new());
    if (!code || ASN1_ENUMERATED_set(code.get(), static_cast<long>(entry.reason)) != 1 ||
        X509_REVOKED_add1_ext_i2d(rev.get(), NID_crl_reason, code.get(), 0, 0) != 1)
      return Fail(CryptoError("cannot add a CRL reason code"));
  }
  return rev;
}

// extendedKeyUsage (when any), SKI, AKI (from the CA) and subjectAltName (when any).
Status AddUsageNamesAndKeyIds(X509& cert, const X509& ca, STACK_OF(ASN1_OBJECT) * ekus,
                              GENERAL_NAMES* sans) {
  if (ekus != nullptr && X509_add1_ext_i2d(&cert, NID_ext_key_usage, ekus, 0, 0) != 1)
    return Fail(CryptoError("cannot add extendedKeyUsage"));
  SG_TRY_STATUS(AddSubjectKeyId(cert));
  SG_ASSIGN_OR_RETURN(Bytes ca_key_id, KeyIdOf(ca));
  SG_TRY_STATUS(AddAuthorityKeyId(cert, ca_key_id));
  // RFC 5280 §4.2.1.6: critical when the subject is empty.
  const bool critical = X509_NAME_entry_count(X509_get_subject_name(&cert)) == 0;
  if (sans != nullptr && X509_add1_ext_i2d(&cert, NID_subject_alt_name, sans, critical, 0) != 1)
    return Fail(CryptoError("cannot add subjectAltName"));
  return {};
}

// Adds the entries in serial order.
Status AddRevokedEntries(X509_CRL& crl, std::span<const RevokedEntry> revoked) {
  std::vector<RevokedEntry> sorted(revoked.begin(), revoked.end());
  std::ranges::stable_sort(sorted, SerialLess, &RevokedEntry::serial);
  for (const RevokedEntry& entry : sorted) {
    SG_ASSIGN_OR_RETURN(X509RevokedPtr rev, MakeRevoked(entry));
    if (X509_CRL_add0_revoked(&crl, rev.get()) != 1)
      return Fail(CryptoError("cannot add a CRL entry"));
    (void)rev.release();
  }
  X509_CRL_sort(&crl);
  return {};
}

}  // namespace

Result<Bytes> RandomSerial(Random& random) {
  SG_ASSIGN_OR_RETURN(Bytes serial, random.Generate(16));
  if (serial.size() != 16) return Fail(Error::Crypto("random generator returned too few bytes"));
  serial[0] &= 0x7f;
  if (serial[0] == 0) serial[0] = 0x01;
  return serial;
}

int64_t CrlNumber(const X509_CRL& crl) {
  Asn1IntegerPtr n(
      static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(&crl, NID_crl_number, nullptr, nullptr)));
  return n ? ASN1_INTEGER_get(n.get()) : -1;
}

Error Issuer::NoKey() {
  return Error::FailedPrecondition("this node does not hold the key of that issuing CA");
}

Issuer::Issuer(X509Ptr ca_cert, EvpPkeyPtr ca_key, IssuerOptions options)
    : cert_(std::move(ca_cert)), key_(std::move(ca_key)), options_(std::move(options)) {}

Result<X509Ptr> Issuer::Issue(const X509_REQ& csr, const CertTemplate& tmpl, ByteView serial,
                              int64_t now, const EVP_PKEY* csr_key) const {
  if (!can_sign()) return Fail(NoKey());
  const EVP_PKEY* pub =
      csr_key != nullptr ? csr_key : X509_REQ_get0_pubkey(const_cast<X509_REQ*>(&csr));
  if (pub == nullptr) {
    DrainOpenSslErrors();
    return Fail(Error::BadRequest("the request carries no usable public key"));
  }
  if (tmpl.validity_days <= 0)
    return Fail(Error::InvalidArgument("template " + tmpl.name + " has no validity"));
  SG_ASSIGN_OR_RETURN(ObjectStackPtr ekus, EkuStack(tmpl.ekus));
  SG_ASSIGN_OR_RETURN(GeneralNamesPtr sans, RequestedSubjectAltNames(csr));
  SG_ASSIGN_OR_RETURN(int64_t ca_not_after, NotAfter(*cert_));
  if (ca_not_after <= now) return Fail(Error::Internal("the issuing CA has expired"));
  const int64_t not_after = std::min(now + int64_t{tmpl.validity_days} * 86400, ca_not_after);
  SG_ASSIGN_OR_RETURN(
      X509Ptr cert,
      NewCert({serial, *X509_REQ_get_subject_name(&csr), *X509_get_subject_name(cert_.get()), *pub,
               now - options_.backdate_seconds, not_after,
               X509_REQ_get_X509_PUBKEY(const_cast<X509_REQ*>(&csr))}));
  SG_TRY_STATUS(AddBasicConstraints(*cert, false, -1));
  SG_TRY_STATUS(AddKeyUsage(*cert, KeyUsageFor(tmpl.purpose, *pub)));
  SG_TRY_STATUS(AddUsageNamesAndKeyIds(*cert, *cert_, ekus.get(), sans.get()));
  if (!options_.crl_url.empty()) SG_TRY_STATUS(AddCrlDistributionPoint(*cert, options_.crl_url));
  SG_TRY_STATUS(AddAuthorityInfoAccess(*cert, options_.ocsp_url, options_.aia_url));
  SG_TRY_STATUS(SignCert(*cert, *key_));
  // Not parsed back: on OpenSSL 3.0 that would decode the public key once more (about 90 us, a
  // twentieth of an enrollment) for callers that only need the encoding and the names.
  return cert;
}

Result<X509Ptr> Issuer::IssueTlsServer(const EVP_PKEY& key, std::string_view common_name,
                                       const GENERAL_NAMES& sans, ByteView serial, int64_t now,
                                       int validity_days) const {
  if (!can_sign()) return Fail(NoKey());
  if (sk_GENERAL_NAME_num(&sans) <= 0 || validity_days <= 0)
    return Fail(Error::InvalidArgument("a TLS server certificate needs names and a lifetime"));
  SG_ASSIGN_OR_RETURN(int64_t ca_not_after, NotAfter(*cert_));
  if (ca_not_after <= now) return Fail(Error::Internal("the issuing CA has expired"));
  SG_ASSIGN_OR_RETURN(X509NamePtr subject, NameWithCommonName(common_name));
  SG_ASSIGN_OR_RETURN(X509Ptr cert,
                      NewCert({serial, *subject, *X509_get_subject_name(cert_.get()), key,
                               now - options_.backdate_seconds,
                               std::min(now + int64_t{validity_days} * 86400, ca_not_after)}));
  SG_TRY_STATUS(AddBasicConstraints(*cert, false, -1));
  SG_TRY_STATUS(AddKeyUsage(*cert, KeyUsageFor(Purpose::kGeneral, key) & ~kKuKeyAgreement));
  SG_ASSIGN_OR_RETURN(ObjectStackPtr ekus, EkuStack({"serverAuth"}));
  SG_TRY_STATUS(
      AddUsageNamesAndKeyIds(*cert, *cert_, ekus.get(), const_cast<GENERAL_NAMES*>(&sans)));
  if (!options_.crl_url.empty()) SG_TRY_STATUS(AddCrlDistributionPoint(*cert, options_.crl_url));
  SG_TRY_STATUS(AddAuthorityInfoAccess(*cert, options_.ocsp_url, options_.aia_url));
  SG_TRY_STATUS(SignCert(*cert, *key_));
  return cert;
}

Result<X509Ptr> Issuer::RenewRa(const X509& ra, ByteView serial, int64_t now) const {
  if (!can_sign()) return Fail(NoKey());
  X509* old = const_cast<X509*>(&ra);
  const EVP_PKEY* key = X509_get0_pubkey(old);
  if (key == nullptr || !IsRsa(*key))
    return Fail(Error::InvalidArgument("the RA key must be RSA (SCEP key transport needs it)"));
  SG_ASSIGN_OR_RETURN(int64_t ca_not_after, NotAfter(*cert_));
  if (ca_not_after <= now) return Fail(Error::Internal("the issuing CA has expired"));
  auto not_before = AsnTimeToUnix(*X509_get0_notBefore(old));
  SG_ASSIGN_OR_RETURN(int64_t not_after, NotAfter(ra));
  if (!not_before) return Fail(not_before.error());
  const int64_t lifetime = std::max<int64_t>(86400, not_after - *not_before);
  SG_ASSIGN_OR_RETURN(
      X509Ptr cert,
      NewCert({serial, *X509_get_subject_name(old), *X509_get_subject_name(cert_.get()), *key,
               now - options_.backdate_seconds, std::min(now + lifetime, ca_not_after)}));
  SG_TRY_STATUS(AddBasicConstraints(*cert, false, -1));
  SG_TRY_STATUS(AddKeyUsage(*cert, kKuDigitalSignature | kKuKeyEncipherment));
  SG_TRY_STATUS(AddUsageNamesAndKeyIds(*cert, *cert_, nullptr, nullptr));
  SG_TRY_STATUS(SignCert(*cert, *key_));
  return cert;
}

Result<X509Ptr> Issuer::IssueOcspResponder(const EVP_PKEY& responder_key, ByteView serial,
                                           int64_t now, int64_t lifetime_seconds) const {
  if (!can_sign()) return Fail(NoKey());
  SG_ASSIGN_OR_RETURN(int64_t ca_not_after, NotAfter(*cert_));
  if (ca_not_after <= now) return Fail(Error::Internal("the issuing CA has expired"));
  std::string cn = CommonName(*X509_get_subject_name(cert_.get()));
  SG_ASSIGN_OR_RETURN(X509NamePtr subject,
                      NameWithCommonName((cn.empty() ? "scepgate" : cn) + " OCSP Responder"));
  SG_ASSIGN_OR_RETURN(X509Ptr cert, NewCert({serial, *subject, *X509_get_subject_name(cert_.get()),
                                             responder_key, now - options_.backdate_seconds,
                                             std::min(now + lifetime_seconds, ca_not_after)}));
  SG_TRY_STATUS(AddBasicConstraints(*cert, false, -1));
  SG_TRY_STATUS(AddKeyUsage(*cert, kKuDigitalSignature));
  SG_ASSIGN_OR_RETURN(ObjectStackPtr ekus, EkuStack({"OCSPSigning"}));
  SG_TRY_STATUS(AddUsageNamesAndKeyIds(*cert, *cert_, ekus.get(), nullptr));
  // id-pkix-ocsp-nocheck (its value is NULL): relying parties need not check the responder's own
  // status.
  const unsigned char null_der[] = {0x05, 0x00};
  Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
  if (!value || ASN1_OCTET_STRING_set(value.get(), null_der, sizeof null_der) != 1)
    return Fail(CryptoError("cannot build id-pkix-ocsp-nocheck"));
  X509ExtensionPtr nocheck(
      X509_EXTENSION_create_by_NID(nullptr, NID_id_pkix_OCSP_noCheck, 0, value.get()));
  if (!nocheck || X509_add_ext(cert.get(), nocheck.get(), -1) != 1)
    return Fail(CryptoError("cannot add id-pkix-ocsp-nocheck"));
  SG_TRY_STATUS(SignCert(*cert, *key_));
  return cert;
}

Result<X509CrlPtr> Issuer::SignCrl(std::span<const RevokedEntry> revoked, int64_t crl_number,
                                   int64_t this_update, int64_t next_update) const {
  if (!can_sign()) return Fail(NoKey());
  if (next_update < this_update || crl_number < 0)
    return Fail(Error::InvalidArgument("CRL nextUpdate precedes thisUpdate, or negative number"));
  SG_ASSIGN_OR_RETURN(Asn1TimePtr last, MakeTime(this_update));
  SG_ASSIGN_OR_RETURN(Asn1TimePtr next, MakeTime(next_update));
  X509CrlPtr crl(X509_CRL_new());
  if (!crl || X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(cert_.get())) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), last.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next.get()) != 1)
    return Fail(CryptoError("cannot fill CRL fields"));
  SG_TRY_STATUS(AddRevokedEntries(*crl, revoked));
  Asn1IntegerPtr number(ASN1_INTEGER_new());
  if (!number || ASN1_INTEGER_set_int64(number.get(), crl_number) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) != 1)
    return Fail(CryptoError("cannot add the CRL number"));
  SG_ASSIGN_OR_RETURN(Bytes ca_key_id, KeyIdOf(*cert_));
  SG_TRY_STATUS(AddAuthorityKeyId(*crl, ca_key_id));
  if (X509_CRL_sign(crl.get(), key_.get(), SigningDigest(*key_)) <= 0)
    return Fail(CryptoError("CRL signing failed"));
  return crl;
}

}  // namespace scepgate::ca
