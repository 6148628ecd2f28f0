#include "policy/name_match.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "ca/san.h"
#include "common/san_text.h"

namespace scepgate::policy {
namespace {

using ::testing::HasSubstr;

// The canonical form, recording a test failure (and returning "error: <message>") on an error,
// so that two failures never compare equal unnoticed.
template <class T>
std::string Ok(const Result<std::string>& c, const T& input) {
  if (c) return *c;
  ADD_FAILURE() << "unexpected error for " << input << ": " << c.error().message;
  return "error: " + c.error().message;
}
std::string Canon(std::string_view s) { return Ok(CanonicalName(s), s); }
std::string Canon(const X509_NAME& n) { return Ok(CanonicalName(n), NameToString(n)); }
std::string CanonSans(const std::vector<std::string>& sans) {
  return Ok(CanonicalSans(sans), ::testing::PrintToString(sans));
}
// The message of an expected error ("" when there is none).
std::string ErrorOf(std::string_view s) {
  auto c = CanonicalName(s);
  return c ? "" : c.error().message;
}

// A name built in DER order, one single-valued RDN per pair, values as raw UTF-8.
X509NamePtr Name(const std::vector<std::pair<std::string, std::string>>& der_order) {
  X509NamePtr n(X509_NAME_new());
  for (const auto& [type, value] : der_order) {
    auto* bytes = reinterpret_cast<const unsigned char*>(value.data());
    EXPECT_EQ(X509_NAME_add_entry_by_txt(n.get(), type.c_str(), MBSTRING_UTF8, bytes,
                                         static_cast<int>(value.size()), -1, 0),
              1)
        << type << "=" << value;
  }
  return n;
}

// Appends an entry whose ASN.1 string type is `asn1_type` (V_ASN1_*), bytes taken as they are.
void AddTyped(X509_NAME& n, int nid, int asn1_type, const std::string& bytes, int set = 0) {
  ASSERT_EQ(X509_NAME_add_entry_by_NID(&n, nid, asn1_type,
                                       reinterpret_cast<const unsigned char*>(bytes.data()),
                                       static_cast<int>(bytes.size()), -1, set),
            1);
}

TEST(CanonicalName, EscapedSpecialCharactersEqualTheRawCharacters) {
  // The escaping mgmt::EscapeRfc4514 produces, and its RFC 2253 spellings.
  auto raw = Name({{"O", "Acme; \"Best\" <Co>"}, {"OU", "R+D \\ Ops"}, {"CN", "Doe, John"}});
  std::string expected = Canon(*raw);
  EXPECT_EQ(Canon(R"(CN=Doe\, John,OU=R\+D \\ Ops,O=Acme\; \"Best\" \<Co\>)"), expected);
  EXPECT_EQ(Canon(R"(CN="Doe, John",OU="R+D \\ Ops",O="Acme; \"Best\" <Co>")"), expected);
  EXPECT_EQ(Canon(R"(CN=Doe\2C John,OU=R\2BD \5C Ops,O=Acme\3B \22Best\22 \3CCo\3E)"), expected);
  EXPECT_EQ(Canon("CN=a;O=b"), Canon("CN=a,O=b"));  // ';' separates RDNs, as ',' does
  EXPECT_THAT(ErrorOf(R"(CN=Doe\, John,O=Acme; "Best")"), HasSubstr("expected an attribute type"));
}

TEST(CanonicalName, EdgeEscapesAndNulFromOurOwnEscaper) {
  auto raw = Name({{"CN", "#tag"}});
  EXPECT_EQ(Canon(R"(CN=\#tag)"), Canon(*raw));
  EXPECT_EQ(Canon("CN=\\ x\\ "), Canon("CN=x"));  // white space at the ends is not significant
  X509NamePtr nul(X509_NAME_new());
  AddTyped(*nul, NID_commonName, V_ASN1_UTF8STRING, std::string("a\0b", 3));
  EXPECT_EQ(Canon(R"(CN=a\00b)"), Canon(*nul));
  EXPECT_NE(Canon(R"(CN=a\00b)"), Canon("CN=ab"));
  EXPECT_EQ(Canon("CN=a=b"), Canon(R"(CN=a\=b)"));
}

TEST(CanonicalName, NonAsciiLiteralHexEscapedBmpAndUtf8StringsAreEqual) {
  std::string literal = Canon("CN=日本語 é,O=Société");
  EXPECT_EQ(Canon(R"(CN=\E6\97\A5\E6\9C\AC\E8\AA\9E \C3\A9,O=Soci\c3\a9t\C3\A9)"), literal);
  EXPECT_EQ(Canon(*Name({{"O", "Société"}, {"CN", "日本語 é"}})), literal);
  X509NamePtr bmp(X509_NAME_new());
  AddTyped(*bmp, NID_organizationName, V_ASN1_BMPSTRING,
           std::string("\0S\0o\0c\0i\0\xE9\0t\0\xE9", 14));
  AddTyped(*bmp, NID_commonName, V_ASN1_BMPSTRING,
           std::string("\x65\xE5\x67\x2C\x8A\x9E\0 \0\xE9", 10));
  EXPECT_EQ(Canon(*bmp), literal);
  X509NamePtr t61(X509_NAME_new());  // T61String read as Latin-1
  AddTyped(*t61, NID_organizationName, V_ASN1_T61STRING, "Soci\xE9t\xE9");
  EXPECT_EQ(Canon(*t61), Canon("O=Société"));
  EXPECT_NE(Canon("O=Societe"), Canon("O=Société"));
}

TEST(CanonicalName, PrintableStringAndUtf8StringAreEqual) {
  X509NamePtr printable(X509_NAME_new()), utf8(X509_NAME_new()), ia5(X509_NAME_new());
  AddTyped(*printable, NID_commonName, V_ASN1_PRINTABLESTRING, "Device 42");
  AddTyped(*utf8, NID_commonName, V_ASN1_UTF8STRING, "Device 42");
  AddTyped(*ia5, NID_commonName, V_ASN1_IA5STRING, "Device 42");
  EXPECT_EQ(Canon(*printable), Canon(*utf8));
  EXPECT_EQ(Canon(*ia5), Canon(*utf8));
  EXPECT_EQ(Canon(*utf8), Canon("CN=Device 42"));
}

TEST(CanonicalName, CaseAndWhiteSpaceDifferencesAreEqual) {
  std::string c = Canon("CN=John Smith,O=Acme Corp");
  EXPECT_EQ(Canon("cn = JOHN   SMITH , o=  acme\tcorp  "), c);
  EXPECT_EQ(Canon("  Cn=john smith;O = ACME CORP"), c);
  EXPECT_EQ(Canon("commonName=John Smith, organizationName=Acme Corp"), c);
  EXPECT_EQ(Canon(*Name({{"O", "  Acme \n Corp"}, {"CN", "JOHN SMITH "}})), c);
  EXPECT_EQ(Canon("CN=\"  John  Smith \""), Canon("CN=John Smith"));
  EXPECT_NE(Canon("CN=JohnSmith"), Canon("CN=John Smith"));
}

TEST(CanonicalName, DifferentOrderOfRdnsIsNotEqual) {
  EXPECT_NE(Canon("CN=a,O=b"), Canon("O=b,CN=a"));
  EXPECT_EQ(Canon("CN=a,O=b"), Canon(*Name({{"O", "b"}, {"CN", "a"}})));
  EXPECT_NE(Canon("CN=a,O=b"), Canon(*Name({{"CN", "a"}, {"O", "b"}})));
}

TEST(CanonicalName, MultiValuedRdnIsOrderInsensitive) {
  std::string c = Canon("CN=a+UID=u1,O=b");
  EXPECT_EQ(Canon("UID=u1 + CN=a,O=b"), c);
  X509NamePtr n = Name({{"O", "b"}, {"UID", "u1"}});
  AddTyped(*n, NID_commonName, V_ASN1_UTF8STRING, "a", -1);  // joins the UID RDN
  EXPECT_EQ(Canon(*n), c);
}

TEST(CanonicalName, OidFormEqualsNameForm) {
  std::string c = Canon("CN=x,O=y");
  EXPECT_EQ(Canon("2.5.4.3=x,2.5.4.10=y"), c);
  EXPECT_EQ(Canon("OID.2.5.4.3=x,oid.2.5.4.10=y"), c);
  EXPECT_EQ(Canon("COMMONNAME=x,organizationname=y"), c);
  EXPECT_EQ(Canon("uid=u,serialnumber=7,GN=g,sn=s,Title=t,street=s,dc=d"),
            Canon("0.9.2342.19200300.100.1.1=u,2.5.4.5=7,2.5.4.42=g,2.5.4.4=s,2.5.4.12=t,"
                  "2.5.4.9=s,0.9.2342.19200300.100.1.25=d"));
  EXPECT_EQ(Canon("1.2.3.4=v"), Canon("OID.1.2.3.4=V"));
}

TEST(CanonicalName, EEqualsEmailAddress) {
  std::string c = Canon("emailAddress=Ops@Example.com,CN=x");
  EXPECT_EQ(Canon("E=ops@example.com,CN=x"), c);
  EXPECT_EQ(Canon("e=ops@example.com,CN=x"), c);
  EXPECT_EQ(Canon("1.2.840.113549.1.9.1=ops@example.com,CN=x"), c);
  EXPECT_EQ(Canon(*Name({{"CN", "x"}, {"emailAddress", "ops@example.com"}})), c);
}

TEST(CanonicalName, DifferentValueOrExtraRdnIsNotEqual) {
  std::string c = Canon("CN=dev1,O=Acme");
  EXPECT_NE(Canon("CN=dev2,O=Acme"), c);
  EXPECT_NE(Canon("CN=dev1,O=Acme,C=US"), c);
  EXPECT_NE(Canon("CN=dev1,OU=Acme"), c);
  EXPECT_NE(Canon("CN=dev1+OU=x,O=Acme"), c);
  EXPECT_NE(Canon("CN=dev1"), c);
}

TEST(CanonicalName, EmptyValueIsAllowed) {
  X509NamePtr n = Name({{"O", "x"}});
  AddTyped(*n, NID_commonName, V_ASN1_UTF8STRING, "");
  EXPECT_EQ(Canon("CN=,O=x"), Canon(*n));
  EXPECT_EQ(Canon("CN = ,O=x"), Canon("CN=\"\",O=x"));
  EXPECT_NE(Canon("CN=,O=x"), Canon("O=x"));
  EXPECT_EQ(Canon("CN="), "2.5.4.3=0:");
}

TEST(CanonicalName, HexValuesAreDecodedAsText) {
  EXPECT_EQ(Canon("CN=#0C03616263"), Canon("CN=abc"));  // UTF8String
  EXPECT_EQ(ErrorOf("CN=#13036162 63"), "#hex value is not a DER-encoded string at position 3");
  EXPECT_EQ(Canon("CN=#1E0400E90062 , O=x"), Canon("CN=éb,O=x"));               // BMPString
  EXPECT_EQ(Canon("CN=\\#0C03616263"), Canon(*Name({{"CN", "#0C03616263"}})));  // literal
  EXPECT_NE(Canon("CN=\\#0C03616263"), Canon("CN=abc"));
  // OpenSSL's own RFC 2253 printing dumps types it does not know as #hex; it round-trips.
  X509NamePtr n = Name({{"1.2.3.4", "a,b"}, {"CN", "x\x01y"}, {"O", "Ünïcode, \"q\""}});
  EXPECT_THAT(NameToString(*n), HasSubstr("1.2.3.4=#"));
  EXPECT_EQ(Canon(NameToString(*n)), Canon(*n));
}

TEST(CanonicalName, DistinctNamesNeverCollide) {
  std::vector<std::string> names = {"CN=a+O=b",
                                    "CN=a,O=b",
                                    "O=b,CN=a",
                                    R"(CN=a\,O=b)",
                                    R"(CN=a\+O=b)",
                                    "CN=a+CN=a",
                                    "CN=a,CN=a",
                                    "CN=a",
                                    R"(CN=a\+2.5.4.10=1:b)",
                                    R"(O=1:b\,2.5.4.3=1:a)",
                                    R"(O=b\+2.5.4.3=a)",
                                    R"(O=b\,2.5.4.3=a)",
                                    R"(O=b\+2.5.4.3=1:a)",
                                    "CN=1:a",
                                    "CN=a b",
                                    "CN=ab",
                                    R"(CN=a\00)",
                                    "CN=",
                                    "CN=,CN=",
                                    "CN=a+O=b,C=US",
                                    "CN=a,O=b+C=US",
                                    "2.5.4.3.1=a",
                                    "2.5.4.31=a"};
  std::set<std::string> seen;
  for (const auto& n : names) {
    std::string c = Canon(n);
    ASSERT_EQ(c.rfind("error", 0), std::string::npos) << n << ": " << c;
    EXPECT_TRUE(seen.insert(c).second) << n << " collides: " << c;
  }
}

TEST(CanonicalName, MalformedNamesAreInvalidArguments) {
  const char* bad[] = {"",
                       "   ",
                       "CN",
                       "CN x",
                       "=x",
                       "CN=a,",
                       ",CN=a",
                       "CN=a,,O=b",
                       "CN=a+",
                       "CN=a\\",
                       "CN=a\\4",
                       "CN=a\\4g",
                       "CN=\\zz",
                       "CN=\\C3",
                       "CN=\\FF",
                       "CN=\\C0\\80",
                       "CN=\\ED\\A0\\80",
                       "CN=\"abc",
                       "CN=\"a\"b",
                       "XYZZY=a",
                       "2..5=a",
                       "2.5.=a",
                       "OID.CN=a",
                       "1=a",
                       "CN=#",
                       "CN=#0C02",
                       "CN=#0C0361626",
                       "CN=#020101",
                       "CN=#0C0161FF",
                       "CN=#0C02C328",
                       "C N=x",
                       "CN=x;=y",
                       "CN=x\xC3"};
  for (const char* s : bad) {
    auto c = CanonicalName(s);
    ASSERT_FALSE(c) << "accepted '" << s << "': " << *c;
    EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument) << s;
    if (*s != '\0' && std::string_view(s) != "   ") {
      EXPECT_THAT(c.error().message, HasSubstr("position")) << s;
    }
  }
  EXPECT_EQ(CanonicalName("O=x,CN=a\\").error().message, "trailing '\\' at position 8");
  EXPECT_EQ(CanonicalName("CN=ok,FOO=1").error().message,
            "unknown attribute type 'FOO' at position 6");
}

TEST(CanonicalName, UnreadableX509NameValueIsBadRequest) {
  // CN as an empty SEQUENCE and as a BIT STRING, DER-encoded the way a CSR could carry them.
  const Bytes sequence = {0x30, 0x0B, 0x31, 0x09, 0x30, 0x07, 0x06,
                          0x03, 0x55, 0x04, 0x03, 0x30, 0x00};
  const Bytes bit_string = {0x30, 0x0D, 0x31, 0x0B, 0x30, 0x09, 0x06, 0x03,
                            0x55, 0x04, 0x03, 0x03, 0x02, 0x00, 0x61};
  std::vector<X509NamePtr> names;
  for (const Bytes& der : {sequence, bit_string}) {
    const unsigned char* p = der.data();
    names.emplace_back(d2i_X509_NAME(nullptr, &p, static_cast<long>(der.size())));
    ASSERT_TRUE(names.back());
  }
  names.emplace_back(X509_NAME_new());
  AddTyped(*names.back(), NID_commonName, V_ASN1_UTF8STRING, "a\xC3(");
  names.emplace_back(X509_NAME_new());
  AddTyped(*names.back(), NID_commonName, V_ASN1_BMPSTRING, std::string("\xD8\x00", 2));
  for (const X509NamePtr& n : names) {
    auto c = CanonicalName(*n);
    ASSERT_FALSE(c) << *c;
    EXPECT_EQ(c.error().code, ErrorCode::kBadRequest);
  }
  X509NamePtr empty(X509_NAME_new());
  EXPECT_EQ(Canon(*empty), "");
}

TEST(CanonicalSans, OrderCaseDuplicatesAndIpSpellingDoNotMatter) {
  std::string c = CanonSans({"DNS:host.example.com", "email:Ops@Example.com", "IP:::1",
                             "IP:192.0.2.1", "UPN:User@Corp.Example", "URI:tag:x"});
  EXPECT_EQ(CanonSans({"URI:tag:x", "IP:0:0::1", "upn:user@corp.example", "DNS:HOST.example.COM.",
                       "IP:192.0.2.1", "dns:host.example.com", "email:ops@example.com",
                       "IP:0000:0000:0000:0000:0000:0000:0000:0001"}),
            c);
  EXPECT_EQ(CanonSans({"IP:2001:DB8::1"}), CanonSans({"IP:2001:db8:0:0:0:0:0:1"}));
  EXPECT_EQ(CanonSans({}), "");
}

TEST(CanonicalSans, UriIsCaseSensitiveAndDifferentSetsDiffer) {
  EXPECT_NE(CanonSans({"URI:tag:X"}), CanonSans({"URI:tag:x"}));
  std::vector<std::vector<std::string>> sets = {
      {},        {"DNS:a"}, {"DNS:b"},         {"DNS:a", "DNS:b"}, {"email:a"},
      {"UPN:a"}, {"URI:a"}, {"DNS:a,6:DNS:b"}, {"IP:192.0.2.1"},   {"IP:::ffff:192.0.2.1"},
  };
  std::set<std::string> seen;
  for (const auto& s : sets) {
    std::string c = CanonSans(s);
    ASSERT_EQ(c.rfind("error", 0), std::string::npos) << c;
    EXPECT_TRUE(seen.insert(c).second) << c;
  }
}

TEST(CanonicalSans, BadEntriesAreInvalidArguments) {
  for (const char* bad : {"X400:foo", "DNS:", "DNS:.", "email:", "IP:", "IP:1.2.3", "IP:::g",
                          "IP:192.0.2.1/24", "nocolon", "URI:"}) {
    auto c = CanonicalSans({"DNS:ok", bad});
    ASSERT_FALSE(c) << bad;
    EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

// A signed CSR for CN=dev whose extensionRequest holds `exts`, re-read from DER.
X509ReqPtr Csr(std::vector<X509ExtensionPtr> exts) {
  X509ReqPtr req(X509_REQ_new());
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  X509NamePtr subject = Name({{"CN", "dev"}});
  X509_REQ_set_subject_name(req.get(), subject.get());
  X509_REQ_set_pubkey(req.get(), key.get());
  if (!exts.empty()) {
    X509ExtStackPtr stack(sk_X509_EXTENSION_new_null());
    for (auto& e : exts) sk_X509_EXTENSION_push(stack.get(), e.release());
    EXPECT_EQ(X509_REQ_add_extensions(req.get(), stack.get()), 1);
  }
  EXPECT_GT(X509_REQ_sign(req.get(), key.get(), EVP_sha256()), 0);
  return std::move(*CsrFromDer(*CsrToDer(*req)));
}

X509ExtensionPtr SanExtension(GENERAL_NAMES& names) {
  return X509ExtensionPtr(X509V3_EXT_i2d(NID_subject_alt_name, 0, &names));
}

TEST(CsrSans, ReadsTheExtensionRequest) {
  std::vector<std::string> sans = {
      "DNS:Host.Example.com", "email:a@example.com",
      "IP:2001:db8::1",       "URI:tag:microsoft.com,2022-09-14:sid:S-1-5-21-1",
      "UPN:user@example.com", "IP:192.0.2.7"};
  GeneralNamesPtr names = std::move(*SansFromText(sans));
  std::vector<X509ExtensionPtr> exts;
  exts.push_back(
      X509ExtensionPtr(X509V3_EXT_conf_nid(nullptr, nullptr, NID_key_usage, "digitalSignature")));
  exts.push_back(SanExtension(*names));
  auto got = CsrSans(*Csr(std::move(exts)));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, sans);
  EXPECT_EQ(CanonSans(*got),
            CanonSans({"dns:host.example.com.", "IP:192.0.2.7", "UPN:User@Example.com",
                       "email:A@example.com", "IP:2001:DB8:0::1",
                       "URI:tag:microsoft.com,2022-09-14:sid:S-1-5-21-1"}));
}

TEST(CsrSans, IsEmptyWithoutSubjectAltName) {
  auto none = CsrSans(*Csr({}));
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->empty());
  std::vector<X509ExtensionPtr> exts;
  exts.push_back(
      X509ExtensionPtr(X509V3_EXT_conf_nid(nullptr, nullptr, NID_key_usage, "digitalSignature")));
  auto ku_only = CsrSans(*Csr(std::move(exts)));
  ASSERT_TRUE(ku_only) << ku_only.error().message;
  EXPECT_TRUE(ku_only->empty());
}

TEST(CsrSans, UndecodableOrUnsupportedSubjectAltNameIsBadRequest) {
  Asn1OctetStringPtr garbage(ASN1_OCTET_STRING_new());
  ASN1_OCTET_STRING_set(garbage.get(), reinterpret_cast<const unsigned char*>("\x30\x03\x82\x05"),
                        4);
  std::vector<X509ExtensionPtr> broken;
  broken.push_back(X509ExtensionPtr(
      X509_EXTENSION_create_by_NID(nullptr, NID_subject_alt_name, 0, garbage.get())));
  auto c = CsrSans(*Csr(std::move(broken)));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::kBadRequest);

  GeneralNamesPtr names = std::move(*SansFromText({"DNS:a.example"}));
  GeneralNamePtr dir(GENERAL_NAME_new());
  X509NamePtr dn = Name({{"CN", "x"}});
  GENERAL_NAME_set0_value(dir.get(), GEN_DIRNAME, dn.release());
  sk_GENERAL_NAME_push(names.get(), dir.release());
  std::vector<X509ExtensionPtr> dirname;
  dirname.push_back(SanExtension(*names));
  auto d = CsrSans(*Csr(std::move(dirname)));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace scepgate::policy
