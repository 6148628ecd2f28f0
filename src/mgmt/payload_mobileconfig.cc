// The Apple configuration profile: a com.apple.security.scep payload (the device makes its own key
// and enrolls) and a com.apple.security.root payload (the root CA to trust), as an XML plist.
#include <openssl/x509v3.h>

#include <map>

#include "mgmt/payload.h"
#include "mgmt/payload_xml.h"

namespace scepgate::mgmt {
namespace {

std::string Key(std::string_view k) { return "<key>" + XmlEscape(k) + "</key>"; }
std::string String(std::string_view v) { return "<string>" + XmlEscape(v) + "</string>"; }
std::string Integer(int64_t v) { return "<integer>" + std::to_string(v) + "</integer>"; }
std::string Data(ByteView v) { return "<data>" + Base64Encode(v) + "</data>"; }

// Apple's "Key Usage": 1 signing, 4 encryption (5 both).
int AppleKeyUsage(uint32_t ku) {
  int out = 0;
  if (ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) out |= 1;
  if (ku & (KU_KEY_ENCIPHERMENT | KU_DATA_ENCIPHERMENT | KU_KEY_AGREEMENT)) out |= 4;
  return out == 0 ? 5 : out;
}

// One label of a reverse-DNS identifier from the profile's name: letters, digits and '-' kept,
// anything else '-', never empty.
std::string IdentifierLabel(std::string_view name) {
  std::string out;
  for (char c : name) {
    bool keep =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    out += keep ? c : '-';
  }
  return out.empty() ? "profile" : out;
}

std::string Subject(const NameRdns& rdns) {
  std::string out = "<array>";
  for (const auto& rdn : rdns) {
    out += "<array>";
    for (const auto& [type, value] : rdn)
      out += "<array>" + String(type) + String(value) + "</array>";
    out += "</array>";
  }
  return out + "</array>";
}

// SubjectAltName dictionary: dNSName, rfc822Name, uniformResourceIdentifier (arrays) and
// ntPrincipalName (a string: the payload carries one). kInvalidArgument for other types.
Result<std::string> AltNames(const std::vector<std::string>& sans) {
  std::map<std::string, std::vector<std::string>> lists;
  std::string upn;
  for (const std::string& san : sans) {
    size_t colon = san.find(':');
    std::string type = san.substr(0, colon), value = san.substr(colon + 1);
    if (type == "DNS") {
      lists["dNSName"].push_back(value);
    } else if (type == "email") {
      lists["rfc822Name"].push_back(value);
    } else if (type == "URI") {
      lists["uniformResourceIdentifier"].push_back(value);
    } else if (type == "UPN" && upn.empty()) {
      upn = value;
    } else {
      return Fail(Error::InvalidArgument("an Apple SCEP payload cannot carry the SAN " + san));
    }
  }
  std::string out = "<dict>";
  for (const auto& [key, values] : lists) {
    out += Key(key) + "<array>";
    for (const auto& v : values) out += String(v);
    out += "</array>";
  }
  if (!upn.empty()) out += Key("ntPrincipalName") + String(upn);
  return out + "</dict>";
}

}  // namespace

Result<std::string> PayloadMobileconfig(const PayloadContent& c) {
  SG_TRY_STATUS(CheckDeviceKey(PayloadFormat::kMobileconfig, c.profile, c.key_type, c.key_size));
  if (c.urls.empty()) return Fail(Error::InvalidArgument("the payload has no URL"));
  SG_ASSIGN_OR_RETURN(std::string alt_names, AltNames(c.sans));
  SG_ASSIGN_OR_RETURN(NameRdns subject, AppleSubject(c.subject_rdns));
  // Apple picks the hash by the fingerprint's length; before late 2022 it knew MD5 and SHA-1 only.
  SG_ASSIGN_OR_RETURN(Bytes fingerprint,
                      HexDecode(c.ca_fingerprint == "sha256" ? c.ca_sha256 : c.ca_sha1));
  std::string scep = "<dict>" + Key("URL") + String(c.urls.front()) + Key("Name") +
                     String(c.profile) + Key("Subject") + Subject(subject) + Key("Challenge") +
                     String(c.challenge) + Key("Keysize") + Integer(c.key_size) + Key("Key Type") +
                     String("RSA") + Key("Key Usage") + Integer(AppleKeyUsage(c.key_usage)) +
                     Key("CAFingerprint") + Data(fingerprint) + Key("Retries") +
                     Integer(c.retry_count) + Key("RetryDelay") + Integer(c.retry_delay_seconds);
  if (!c.sans.empty()) scep += Key("SubjectAltName") + alt_names;
  if (!c.key_extractable) scep += Key("KeyIsExtractable") + "<false/>";
  scep += "</dict>";

  std::string id = "com.scepgate.profile." + IdentifierLabel(c.profile);
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
      "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
      "<plist version=\"1.0\">\n<dict>\n" +
      Key("PayloadContent") + "\n<array>\n<dict>" + Key("PayloadContent") + scep +
      Key("PayloadDescription") + String("Enrolls a certificate over SCEP") +
      Key("PayloadDisplayName") + String("SCEP: " + c.profile) + Key("PayloadIdentifier") +
      String(id + ".scep") + Key("PayloadType") + String("com.apple.security.scep") +
      Key("PayloadUUID") + String(c.uuid_scep) + Key("PayloadVersion") + Integer(1) +
      "</dict>\n<dict>" + Key("PayloadCertificateFileName") + String("root-ca.cer") +
      Key("PayloadContent") + Data(c.root_der) + Key("PayloadDescription") +
      String("The root CA of the SCEP gateway") + Key("PayloadDisplayName") + String("Root CA") +
      Key("PayloadIdentifier") + String(id + ".root") + Key("PayloadType") +
      String("com.apple.security.root") + Key("PayloadUUID") + String(c.uuid_root) +
      Key("PayloadVersion") + Integer(1) + "</dict>\n</array>\n" + Key("PayloadDisplayName") +
      String("scepgate: " + c.profile) + Key("PayloadIdentifier") + String(id) +
      // macOS installs a device certificate in the System keychain only with System scope.
      Key("PayloadScope") + String(c.cert_type == "user" ? "User" : "System") + Key("PayloadType") +
      String("Configuration") + Key("PayloadUUID") + String(c.uuid_profile) +
      Key("PayloadVersion") + Integer(1) + "\n</dict>\n</plist>\n";
  return out;
}

}  // namespace scepgate::mgmt
