#include "ca/hierarchy.h"

#include <algorithm>

#include "ca/extensions.h"
#include "ca/issuer.h"
#include "ca/key_spec.h"

namespace scepgate::ca {

namespace {

using namespace internal;

constexpr int64_t kBackdateSeconds = 300;

struct Profile {
  bool is_ca = false;
  int path_len = -1;  // < 0: no pathLenConstraint
  unsigned key_usage = 0;
  std::string_view crl_url;  // cRLDistributionPoints when not empty
};

// Signs a certificate for `subject_key` named CN=`common_name`. `parent` null means self-signed.
Result<X509Ptr> MakeSigned(const EVP_PKEY& subject_key, std::string_view common_name,
                           int validity_days, const X509* parent, const EVP_PKEY& signer_key,
                           const Profile& profile, int64_t now, Random& random) {
  if (validity_days <= 0) return Fail(Error::InvalidArgument("validity must be at least one day"));
  if (parent != nullptr && X509_check_private_key(parent, &signer_key) != 1) {
    DrainOpenSslErrors();
    return Fail(Error::InvalidArgument("the signing key does not match the issuer certificate"));
  }
  SG_ASSIGN_OR_RETURN(Bytes serial, RandomSerial(random));
  SG_ASSIGN_OR_RETURN(X509NamePtr subject, NameWithCommonName(common_name));
  int64_t not_after = now + int64_t{validity_days} * 86400;
  if (parent != nullptr) {
    SG_ASSIGN_OR_RETURN(int64_t parent_not_after, NotAfter(*parent));
    not_after = std::min(not_after, parent_not_after);
  }
  const X509_NAME& issuer_name = parent ? *X509_get_subject_name(parent) : *subject;
  SG_ASSIGN_OR_RETURN(X509Ptr cert, NewCert({serial, *subject, issuer_name, subject_key,
                                             now - kBackdateSeconds, not_after}));
  SG_TRY_STATUS(AddBasicConstraints(*cert, profile.is_ca, profile.path_len));
  SG_TRY_STATUS(AddKeyUsage(*cert, profile.key_usage));
  SG_TRY_STATUS(AddSubjectKeyId(*cert));
  SG_ASSIGN_OR_RETURN(Bytes authority_id, parent ? KeyIdOf(*parent) : PublicKeyId(*cert));
  SG_TRY_STATUS(AddAuthorityKeyId(*cert, authority_id));
  if (!profile.crl_url.empty()) SG_TRY_STATUS(AddCrlDistributionPoint(*cert, profile.crl_url));
  SG_TRY_STATUS(SignCert(*cert, signer_key));
  return cert;
}

}  // namespace

Result<X509Ptr> MakeRootCa(const EVP_PKEY& key, std::string_view common_name, int validity_days,
                           int64_t now, Random& random) {
  Profile profile{true, -1, kKuKeyCertSign | kKuCrlSign, {}};
  return MakeSigned(key, common_name, validity_days, nullptr, key, profile, now, random);
}

Result<X509Ptr> MakeIssuingCa(const EVP_PKEY& subject_key, std::string_view common_name,
                              int validity_days, const X509& parent, const EVP_PKEY& parent_key,
                              int64_t now, Random& random, std::string_view crl_url) {
  // digitalSignature too: the issuing CA signs GetNextCACert responses.
  Profile profile{true, 0, kKuKeyCertSign | kKuCrlSign | kKuDigitalSignature, crl_url};
  return MakeSigned(subject_key, common_name, validity_days, &parent, parent_key, profile, now,
                    random);
}

Result<X509Ptr> MakeRaCert(const EVP_PKEY& subject_key, std::string_view common_name,
                           int validity_days, const X509& issuer, const EVP_PKEY& issuer_key,
                           int64_t now, Random& random) {
  if (!IsRsa(subject_key))
    return Fail(Error::InvalidArgument("the RA key must be RSA (SCEP key transport needs it)"));
  Profile profile{false, -1, kKuDigitalSignature | kKuKeyEncipherment, {}};
  return MakeSigned(subject_key, common_name, validity_days, &issuer, issuer_key, profile, now,
                    random);
}

std::string RootCrlUrl(std::string_view crl_base_url, const X509& root) {
  if (crl_base_url.empty()) return "";
  std::string base(crl_base_url);
  if (base.back() == '/') base.pop_back();
  auto der = CertToDer(root);
  auto digest = der ? Digest("SHA256", *der) : Result<Bytes>(Fail(Error::Crypto("")));
  if (!digest) return "";
  return base + "/" + HexEncode(*digest) + ".crl";
}

bool IsIssuedBy(const X509& cert, const X509& issuer) {
  X509* c = const_cast<X509*>(&cert);
  X509* i = const_cast<X509*>(&issuer);
  EVP_PKEY* pub = X509_get0_pubkey(i);
  bool ok = X509_check_issued(i, c) == X509_V_OK && pub != nullptr && X509_verify(c, pub) == 1;
  DrainOpenSslErrors();
  return ok;
}

}  // namespace scepgate::ca
