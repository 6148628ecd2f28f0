#include "ca/hierarchy.h"

#include <gtest/gtest.h>

#include "ca/key_spec.h"
#include "ca/test_util.h"

namespace scepgate::ca {
namespace {

using namespace testutil;

unsigned KeyUsage(const X509& cert) { return X509_get_key_usage(const_cast<X509*>(&cert)); }
long PathLen(const X509& cert) { return X509_get_pathlen(const_cast<X509*>(&cert)); }
bool IsCa(const X509& cert) {
  return (X509_get_extension_flags(const_cast<X509*>(&cert)) & EXFLAG_CA) != 0;
}

TEST(Hierarchy, RootIsASelfSignedCa) {
  SystemRandom random;
  const int64_t now = Now();
  EvpPkeyPtr key = SharedKey("ec:p256");
  auto root = MakeRootCa(*key, "Acme Root CA", 7300, now, random);
  ASSERT_TRUE(root) << root.error().message;
  const X509& r = **root;
  EXPECT_EQ(NameToString(*X509_get_subject_name(&r)), "CN=Acme Root CA");
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(&r), X509_get_issuer_name(&r)), 0);
  EXPECT_EQ(X509_self_signed(const_cast<X509*>(&r), 1), 1);
  EXPECT_TRUE(IsCa(r));
  EXPECT_EQ(Criticality(r, NID_basic_constraints), 1);
  EXPECT_EQ(PathLen(r), -1);
  EXPECT_EQ(KeyUsage(r), static_cast<unsigned>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_EQ(Criticality(r, NID_key_usage), 1);
  EXPECT_EQ(SubjectKeyId(r).size(), 20u);
  EXPECT_EQ(AuthorityKeyId(r), SubjectKeyId(r));
  EXPECT_EQ(NotBefore(r), now - 300);
  EXPECT_EQ(NotAfterOf(r), now + int64_t{7300} * 86400);
  EXPECT_EQ(SerialBytes(r).size(), 16u);
  EXPECT_TRUE(IsIssuedBy(r, r));
  EXPECT_EQ(VerifyChain(r, r, {}), "");
}

TEST(Hierarchy, IssuingCaHasPathLenZeroAndIsCappedByItsParent) {
  SystemRandom random;
  const int64_t now = Now();
  EvpPkeyPtr root_key = SharedKey("ec:p256");
  EvpPkeyPtr key = SharedKey("ec:p384");
  X509Ptr root = *MakeRootCa(*root_key, "Acme Root CA", 100, now, random);
  auto issuing = MakeIssuingCa(*key, "Acme Issuing CA", 3650, *root, *root_key, now, random);
  ASSERT_TRUE(issuing) << issuing.error().message;
  const X509& i = **issuing;
  EXPECT_EQ(NameToString(*X509_get_subject_name(&i)), "CN=Acme Issuing CA");
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(&i), X509_get_subject_name(root.get())), 0);
  EXPECT_TRUE(IsCa(i));
  EXPECT_EQ(PathLen(i), 0);
  EXPECT_EQ(Criticality(i, NID_basic_constraints), 1);
  EXPECT_EQ(KeyUsage(i) & (KU_KEY_CERT_SIGN | KU_CRL_SIGN),
            static_cast<unsigned>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_EQ(AuthorityKeyId(i), SubjectKeyId(*root));
  EXPECT_NE(SubjectKeyId(i), SubjectKeyId(*root));
  EXPECT_EQ(NotBefore(i), now - 300);
  EXPECT_EQ(NotAfterOf(i), NotAfterOf(*root));                   // 3650 days asked, root lives 100
  EXPECT_EQ(X509_get_signature_nid(&i), NID_ecdsa_with_SHA256);  // signed by the P-256 root
  EXPECT_TRUE(IsIssuedBy(i, *root));
  EXPECT_EQ(VerifyChain(i, *root, {}), "");

  X509Ptr other_root = *MakeRootCa(*key, "Acme Root CA", 100, now, random);
  EXPECT_FALSE(IsIssuedBy(i, *other_root));  // same name, different key
  EXPECT_NE(VerifyChain(i, *other_root, {}), "");
}

TEST(Hierarchy, IssuingCaRefusesAMismatchedParentKey) {
  SystemRandom random;
  const int64_t now = Now();
  EvpPkeyPtr root_key = SharedKey("ec:p256");
  X509Ptr root = *MakeRootCa(*root_key, "Acme Root CA", 100, now, random);
  auto r = MakeIssuingCa(*root_key, "x", 10, *root, *SharedKey("ec:p384"), now, random);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(Hierarchy, RaCertIsAnRsaEndEntityUnderTheIssuingCa) {
  SystemRandom random;
  const int64_t now = Now();
  TestCa ca = MakeTestCa("ec:p256", now);
  EvpPkeyPtr ra_key = SharedKey("rsa:2048");
  auto ra = MakeRaCert(*ra_key, "Acme RA", 730, *ca.issuing, *ca.issuing_key, now, random);
  ASSERT_TRUE(ra) << ra.error().message;
  const X509& r = **ra;
  EXPECT_EQ(NameToString(*X509_get_subject_name(&r)), "CN=Acme RA");
  EXPECT_FALSE(IsCa(r));
  EXPECT_EQ(Criticality(r, NID_basic_constraints), 1);
  EXPECT_EQ(KeyUsage(r), static_cast<unsigned>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
  EXPECT_EQ(Criticality(r, NID_key_usage), 1);
  EXPECT_EQ(AuthorityKeyId(r), SubjectKeyId(*ca.issuing));
  EXPECT_FALSE(SubjectKeyId(r).empty());
  EXPECT_TRUE(IsIssuedBy(r, *ca.issuing));
  EXPECT_FALSE(IsIssuedBy(r, *ca.root));
  EXPECT_EQ(VerifyChain(r, *ca.root, {ca.issuing.get()}), "");
  EXPECT_NE(VerifyChain(r, *ca.root, {}), "");

  auto ec =
      MakeRaCert(*SharedKey("ec:p256"), "Acme RA", 730, *ca.issuing, *ca.issuing_key, now, random);
  ASSERT_FALSE(ec);
  EXPECT_EQ(ec.error().code, ErrorCode::kInvalidArgument);
}

TEST(Hierarchy, SerialsComeFromTheRandomSource) {
  FakeRandom random(0x90);
  EvpPkeyPtr key = SharedKey("ec:p256");
  X509Ptr root = *MakeRootCa(*key, "Fake Root", 10, Now(), random);
  Bytes expected(16);
  for (size_t i = 0; i < 16; ++i) expected[i] = static_cast<uint8_t>(0x90 + i);
  expected[0] = 0x10;  // 0x90 with the sign bit cleared
  EXPECT_EQ(SerialBytes(*root), expected);
}

}  // namespace
}  // namespace scepgate::ca
