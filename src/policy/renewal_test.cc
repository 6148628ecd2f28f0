#include "policy/renewal.h"

#include <gtest/gtest.h>

#include "client/request_builder.h"

namespace scepgate::policy {
namespace {

constexpr char kSid[] =
    "URI:tag:microsoft.com,2022-09-14:sid:S-1-5-21-1004336348-1177238915-682003330-500";

std::string Code(const Status& s) {
  return s ? "" : s.error().message.substr(0, s.error().message.find(':'));
}

X509ReqPtr Csr(const std::string& subject, const std::vector<std::string>& sans) {
  static EVP_PKEY* key = EVP_RSA_gen(2048);
  client::CsrOptions o;
  o.subject = subject;
  o.sans = sans;
  return std::move(*client::MakeCsr(*key, o));
}

X509NamePtr Name(const std::string& subject) { return std::move(*client::ParseSubject(subject)); }

TEST(RenewalNames, ASanlessCertificateCannotGainAnyName) {
  X509NamePtr subject = Name("/CN=laptop-7");
  for (const std::vector<std::string>& escalation : std::vector<std::vector<std::string>>{
           {"DNS:dc01.corp.example"}, {"UPN:administrator@corp.example"}, {kSid}}) {
    Status s = CheckRenewalNames(*Csr("/CN=laptop-7", escalation), *subject, {});
    EXPECT_EQ(Code(s), "SubjectAltNameMismatch") << escalation[0];
    EXPECT_EQ(s.error().code, ErrorCode::kPolicyDenied);
  }
  EXPECT_TRUE(CheckRenewalNames(*Csr("/CN=laptop-7", {}), *subject, {}));
}

TEST(RenewalNames, KeepOrNarrowNeverWiden) {
  X509NamePtr subject = Name("/CN=web/O=Example");
  std::vector<std::string> had = {"DNS:web.example.com", "DNS:www.example.com",
                                  "email:ops@example.com"};
  EXPECT_TRUE(CheckRenewalNames(*Csr("/CN=web/O=Example", had), *subject, had));
  EXPECT_TRUE(CheckRenewalNames(*Csr("/CN=web/O=Example", {"DNS:WWW.example.com"}), *subject, had));
  EXPECT_TRUE(CheckRenewalNames(*Csr("/CN=web/O=Example", {}), *subject, had));
  EXPECT_EQ(Code(CheckRenewalNames(
                *Csr("/CN=web/O=Example", {"DNS:web.example.com", "DNS:dc01.corp.example"}),
                *subject, had)),
            "SubjectAltNameMismatch");
  EXPECT_EQ(Code(CheckRenewalNames(*Csr("/CN=Web/O=Example", had), *subject, had)), "");
  EXPECT_EQ(Code(CheckRenewalNames(*Csr("/CN=administrator/O=Example", had), *subject, had)),
            "SubjectNameMismatch");
}

}  // namespace
}  // namespace scepgate::policy
