// The store's exactly-once guarantees across processes on one PostgreSQL database, as several
// nodes (and CLI commands) race: each child opens its own PostgresStore, with its own
// connections, and the children are released together (fork_race.h). Modelled on
// sqlite/processes_test.cc; the thread races are in store/claims_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "store/postgres/fork_race.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/test_server.h"
#include "store/store_test_fixture.h"

namespace scepgate::store {
namespace {

using pg::CountOf;

constexpr int kProcesses = 8;
constexpr int kRounds = 5;
constexpr int kOpenFailed = 90;

class PgProcessesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = pg::SharedPostgres();
    ASSERT_TRUE(server) << server.error().message;
    auto database = (*server)->CreateDatabase();
    ASSERT_TRUE(database) << database.error().message;
    options_.dsn = (*server)->Dsn(*database);
    options_.pool_size = 2;
    // Migrated once here (migrations_test.cc races the migration itself), and closed
    // before any fork.
    ASSERT_TRUE(Open());
  }

  // A store of this (the parent) process, to set up or check a round. Destroy it before the
  // next race: a forked child must not inherit live connections.
  std::unique_ptr<PostgresStore> Open() {
    auto store = PostgresStore::Open(options_);
    EXPECT_TRUE(store) << store.error().message;
    return store ? std::move(*store) : nullptr;
  }

  // Forks kProcesses children that each open the store, wait for the start, and run
  // `body(i, store)`, exiting with what it returns (kOpenFailed when the store did not open).
  std::vector<int> Race(const std::function<int(int, Store&)>& body) {
    return pg::ForkRace(kProcesses, [&](int i, const pg::StartSignal& start) {
      auto store = PostgresStore::Open(options_);
      if (!store) return kOpenFailed;
      start();
      int code = body(i, **store);
      store->reset();  // its own connections, closed cleanly
      return code;
    });
  }

  // What child `i` of round `round` wrote with Write().
  std::string Read(int round, int i) {
    std::ifstream in(File(round, i));
    std::string text;
    std::getline(in, text);
    return text;
  }
  void Write(int round, int i, const std::string& text) { std::ofstream(File(round, i)) << text; }
  std::filesystem::path File(int round, int i) {
    return dir_.path() / ("r" + std::to_string(round) + "c" + std::to_string(i));
  }

  TempDir dir_;
  PostgresOptions options_;
};

TEST_F(PgProcessesTest, ATransactionIsClaimedOnceAndEveryCopyAnswersWithTheWinner) {
  for (int round = 0; round < kRounds; ++round) {
    std::string tid = "tx-" + std::to_string(round);
    auto codes = Race([&](int i, Store& s) {
      std::string serial = tid + "-" + std::to_string(i);
      Issuance is = MakeIssuance(MakeCert(serial, 10, tid), MakeRequest(serial, 10, "issued", tid));
      is.claim = TransactionClaim{tid, "", "pk-" + tid, 0, "", 10};
      auto id = s.RecordIssuance(is);
      if (id) {
        Write(round, i, serial);
        return 0;
      }
      if (id.error().code != ErrorCode::kConflict) return 2;
      auto claim = s.FindTransaction(tid, "");  // the loser reads the winner's answer
      if (!claim || !*claim) return 3;
      Write(round, i, (*claim)->serial);
      return 1;
    });
    EXPECT_EQ(CountOf(codes, 0), 1) << "round " << round;
    EXPECT_EQ(CountOf(codes, 1), kProcesses - 1) << "round " << round;
    auto store = Open();
    ASSERT_TRUE(store);
    auto certs = store->FindByTransaction(tid);
    ASSERT_TRUE(certs);
    ASSERT_EQ(certs->size(), 1u) << "round " << round;
    for (int i = 0; i < kProcesses; ++i) EXPECT_EQ(Read(round, i), certs->front().serial);
    EXPECT_EQ(store->ListRequests(Requests({}, tid))->size(), 1u);  // the losers wrote nothing
  }
}

TEST_F(PgProcessesTest, AChallengeIsUsedOnce) {
  for (int round = 0; round < kRounds; ++round) {
    std::string challenge = "ch-" + std::to_string(round);
    auto codes = Race([&](int i, Store& s) {
      std::string t = challenge + "-" + std::to_string(i);
      Issuance is = MakeIssuance(MakeCert(t, 10, t), MakeRequest(t, 10, "issued", t));
      is.claim = TransactionClaim{t, "", "pk", 0, "", 10};
      is.challenge_use = ChallengeUse{challenge, t, "pk", "", 10};
      auto id = s.RecordIssuance(is);
      if (id) Write(round, i, t);
      return id ? 0 : id.error().code == ErrorCode::kFailedPrecondition ? 1 : 2;
    });
    EXPECT_EQ(CountOf(codes, 0), 1) << "round " << round;
    EXPECT_EQ(CountOf(codes, 1), kProcesses - 1) << "round " << round;
    int winner = static_cast<int>(std::find(codes.begin(), codes.end(), 0) - codes.begin());
    ASSERT_LT(winner, kProcesses);
    auto store = Open();
    ASSERT_TRUE(store);
    auto use = store->FindChallengeUse(challenge);
    ASSERT_TRUE(use && *use);
    EXPECT_EQ((*use)->transaction_id, Read(round, winner));
    EXPECT_EQ((*use)->cert_serial, Read(round, winner));
  }
}

TEST_F(PgProcessesTest, AHeldRequestIsApprovedOrRejectedOnce) {
  for (int round = 0; round < kRounds; ++round) {
    std::string tid = "held-" + std::to_string(round);
    int64_t id = 0;
    {
      auto store = Open();
      ASSERT_TRUE(store);
      PendingRecord p;
      p.transaction_id = tid;
      p.public_key_sha256 = "pk-" + tid;
      p.grant_json = "{}";
      auto held = store->RecordPending(MakeRequest(tid, 10, "pending", tid), p, std::nullopt,
                                       TransactionClaim{tid, "", "pk-" + tid, 0, "", 10});
      ASSERT_TRUE(held) << held.error().message;
      id = *held;
    }
    auto codes = Race([&](int i, Store& s) {
      bool approve = i % 2 == 0;
      Decision d;
      d.decision = approve ? "approved" : "rejected";
      d.reason = approve ? "" : "no";
      d.at = 20;
      d.request_state = approve ? "verified" : "failed";
      auto decided = s.DecidePending(id, d);
      return decided ? 0 : decided.error().code == ErrorCode::kFailedPrecondition ? 1 : 2;
    });
    EXPECT_EQ(CountOf(codes, 0), 1) << "round " << round;
    EXPECT_EQ(CountOf(codes, 1), kProcesses - 1) << "round " << round;
    int winner = static_cast<int>(std::find(codes.begin(), codes.end(), 0) - codes.begin());
    ASSERT_LT(winner, kProcesses);
    bool approved = winner % 2 == 0;
    auto store = Open();
    ASSERT_TRUE(store);
    EXPECT_EQ((*store->FindPending(id))->decision, approved ? "approved" : "rejected");
    EXPECT_EQ(store->ListRequests(Requests({}, tid))->front().state,
              approved ? "verified" : "failed");
  }
}

TEST_F(PgProcessesTest, EachEventIsLeasedToOneProcess) {
  constexpr int kEvents = 60;
  for (int round = 0; round < kRounds; ++round) {
    {
      auto store = Open();
      ASSERT_TRUE(store);
      for (int i = 0; i < kEvents; ++i) {
        OutboxEvent e;
        e.type = "request.failed";
        e.payload = "{}";
        e.created_at = 10;
        e.next_attempt_at = 10;
        ASSERT_TRUE(store->EnqueueEvent(e));
      }
    }
    auto codes = Race([&](int i, Store& s) {
      std::string owner = "p" + std::to_string(i);
      std::ofstream out(File(round, i));
      while (true) {
        auto got = s.ClaimEvents(20, 2, 60, owner, {});
        if (!got) return 2;
        if (got->empty()) return 0;
        for (const OutboxEvent& e : *got) {
          if (!s.MarkEventDelivered(e.id, owner, 21, std::nullopt)) return 3;
          out << e.id << "\n";
        }
      }
    });
    EXPECT_EQ(CountOf(codes, 0), kProcesses) << "round " << round;
    std::multiset<int64_t> ids;
    for (int i = 0; i < kProcesses; ++i) {
      std::ifstream in(File(round, i));
      for (int64_t id = 0; in >> id;) ids.insert(id);
    }
    EXPECT_EQ(ids.size(), static_cast<size_t>(kEvents)) << "round " << round;
    EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()).size(), static_cast<size_t>(kEvents));
    auto store = Open();
    ASSERT_TRUE(store);
    EventFilter pending;
    pending.state = "pending";
    EXPECT_TRUE(store->ListEvents(pending)->empty());
  }
}

TEST_F(PgProcessesTest, AStoredCrlIsNeverReplacedByAnOlderNumber) {
  for (int round = 0; round < kRounds; ++round) {
    auto codes = Race([&](int i, Store& s) {
      auto number = s.NextCounter("crl_number.issuer-a");
      if (!number) return 2;
      auto stored = s.StoreCrl({"issuer-a", *number, *number, {0x30, static_cast<uint8_t>(i)}});
      return stored ? 0 : 2;
    });
    EXPECT_EQ(CountOf(codes, 0), kProcesses) << "round " << round;
    auto store = Open();
    ASSERT_TRUE(store);
    auto crl = store->FindCrl("issuer-a");
    ASSERT_TRUE(crl && *crl);
    EXPECT_EQ((*crl)->number, kProcesses * (round + 1)) << "round " << round;
    EXPECT_EQ((*crl)->this_update, kProcesses * (round + 1));
  }
}

// Nodes renewing the shared RA certificate at once: one renewal of each certificate is published.
TEST_F(PgProcessesTest, OneRenewalOfTheRaCertificateIsPublished) {
  for (int round = 0; round < kRounds; ++round) {
    const std::string old = "ra-" + std::to_string(round);
    auto codes = Race([&](int i, Store& s) {
      RaCertificateRecord r{
          old + "-" + std::to_string(i), "ra-key", old, Bytes{0x30, 0x00}, 100 + round, 10,
          "node-" + std::to_string(i)};
      auto published = s.PublishRaCertificate(r);
      return published ? 0 : published.error().code == ErrorCode::kAlreadyExists ? 1 : 2;
    });
    EXPECT_EQ(CountOf(codes, 0), 1) << "round " << round;
    EXPECT_EQ(CountOf(codes, 1), kProcesses - 1) << "round " << round;
    auto store = Open();
    ASSERT_TRUE(store);
    auto latest = store->LatestRaCertificate("ra-key");
    ASSERT_TRUE(latest && *latest);
    EXPECT_EQ((*latest)->replaces, old);
  }
}

}  // namespace
}  // namespace scepgate::store
