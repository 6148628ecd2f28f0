#include "codec/attributes.h"

#include <openssl/err.h>
#include <openssl/objects.h>

#include <array>

#include "codec/der_writer.h"
#include "codec/oids.h"
#include "common/asn1_text.h"
#include "common/text.h"

namespace scepgate::codec {
namespace {

constexpr const char* kOidMessageType = "2.16.840.1.113733.1.9.2";
constexpr const char* kOidPkiStatus = "2.16.840.1.113733.1.9.3";
constexpr const char* kOidFailInfo = "2.16.840.1.113733.1.9.4";
constexpr const char* kOidSenderNonce = "2.16.840.1.113733.1.9.5";
constexpr const char* kOidRecipientNonce = "2.16.840.1.113733.1.9.6";
constexpr const char* kOidTransactionId = "2.16.840.1.113733.1.9.7";
constexpr const char* kOidFailInfoText = "1.3.6.1.5.5.7.24.1";

Asn1ObjectPtr Oid(const char* dotted) { return Asn1ObjectPtr(OBJ_txt2obj(dotted, 1)); }

Status AddAttr(CMS_SignerInfo& si, const char* oid, int type, ByteView value) {
  Asn1ObjectPtr obj = Oid(oid);
  if (!obj) return Fail(CryptoError("bad attribute OID"));
  if (CMS_signed_add1_attr_by_OBJ(&si, obj.get(), type, value.data(),
                                  static_cast<int>(value.size())) != 1) {
    return Fail(CryptoError(std::string("cannot add signed attribute ") + oid));
  }
  return {};
}

Status AddText(CMS_SignerInfo& si, const char* oid, const std::optional<std::string>& v) {
  if (!v) return {};
  int type = IsPrintableString(*v) ? V_ASN1_PRINTABLESTRING : V_ASN1_UTF8STRING;
  return AddAttr(si, oid, type, AsView(*v));
}

Status AddOctets(CMS_SignerInfo& si, const char* oid, const std::optional<Bytes>& v) {
  if (!v) return {};
  return AddAttr(si, oid, V_ASN1_OCTET_STRING, *v);
}

// Returns the single value of attribute `oid` if it has one of `types`.
const ASN1_STRING* GetValue(const CMS_SignerInfo& si, const char* oid, std::span<const int> types) {
  Asn1ObjectPtr obj = Oid(oid);
  if (!obj) return nullptr;
  for (int type : types) {
    // lastpos -3: exactly one attribute with this OID holding exactly one value.
    void* v = CMS_signed_get0_data_by_OBJ(&si, obj.get(), -3, type);
    if (v != nullptr) return static_cast<const ASN1_STRING*>(v);
  }
  return nullptr;
}

std::optional<std::string> GetText(const CMS_SignerInfo& si, const char* oid) {
  static constexpr std::array<int, 3> kTypes = {V_ASN1_PRINTABLESTRING, V_ASN1_UTF8STRING,
                                                V_ASN1_IA5STRING};
  const ASN1_STRING* s = GetValue(si, oid, kTypes);
  if (s == nullptr) return std::nullopt;
  const unsigned char* d = ASN1_STRING_get0_data(s);
  int n = ASN1_STRING_length(s);
  if (n < 0 || (n > 0 && d == nullptr)) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(d), static_cast<size_t>(n));
}

std::optional<Bytes> GetOctets(const CMS_SignerInfo& si, const char* oid) {
  static constexpr std::array<int, 1> kTypes = {V_ASN1_OCTET_STRING};
  const ASN1_STRING* s = GetValue(si, oid, kTypes);
  if (s == nullptr) return std::nullopt;
  const unsigned char* d = ASN1_STRING_get0_data(s);
  int n = ASN1_STRING_length(s);
  if (n < 0 || (n > 0 && d == nullptr)) return std::nullopt;
  return Bytes(d, d + n);
}

}  // namespace

Status AddScepAttributes(CMS_SignerInfo& si, const ScepAttributes& a) {
  SG_TRY_STATUS(AddText(si, kOidMessageType, a.message_type));
  SG_TRY_STATUS(AddText(si, kOidPkiStatus, a.pki_status));
  SG_TRY_STATUS(AddText(si, kOidFailInfo, a.fail_info));
  SG_TRY_STATUS(AddText(si, kOidTransactionId, a.transaction_id));
  SG_TRY_STATUS(AddOctets(si, kOidSenderNonce, a.sender_nonce));
  SG_TRY_STATUS(AddOctets(si, kOidRecipientNonce, a.recipient_nonce));
  if (a.fail_info_text) {
    SG_TRY_STATUS(AddAttr(si, kOidFailInfoText, V_ASN1_UTF8STRING, AsView(*a.fail_info_text)));
  }
  return {};
}

std::vector<Bytes> EncodeScepAttributes(const ScepAttributes& a) {
  std::vector<Bytes> out;
  auto text = [&](const auto& id, const std::optional<std::string>& v) {
    if (!v) return;
    uint8_t tag = IsPrintableString(*v) ? kDerPrintableString : kDerUtf8String;
    out.push_back(DerAttribute(id, DerTlv(tag, AsView(*v))));
  };
  auto octets = [&](const auto& id, const std::optional<Bytes>& v) {
    if (v) out.push_back(DerAttribute(id, DerTlv(kDerOctetString, *v)));
  };
  text(oid::kMessageType, a.message_type);
  text(oid::kPkiStatus, a.pki_status);
  text(oid::kFailInfo, a.fail_info);
  text(oid::kTransactionId, a.transaction_id);
  octets(oid::kSenderNonce, a.sender_nonce);
  octets(oid::kRecipientNonce, a.recipient_nonce);
  if (a.fail_info_text)
    out.push_back(
        DerAttribute(oid::kFailInfoText, DerTlv(kDerUtf8String, AsView(*a.fail_info_text))));
  return out;
}

ScepAttributes ReadScepAttributes(const CMS_SignerInfo& si) {
  ScepAttributes a;
  a.message_type = GetText(si, kOidMessageType);
  a.pki_status = GetText(si, kOidPkiStatus);
  a.fail_info = GetText(si, kOidFailInfo);
  a.transaction_id = GetText(si, kOidTransactionId);
  a.sender_nonce = GetOctets(si, kOidSenderNonce);
  a.recipient_nonce = GetOctets(si, kOidRecipientNonce);
  a.fail_info_text = GetText(si, kOidFailInfoText);
  ERR_clear_error();  // type mismatches while probing leave entries behind
  return a;
}

std::optional<int> ParseSmallDecimal(std::string_view s) {
  s = TrimBlanks(s);
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace scepgate::codec
