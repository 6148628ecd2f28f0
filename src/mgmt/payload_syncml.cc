// The Windows ClientCertificateInstall CSP's SCEP nodes (Install/...) in one SyncML Atomic block:
// every Add first, the Exec of Enroll last, as the CSP requires.
#include <openssl/x509v3.h>

#include <algorithm>

#include "mgmt/payload.h"
#include "mgmt/payload_xml.h"

namespace scepgate::mgmt {
namespace {

// A CSP node name from the profile: letters, digits, '-' and '_' kept, anything else '_'.
std::string UniqueId(std::string_view profile) {
  std::string out = "scepgate_";
  for (char c : profile) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_';
    out += keep ? c : '_';
  }
  return out;
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(sep) : "") + parts[i];
  return out;
}

// "type+value" pairs joined by ';': 2 RFC 822 name, 3 DNS, 7 URL, 8 IP, 11 UPN.
Result<std::string> AltNames(const std::vector<std::string>& sans) {
  std::vector<std::string> out;
  for (const std::string& san : sans) {
    size_t colon = san.find(':');
    std::string type = san.substr(0, colon), value = san.substr(colon + 1);
    std::string code = type == "email" ? "2"
                       : type == "DNS" ? "3"
                       : type == "URI" ? "7"
                       : type == "IP"  ? "8"
                       : type == "UPN" ? "11"
                                       : "";
    if (code.empty() || value.find(';') != std::string::npos)
      return Fail(Error::InvalidArgument("a Windows SCEP payload cannot carry the SAN " + san));
    out.push_back(code + "+" + value);
  }
  return Join(out, ";");
}

class Atomic {
 public:
  explicit Atomic(std::string base) : base_(std::move(base)) {}
  void Add(std::string_view node, std::string_view format, std::string_view data) {
    body_ += "  <Add>\n    <CmdID>" + std::to_string(++cmd_) + "</CmdID>\n    <Item>\n" +
             Target(node) + "      <Meta><Format xmlns=\"syncml:metinf\">" + std::string(format) +
             "</Format></Meta>\n";
    if (format != "node") body_ += "      <Data>" + XmlEscape(data) + "</Data>\n";
    body_ += "    </Item>\n  </Add>\n";
  }
  std::string Finish() {
    body_ += "  <Exec>\n    <CmdID>" + std::to_string(++cmd_) + "</CmdID>\n    <Item>\n" +
             Target("Install/Enroll") + "    </Item>\n  </Exec>\n";
    return "<Atomic>\n  <CmdID>" + std::to_string(++cmd_) + "</CmdID>\n" + body_ + "</Atomic>\n";
  }

 private:
  std::string Target(std::string_view node) {
    std::string uri = base_ + (node.empty() ? "" : "/" + std::string(node));
    return "      <Target><LocURI>" + XmlEscape(uri) + "</LocURI></Target>\n";
  }
  std::string base_;
  std::string body_;
  int cmd_ = 0;
};

}  // namespace

Result<std::string> PayloadSyncml(const PayloadContent& c) {
  if (std::ranges::any_of(c.urls, [](const auto& u) { return u.find(';') != std::string::npos; }))
    return Fail(Error::InvalidArgument("a SCEP URL holds ';', the CSP's URL separator"));
  SG_TRY_STATUS(CheckDeviceKey(PayloadFormat::kSyncml, c.profile, c.key_type, c.key_size));
  // The CSP refuses a request for neither digital signature (0x80) nor key encipherment (0x20).
  if ((c.key_usage & (KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT)) == 0)
    return Fail(Error::InvalidArgument(
        "a Windows SCEP payload needs key usage digitalSignature (0x80) or keyEncipherment (0x20); "
        "profile " +
        c.profile + " asks for neither"));
  SG_ASSIGN_OR_RETURN(std::string sans, AltNames(c.sans));
  SG_ASSIGN_OR_RETURN(std::string subject, WindowsSubjectName(c.subject_rdns));
  std::string scope = c.cert_type == "user" ? "./User" : "./Device";
  Atomic a(scope + "/Vendor/MSFT/ClientCertificateInstall/SCEP/" + UniqueId(c.profile));
  std::string ca_sha1 = c.ca_sha1;
  std::transform(ca_sha1.begin(), ca_sha1.end(), ca_sha1.begin(),
                 [](char ch) { return ch >= 'a' && ch <= 'f' ? static_cast<char>(ch - 32) : ch; });
  a.Add("", "node", "");
  a.Add("Install/ServerURL", "chr", Join(c.urls, ";"));
  a.Add("Install/Challenge", "chr", c.challenge);
  a.Add("Install/EKUMapping", "chr", Join(c.ekus, "+"));
  a.Add("Install/KeyUsage", "int", std::to_string(c.key_usage & 0xff));
  a.Add("Install/KeyLength", "int", std::to_string(c.key_size));
  a.Add("Install/HashAlgorithm", "chr", "SHA-2");
  a.Add("Install/SubjectName", "chr", subject);
  a.Add("Install/SubjectAlternativeNames", "chr", sans);
  a.Add("Install/CAThumbprint", "chr", ca_sha1);
  a.Add("Install/RetryCount", "int", std::to_string(c.retry_count));
  // The CSP counts the delay in minutes, at least one.
  a.Add("Install/RetryDelay", "int",
        std::to_string(std::max<int64_t>(1, (c.retry_delay_seconds + 59) / 60)));
  a.Add("Install/ValidPeriod", "chr", "Days");
  a.Add("Install/ValidPeriodUnits", "int", std::to_string(c.validity_days));
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + a.Finish();
}

}  // namespace scepgate::mgmt
