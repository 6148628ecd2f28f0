// Pool: bounded connections under threads, timeouts, transactions left open, and recovery after
// the server restarts, against a real PostgreSQL server.
#include "store/postgres/pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "store/postgres/pg_error.h"
#include "store/postgres/pg_test_fixture.h"

namespace scepgate::store::pg {
namespace {

using std::chrono::milliseconds;
using PoolTest = PgTest;

void RaiseTo(std::atomic<int64_t>& most, int64_t value) {
  int64_t seen = most.load();
  while (value > seen && !most.compare_exchange_weak(seen, value)) {
  }
}

PoolOptions Options(std::string dsn, size_t max_size,
                    milliseconds acquire_timeout = milliseconds(5000)) {
  PoolOptions options;
  options.dsn = std::move(dsn);
  options.max_size = max_size;
  options.acquire_timeout = acquire_timeout;
  return options;
}

TEST_F(PoolTest, ManyThreadsNeverOpenMoreThanMaxSize) {
  constexpr size_t kMax = 4;
  constexpr int kThreads = 8;
  constexpr int kRounds = 50;
  PG_ASSERT_OK_AND_ASSIGN(pool, Pool::Create(Options(dsn_, kMax, milliseconds(10000))));
  std::atomic<int64_t> most_seen{0};  // by the server
  std::atomic<int64_t> most_open{0};  // by the pool
  std::atomic<int> done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        Result<Lease> lease = pool->Acquire();
        ASSERT_TRUE(lease) << lease.error().message;
        // Client sessions on this test's database, as the server counts them (this one
        // included; autovacuum workers are not clients).
        Result<QueryResult> rows = (*lease)->ExecParams(
            "SELECT count(*), $1::int FROM pg_stat_activity "
            "WHERE datname = current_database() AND backend_type = 'client backend'",
            {t * 1000 + i});
        ASSERT_TRUE(rows) << rows.error().message;
        EXPECT_EQ(rows->Int64(0, 1).value(), t * 1000 + i);
        RaiseTo(most_seen, rows->Int64(0, 0).value());
        RaiseTo(most_open, static_cast<int64_t>(pool->OpenCount()));
        ++done;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(done.load(), kThreads * kRounds);
  EXPECT_GE(most_seen.load(), 1);
  EXPECT_LE(most_seen.load(), static_cast<int64_t>(kMax));
  EXPECT_LE(most_open.load(), static_cast<int64_t>(kMax));
  EXPECT_LE(pool->OpenCount(), kMax);
  EXPECT_EQ(pool->IdleCount(), pool->OpenCount());
}

TEST_F(PoolTest, AcquireTimesOutWhileAllAreLeased) {
  PG_ASSERT_OK_AND_ASSIGN(pool, Pool::Create(Options(dsn_, 1)));
  {
    PG_ASSERT_OK_AND_ASSIGN(held, pool->Acquire());
    auto start = std::chrono::steady_clock::now();
    Result<Lease> second = pool->Acquire(milliseconds(200));
    ASSERT_FALSE(second);
    EXPECT_EQ(CodeOf(second), ErrorCode::kDatabase);
    EXPECT_FALSE(IsConnectionLost(second.error()));
    EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(190));
    PG_ASSERT_OK(held->Exec("SELECT 1"));
  }
  // Given back: the same connection is handed out again.
  PG_ASSERT_OK_AND_ASSIGN(again, pool->Acquire(milliseconds(200)));
  PG_ASSERT_OK(again->Exec("SELECT 1"));
  EXPECT_EQ(pool->OpenCount(), 1u);
}

TEST_F(PoolTest, WaiterGetsTheConnectionWhenItIsGivenBack) {
  PG_ASSERT_OK_AND_ASSIGN(pool, Pool::Create(Options(dsn_, 1)));
  Result<Lease> held = pool->Acquire();
  ASSERT_TRUE(held) << held.error().message;
  std::thread giver([&] {
    std::this_thread::sleep_for(milliseconds(100));
    Lease gone = std::move(*held);
  });
  Result<Lease> waited = pool->Acquire(milliseconds(5000));
  giver.join();
  ASSERT_TRUE(waited) << waited.error().message;
  PG_ASSERT_OK((*waited)->Exec("SELECT 1"));
}

TEST_F(PoolTest, TransactionLeftOpenIsRolledBackOnReturn) {
  PG_ASSERT_OK_AND_ASSIGN(pool, Pool::Create(Options(dsn_, 1)));
  {
    PG_ASSERT_OK_AND_ASSIGN(lease, pool->Acquire());
    PG_ASSERT_OK(lease->Exec("CREATE TABLE t (x int)"));
    PG_ASSERT_OK(lease->Exec("BEGIN"));
    PG_ASSERT_OK(lease->Exec("INSERT INTO t VALUES (1)"));
    EXPECT_EQ(lease->TransactionStatus(), PQTRANS_INTRANS);
  }  // returned without COMMIT
  PG_ASSERT_OK_AND_ASSIGN(lease, pool->Acquire());
  EXPECT_EQ(lease->TransactionStatus(), PQTRANS_IDLE);
  PG_ASSERT_OK_AND_ASSIGN(rows, lease->Exec("SELECT count(*) FROM t"));
  EXPECT_EQ(rows.Int64(0, 0).value(), 0);
}

TEST_F(PoolTest, DropIdleClosesTheIdleButNotTheLeased) {
  PG_ASSERT_OK_AND_ASSIGN(pool, Pool::Create(Options(dsn_, 3)));
  {
    Result<Lease> a = pool->Acquire();
    Result<Lease> b = pool->Acquire();
    ASSERT_TRUE(a && b);
  }
  PG_ASSERT_OK_AND_ASSIGN(held, pool->Acquire());
  int held_pid = held->BackendPid();
  EXPECT_EQ(pool->OpenCount(), 2u);
  EXPECT_EQ(pool->IdleCount(), 1u);
  pool->DropIdle();
  EXPECT_EQ(pool->OpenCount(), 1u);
  EXPECT_EQ(pool->IdleCount(), 0u);
  PG_ASSERT_OK(held->Exec("SELECT 1"));
  EXPECT_EQ(held->BackendPid(), held_pid);
  PG_ASSERT_OK_AND_ASSIGN(fresh, pool->Acquire());  // opens a new one in the freed place
  PG_ASSERT_OK(fresh->Exec("SELECT 1"));
  EXPECT_EQ(pool->OpenCount(), 2u);
}

TEST_F(PoolTest, UnreachableServerIsConnectionLostAndFreesThePlace) {
  PG_ASSERT_OK_AND_ASSIGN(
      pool, Pool::Create(Options("postgresql://postgres@127.0.0.1:1/x?connect_timeout=2", 1)));
  for (int i = 0; i < 2; ++i) {  // the failed attempt must not keep the only place
    Result<Lease> lease = pool->Acquire(milliseconds(500));
    ASSERT_FALSE(lease);
    EXPECT_TRUE(IsConnectionLost(lease.error())) << lease.error().message;
  }
  EXPECT_EQ(pool->OpenCount(), 0u);
}

TEST_F(PoolTest, CreateRefusesZeroSizeAndBadDsn) {
  EXPECT_EQ(CodeOf(Pool::Create(Options(dsn_, 0))), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(Pool::Create(Options("postgresql://[::1", 1))), ErrorCode::kInvalidArgument);
}

// Its own server, so that restarting it disturbs no other test.
TEST(PoolRestartTest, BrokenConnectionIsDetectedDroppedAndReplaced) {
  auto started_at = std::chrono::steady_clock::now();
  PG_ASSERT_OK_AND_ASSIGN(server, PostgresTestServer::Start());
  auto start_ms =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started_at);
  PG_ASSERT_OK_AND_ASSIGN(database, server->CreateDatabase());
  PG_ASSERT_OK_AND_ASSIGN(pool, Pool::Create(Options(server->Dsn(database), 2)));
  int old_pid = 0;
  {
    PG_ASSERT_OK_AND_ASSIGN(lease, pool->Acquire());
    PG_ASSERT_OK(lease->Exec("CREATE TABLE t (x int)"));
    old_pid = lease->BackendPid();
  }
  ASSERT_EQ(pool->IdleCount(), 1u);

  auto restarted_at = std::chrono::steady_clock::now();
  PG_ASSERT_OK(server->Restart());
  auto restart_ms =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - restarted_at);
  std::printf("[ timing   ] server start %lld ms, restart %lld ms\n",
              static_cast<long long>(start_ms.count()), static_cast<long long>(restart_ms.count()));

  {
    // The idle connection still looks fine to libpq until it is used.
    PG_ASSERT_OK_AND_ASSIGN(stale, pool->Acquire());
    EXPECT_EQ(stale->BackendPid(), old_pid);
    Result<QueryResult> r = stale->Exec("SELECT count(*) FROM t");
    ASSERT_FALSE(r);
    EXPECT_TRUE(IsConnectionLost(r.error())) << r.error().message;
    EXPECT_TRUE(stale->IsBroken());
  }  // given back broken: closed, its place freed
  EXPECT_EQ(pool->OpenCount(), 0u);

  PG_ASSERT_OK_AND_ASSIGN(fresh, pool->Acquire());
  EXPECT_NE(fresh->BackendPid(), old_pid);
  PG_ASSERT_OK_AND_ASSIGN(rows, fresh->Exec("SELECT count(*) FROM t"));  // data kept
  EXPECT_EQ(rows.Int64(0, 0).value(), 0);
}

}  // namespace
}  // namespace scepgate::store::pg
