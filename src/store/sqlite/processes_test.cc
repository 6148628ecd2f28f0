// The store's exactly-once guarantees across processes: several processes open one SQLite file
// and race, as `serve` and CLI commands do. Each child opens its own connection; the parent
// releases them together (a pipe closed) and reads each one's outcome from its exit code.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.h"
#include "store/store_test_fixture.h"

namespace scepgate::store {
namespace {

constexpr int kProcesses = 8;
constexpr int kRounds = 5;

// Forks kProcesses children that each open `file`, wait for the start and run `child(i, store)`,
// exiting with what it returns. Returns the exit codes (-1 when a child did not exit normally).
std::vector<int> RaceProcesses(const std::filesystem::path& file,
                               const std::function<int(int, Store&)>& child) {
  std::array<int, 2> start{};
  EXPECT_EQ(::pipe(start.data()), 0);
  std::vector<pid_t> pids;
  for (int i = 0; i < kProcesses; ++i) {
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(start[1]);
      auto store = SqliteStore::Open(file);
      if (!store) ::_exit(90);
      char byte = 0;
      (void)::read(start[0], &byte, 1);  // returns at EOF: the parent closed its end
      ::_exit(child(i, **store));
    }
    pids.push_back(pid);
  }
  ::close(start[0]);
  ::usleep(200 * 1000);  // let every child open the file and block on the pipe
  ::close(start[1]);
  std::vector<int> codes;
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    codes.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
  return codes;
}

int CountOf(const std::vector<int>& codes, int code) {
  return static_cast<int>(std::count(codes.begin(), codes.end(), code));
}

class ProcessesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStore::Open(file_);  // migrated once, before the children open it
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }
  TempDir dir_;
  std::filesystem::path file_ = dir_.path() / "store.db";
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(ProcessesTest, OneIssuancePerTransactionAndOneUsePerChallenge) {
  for (int round = 0; round < kRounds; ++round) {
    std::string tid = "tx-" + std::to_string(round);
    auto codes = RaceProcesses(file_, [&](int i, Store& s) {
      std::string serial = tid + "-" + std::to_string(i);
      Issuance is = MakeIssuance(MakeCert(serial, 10, tid), MakeRequest(serial, 10, "issued", tid));
      is.claim = TransactionClaim{tid, "", "pk", 0, "", 10};
      auto id = s.RecordIssuance(is);
      return id ? 0 : id.error().code == ErrorCode::kConflict ? 1 : 2;
    });
    EXPECT_EQ(CountOf(codes, 0), 1) << "round " << round;
    EXPECT_EQ(CountOf(codes, 1), kProcesses - 1) << "round " << round;
    EXPECT_EQ(store_->FindByTransaction(tid)->size(), 1u);

    std::string challenge = "ch-" + std::to_string(round);
    codes = RaceProcesses(file_, [&](int i, Store& s) {
      std::string t = challenge + "-" + std::to_string(i);
      Issuance is = MakeIssuance(MakeCert(t, 10, t), MakeRequest(t, 10, "issued", t));
      is.claim = TransactionClaim{t, "", "pk", 0, "", 10};
      is.challenge_use = ChallengeUse{challenge, t, "pk", "", 10};
      auto id = s.RecordIssuance(is);
      return id ? 0 : id.error().code == ErrorCode::kFailedPrecondition ? 1 : 2;
    });
    EXPECT_EQ(CountOf(codes, 0), 1) << "round " << round;
    EXPECT_EQ(CountOf(codes, 1), kProcesses - 1) << "round " << round;
  }
}

TEST_F(ProcessesTest, CrlNumbersFromTheCounterAndTheNewestCrlStays) {
  for (int round = 0; round < kRounds; ++round) {
    auto codes = RaceProcesses(file_, [&](int i, Store& s) {
      auto number = s.NextCounter("crl_number.issuer-a");
      if (!number) return 2;
      auto stored = s.StoreCrl({"issuer-a", *number, *number, {0x30, static_cast<uint8_t>(i)}});
      return stored ? 0 : 2;
    });
    EXPECT_EQ(CountOf(codes, 2), 0);
    auto crl = store_->FindCrl("issuer-a");
    ASSERT_TRUE(crl && *crl);
    EXPECT_EQ((*crl)->number, kProcesses * (round + 1)) << "round " << round;
  }
}

TEST_F(ProcessesTest, EachEventIsLeasedByOneProcess) {
  constexpr int kEvents = 120;
  for (int i = 0; i < kEvents; ++i) {
    OutboxEvent e;
    e.type = "request.failed";
    e.payload = "{}";
    e.created_at = 10;
    e.next_attempt_at = 10;
    ASSERT_TRUE(store_->EnqueueEvent(e));
  }
  auto codes = RaceProcesses(file_, [&](int i, Store& s) {
    std::string owner = "p" + std::to_string(i);
    std::ofstream out(dir_.path() / (owner + ".ids"));
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
  EXPECT_EQ(CountOf(codes, 0), kProcesses);
  std::multiset<int64_t> ids;
  for (int i = 0; i < kProcesses; ++i) {
    std::ifstream in(dir_.path() / ("p" + std::to_string(i) + ".ids"));
    for (int64_t id = 0; in >> id;) ids.insert(id);
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()).size(), static_cast<size_t>(kEvents));
}

// Nodes renewing the shared RA certificate at once: one renewal of each certificate is published.
TEST_F(ProcessesTest, OneRenewalOfTheRaCertificateIsPublished) {
  for (int round = 0; round < kRounds; ++round) {
    const std::string old = "ra-" + std::to_string(round);
    auto codes = RaceProcesses(file_, [&](int i, Store& s) {
      RaCertificateRecord r{
          old + "-" + std::to_string(i), "ra-key", old, Bytes{0x30, 0x00}, 100 + round, 10,
          "node-" + std::to_string(i)};
      auto published = s.PublishRaCertificate(r);
      return published ? 0 : published.error().code == ErrorCode::kAlreadyExists ? 1 : 2;
    });
    EXPECT_EQ(CountOf(codes, 0), 1) << "round " << round;
    EXPECT_EQ(CountOf(codes, 1), kProcesses - 1) << "round " << round;
    auto latest = store_->LatestRaCertificate("ra-key");
    ASSERT_TRUE(latest && *latest);
    EXPECT_EQ((*latest)->replaces, old);
  }
}

}  // namespace
}  // namespace scepgate::store
