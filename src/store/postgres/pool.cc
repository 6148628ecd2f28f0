#include "store/postgres/pool.h"

#include <libpq-fe.h>

#include <utility>

namespace scepgate::store::pg {
namespace {

// A connection may go back to the idle list only outside any transaction and not broken.
// Rolls back an open transaction; returns false when the connection must be closed.
bool MakeReusable(Connection& conn) {
  if (conn.IsBroken()) return false;
  switch (conn.TransactionStatus()) {
    case PQTRANS_IDLE:
      return true;
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
      return conn.Exec("ROLLBACK").has_value() && conn.TransactionStatus() == PQTRANS_IDLE;
    default:  // PQTRANS_ACTIVE (a statement still running) or PQTRANS_UNKNOWN (broken)
      return false;
  }
}

}  // namespace

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Return();
    pool_ = other.pool_;
    conn_ = std::move(other.conn_);
  }
  return *this;
}

Lease::~Lease() { Return(); }

void Lease::Return() {
  if (conn_) pool_->Release(std::move(conn_));
}

Result<std::unique_ptr<Pool>> Pool::Create(PoolOptions options) {
  if (options.max_size == 0) return Fail(Error::InvalidArgument("pool max_size must be > 0"));
  SG_TRY_STATUS(CheckDsn(options.dsn));
  return std::unique_ptr<Pool>(new Pool(std::move(options)));
}

Result<Lease> Pool::Acquire() { return Acquire(options_.acquire_timeout); }

Result<Lease> Pool::Acquire(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  bool ready = available_.wait_for(lock, timeout,
                                   [this] { return !idle_.empty() || open_ < options_.max_size; });
  if (!ready) {
    return Fail(Error::Database("postgres pool: no connection free within " +
                                std::to_string(timeout.count()) + " ms (" +
                                std::to_string(options_.max_size) + " open)"));
  }
  if (!idle_.empty()) {
    std::unique_ptr<Connection> conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(conn));
  }
  ++open_;  // reserve the place, then connect without holding the lock
  lock.unlock();
  Result<Connection> conn = Connection::Connect(options_.dsn, options_.password);
  if (!conn) {
    lock.lock();
    --open_;
    lock.unlock();
    available_.notify_one();
    return Fail(std::move(conn).error());
  }
  return Lease(*this, std::make_unique<Connection>(std::move(*conn)));
}

void Pool::Release(std::unique_ptr<Connection> conn) {
  bool keep = MakeReusable(*conn);  // may run ROLLBACK: outside the lock
  if (!keep) conn.reset();          // close before giving the place away
  {
    std::lock_guard lock(mu_);
    if (keep) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
    }
  }
  available_.notify_one();
}

void Pool::DropIdle() {
  std::vector<std::unique_ptr<Connection>> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.swap(idle_);
    open_ -= dropped.size();
  }
  dropped.clear();  // close outside the lock
  available_.notify_all();
}

size_t Pool::OpenCount() const {
  std::lock_guard lock(mu_);
  return open_;
}

size_t Pool::IdleCount() const {
  std::lock_guard lock(mu_);
  return idle_.size();
}

}  // namespace scepgate::store::pg
