// OcspResponder over the in-memory store with a fake clock, its answers read back with OpenSSL's
// client side: statuses follow the store at once (a cached signature never outlives a
// revocation), nonces are echoed, a CertID of a CA not held here is unauthorized, and the
// delegated responder certificate is renewed at half its lifetime.
#include "scep/ocsp_responder.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <utility>

#include "ca/hierarchy.h"
#include "ca/key_spec.h"
#include "scep/test_records.h"
#include "store/memory_store.h"

namespace scepgate::scep {
namespace {

constexpr int64_t kNow = 1'800'000'000;

struct Parsed {
  int response_status = -1;
  int cert_status = -1;
  int reason = -1;
  OcspBasicRespPtr basic;
};

class OcspResponderTest : public ::testing::Test {
 protected:
  void SetUp() override { Build(false); }

  // `with_root`: the root's key is here and the responder reads the issuer registry.
  void Build(bool sign_with_ca, bool with_root = false) {
    SystemRandom r;
    auto spec = *ca::ParseKeySpec("ec:p256");
    ca::CaSet set;
    root_key_ = std::move(*ca::GenerateKey(spec));
    set.root = std::move(*ca::MakeRootCa(*root_key_, "R", 3650, kNow - 100, r));
    root_.reset(X509_dup(set.root.get()));
    set.issuing.key = std::move(*ca::GenerateKey(spec));
    set.issuing.cert = std::move(
        *ca::MakeIssuingCa(*set.issuing.key, "I", 3650, *set.root, *root_key_, kNow - 100, r));
    issuing_.reset(X509_dup(set.issuing.cert.get()));
    if (with_root) {
      EVP_PKEY_up_ref(root_key_.get());
      set.root_key.reset(root_key_.get());
    }
    set.ra.key = std::move(*ca::GenerateKey(*ca::ParseKeySpec("rsa:2048")));
    set.ra.cert = std::move(*ca::MakeRaCert(*set.ra.key, "RA", 365, *set.issuing.cert,
                                            *set.issuing.key, kNow - 100, r));
    cas_ = std::move(*CaState::Build(std::move(set), Config{}));
    OcspOptions o;
    o.validity_minutes = 60;
    o.responder_hours = 24;
    o.sign_with_ca = sign_with_ca;
    responder_ = std::make_unique<OcspResponder>(*cas_, store_, clock_, random_, o,
                                                 with_root ? &store_ : nullptr);
  }
  void AddCert(const std::string& serial) {
    testing::InsertCertificate(store_, serial, cas_->current().id, kNow);
  }
  OcspRequestPtr Request(const X509& issuer, const std::string& serial_hex, bool nonce) {
    OcspRequestPtr req(OCSP_REQUEST_new());
    BIGNUM* bn = nullptr;
    BN_hex2bn(&bn, serial_hex.c_str());
    Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn, nullptr));
    BN_free(bn);
    OCSP_request_add0_id(req.get(),
                         OCSP_cert_id_new(EVP_sha1(), X509_get_subject_name(&issuer),
                                          X509_get0_pubkey_bitstr(&issuer), serial.get()));
    if (nonce) {
      OCSP_request_add1_nonce(req.get(), nullptr, 16);
    }
    return req;
  }
  static Bytes Der(OCSP_REQUEST* req) {
    unsigned char* out = nullptr;
    int len = i2d_OCSP_REQUEST(req, &out);
    Bytes der(out, out + len);
    OPENSSL_free(out);
    return der;
  }
  // Asks about one serial of `issuer` (the issuing CA by default) and reads the answer back,
  // verifying its signature as a relying party trusting the root.
  Parsed Ask(const std::string& serial, bool nonce = false, const X509* issuer = nullptr,
             OcspReply* raw = nullptr) {
    OcspRequestPtr req =
        Request(issuer != nullptr ? *issuer : std::as_const(*issuing_), serial, nonce);
    OcspReply reply = responder_->Respond(Der(req.get()));
    if (raw != nullptr) *raw = reply;
    Parsed out;
    const unsigned char* p = reply.der.data();
    OcspResponsePtr resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(reply.der.size())));
    EXPECT_TRUE(resp);
    if (!resp) return out;
    out.response_status = OCSP_response_status(resp.get());
    if (out.response_status != OCSP_RESPONSE_STATUS_SUCCESSFUL) return out;
    out.basic.reset(OCSP_response_get1_basic(resp.get()));
    X509StorePtr store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), root_.get());
    // The certificates are made for the fake clock's time, verified at it.
    X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()),
                               static_cast<time_t>(clock_.Now()));
    X509StackPtr untrusted(sk_X509_new_null());
    X509_up_ref(issuing_.get());
    sk_X509_push(untrusted.get(), issuing_.get());
    EXPECT_EQ(OCSP_basic_verify(out.basic.get(), untrusted.get(), store.get(), 0), 1);
    if (nonce) {
      EXPECT_EQ(OCSP_check_nonce(req.get(), out.basic.get()), 1);
    }
    OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req.get(), 0));
    ASN1_GENERALIZEDTIME *rev = nullptr, *thisupd = nullptr, *nextupd = nullptr;
    EXPECT_EQ(OCSP_resp_find_status(out.basic.get(), id, &out.cert_status, &out.reason, &rev,
                                    &thisupd, &nextupd),
              1);
    return out;
  }
  // The responder certificate a response carries.
  static std::string SignerSubject(const Parsed& p) {
    const STACK_OF(X509)* certs = OCSP_resp_get0_certs(p.basic.get());
    if (sk_X509_num(certs) == 0) return "";
    return NameToString(*X509_get_subject_name(sk_X509_value(certs, 0)));
  }

  store::MemoryStore store_;
  FakeClock clock_{kNow};
  SystemRandom random_;
  EvpPkeyPtr root_key_;
  X509Ptr root_;
  X509Ptr issuing_;
  std::unique_ptr<CaState> cas_;
  std::unique_ptr<OcspResponder> responder_;
};

// With the root's key here, the root answers for the issuing CAs it issued, from the registry:
// good, then revoked at once after RevokeIssuer; a serial it never issued is unknown.
TEST_F(OcspResponderTest, TheRootAnswersForItsIssuingCasFromTheRegistry) {
  Build(false, true);
  const std::string id = cas_->current().id;
  ASSERT_TRUE(store_.RegisterIssuer({id, *CertToDer(*issuing_), "I", true, kNow, 0, 0}));
  const std::string serial = SerialHex(*X509_get0_serialNumber(issuing_.get()));
  Parsed good = Ask(serial, false, root_.get());
  ASSERT_EQ(good.response_status, OCSP_RESPONSE_STATUS_SUCCESSFUL);
  EXPECT_EQ(good.cert_status, V_OCSP_CERTSTATUS_GOOD);
  EXPECT_EQ(Ask("7777", false, root_.get()).cert_status, V_OCSP_CERTSTATUS_UNKNOWN);
  ASSERT_TRUE(store_.RevokeIssuer(id, 2, kNow + 1));
  Parsed revoked = Ask(serial, false, root_.get());
  EXPECT_EQ(revoked.cert_status, V_OCSP_CERTSTATUS_REVOKED);
  EXPECT_EQ(revoked.reason, 2);
  // The issuing CA's own certificates are still answered by it.
  AddCert("abc");
  EXPECT_EQ(Ask("abc").cert_status, V_OCSP_CERTSTATUS_GOOD);
}

// Without the registry (or the root's key) the root's certificates stay unauthorized.
TEST_F(OcspResponderTest, WithoutTheRootKeyTheRootIsNotAnsweredFor) {
  OcspRequestPtr req = Request(*root_, "01", false);
  OcspReply reply = responder_->Respond(Der(req.get()));
  EXPECT_EQ(reply.outcome, "unauthorized");
}

TEST_F(OcspResponderTest, GoodRevokedAndUnknownFollowTheStoreAtOnce) {
  AddCert("1a2b");
  Parsed good = Ask("1a2b");
  EXPECT_EQ(good.response_status, OCSP_RESPONSE_STATUS_SUCCESSFUL);
  EXPECT_EQ(good.cert_status, V_OCSP_CERTSTATUS_GOOD);
  EXPECT_EQ(SignerSubject(good), "CN=I OCSP Responder");
  EXPECT_EQ(Ask("99").cert_status, V_OCSP_CERTSTATUS_UNKNOWN);

  ASSERT_TRUE(store_.Revoke("1a2b", 1, kNow + 5));
  Parsed revoked = Ask("1a2b");
  EXPECT_EQ(revoked.cert_status, V_OCSP_CERTSTATUS_REVOKED) << "the cached good was not reused";
  EXPECT_EQ(revoked.reason, OCSP_REVOKED_STATUS_KEYCOMPROMISE);
}

TEST_F(OcspResponderTest, AnUnchangedStatusReusesTheSignatureAndANonceNever) {
  AddCert("77");
  OcspReply first, second, third;
  Ask("77", false, nullptr, &first);
  clock_.Advance(60);
  Ask("77", false, nullptr, &second);
  EXPECT_TRUE(first.cacheable);
  EXPECT_EQ(first.der, second.der) << "same status, fresh enough: the same signed answer";
  EXPECT_EQ(second.this_update, kNow);
  EXPECT_EQ(second.next_update, kNow + 3600);
  clock_.Advance(31 * 60);  // past half its validity: signed anew
  Ask("77", false, nullptr, &third);
  EXPECT_NE(third.der, first.der);
  EXPECT_EQ(third.this_update, kNow + 60 + 31 * 60);
  OcspReply with_nonce_a, with_nonce_b;
  Ask("77", true, nullptr, &with_nonce_a);
  Ask("77", true, nullptr, &with_nonce_b);
  EXPECT_FALSE(with_nonce_a.cacheable);
  EXPECT_NE(with_nonce_a.der, with_nonce_b.der);
}

TEST_F(OcspResponderTest, OtherCasAreUnauthorizedAndJunkIsMalformed) {
  EXPECT_EQ(Ask("01", false, root_.get()).response_status, OCSP_RESPONSE_STATUS_UNAUTHORIZED);
  OcspReply junk = responder_->Respond(Bytes{0x30, 0x03, 0x02, 0x01, 0x00});
  EXPECT_EQ(junk.outcome, "malformedRequest");
  const unsigned char* p = junk.der.data();
  OcspResponsePtr resp(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(junk.der.size())));
  ASSERT_TRUE(resp);
  EXPECT_EQ(OCSP_response_status(resp.get()), OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
}

TEST_F(OcspResponderTest, TheDelegatedCertificateIsRenewedAtHalfItsLifetime) {
  AddCert("5");
  Parsed first = Ask("5", true);
  const X509* a = sk_X509_value(OCSP_resp_get0_certs(first.basic.get()), 0);
  std::string serial_a = SerialHex(*X509_get0_serialNumber(a));
  clock_.Advance(11 * 3600);
  Parsed same = Ask("5", true);
  EXPECT_EQ(
      SerialHex(*X509_get0_serialNumber(sk_X509_value(OCSP_resp_get0_certs(same.basic.get()), 0))),
      serial_a);
  clock_.Advance(2 * 3600);  // 13 h of 24: renewed
  Parsed renewed = Ask("5", true);
  EXPECT_NE(SerialHex(*X509_get0_serialNumber(
                sk_X509_value(OCSP_resp_get0_certs(renewed.basic.get()), 0))),
            serial_a);
}

TEST_F(OcspResponderTest, WithSignWithCaTheIssuingCaSignsItself) {
  Build(true);
  AddCert("6");
  Parsed p = Ask("6");
  EXPECT_EQ(p.cert_status, V_OCSP_CERTSTATUS_GOOD);
  EXPECT_EQ(SignerSubject(p), "CN=I");
}

// Readers on several threads while a revocation lands: once it has returned, no answer says good.
TEST_F(OcspResponderTest, NoGoodAnswerAfterTheRevocationReturnedWhateverTheThreads) {
  for (int round = 0; round < 5; ++round) {
    const std::string serial = "abc" + std::to_string(round);
    AddCert(serial);
    std::atomic<bool> revoked{false};
    std::atomic<bool> done{false};
    std::atomic<int> stale{0};
    std::atomic<int> answers{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 4; ++t) {
      readers.emplace_back([&] {
        while (!done.load()) {
          const bool after = revoked.load();
          OcspRequestPtr req = Request(*issuing_, serial, false);
          OcspReply reply = responder_->Respond(Der(req.get()));
          ++answers;
          if (after && reply.outcome == "good") ++stale;
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(store_.Revoke(serial, 4, kNow));
    revoked = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    done = true;
    for (auto& t : readers) t.join();
    EXPECT_EQ(stale.load(), 0) << "round " << round;
    EXPECT_GT(answers.load(), 0);
  }
}

}  // namespace
}  // namespace scepgate::scep
