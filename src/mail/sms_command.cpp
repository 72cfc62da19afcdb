#include "mail/sms_command.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

extern char** environ;

namespace shelfmark::mail {
namespace {

constexpr int kTemporaryFailureStatus = 75;  // EX_TEMPFAIL, as sendmail's callers read it
constexpr std::size_t kMaxText = 16 * 1024;

// Writes everything; a program that stops reading early is not an error here (its exit status says how it
// went). SIGPIPE is blocked for this thread while writing, and one raised is taken back, so such a program
// cannot kill the server.
void write_all(int fd, const std::string& text) {
  sigset_t pipe_signal, previous;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
  std::size_t done = 0;
  bool broken = false;
  while (done < text.size()) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) broken = true;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  if (broken) {
    const timespec now{0, 0};
    sigtimedwait(&pipe_signal, nullptr, &now);
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

}  // namespace

app::SendOutcome CommandSmsTransport::send(const app::OutgoingSms& sms) {
  using Kind = app::SendOutcome::Kind;
  // A number is digits with an optional leading +: nothing the program could read as an option or a path.
  const auto digits = sms.to.starts_with('+') ? sms.to.substr(1) : sms.to;
  bool number_ok = digits.size() >= 3 && digits.size() <= 20;
  for (char c : digits)
    if (c < '0' || c > '9') number_ok = false;
  if (!number_ok) return {Kind::kPermanentFailure, "not a mobile number"};

  int input[2];
  if (::pipe2(input, O_CLOEXEC) != 0) return {Kind::kTemporaryFailure, std::string("pipe: ") + std::strerror(errno)};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, input[0], STDIN_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> args{program_, sms.to, sms.reference};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::string path = "PATH=/usr/local/bin:/usr/bin:/bin";
  char* envp[] = {path.data(), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, program_.c_str(), &actions, nullptr, argv.data(), envp);
  posix_spawn_file_actions_destroy(&actions);
  ::close(input[0]);
  if (spawned != 0) {
    ::close(input[1]);
    return {Kind::kPermanentFailure, "cannot run the SMS command: " + std::string(std::strerror(spawned))};
  }
  // Well under a pipe's buffer, so writing never waits for a program that does not read: a text message is
  // a few hundred characters, and nothing a gateway needs is longer.
  write_all(input[1], sms.text.substr(0, kMaxText));
  ::close(input[1]);

  const auto deadline = std::chrono::steady_clock::now() + time_limit_;
  int status = 0;
  for (;;) {
    const auto waited = ::waitpid(pid, &status, WNOHANG);
    if (waited == pid) break;
    if (waited < 0 && errno != EINTR) return {Kind::kTemporaryFailure, "lost the SMS command"};
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      return {Kind::kTemporaryFailure, "the SMS command took too long and was stopped"};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {Kind::kSent, "accepted by the SMS command"};
  if (WIFEXITED(status) && WEXITSTATUS(status) == kTemporaryFailureStatus)
    return {Kind::kTemporaryFailure, "the SMS command asked to try again later"};
  if (WIFEXITED(status))
    return {Kind::kPermanentFailure, "the SMS command failed with status " + std::to_string(WEXITSTATUS(status))};
  return {Kind::kTemporaryFailure, "the SMS command was stopped by a signal"};
}

}  // namespace shelfmark::mail
