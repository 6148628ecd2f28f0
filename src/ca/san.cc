#include "ca/san.h"

#include <string>

#include "common/asn1_text.h"

namespace scepgate::ca::internal {

namespace {

std::string_view TypeName(int type) {
  switch (type) {
    case GEN_OTHERNAME:
      return "otherName";
    case GEN_EMAIL:
      return "rfc822Name";
    case GEN_DNS:
      return "dNSName";
    case GEN_X400:
      return "x400Address";
    case GEN_DIRNAME:
      return "directoryName";
    case GEN_EDIPARTY:
      return "ediPartyName";
    case GEN_URI:
      return "uniformResourceIdentifier";
    case GEN_IPADD:
      return "iPAddress";
    case GEN_RID:
      return "registeredID";
    default:
      return "unknown";
  }
}

Status CheckOtherName(const OTHERNAME& other) {
  if (OBJ_obj2nid(other.type_id) != NID_ms_upn)
    return Fail(Error::BadRequest("subjectAltName otherName " +
                                  (other.type_id ? OidText(*other.type_id) : "?") +
                                  " is not supported (only the UPN)"));
  if (other.value == nullptr || other.value->type != V_ASN1_UTF8STRING)
    return Fail(Error::BadRequest("subjectAltName UPN is not a UTF8String"));
  return {};
}

Status CheckName(const GENERAL_NAME& name) {
  switch (name.type) {
    case GEN_DNS:
    case GEN_EMAIL:
    case GEN_URI:
      if (ASN1_STRING_length(name.d.ia5) <= 0)
        return Fail(Error::BadRequest("empty subjectAltName " + std::string(TypeName(name.type))));
      return {};
    case GEN_IPADD: {
      int len = ASN1_STRING_length(name.d.ip);
      if (len != 4 && len != 16)
        return Fail(
            Error::BadRequest("subjectAltName iPAddress of " + std::to_string(len) + " bytes"));
      return {};
    }
    case GEN_OTHERNAME:
      return CheckOtherName(*name.d.otherName);
    default:
      return Fail(Error::BadRequest("subjectAltName type " + std::string(TypeName(name.type)) +
                                    " is not supported"));
  }
}

}  // namespace

Result<GeneralNamesPtr> RequestedSubjectAltNames(const X509_REQ& csr) {
  X509ExtStackPtr exts(X509_REQ_get_extensions(const_cast<X509_REQ*>(&csr)));
  if (!exts) {
    DrainOpenSslErrors();
    if (X509_REQ_get_attr_by_NID(&csr, NID_ext_req, -1) >= 0)
      return Fail(Error::BadRequest("the request's extensionRequest does not parse"));
    return GeneralNamesPtr();
  }
  int crit = -1;
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509V3_get_d2i(exts.get(), NID_subject_alt_name, &crit, nullptr)));
  if (crit == -1) return GeneralNamesPtr();
  if (crit == -2)
    return Fail(Error::BadRequest("the request carries two subjectAltName extensions"));
  if (!names) {
    DrainOpenSslErrors();
    return Fail(Error::BadRequest("the request's subjectAltName does not parse"));
  }
  if (sk_GENERAL_NAME_num(names.get()) == 0) return GeneralNamesPtr();
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i)
    SG_TRY_STATUS(CheckName(*sk_GENERAL_NAME_value(names.get(), i)));
  return names;
}

Result<GeneralNamesPtr> UriNames(std::string_view uri) {
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  GeneralNamePtr name(GENERAL_NAME_new());
  Asn1StringPtr ia5(ASN1_IA5STRING_new());
  if (!ia5 || !name || !names ||
      ASN1_STRING_set(ia5.get(), uri.data(), static_cast<int>(uri.size())) != 1)
    return Fail(CryptoError("cannot build a URI name"));
  GENERAL_NAME_set0_value(name.get(), GEN_URI, ia5.release());
  if (sk_GENERAL_NAME_push(names.get(), name.get()) <= 0)
    return Fail(CryptoError("cannot build a URI name"));
  (void)name.release();
  return names;
}

}  // namespace scepgate::ca::internal
