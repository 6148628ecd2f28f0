// A fixed-size pool of connections to one database. Acquire() blocks, up to a timeout, until a
// connection is free or may be opened; the Lease it returns gives the connection back when it is
// destroyed. A connection that came back broken (see Connection::IsBroken) is closed, and its
// place is filled by a new connection on a later Acquire(). One that came back inside a
// transaction is rolled back first, and closed if that fails.
// Thread-safe: any thread may Acquire() and destroy Leases. The Pool must outlive its Leases.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/error.h"
#include "store/postgres/connection.h"

namespace scepgate::store::pg {

struct PoolOptions {
  std::string dsn;
  std::string password;  // given to libpq beside the DSN; "" = the DSN's or libpq's own
  size_t max_size = 8;   // connections open at once, leased or idle
  std::chrono::milliseconds acquire_timeout{5000};
};

class Pool;

// Exclusive use of one pooled connection until destroyed. Movable; not thread-safe itself.
class Lease {
 public:
  Lease(Lease&& other) noexcept = default;
  Lease& operator=(Lease&& other) noexcept;
  ~Lease();

  Connection& operator*() const { return *conn_; }
  Connection* operator->() const { return conn_.get(); }

 private:
  friend class Pool;
  Lease(Pool& pool, std::unique_ptr<Connection> conn) : pool_(&pool), conn_(std::move(conn)) {}
  void Return();

  Pool* pool_;
  std::unique_ptr<Connection> conn_;  // null once moved from
};

class Pool {
 public:
  // Returns kInvalidArgument when max_size is 0 or the DSN does not parse. Opens nothing yet.
  static Result<std::unique_ptr<Pool>> Create(PoolOptions options);
  ~Pool() = default;
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Returns an idle connection, or opens one while fewer than max_size are open, or waits for
  // one to come back. Returns kDatabase when none is free within the timeout (acquire_timeout
  // for the first form), or Connection::Connect's error (kUnavailable when the server is
  // unreachable).
  Result<Lease> Acquire();
  Result<Lease> Acquire(std::chrono::milliseconds timeout);

  // Closes every idle connection (leased ones are untouched). After one connection was found lost
  // the idle ones most likely were too (a server restart, a failover): the next Acquire() then
  // opens a fresh connection instead of handing out a dead one.
  void DropIdle();

  // Connections open now (leased, idle, or being opened). At most max_size.
  size_t OpenCount() const;
  // Connections open and not leased.
  size_t IdleCount() const;

 private:
  friend class Lease;
  explicit Pool(PoolOptions options) : options_(std::move(options)) {}
  // Takes a connection back from a Lease: keeps it idle, or closes it when it is unusable.
  void Release(std::unique_ptr<Connection> conn);

  const PoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable available_;              // signalled when idle_ grows or open_ drops
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  size_t open_ = 0;                                // guarded by mu_; idle + leased + opening
};

}  // namespace scepgate::store::pg
