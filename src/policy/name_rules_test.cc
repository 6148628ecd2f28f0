#include "policy/name_rules.h"

#include <gtest/gtest.h>

#include <chrono>

#include "client/request_builder.h"

namespace scepgate::policy {
namespace {

std::string Code(const Status& s) {
  return s ? "" : s.error().message.substr(0, s.error().message.find(':'));
}

Status San(const std::string& entry, NameRules rules = {}) {
  return CheckSubjectAltName(entry, rules);
}

const EVP_PKEY& Key() {
  static EVP_PKEY* key = EVP_RSA_gen(2048);
  return *key;
}

X509ReqPtr Csr(const std::vector<std::string>& sans, const std::string& subject = "/CN=dev") {
  client::CsrOptions o;
  o.subject = subject;
  o.sans = sans;
  auto csr = client::MakeCsr(Key(), o);
  EXPECT_TRUE(csr) << csr.error().message;
  return csr ? std::move(*csr) : nullptr;
}

TEST(NameRules, AcceptsOrdinaryNames) {
  for (const char* ok :
       {"DNS:host.example.com", "DNS:a", "DNS:xn--bcher-kva.example", "DNS:123.example.com",
        "URI:tag:microsoft.com,2022-09-14:sid:S-1-5-21-1-2-3-500", "URI:https://example.com/a?b=c",
        "email:alice@example.com", "UPN:alice@corp.example", "UPN:jürgen@corp.example",
        "IP:192.0.2.1"})
    EXPECT_TRUE(San(ok)) << ok;
}

TEST(NameRules, RefusesDnsNamesThatAreNotLdh) {
  std::string label63(63, 'a'), label64(64, 'a');
  EXPECT_TRUE(San("DNS:" + label63 + ".example.com"));
  std::vector<std::string> bad = {std::string("DNS:evil.com\0.example.com", 25),
                                  "DNS:tab\there.example.com",
                                  "DNS:under_score.example.com",
                                  "DNS:-lead.example.com",
                                  "DNS:trail-.example.com",
                                  "DNS:two..dots.example.com",
                                  "DNS:trailing.dot.",
                                  "DNS:sp ace.example.com",
                                  "DNS:ümlaut.example.com",
                                  "DNS:" + label64 + ".example.com"};
  for (const std::string& b : bad) {
    Status s = San(b);
    EXPECT_EQ(Code(s), "NameRejected") << b;
    if (!s) {
      EXPECT_EQ(s.error().code, ErrorCode::kPolicyDenied);
      EXPECT_EQ(s.error().message.find('\0'), std::string::npos) << "a control reached the text";
    }
  }
  std::string long_name;
  while (long_name.size() < 254) long_name += "abcdefghi.";
  long_name += "com";
  EXPECT_EQ(Code(San("DNS:" + long_name)), "NameRejected");
}

TEST(NameRules, WildcardsOnlyWhenAllowedAndOnlyAsTheLeftmostLabel) {
  EXPECT_EQ(Code(San("DNS:*.example.com")), "NameRejected");
  NameRules wild{true, 32};
  EXPECT_TRUE(San("DNS:*.example.com", wild));
  EXPECT_EQ(Code(San("DNS:*.com", wild)), "NameRejected");
  EXPECT_EQ(Code(San("DNS:*", wild)), "NameRejected");
  EXPECT_EQ(Code(San("DNS:a.*.example.com", wild)), "NameRejected");
  EXPECT_EQ(Code(San("DNS:f*.example.com", wild)), "NameRejected");
  EXPECT_EQ(Code(San("DNS:*.*.example.com", wild)), "NameRejected");
}

TEST(NameRules, RefusesBadUrisEmailsAndUpns) {
  for (const std::string& b :
       {std::string("URI:no-scheme"), std::string("URI:https://a b"), std::string("URI::x"),
        std::string("URI:1http://x"), std::string("URI:http://x\x01"), std::string("URI:ht tp:x"),
        std::string("email:alice"), std::string("email:a@b@c"), std::string("email:@example.com"),
        std::string("email:alice@"), std::string("email:al ice@example.com"),
        std::string("email:alice@exa\rmple.com"), std::string("UPN:admin\nistrator@corp"),
        std::string("UPN:bad\xff@corp"), std::string("UPN:c1\xc2\x85@corp")})
    EXPECT_EQ(Code(San(b)), "NameRejected") << b;
}

TEST(NameRules, ChecksEverySanOfTheCsrAndItsSubject) {
  NameRules rules;
  EXPECT_TRUE(CheckRequestedNames(*Csr({"DNS:a.example.com", "email:a@example.com"}), rules));
  EXPECT_EQ(Code(CheckRequestedNames(*Csr({"DNS:a.example.com", "DNS:*.example.com"}), rules)),
            "NameRejected");
  EXPECT_EQ(Code(CheckRequestedNames(*Csr({}, "/CN=line\nbreak"), rules)), "NameRejected");
  EXPECT_EQ(Code(CheckRequestedNames(*Csr({}, "/CN=dev/DC=" + std::string(300, 'o')), rules)),
            "NameRejected");
  EXPECT_TRUE(CheckRequestedNames(*Csr({}, "/CN=Jürgen Müller/O=Example"), rules));
}

TEST(NameRules, TooManySansAreRefusedQuickly) {
  NameRules rules;
  std::vector<std::string> sans;
  for (int i = 0; i < 32; ++i) sans.push_back("DNS:h" + std::to_string(i) + ".example.com");
  EXPECT_TRUE(CheckRequestedNames(*Csr(sans), rules));
  sans.push_back("DNS:one-too-many.example.com");
  EXPECT_EQ(Code(CheckRequestedNames(*Csr(sans), rules)), "NameRejected");
  for (int i = 33; i < 20000; ++i) sans.push_back("DNS:h" + std::to_string(i) + ".example.com");
  X509ReqPtr csr = Csr(sans);
  auto start = std::chrono::steady_clock::now();
  Status s = CheckRequestedNames(*csr, rules);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(Code(s), "NameRejected");
  EXPECT_NE(s.error().message.find("20000"), std::string::npos) << s.error().message;
  EXPECT_LT(took, std::chrono::milliseconds(200));
}

}  // namespace
}  // namespace scepgate::policy
