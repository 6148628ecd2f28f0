// Behavioural tests of certificate storage, run against every Store implementation.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "store/store_test_fixture.h"

namespace scepgate::store {
namespace {

using Strings = std::vector<std::string>;

TYPED_TEST_SUITE(StoreTest, Backends, BackendNames);

TYPED_TEST(StoreTest, CertificateRoundTripKeepsEveryField) {
  CertificateRecord cert = MakeCert("0a1b2c", 1700000000);
  cert.subject = "CN=Jürgen Müller,O=Ünïcødé 株式会社,OU=a\\,b";
  cert.sans = {"DNS:a,b.example", "email:\"quoted\"@example.com", "URI:x\\y", "UPN:ü@例え", ""};
  cert.der = {0x30, 0x00, 0x00, 0xff, 0x00, 0x01, 0x00};
  cert.status = CertStatus::kRevoked;
  cert.revoked_at = 1700000500;
  cert.revocation_reason = 4;
  ASSERT_TRUE(this->store().InsertCertificate(cert));

  auto found = this->store().FindCertificate("0a1b2c");
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(found->has_value());
  ExpectSameCert(cert, **found);
}

TYPED_TEST(StoreTest, EmptyFieldsRoundTrip) {
  CertificateRecord cert;
  cert.serial = "1";
  ASSERT_TRUE(this->store().InsertCertificate(cert));
  auto found = this->store().FindCertificate("1");
  ASSERT_TRUE(found && found->has_value());
  ExpectSameCert(cert, **found);
}

TYPED_TEST(StoreTest, UnknownSerialIsNullopt) {
  ASSERT_TRUE(this->store().InsertCertificate(MakeCert("aa", 1)));
  auto found = this->store().FindCertificate("ab");
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->has_value());
}

TYPED_TEST(StoreTest, DuplicateSerialIsAlreadyExistsAndKeepsTheFirst) {
  ASSERT_TRUE(this->store().InsertCertificate(MakeCert("aa", 1, "t", "CN=first")));
  auto again = this->store().InsertCertificate(MakeCert("aa", 2, "t", "CN=second"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists) << again.error().message;
  EXPECT_EQ((*this->store().FindCertificate("aa"))->subject, "CN=first");
}

TYPED_TEST(StoreTest, RecordIssuanceStoresBothAndLinksTheSerial) {
  CertificateRecord cert = MakeCert("beef", 10);
  RequestRecord request = MakeRequest("corr-1", 10);
  auto id = this->store().RecordIssuance(MakeIssuance(cert, request));
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_GT(*id, 0);

  auto found = this->store().FindCertificate("beef");
  ASSERT_TRUE(found && found->has_value());
  ExpectSameCert(cert, **found);
  auto requests = this->store().ListRequests({});
  ASSERT_TRUE(requests);
  ASSERT_EQ(requests->size(), 1u);
  request.cert_serial = "beef";
  ExpectSameRequest(request, requests->front());
  EXPECT_EQ(requests->front().id, *id);
}

TYPED_TEST(StoreTest, RecordIssuanceClashWritesNothing) {
  ASSERT_TRUE(this->store().InsertCertificate(MakeCert("aa", 1, "t", "CN=first")));
  auto id = this->store().RecordIssuance(
      MakeIssuance(MakeCert("aa", 2, "t", "CN=second"), MakeRequest("corr", 2)));
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, ErrorCode::kAlreadyExists) << id.error().message;
  EXPECT_TRUE(this->store().ListRequests({})->empty());
  EXPECT_EQ((*this->store().FindCertificate("aa"))->subject, "CN=first");
  // The store is still usable afterwards (no transaction left open).
  EXPECT_TRUE(this->store().RecordIssuance(MakeIssuance(MakeCert("bb", 3), MakeRequest("ok", 3))));
  EXPECT_EQ(this->store().ListRequests({})->size(), 1u);
}

TYPED_TEST(StoreTest, FindByTransactionIsOldestFirst) {
  Store& s = this->store();
  ASSERT_TRUE(s.InsertCertificate(MakeCert("c3", 300, "tx")));
  ASSERT_TRUE(s.InsertCertificate(MakeCert("c1", 100, "tx")));
  ASSERT_TRUE(s.InsertCertificate(MakeCert("other", 150, "tx-other")));
  ASSERT_TRUE(s.InsertCertificate(MakeCert("c2a", 200, "tx")));
  ASSERT_TRUE(s.InsertCertificate(MakeCert("c2b", 200, "tx")));  // same time: insertion order

  auto found = s.FindByTransaction("tx");
  ASSERT_TRUE(found);
  EXPECT_EQ(SerialsOf(*found), (Strings{"c1", "c2a", "c2b", "c3"}));
  EXPECT_TRUE(s.FindByTransaction("nope")->empty());
}

TYPED_TEST(StoreTest, FindLatestBySubjectPicksNewestOfThatIssuerAndSubject) {
  Store& s = this->store();
  ASSERT_TRUE(s.InsertCertificate(MakeCert("s1", 100, "t", "CN=dev", "ca-a")));
  ASSERT_TRUE(s.InsertCertificate(MakeCert("s3", 300, "t", "CN=dev", "ca-a")));
  ASSERT_TRUE(s.InsertCertificate(MakeCert("s2", 200, "t", "CN=dev", "ca-a")));
  ASSERT_TRUE(s.InsertCertificate(MakeCert("other-ca", 400, "t", "CN=dev", "ca-b")));
  ASSERT_TRUE(s.InsertCertificate(MakeCert("other-cn", 500, "t", "CN=dev2", "ca-a")));

  auto latest = s.FindLatestBySubject("ca-a", "CN=dev");
  ASSERT_TRUE(latest && latest->has_value());
  EXPECT_EQ((*latest)->serial, "s3");
  ASSERT_TRUE(s.InsertCertificate(MakeCert("s3-later", 300, "t", "CN=dev", "ca-a")));
  EXPECT_EQ((*s.FindLatestBySubject("ca-a", "CN=dev"))->serial, "s3-later");
  EXPECT_FALSE(s.FindLatestBySubject("ca-a", "CN=nobody")->has_value());
  EXPECT_FALSE(s.FindLatestBySubject("ca-c", "CN=dev")->has_value());
}

TYPED_TEST(StoreTest, ListCertificatesFiltersLimitsAndOrdersNewestFirst) {
  Store& s = this->store();
  ASSERT_TRUE(s.InsertCertificate(MakeCert("a1", 100, "t", "CN=x", "ca-a")));
  ASSERT_TRUE(s.InsertCertificate(MakeCert("b1", 400, "t", "CN=x", "ca-b")));
  ASSERT_TRUE(s.InsertCertificate(MakeCert("a2", 300, "t", "CN=x", "ca-a")));
  ASSERT_TRUE(s.InsertCertificate(MakeCert("a3", 200, "t", "CN=x", "ca-a")));
  ASSERT_TRUE(s.InsertCertificate(MakeCert("a4", 200, "t", "CN=x", "ca-a")));
  ASSERT_TRUE(s.Revoke("a2", 1, 1000));
  ASSERT_TRUE(s.Revoke("b1", 1, 1000));

  EXPECT_EQ(SerialsOf(*s.ListCertificates({})), (Strings{"b1", "a2", "a4", "a3", "a1"}));
  EXPECT_EQ(SerialsOf(*s.ListCertificates(Certs({}, {}, 2))), (Strings{"b1", "a2"}));
  EXPECT_EQ(SerialsOf(*s.ListCertificates(Certs({}, "ca-a"))), (Strings{"a2", "a4", "a3", "a1"}));
  EXPECT_EQ(SerialsOf(*s.ListCertificates(Certs(CertStatus::kRevoked, {}))), (Strings{"b1", "a2"}));
  EXPECT_EQ(SerialsOf(*s.ListCertificates(Certs(CertStatus::kValid, {}))),
            (Strings{"a4", "a3", "a1"}));
  CertFilter both = Certs(CertStatus::kValid, "ca-a", 2);
  EXPECT_EQ(SerialsOf(*s.ListCertificates(both)), (Strings{"a4", "a3"}));
  EXPECT_TRUE(s.ListCertificates(Certs({}, "ca-z"))->empty());
}

TYPED_TEST(StoreTest, ListCertificatesPagesByCursorOverTiesAndFilters) {
  Store& s = this->store();
  // 23 certificates over 5 seconds, several in the same second, inserted out of time order.
  Strings all;
  for (int i = 0; i < 23; ++i) {
    std::string serial = (i % 2 ? "ab" : "cd") + std::to_string(100 + i);
    CertificateRecord c = MakeCert(serial, 1000 + (i * 7) % 5, "t",
                                   i % 3 ? "CN=laptop-" + std::to_string(i) : "CN=phone-1");
    c.device_id = i % 4 == 0 ? "dev-4" : "";
    c.profile = i % 2 ? "wifi" : "vpn";
    ASSERT_TRUE(s.InsertCertificate(c));
  }
  Strings everything = SerialsOf(*s.ListCertificates({}));
  ASSERT_EQ(everything.size(), 23u);
  // Pages of 5 walk the same order, each certificate once, whatever ties there are.
  auto walk = [&](CertFilter f) {
    Strings got;
    f.limit = 5;
    for (int pages = 0; pages < 30; ++pages) {
      auto page = s.ListCertificates(f);
      EXPECT_TRUE(page) << page.error().message;
      if (!page || page->empty()) break;
      for (const auto& c : *page) {
        got.push_back(c.serial);
        EXPECT_GT(c.seq, 0) << c.serial;
      }
      f.after = CertCursor{page->back().created_at, page->back().seq};
      if (ParseCertCursor(CertCursorText(page->back())) != *f.after) ADD_FAILURE() << "cursor";
    }
    return got;
  };
  EXPECT_EQ(walk({}), everything);
  // Each filter, paged, gives what the filter gives unpaged, in the same order.
  std::vector<CertFilter> filters(6);
  filters[0].subject_prefix = "CN=laptop-";
  filters[1].serial_prefix = "ab1";
  filters[2].device_id = "dev-4";
  filters[3].profile = "wifi";
  filters[4].issued_from = 1001;
  filters[4].issued_until = 1003;
  filters[5].status = CertStatus::kValid;
  filters[5].subject_prefix = "CN=phone";
  for (size_t i = 0; i < filters.size(); ++i) {
    Strings unpaged = SerialsOf(*s.ListCertificates(filters[i]));
    EXPECT_FALSE(unpaged.empty()) << i;
    EXPECT_LT(unpaged.size(), 23u) << i;
    EXPECT_EQ(walk(filters[i]), unpaged) << i;
    for (const std::string& serial : unpaged)
      EXPECT_NE(std::ranges::find(everything, serial), everything.end());
  }
  auto in_range = s.ListCertificates(filters[4]);
  ASSERT_TRUE(in_range);
  for (const auto& c : *in_range)
    EXPECT_TRUE(c.created_at >= 1001 && c.created_at < 1003) << c.created_at;
  // A subject prefix is a prefix, not a pattern.
  CertFilter pattern;
  pattern.subject_prefix = "CN=%";
  EXPECT_TRUE(s.ListCertificates(pattern)->empty());
  pattern.subject_prefix = "CN=lapto_";
  EXPECT_TRUE(s.ListCertificates(pattern)->empty());
}

TYPED_TEST(StoreTest, RevokeMarksOnceAndReportsUnknownSerials) {
  Store& s = this->store();
  ASSERT_TRUE(s.InsertCertificate(MakeCert("aa", 100)));
  ASSERT_TRUE(s.InsertCertificate(MakeCert("bb", 100)));
  auto revoked = s.Revoke("aa", 4, 5000);
  ASSERT_TRUE(revoked) << revoked.error().message;

  auto cert = *s.FindCertificate("aa");
  EXPECT_EQ(cert->status, CertStatus::kRevoked);
  EXPECT_EQ(cert->revoked_at, 5000);
  EXPECT_EQ(cert->revocation_reason, 4);
  EXPECT_EQ((*s.FindCertificate("bb"))->status, CertStatus::kValid);

  auto again = s.Revoke("aa", 1, 6000);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists) << again.error().message;
  EXPECT_EQ((*s.FindCertificate("aa"))->revoked_at, 5000);
  EXPECT_EQ((*s.FindCertificate("aa"))->revocation_reason, 4);

  auto unknown = s.Revoke("cc", 1, 6000);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound) << unknown.error().message;
}

OutboxEvent RevokedEventFor(const CertificateRecord& c) {
  OutboxEvent e;
  e.type = "certificate.revoked";
  e.payload = "{\"serial\":\"" + c.serial + "\",\"subject\":\"" + c.subject + "\"}";
  e.created_at = 5000;
  return e;
}

TYPED_TEST(StoreTest, RevokeManyRevokesEachOnceQueuesOneEventEachAndFeedsTheCrl) {
  Store& s = this->store();
  ASSERT_TRUE(s.InsertCertificate(MakeCert("aa", 100)));
  ASSERT_TRUE(s.InsertCertificate(MakeCert("bb", 100, "tid-2", "CN=device-2", "issuer-b")));
  ASSERT_TRUE(s.InsertCertificate(MakeCert("cc", 100)));
  ASSERT_TRUE(s.InsertCertificate(MakeCert("dd", 100)));
  ASSERT_TRUE(s.Revoke("dd", 1, 10));
  Strings serials{"cc", "zz", "bb", "aa", "dd", "aa"};
  std::vector<std::string> seen;
  auto done = s.RevokeMany(serials, 5, 5000, [&](const CertificateRecord& c) {
    seen.push_back(c.subject);
    return RevokedEventFor(c);
  });
  ASSERT_TRUE(done) << done.error().message;
  ASSERT_EQ(done->size(), serials.size());
  const std::vector<std::pair<RevokeOutcome, std::string>> want = {
      {RevokeOutcome::kRevoked, "issuer-a"},        {RevokeOutcome::kNotFound, ""},
      {RevokeOutcome::kRevoked, "issuer-b"},        {RevokeOutcome::kRevoked, "issuer-a"},
      {RevokeOutcome::kAlreadyRevoked, "issuer-a"}, {RevokeOutcome::kAlreadyRevoked, "issuer-a"}};
  for (size_t i = 0; i < serials.size(); ++i) {
    EXPECT_EQ((*done)[i].serial, serials[i]);
    EXPECT_EQ((*done)[i].outcome, want[i].first) << serials[i];
    EXPECT_EQ((*done)[i].issuer_id, want[i].second) << serials[i];
  }
  EXPECT_EQ(seen.size(), 3u);  // one event per certificate revoked, none for the others
  auto events = s.ListEvents({});
  ASSERT_TRUE(events);
  EXPECT_EQ(events->size(), 3u);
  auto cert = *s.FindCertificate("aa");
  EXPECT_EQ(cert->revoked_at, 5000);
  EXPECT_EQ(cert->revocation_reason, 5);
  EXPECT_EQ((*s.FindCertificate("dd"))->revoked_at, 10);  // untouched

  auto crl = s.ListRevoked("issuer-a");
  ASSERT_TRUE(crl) << crl.error().message;
  std::map<std::string, std::pair<int64_t, int>> entries;
  for (const RevokedSerial& r : *crl) entries[r.serial] = {r.revoked_at, r.reason};
  EXPECT_EQ(entries, (std::map<std::string, std::pair<int64_t, int>>{
                         {"aa", {5000, 5}}, {"cc", {5000, 5}}, {"dd", {10, 1}}}));
  EXPECT_EQ(s.ListRevoked("issuer-b")->size(), 1u);
  EXPECT_TRUE(s.ListRevoked("issuer-z")->empty());
  // An empty list is no error.
  EXPECT_TRUE(s.RevokeMany({}, 1, 1, RevokedEventFor)->empty());
}

TYPED_TEST(StoreTest, FindCrlIfChangedLeavesOutTheDerTheCallerHolds) {
  Store& s = this->store();
  EXPECT_FALSE(*s.FindCrlIfChanged("issuer-a", -1));
  ASSERT_TRUE(*s.StoreCrl({"issuer-a", 7, 700, Bytes{0x30, 0x01, 0x07}}));
  auto fresh = s.FindCrlIfChanged("issuer-a", 6);
  ASSERT_TRUE(fresh && *fresh) << (fresh ? "none" : fresh.error().message);
  EXPECT_EQ((*fresh)->number, 7);
  EXPECT_EQ((*fresh)->this_update, 700);
  EXPECT_EQ((*fresh)->der, (Bytes{0x30, 0x01, 0x07}));
  auto same = s.FindCrlIfChanged("issuer-a", 7);
  ASSERT_TRUE(same && *same);
  EXPECT_EQ((*same)->number, 7);
  EXPECT_EQ((*same)->this_update, 700);
  EXPECT_TRUE((*same)->der.empty());
  EXPECT_EQ((*s.FindCrl("issuer-a"))->der, (Bytes{0x30, 0x01, 0x07}));
}

// Overlapping batches from several threads (and, on PostgreSQL, connections), each in its own
// order: every certificate is revoked by exactly one batch and has exactly one event.
TYPED_TEST(StoreTest, ConcurrentOverlappingRevokeManyRevokesEachCertificateOnce) {
  Store& s = this->store();
  constexpr int kCerts = 60;
  constexpr int kThreads = 6;
  constexpr int kRounds = 3;
  for (int round = 0; round < kRounds; ++round) {
    Strings all;
    for (int i = 0; i < kCerts; ++i) {
      all.push_back("r" + std::to_string(round) + "x" + std::to_string(i));
      ASSERT_TRUE(s.InsertCertificate(MakeCert(all.back(), 100, "tid-" + all.back())));
    }
    std::atomic<int> revoked{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        Strings mine = all;  // every thread names every serial, rotated and some reversed
        std::rotate(mine.begin(), mine.begin() + (t * 7) % kCerts, mine.end());
        if (t % 2 == 1) std::reverse(mine.begin(), mine.end());
        auto done = s.RevokeMany(mine, 4, 6000, RevokedEventFor);
        if (!done) {
          failures.fetch_add(1);
          return;
        }
        for (const Revocation& r : *done)
          if (r.outcome == RevokeOutcome::kRevoked) revoked.fetch_add(1);
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0) << "round " << round;
    EXPECT_EQ(revoked.load(), kCerts) << "round " << round;
  }
  auto events = s.ListEvents({});
  ASSERT_TRUE(events);
  EXPECT_EQ(events->size(), static_cast<size_t>(kCerts * kRounds));
}

}  // namespace
}  // namespace scepgate::store
