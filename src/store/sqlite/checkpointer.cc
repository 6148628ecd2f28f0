#include "store/sqlite/checkpointer.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "store/sqlite/statement.h"

namespace scepgate::store {

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(const std::filesystem::path& file,
                                                          CheckpointOptions options,
                                                          std::mutex& writers) {
  const std::string name = file.string();
  SG_ASSIGN_OR_RETURN(SqlitePtr db, OpenDatabase(file, SQLITE_OPEN_READWRITE, "checkpoints"));
  // The checkpoint syncs the log and the database as the serving connection's setting would.
  if (sqlite3_exec(db.get(), "PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr) != SQLITE_OK)
    return Fail(Error::Database("cannot configure the checkpoint connection to " + name + ": " +
                                sqlite3_errmsg(db.get())));
  return std::unique_ptr<Checkpointer>(new Checkpointer(std::move(db), options, writers));
}

Checkpointer::Checkpointer(SqlitePtr db, CheckpointOptions options, std::mutex& writers)
    : db_(std::move(db)), options_(options), writers_(writers), thread_([this] { Loop(); }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void Checkpointer::Attach(sqlite3& db) { sqlite3_wal_hook(&db, &Checkpointer::OnCommit, this); }

int Checkpointer::OnCommit(void* self, sqlite3* db, const char* schema, int frames) {
  auto& me = *static_cast<Checkpointer*>(self);
  me.log_frames_.store(frames);
  if (frames >= me.options_.inline_frames) {
    // The committing thread holds the store's lock here, so no other commit runs meanwhile;
    // this is what SQLite's own hook would do.
    int rc = sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc == SQLITE_OK) me.inline_runs_.fetch_add(1);
    return SQLITE_OK;
  }
  if (frames >= me.options_.wake_frames) {
    {
      std::lock_guard lock(me.mu_);
      me.wanted_ = true;
    }
    me.cv_.notify_one();
  }
  return SQLITE_OK;
}

Checkpointer::Pass Checkpointer::CheckpointOnce() {
  int log_frames = 0;
  int copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames,
                                     &copied);
  if (rc != SQLITE_OK) {
    spdlog::warn("WAL checkpoint failed ({}); the next commit past {} frames retries it",
                 sqlite3_errmsg(db_.get()), options_.wake_frames);
    return Pass::kFailed;
  }
  return copied >= log_frames ? Pass::kComplete : Pass::kPartial;
}

void Checkpointer::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return wanted_ || stop_; });
    if (stop_) return;
    wanted_ = false;
    lock.unlock();
    Pass pass = CheckpointOnce();
    if (pass != Pass::kFailed && log_frames_.load() >= options_.tail_frames) {
      // Commits went on meanwhile, and SQLite starts the log over only when a transaction
      // begins after a checkpoint copied all of it; until then the log grows. Once it is this
      // long, copy what they added with no commit under way: a few requests' frames.
      std::lock_guard writers(writers_);
      pass = CheckpointOnce();
    }
    if (pass == Pass::kComplete) background_runs_.fetch_add(1);
    lock.lock();
  }
}

}  // namespace scepgate::store
