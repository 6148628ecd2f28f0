#include "common/key_sanity.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>

#include <array>
#include <string>

namespace scepgate {
namespace {

Error Rejected(std::string_view whose, const std::string& why) {
  return Error::BadRequest("KeyParametersRejected: " + std::string(whose) + " " + why);
}

std::string Utf8Param(const EVP_PKEY& key, const char* name) {
  std::array<char, 80> buf{};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(&key, name, buf.data(), buf.size(), &len) != 1) {
    ERR_clear_error();
    return "";
  }
  return std::string(buf.data(), len);
}

}  // namespace

bool IsRsaKey(const EVP_PKEY& key) { return EVP_PKEY_is_a(&key, "RSA") == 1; }

BignumPtr RsaPublicExponent(const EVP_PKEY& key) {
  if (!IsRsaKey(key) && EVP_PKEY_is_a(&key, "RSA-PSS") != 1) return nullptr;
  BIGNUM* e = nullptr;
  if (EVP_PKEY_get_bn_param(&key, OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  return BignumPtr(e);
}

bool HasExplicitEcParameters(const EVP_PKEY& key) {
  if (EVP_PKEY_is_a(&key, "EC") != 1) return false;
  std::string encoding = Utf8Param(key, OSSL_PKEY_PARAM_EC_ENCODING);
  return encoding != OSSL_PKEY_EC_ENCODING_GROUP ||
         Utf8Param(key, OSSL_PKEY_PARAM_GROUP_NAME).empty();
}

int EcCurveNid(const EVP_PKEY& key) {
  if (EVP_PKEY_is_a(&key, "EC") != 1 || HasExplicitEcParameters(key)) return NID_undef;
  return CurveNidByName(Utf8Param(key, OSSL_PKEY_PARAM_GROUP_NAME));
}

int CurveNidByName(std::string_view name) {
  std::string n(name);
  if (n.empty()) return NID_undef;
  int nid = EC_curve_nist2nid(n.c_str());
  if (nid == NID_undef) nid = OBJ_sn2nid(n.c_str());
  if (nid == NID_undef) nid = OBJ_ln2nid(n.c_str());
  ERR_clear_error();
  // Only names of curves: an EC group must exist for the NID.
  if (nid == NID_undef) return NID_undef;
  EcGroupPtr group(EC_GROUP_new_by_curve_name(nid));
  ERR_clear_error();
  return group ? nid : NID_undef;
}

Status CheckKeyCost(const EVP_PKEY& key, std::string_view whose) {
  if (BignumPtr e = RsaPublicExponent(key)) {
    int bits = EVP_PKEY_get_bits(&key);
    if (bits > kMaxRsaModulusBits)
      return Fail(Rejected(whose, "RSA modulus of " + std::to_string(bits) +
                                      " bits is above the ceiling of " +
                                      std::to_string(kMaxRsaModulusBits)));
    if (!BN_is_odd(e.get())) return Fail(Rejected(whose, "RSA public exponent is even"));
    if (BN_num_bits(e.get()) > kMaxRsaExponentBits)
      return Fail(Rejected(whose, "RSA public exponent of " + std::to_string(BN_num_bits(e.get())) +
                                      " bits is not below 2^256"));
    if (BN_num_bits(e.get()) < 2)  // 1 (0 is even)
      return Fail(Rejected(whose, "RSA public exponent is below 3"));
    return {};
  }
  if (EVP_PKEY_is_a(&key, "RSA") == 1 || EVP_PKEY_is_a(&key, "RSA-PSS") == 1)
    return Fail(Rejected(whose, "RSA public exponent cannot be read"));
  if (HasExplicitEcParameters(key))
    return Fail(Rejected(whose, "EC key has explicit curve parameters, not a named curve"));
  return {};
}

Status CheckSpkiCost(const X509_PUBKEY& spki, std::string_view whose) {
  ASN1_OBJECT* alg = nullptr;
  X509_ALGOR* algor = nullptr;
  if (X509_PUBKEY_get0_param(&alg, nullptr, nullptr, &algor, &spki) != 1 || alg == nullptr)
    return {};
  if (OBJ_obj2nid(alg) != NID_X9_62_id_ecPublicKey) return {};
  int param_type = V_ASN1_UNDEF;
  X509_ALGOR_get0(nullptr, &param_type, nullptr, algor);
  if (param_type != V_ASN1_OBJECT)
    return Fail(Rejected(whose, "EC key has explicit curve parameters, not a named curve"));
  return {};
}

}  // namespace scepgate
