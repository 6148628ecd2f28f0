// Two issuing CAs under one root on one store (option 2 of docs/high-availability.md): node A
// holds the key of issuing CA 1, node B that of issuing CA 2; they share the RA and the
// registry. Each knows the other's CA without its key: GetCACert lists it while it is active,
// certificates it issued are recognised, and its CRL is asked for, never signed, by the node
// without the key.
#include <gtest/gtest.h>

#include "ca/hierarchy.h"
#include "ca/key_spec.h"
#include "codec/pki_message.h"
#include "scep/ca_state.h"
#include "scep/crl_publisher.h"
#include "store/memory_store.h"

namespace scepgate::scep {
namespace {

constexpr int64_t kNow = 1'800'000'000;

using ca::CrlNumber;

X509Ptr Copy(const X509& cert) { return X509Ptr(X509_dup(const_cast<X509*>(&cert))); }
EvpPkeyPtr Copy(const EVP_PKEY& key) {
  EVP_PKEY_up_ref(const_cast<EVP_PKEY*>(&key));
  return EvpPkeyPtr(const_cast<EVP_PKEY*>(&key));
}

class TwoIssuersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto spec = *ca::ParseKeySpec("ec:p256");
    root_key_ = std::move(*ca::GenerateKey(spec));
    root_ = std::move(*ca::MakeRootCa(*root_key_, "R", 3650, kNow, random_));
    for (auto* pair : {&issuer1_, &issuer2_}) {
      pair->key = std::move(*ca::GenerateKey(spec));
      pair->cert = std::move(*ca::MakeIssuingCa(*pair->key, pair == &issuer1_ ? "I1" : "I2", 3650,
                                                *root_, *root_key_, kNow, random_));
    }
    ra_.key = std::move(*ca::GenerateKey(*ca::ParseKeySpec("rsa:2048")));
    ra_.cert = std::move(
        *ca::MakeRaCert(*ra_.key, "RA", 365, *issuer1_.cert, *issuer1_.key, kNow, random_));
    config_.include_root = true;
    Register(issuer1_, "I1");
    Register(issuer2_, "I2");
  }

  void Register(const ca::CaKeyPair& pair, const std::string& name) {
    store::IssuerRecord r;
    r.id = CertSha256(*pair.cert);
    r.cert_der = *CertToDer(*pair.cert);
    r.name = name;
    r.created_at = kNow;
    ASSERT_TRUE(store_.RegisterIssuer(r));
  }

  // The CA state of a node signing with `own`, built from the registry as it is now.
  std::unique_ptr<CaState> Node(const ca::CaKeyPair& own) {
    ca::CaSet set;
    set.root = Copy(*root_);
    set.issuing = {Copy(*own.cert), Copy(*own.key)};
    set.ra = {Copy(*ra_.cert), Copy(*ra_.key)};
    auto registry = store_.ListIssuers();
    EXPECT_TRUE(registry);
    auto state = CaState::Build(std::move(set), config_, *registry);
    EXPECT_TRUE(state) << state.error().message;
    return std::move(*state);
  }

  std::vector<std::string> GetCaCertSubjects(const CaState& cas) {
    auto decoded = codec::DecodeCertsOnly(AsView(cas.ca_cert_body()));
    EXPECT_TRUE(decoded);
    std::vector<std::string> out;
    for (const X509Ptr& c : decoded->certs)
      out.push_back(NameToString(*X509_get_subject_name(c.get())));
    return out;
  }

  // A certificate record issued by `pair`, as the store keeps it.
  std::string IssueFrom(const CaState& cas, const std::string& serial) {
    store::CertificateRecord rec;
    rec.serial = serial;
    rec.issuer_id = cas.current().id;
    rec.created_at = kNow;
    EXPECT_TRUE(store_.InsertCertificate(rec));
    return serial;
  }

  SystemRandom random_;
  EvpPkeyPtr root_key_;
  X509Ptr root_;
  ca::CaKeyPair issuer1_, issuer2_, ra_;
  Config config_;
  store::MemoryStore store_;
  FakeClock clock_{kNow};
};

TEST_F(TwoIssuersTest, GetCaCertListsTheRaOwnIssuerThenTheOtherActiveOnesAndTheRoot) {
  auto b = Node(issuer2_);
  EXPECT_EQ(GetCaCertSubjects(*b), (std::vector<std::string>{"CN=RA", "CN=I2", "CN=I1", "CN=R"}));
  ASSERT_EQ(b->all().size(), 2u);
  EXPECT_TRUE(b->current().issuer->can_sign());
  const IssuingCa* other = b->FindById(CertSha256(*issuer1_.cert));
  ASSERT_NE(other, nullptr);
  EXPECT_FALSE(other->issuer->can_sign());
  EXPECT_FALSE(other->current);

  // Retired: no longer offered, still known.
  const std::string before = b->foreign_issuers();
  ASSERT_TRUE(store_.SetIssuerActive(CertSha256(*issuer1_.cert), false));
  auto registry = *store_.ListIssuers();
  EXPECT_NE(b->ForeignIssuers(registry), before) << "a retirement must be seen as a change";
  auto b2 = Node(issuer2_);
  EXPECT_EQ(GetCaCertSubjects(*b2), (std::vector<std::string>{"CN=RA", "CN=I2", "CN=R"}));
  EXPECT_NE(b2->FindById(CertSha256(*issuer1_.cert)), nullptr);
  EXPECT_EQ(b2->ForeignIssuers(registry), b2->foreign_issuers());
}

TEST_F(TwoIssuersTest, AnIssuerOfAnotherRootInTheRegistryIsIgnored) {
  auto spec = *ca::ParseKeySpec("ec:p256");
  auto other_root_key = *ca::GenerateKey(spec);
  auto other_root = *ca::MakeRootCa(*other_root_key, "R", 3650, kNow, random_);
  ca::CaKeyPair stranger;
  stranger.key = *ca::GenerateKey(spec);
  stranger.cert =
      *ca::MakeIssuingCa(*stranger.key, "S", 3650, *other_root, *other_root_key, kNow, random_);
  Register(stranger, "S");
  auto b = Node(issuer2_);
  EXPECT_EQ(b->FindById(CertSha256(*stranger.cert)), nullptr);
  EXPECT_EQ(GetCaCertSubjects(*b), (std::vector<std::string>{"CN=RA", "CN=I2", "CN=I1", "CN=R"}));
}

TEST_F(TwoIssuersTest, RegisteringTheNodesOwnIssuerIsNoChangeForIt) {
  ca::CaSet set;
  set.root = Copy(*root_);
  set.issuing = {Copy(*issuer2_.cert), Copy(*issuer2_.key)};
  set.ra = {Copy(*ra_.cert), Copy(*ra_.key)};
  auto alone = std::move(*CaState::Build(std::move(set), config_, {}));
  auto registry = *store_.ListIssuers();
  std::vector<store::IssuerRecord> own_only;
  for (const auto& r : registry)
    if (r.id == alone->current().id) own_only.push_back(r);
  EXPECT_EQ(alone->ForeignIssuers(own_only), alone->foreign_issuers());
  EXPECT_NE(alone->ForeignIssuers(registry), alone->foreign_issuers());
}

TEST_F(TwoIssuersTest, ACertificateOfTheOtherIssuerIsRecognisedButNeverSignedWith) {
  auto a = Node(issuer1_);
  auto b = Node(issuer2_);
  // A device certificate from node A's issuing CA, as a renewal through node B presents it.
  auto key = *ca::GenerateKey(*ca::ParseKeySpec("ec:p256"));
  X509ReqPtr csr(X509_REQ_new());
  ASSERT_TRUE(X509_REQ_set_pubkey(csr.get(), key.get()));
  X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(csr.get()), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("device"), -1, -1, 0);
  ca::CertTemplate tmpl;
  tmpl.validity_days = 30;
  auto serial = *ca::RandomSerial(random_);
  auto cert = a->current().issuer->Issue(*csr, tmpl, serial, kNow);
  ASSERT_TRUE(cert) << cert.error().message;
  const IssuingCa* found = b->FindIssuerOf(**cert);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->id, a->current().id);
  auto refused = found->issuer->Issue(*csr, tmpl, serial, kNow);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kFailedPrecondition);
  // Not one of the node's CAs at all: neither.
  auto stranger_key = *ca::GenerateKey(*ca::ParseKeySpec("ec:p256"));
  auto stranger = *ca::MakeRootCa(*stranger_key, "I1", 10, kNow, random_);
  EXPECT_EQ(b->FindIssuerOf(*stranger), nullptr);
}

TEST_F(TwoIssuersTest, ARevocationThroughTheNodeWithoutTheKeyIsPublishedByTheKeyHolder) {
  auto a = Node(issuer1_);
  auto b = Node(issuer2_);
  CrlPublisher crls_a(*a, store_, clock_, CrlOptions{168, 24});
  CrlPublisher crls_b(*b, store_, clock_, CrlOptions{168, 24});
  const std::string id1 = a->current().id;

  auto none = crls_b.Get(id1);
  ASSERT_FALSE(none) << "node B never signs issuing CA 1's CRL";
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(crls_b.RefreshAll());
  EXPECT_FALSE(crls_b.Get(id1)) << "not even when refreshing";

  ASSERT_TRUE(crls_a.RefreshAll());
  auto first = CrlFromDer(*crls_b.Get(id1));  // now served by B as A stored it
  ASSERT_TRUE(first);
  EXPECT_EQ(CrlNumber(**first), 1);

  IssueFrom(*a, "0a0b");
  ASSERT_TRUE(crls_b.Revoke("0a0b", ca::RevocationReason::kKeyCompromise));
  auto wanted = *store_.ListIssuers();
  EXPECT_EQ(wanted.front().crl_wanted, 1);
  EXPECT_EQ(CrlNumber(**CrlFromDer(*crls_b.Get(id1))), 1) << "B signed nothing";
  ASSERT_TRUE(crls_b.PublishWanted());
  EXPECT_EQ(CrlNumber(**CrlFromDer(*crls_b.Get(id1))), 1) << "B cannot publish it";

  ASSERT_TRUE(crls_a.PublishWanted());
  auto second = CrlFromDer(*crls_b.Get(id1));
  ASSERT_TRUE(second);
  EXPECT_EQ(CrlNumber(**second), 2);
  EXPECT_EQ(X509_CRL_verify(second->get(), X509_get0_pubkey(issuer1_.cert.get())), 1);
  ASSERT_EQ(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(second->get())), 1);
  auto after = *store_.ListIssuers();
  EXPECT_EQ(after.front().crl_published, 1);
  ASSERT_TRUE(crls_a.PublishWanted());
  EXPECT_EQ(CrlNumber(**CrlFromDer(*crls_b.Get(id1))), 2) << "nothing more was asked for";

  // Node B's own issuing CA: its revocations are signed at once, by B.
  IssueFrom(*b, "0c0d");
  ASSERT_TRUE(crls_b.Revoke("0c0d", ca::RevocationReason::kSuperseded));
  auto own = CrlFromDer(*crls_a.Get(b->current().id));
  ASSERT_TRUE(own);
  EXPECT_EQ(X509_CRL_verify(own->get(), X509_get0_pubkey(issuer2_.cert.get())), 1);
  EXPECT_EQ(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(own->get())), 1);
}

TEST_F(TwoIssuersTest, ARevokedIssuingCaIsNotListedNotRenewedThroughAndOnTheRootCrl) {
  const std::string id2 = CertSha256(*issuer2_.cert);
  auto before = Node(issuer1_);
  ASSERT_FALSE(before->FindById(id2)->revoked);
  ASSERT_TRUE(store_.RevokeIssuer(id2, 2, kNow + 10));
  EXPECT_NE(before->ForeignIssuers(*store_.ListIssuers()), before->foreign_issuers())
      << "a revocation elsewhere makes running nodes rebuild";
  auto a = Node(issuer1_);
  const IssuingCa* two = a->FindById(id2);
  ASSERT_NE(two, nullptr);
  EXPECT_TRUE(two->revoked);
  EXPECT_FALSE(two->active);
  EXPECT_EQ(GetCaCertSubjects(*a), (std::vector<std::string>{"CN=RA", "CN=I1", "CN=R"}));

  // A node without the root key serves the root's CRL once one was signed, never signs one.
  ASSERT_NE(a->root_ca(), nullptr);
  EXPECT_FALSE(a->root_ca()->issuer->can_sign());
  CrlPublisher crls_a(*a, store_, clock_, CrlOptions{});
  EXPECT_EQ(crls_a.Publish(a->root_ca()->id).error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(crls_a.Current(a->root_ca()->id).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(crls_a.RefreshAll()) << "skips the root it cannot sign for";

  // Where the root key is, the root's CRL lists CA 2, signed by the root.
  ca::CaSet set;
  set.root = Copy(*root_);
  set.root_key = Copy(*root_key_);
  set.issuing = {Copy(*issuer1_.cert), Copy(*issuer1_.key)};
  set.ra = {Copy(*ra_.cert), Copy(*ra_.key)};
  auto holder = std::move(*CaState::Build(std::move(set), config_, *store_.ListIssuers()));
  CrlPublisher crls_root(*holder, store_, clock_, CrlOptions{});
  ASSERT_TRUE(crls_root.RefreshAll());
  auto served = crls_a.Get(a->root_ca()->id);
  ASSERT_TRUE(served) << served.error().message;
  X509CrlPtr crl = std::move(*CrlFromDer(*served));
  EXPECT_EQ(X509_CRL_verify(crl.get(), X509_get0_pubkey(root_.get())), 1);
  X509_REVOKED* entry = nullptr;
  ASSERT_EQ(X509_CRL_get0_by_serial(crl.get(), &entry, X509_get0_serialNumber(issuer2_.cert.get())),
            1);
  Asn1EnumeratedPtr reason(static_cast<ASN1_ENUMERATED*>(
      X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nullptr, nullptr)));
  ASSERT_TRUE(reason);
  EXPECT_EQ(ASN1_ENUMERATED_get(reason.get()), CRL_REASON_CA_COMPROMISE);
  EXPECT_EQ(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl.get())), 1);
}

}  // namespace
}  // namespace scepgate::scep
