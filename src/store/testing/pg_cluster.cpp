#include "store/testing/pg_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace shelfmark::testing {
namespace {

std::string find_bin() {
  if (const char* env = std::getenv("SHELFMARK_PG_BIN")) return env;
  for (const char* version : {"17", "16", "15", "14", "13"}) {
    const std::string dir = std::string("/usr/lib/postgresql/") + version + "/bin";
    if (std::filesystem::exists(dir + "/initdb")) return dir;
  }
  throw std::runtime_error(
      "PostgreSQL server binaries not found under /usr/lib/postgresql (run scripts/install-deps.sh)");
}

// Runs a program as `user` (when we are root) and waits; returns its exit status.
int run_as(const passwd* user, const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    if (user && (setgid(user->pw_gid) != 0 || setuid(user->pw_uid) != 0)) _exit(126);
    std::vector<char*> argv;
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const int port = ntohs(address.sin_port);
  close(fd);
  return port;
}

PgCluster::PgCluster(bool durable) : bin_(find_bin()) {
  char pattern[] = "/tmp/shelfmark-pg-XXXXXX";
  if (!mkdtemp(pattern)) throw std::runtime_error("cannot create a temporary directory");
  directory_ = pattern;
  const passwd* user = geteuid() == 0 ? getpwnam("postgres") : nullptr;
  if (geteuid() == 0 && !user) throw std::runtime_error("running as root but there is no postgres user");
  if (user && chown(directory_.c_str(), user->pw_uid, user->pw_gid) != 0)
    throw std::runtime_error("cannot chown " + directory_);
  const std::string data = directory_ + "/data";
  const std::string log = directory_ + "/log";
  if (run_as(user,
             {bin_ + "/initdb", "-D", data, "-U", "shelfmark", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"},
             log) != 0)
    throw std::runtime_error("initdb failed:\n" + read_file(log));
  port_ = free_port();
  pid_ = fork();
  if (pid_ == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    if (user && (setgid(user->pw_gid) != 0 || setuid(user->pw_uid) != 0)) _exit(126);
    const std::string port = std::to_string(port_);
    // fsync off only for throwaway test clusters; benchmarks and production keep PostgreSQL's defaults.
    const char* fsync = durable ? "fsync=on" : "fsync=off";
    const char* full_pages = durable ? "full_page_writes=on" : "full_page_writes=off";
    execl((bin_ + "/postgres").c_str(), "postgres", "-D", data.c_str(), "-h", "127.0.0.1", "-p", port.c_str(), "-k",
          directory_.c_str(), "-c", fsync, "-c", full_pages, "-c", "max_connections=200", "-c", "shared_buffers=512MB",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait until it accepts connections.
  for (int i = 0; i < 300; ++i) {
    if (run_as(nullptr, {bin_ + "/pg_isready", "-q", "-h", "127.0.0.1", "-p", std::to_string(port_)}, log) == 0) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("postgres exited at start:\n" + read_file(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("postgres did not become ready:\n" + read_file(log));
}

PgCluster::~PgCluster() {
  if (pid_ > 0) {
    kill(pid_, SIGINT);  // fast shutdown
    int status = 0;
    for (int i = 0; i < 200 && waitpid(pid_, &status, WNOHANG) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (waitpid(pid_, &status, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

std::string PgCluster::url(const std::string& database) const {
  return "postgresql://shelfmark@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PgCluster::create_database(const std::string& name) const {
  const std::string log = directory_ + "/createdb.log";
  if (run_as(nullptr, {bin_ + "/createdb", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U", "shelfmark", name},
             log) != 0)
    throw std::runtime_error("createdb failed:\n" + read_file(log));
  return url(name);
}

}  // namespace shelfmark::testing
