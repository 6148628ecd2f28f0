#include "store/postgres/test_process.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>

namespace scepgate::store::pg {
namespace {

std::string Errno(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

std::vector<std::string> ChildEnvironment() {
  std::vector<std::string> env = {"LC_ALL=C"};
  for (const char* name : {"PATH", "TZ"}) {
    if (const char* value = std::getenv(name)) env.push_back(std::string(name) + "=" + value);
  }
  return env;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

// Writes "<what> failed, errno N" to `fd` and ends the forked child. Async-signal-safe.
[[noreturn]] void ChildFail(int fd, const char* what) {
  char digits[12];
  size_t n = sizeof digits;
  int e = errno;
  do {
    digits[--n] = static_cast<char>('0' + e % 10);
    e /= 10;
  } while (e > 0 && n > 0);
  (void)!write(fd, what, strlen(what));
  (void)!write(fd, " failed, errno ", 15);
  (void)!write(fd, digits + n, sizeof digits - n);
  (void)!write(fd, "\n", 1);
  _exit(127);
}

// Runs in the forked child: only async-signal-safe calls until exec.
[[noreturn]] void ExecChild(const ProcessSpec& spec, int out_fd, pid_t parent, char* const* argv,
                            char* const* envp) {
  int err_fd = out_fd;
  auto fail = [&err_fd](const char* what) { ChildFail(err_fd, what); };
  int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0) {
    fail("redirect");
  }
  err_fd = 2;
  close_range(3, ~0U, 0);
  if (spec.user) {
    if (setgroups(1, &spec.user->gid) != 0) fail("setgroups");
    if (setgid(spec.user->gid) != 0) fail("setgid");
    if (setuid(spec.user->uid) != 0) fail("setuid");
  }
  // After setuid, which clears it.
  if (spec.parent_death_signal != 0) {
    if (prctl(PR_SET_PDEATHSIG, spec.parent_death_signal) != 0) fail("prctl");
    if (getppid() != parent) _exit(126);  // the parent is already gone
  }
  if (chdir(spec.workdir.c_str()) != 0) fail("chdir");
  execve(argv[0], argv, envp);
  ChildFail(err_fd, argv[0]);
}

}  // namespace

Result<ChildProcess> ChildProcess::Spawn(const ProcessSpec& spec) {
  if (spec.argv.empty()) return Fail(Error::InvalidArgument("spawn: empty argv"));
  int out_fd = open(spec.output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out_fd < 0) return Fail(Error::Io(Errno("open " + spec.output.string())));
  if (spec.user) (void)!fchown(out_fd, spec.user->uid, spec.user->gid);
  // Everything the child needs is built before fork: it may not allocate afterwards.
  std::vector<std::string> args = spec.argv;
  std::vector<std::string> env = ChildEnvironment();
  std::vector<char*> argv = Pointers(args);
  std::vector<char*> envp = Pointers(env);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) ExecChild(spec, out_fd, parent, argv.data(), envp.data());
  int fork_errno = errno;
  close(out_fd);
  if (pid < 0) return Fail(Error::Io(std::string("fork: ") + std::strerror(fork_errno)));
  return ChildProcess(pid);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), exit_code_(other.exit_code_) {}

ChildProcess::~ChildProcess() {
  if (pid_ <= 0 || exit_code_) return;
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

std::optional<int> ChildProcess::Poll() {
  if (exit_code_ || pid_ <= 0) return exit_code_;
  int status = 0;
  pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done != pid_) return std::nullopt;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_code_;
}

Result<int> ChildProcess::Wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (std::optional<int> code = Poll()) return *code;
    if (std::chrono::steady_clock::now() >= deadline) {
      return Fail(Error::Io("process " + std::to_string(pid_) + " still running after " +
                            std::to_string(timeout.count()) + " ms"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Status ChildProcess::Signal(int signal) {
  if (Poll()) return {};
  if (kill(pid_, signal) != 0) return Fail(Error::Io(Errno("kill")));
  return {};
}

Result<int> RunToCompletion(const ProcessSpec& spec, std::chrono::milliseconds timeout) {
  SG_ASSIGN_OR_RETURN(ChildProcess child, ChildProcess::Spawn(spec));
  return child.Wait(timeout);  // on timeout the destructor kills it
}

}  // namespace scepgate::store::pg
