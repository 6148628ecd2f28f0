#include "codec/der_reader.h"

#include <gtest/gtest.h>

namespace scepgate::codec {
namespace {

TEST(DerReaderTest, WalksNestedElements) {
  // SEQUENCE { INTEGER 5, [0] { NULL } }
  const Bytes der = {0x30, 0x07, 0x02, 0x01, 0x05, 0xa0, 0x02, 0x05, 0x00};
  DerReader top(der);
  auto seq = top.Expect(V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, true);
  ASSERT_TRUE(seq);
  EXPECT_TRUE(top.AtEnd());
  EXPECT_EQ(seq->whole.size(), der.size());
  DerReader in(seq->body);
  EXPECT_FALSE(in.Expect(V_ASN1_UNIVERSAL, V_ASN1_OBJECT, false));  // does not move
  auto num = in.Expect(V_ASN1_UNIVERSAL, V_ASN1_INTEGER, false);
  ASSERT_TRUE(num);
  ASSERT_EQ(num->body.size(), 1u);
  EXPECT_EQ(num->body[0], 5);
  auto tagged = in.Expect(V_ASN1_CONTEXT_SPECIFIC, 0, true);
  ASSERT_TRUE(tagged);
  EXPECT_TRUE(in.AtEnd());
  EXPECT_FALSE(in.Next());
}

TEST(DerReaderTest, RejectsOverrunsAndIndefiniteLengths) {
  const Bytes too_long = {0x30, 0x05, 0x02, 0x01};
  EXPECT_FALSE(DerReader(too_long).Next());
  const Bytes huge_length = {0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x00};
  EXPECT_FALSE(DerReader(huge_length).Next());
  const Bytes indefinite = {0x30, 0x80, 0x05, 0x00, 0x00, 0x00};
  EXPECT_FALSE(DerReader(indefinite).Next());
  const Bytes header_only = {0x30};
  EXPECT_FALSE(DerReader(header_only).Next());
  EXPECT_FALSE(DerReader(ByteView()).Next());
}

TEST(DerReaderTest, OidAndSequenceHelpers) {
  const Bytes sha256_oid = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
  auto e = DerReader(sha256_oid).Next();
  ASSERT_TRUE(e);
  EXPECT_EQ(DerOidNid(*e), NID_sha256);
  const Bytes not_oid = {0x02, 0x01, 0x05};
  EXPECT_EQ(DerOidNid(*DerReader(not_oid).Next()), std::nullopt);

  Bytes body(300, 0x05);
  Bytes seq = DerSequence(body);
  auto s = DerReader(seq).Expect(V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, true);
  ASSERT_TRUE(s);
  EXPECT_EQ(Bytes(s->body.begin(), s->body.end()), body);
}

}  // namespace
}  // namespace scepgate::codec
