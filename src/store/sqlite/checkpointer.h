// Background WAL checkpoints for the server's connection. SQLite's default copies the log back
// into the database inside the commit that crosses 1000 frames, so one request in ~70 waits for
// ~4 MB of writes and an fsync, and every other request waits behind it for the connection.
// Here that commit only wakes a thread, which checkpoints through a connection of its own while
// requests go on committing to the log. Under steady load that checkpoint never catches up with
// the frames appended meanwhile, and SQLite only starts the log over once a checkpoint has copied
// all of it; so once the log is long the thread copies the remaining tail holding the writers'
// lock: about a millisecond, against several for the whole log as the default does.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "store/sqlite/sqlite_ptr.h"

namespace scepgate::store {

struct CheckpointOptions {
  // A commit that leaves the log at least this many frames long wakes the thread.
  int wake_frames = 1000;
  // From this length on, a background checkpoint copies its tail under the writers' lock, so
  // that the log starts over.
  int tail_frames = 4000;
  // A commit that leaves it this long checkpoints inline, as SQLite would, because the thread
  // has fallen behind (a long reader, a slow disk). Keeps the log bounded whatever happens.
  int inline_frames = 10000;
};

class Checkpointer {
 public:
  // Opens a second connection to `file` (already a WAL database) and starts the thread.
  // `writers` is the lock every use of the committing connection holds; the thread takes it
  // only to copy a tail. Returns kDatabase when the connection cannot be opened.
  static Result<std::unique_ptr<Checkpointer>> Start(const std::filesystem::path& file,
                                                     CheckpointOptions options,
                                                     std::mutex& writers);
  // Stops the thread; a checkpoint under way finishes first.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Installs the WAL hook on `db` (the connection that commits), replacing SQLite's
  // auto-checkpoint there. `db` must outlive this object or have the hook removed first.
  void Attach(sqlite3& db);

  // Checkpoints the thread completed, and inline ones (for tests).
  uint64_t background_runs() const { return background_runs_.load(); }
  uint64_t inline_runs() const { return inline_runs_.load(); }

 private:
  Checkpointer(SqlitePtr db, CheckpointOptions options, std::mutex& writers);
  enum class Pass { kFailed, kPartial, kComplete };
  // One PASSIVE checkpoint on the thread's connection: kComplete when it copied the whole log
  // as it was when it began, kPartial when a reader held some back, kFailed (logged).
  Pass CheckpointOnce();
  // The WAL hook: runs in the committing thread after each commit, with the log's length.
  static int OnCommit(void* self, sqlite3* db, const char* schema, int frames);
  void Loop();

  SqlitePtr db_;  // used by the thread only
  CheckpointOptions options_;
  std::mutex& writers_;
  std::mutex mu_;  // guards wanted_ and stop_
  std::condition_variable cv_;
  bool wanted_ = false;
  bool stop_ = false;
  std::atomic<int> log_frames_{0};  // the log's length after the latest commit
  std::atomic<uint64_t> background_runs_{0};
  std::atomic<uint64_t> inline_runs_{0};
  std::thread thread_;  // last: starts once the members above exist
};

}  // namespace scepgate::store
