#include "policy/key_rules.h"

#include <openssl/err.h>

#include <algorithm>

#include "common/key_sanity.h"
#include "policy/denial.h"

namespace scepgate::policy {
namespace {

Status CheckRsa(const EVP_PKEY& key, const KeyRules& rules) {
  BignumPtr e = RsaPublicExponent(key);
  if (!e) return Fail(Denied("KeyParametersRejected", "the RSA public exponent cannot be read"));
  BignumPtr min(BN_new());
  if (!min || BN_set_word(min.get(), static_cast<BN_ULONG>(rules.rsa_min_exponent)) != 1)
    return Fail(CryptoError("BN_set_word"));
  if (BN_cmp(e.get(), min.get()) < 0)
    return Fail(Denied("KeyParametersRejected", "the RSA public exponent is below the minimum of " +
                                                    std::to_string(rules.rsa_min_exponent)));
  int bits = EVP_PKEY_get_bits(&key);
  if (bits < rules.min_rsa_bits)
    return Fail(Denied("KeyLengthMismatch", "RSA key of " + std::to_string(bits) +
                                                " bits is below the minimum of " +
                                                std::to_string(rules.min_rsa_bits)));
  if (bits > rules.max_rsa_bits)
    return Fail(Denied("KeyLengthMismatch", "RSA key of " + std::to_string(bits) +
                                                " bits is above the maximum of " +
                                                std::to_string(rules.max_rsa_bits)));
  return {};
}

Status CheckEc(const EVP_PKEY& key, const KeyRules& rules) {
  int nid = EcCurveNid(key);
  bool allowed = std::ranges::any_of(
      rules.ec_curves, [nid](const std::string& name) { return CurveNidByName(name) == nid; });
  if (nid == NID_undef || !allowed) {
    const char* sn = nid == NID_undef ? nullptr : OBJ_nid2sn(nid);
    return Fail(Denied("KeyParametersRejected", "EC curve " + std::string(sn ? sn : "unknown") +
                                                    " is not one of the accepted named curves"));
  }
  int bits = EVP_PKEY_get_bits(&key);
  if (bits < rules.min_ec_bits)
    return Fail(Denied("KeyLengthMismatch", "EC key of " + std::to_string(bits) +
                                                " bits is below the minimum of " +
                                                std::to_string(rules.min_ec_bits)));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, const_cast<EVP_PKEY*>(&key), nullptr));
  bool on_curve = ctx && EVP_PKEY_public_check(ctx.get()) == 1;
  ERR_clear_error();
  if (!on_curve)
    return Fail(Denied("KeyParametersRejected", "the EC public point is not valid on its curve"));
  return {};
}

}  // namespace

Status CheckRequestKey(const EVP_PKEY* key, const KeyRules& rules) {
  if (key == nullptr) return Fail(Error::BadRequest("CSR carries no usable public key"));
  bool rsa = IsRsaKey(*key);
  bool ec = EVP_PKEY_is_a(key, "EC") == 1;
  if (!rsa && !ec)
    return Fail(Error::BadAlg("KeyTypeUnsupported: only RSA and EC keys are accepted"));
  if (auto sane = CheckKeyCost(*key, "the CSR's key:"); !sane)
    return Fail(Error::PolicyDenied(sane.error().message));
  return rsa ? CheckRsa(*key, rules) : CheckEc(*key, rules);
}

}  // namespace scepgate::policy
