#include "codec/signed_writer.h"

#include <gtest/gtest.h>
#include <openssl/err.h>

#include <algorithm>
#include <vector>

#include "codec/der_reader.h"
#include "codec/oids.h"
#include "codec/signed_message.h"
#include "codec/test_util.h"

namespace scepgate::codec {
namespace {

using testing::RaCert;
using testing::RaKey;

ScepAttributes Attrs() {
  ScepAttributes a;
  a.message_type = "3";
  a.pki_status = "2";
  a.fail_info = "2";
  a.transaction_id = "txn with spaces-42";
  a.sender_nonce = testing::Nonce(0x40);
  a.recipient_nonce = testing::Nonce(0x50);
  a.fail_info_text = "KeyLengthMismatch: RSA 1024 < 2048 \xc3\xa9";  // UTF-8
  return a;
}

Bytes Whole(const DerElement& e) { return {e.whole.begin(), e.whole.end()}; }

// The parts of a SignedData that two signers of the same content with the same key must agree
// on: everything except the signingTime value and the signature over it.
struct Parts {
  Bytes digest_algorithms;
  Bytes encap;
  Bytes certificates;
  std::vector<Bytes> signer_head;  // version, sid, digestAlgorithm
  Bytes signature_algorithm;
  std::vector<Bytes> attributes;  // signed attributes other than signingTime, in order
  bool has_signing_time = false;
};

std::optional<Parts> Split(ByteView der) {
  DerReader top(der);
  auto ci = top.Next();
  if (!ci || !top.AtEnd()) return std::nullopt;
  DerReader c(ci->body);
  auto type = c.Next();
  auto wrap = c.Next();
  if (!type || !wrap) return std::nullopt;
  DerReader w(wrap->body);
  auto sd = w.Next();
  if (!sd) return std::nullopt;
  DerReader s(sd->body);
  Parts p;
  auto version = s.Next();
  auto algs = s.Next();
  auto encap = s.Next();
  auto certs = s.Next();
  auto infos = s.Next();
  if (!version || !algs || !encap || !certs || !infos || !s.AtEnd()) return std::nullopt;
  p.digest_algorithms = Whole(*algs);
  p.encap = Whole(*encap);
  p.certificates = Whole(*certs);
  DerReader i(infos->body);
  auto si = i.Next();
  if (!si || !i.AtEnd()) return std::nullopt;
  DerReader r(si->body);
  for (int k = 0; k < 3; ++k) {
    auto e = r.Next();
    if (!e) return std::nullopt;
    p.signer_head.push_back(Whole(*e));
  }
  auto attrs = r.Expect(V_ASN1_CONTEXT_SPECIFIC, 0, true);
  auto sig_alg = r.Next();
  auto sig = r.Next();
  if (!attrs || !sig_alg || !sig || !r.AtEnd()) return std::nullopt;
  p.signature_algorithm = Whole(*sig_alg);
  DerReader a(attrs->body);
  Bytes previous;
  while (!a.AtEnd()) {
    auto attr = a.Next();
    if (!attr) return std::nullopt;
    Bytes bytes = Whole(*attr);
    EXPECT_LE(previous, bytes) << "signed attributes are not in DER SET OF order";
    previous = bytes;
    DerReader x(attr->body);
    auto id = x.Next();
    if (id && std::ranges::equal(id->body, oid::kSigningTime)) {
      p.has_signing_time = true;
      continue;
    }
    p.attributes.push_back(std::move(bytes));
  }
  return p;
}

class SignedWriterDigests : public ::testing::TestWithParam<int> {};

TEST_P(SignedWriterDigests, WritesWhatCmsSignWritesApartFromSigningTime) {
  const Bytes content = {0x30, 0x03, 0x02, 0x01, 0x07};
  auto ours = SignMessageDer(content, RaCert(), RaKey(), GetParam(), Attrs());
  auto cms = SignMessage(content, RaCert(), RaKey(), GetParam(), Attrs());
  ASSERT_TRUE(ours) << ours.error().message;
  ASSERT_TRUE(cms) << cms.error().message;
  auto a = Split(*ours);
  auto b = Split(*cms);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(a->digest_algorithms, b->digest_algorithms);
  EXPECT_EQ(a->encap, b->encap);
  EXPECT_EQ(a->certificates, b->certificates);
  EXPECT_EQ(a->signer_head, b->signer_head);
  EXPECT_EQ(a->signature_algorithm, b->signature_algorithm);
  EXPECT_EQ(a->attributes, b->attributes);
  EXPECT_TRUE(a->has_signing_time);
  EXPECT_TRUE(b->has_signing_time);
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST_P(SignedWriterDigests, OpenSslVerifiesItAndReadsTheAttributes) {
  const Bytes content(777, 0x5a);
  auto der = SignMessageDer(content, RaCert(), RaKey(), GetParam(), Attrs());
  ASSERT_TRUE(der) << der.error().message;
  auto m = ReadSignedMessage(*der);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_TRUE(m->signature_valid);
  EXPECT_EQ(m->digest_nid, GetParam());
  EXPECT_EQ(X509_cmp(m->signer.get(), &RaCert()), 0);
  ASSERT_TRUE(m->content);
  EXPECT_EQ(*m->content, content);
  ScepAttributes want = Attrs();
  EXPECT_EQ(m->attributes.message_type, want.message_type);
  EXPECT_EQ(m->attributes.pki_status, want.pki_status);
  EXPECT_EQ(m->attributes.fail_info, want.fail_info);
  EXPECT_EQ(m->attributes.transaction_id, want.transaction_id);
  EXPECT_EQ(m->attributes.sender_nonce, want.sender_nonce);
  EXPECT_EQ(m->attributes.recipient_nonce, want.recipient_nonce);
  EXPECT_EQ(m->attributes.fail_info_text, want.fail_info_text);
}

INSTANTIATE_TEST_SUITE_P(Digests, SignedWriterDigests,
                         ::testing::Values(NID_sha1, NID_sha256, NID_sha512));

TEST(SignedWriterTest, EmptyContentAsCmsSignWritesIt) {
  auto ours = SignMessageDer({}, RaCert(), RaKey(), NID_sha256, Attrs());
  auto cms = SignMessage({}, RaCert(), RaKey(), NID_sha256, Attrs());
  ASSERT_TRUE(ours && cms);
  auto a = Split(*ours);
  auto b = Split(*cms);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->encap, b->encap);
  auto m = ReadSignedMessage(*ours);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->signature_valid);
}

TEST(SignedWriterTest, ALongContentGetsLongFormLengths) {
  const Bytes content(70000, 0x11);
  auto der = SignMessageDer(content, RaCert(), RaKey(), NID_sha256, Attrs());
  ASSERT_TRUE(der);
  auto m = ReadSignedMessage(*der);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->signature_valid);
  EXPECT_EQ(m->content, content);
}

TEST(SignedWriterTest, RefusesAnEcKeyAndAnUnknownDigest) {
  EvpPkeyPtr ec(EVP_EC_gen("P-256"));
  ASSERT_TRUE(ec);
  auto r = SignMessageDer({}, RaCert(), *ec, NID_sha256, Attrs());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  auto d = SignMessageDer({}, RaCert(), RaKey(), NID_undef, Attrs());
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, ErrorCode::kBadAlg);
}

}  // namespace
}  // namespace scepgate::codec
