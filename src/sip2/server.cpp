#include "sip2/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstring>
#include <list>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace shelfmark::sip2 {
namespace {

std::string ssl_error_text() {
  char buffer[256];
  ERR_error_string_n(ERR_get_error(), buffer, sizeof buffer);
  return buffer;
}

int listen_on(const Listen& listen, std::uint16_t& bound_port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const auto port_text = std::to_string(listen.port);
  if (int rc = getaddrinfo(listen.host.c_str(), port_text.c_str(), &hints, &found); rc != 0)
    throw std::runtime_error("SIP2: cannot resolve '" + listen.host + "': " + gai_strerror(rc));
  int fd = -1;
  std::string problem;
  for (auto* a = found; a; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 128) == 0) break;
    problem = std::strerror(errno);
    close(fd);
    fd = -1;
  }
  freeaddrinfo(found);
  if (fd < 0) throw std::runtime_error("SIP2: cannot listen on " + listen.host + ":" + port_text + ": " + problem);
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  bound_port = ntohs(address.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&address)->sin6_port
                                                   : reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  return fd;
}

std::string peer_of(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = "";
  if (address.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&address)->sin_addr, text, sizeof text);
  } else if (address.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    // An IPv4 client on a dual-stack socket: report it as IPv4, so allow-lists can name it so.
    std::string s = text;
    if (s.rfind("::ffff:", 0) == 0 && s.find('.') != std::string::npos) return s.substr(7);
  }
  return text;
}

// One connection's byte stream, plain or TLS.
class Stream {
 public:
  Stream(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  ~Stream() {
    if (ssl_) {
      SSL_shutdown(ssl_);
      SSL_free(ssl_);
    }
  }
  // >0 bytes, 0 closed, <0 error or idle timeout.
  long read(char* buffer, std::size_t size) {
    if (ssl_) {
      const int n = SSL_read(ssl_, buffer, static_cast<int>(size));
      return n > 0 ? n : (SSL_get_error(ssl_, n) == SSL_ERROR_ZERO_RETURN ? 0 : -1);
    }
    for (;;) {
      const auto n = recv(fd_, buffer, size, 0);
      if (n < 0 && errno == EINTR) continue;
      return n;
    }
  }
  bool write_all(std::string_view data) {
    while (!data.empty()) {
      long n;
      if (ssl_) {
        n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
      } else {
        n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
      }
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

 private:
  int fd_;
  SSL* ssl_;
};

// SO_RCVTIMEO: how long a read may wait (at least a millisecond: zero would mean for ever).
void set_receive_timeout(int fd, std::chrono::milliseconds limit) {
  limit = std::max(limit, std::chrono::milliseconds(1));
  timeval tv{static_cast<time_t>(limit.count() / 1000), static_cast<suseconds_t>(limit.count() % 1000 * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

}  // namespace

struct Server::Impl {
  struct Connection {
    int fd = -1;
    std::string peer;
    std::thread thread;
    std::atomic<bool> done{false};
  };

  const app::Context& context;
  app::NetworkCache& network;
  ServerOptions options;
  SSL_CTX* tls = nullptr;
  int plain_fd = -1, tls_fd = -1;
  std::uint16_t plain_port = 0, tls_port_ = 0;
  int wake[2] = {-1, -1};
  std::thread acceptor;
  std::atomic<bool> stopping{false};
  mutable std::mutex mutex;
  std::list<std::shared_ptr<Connection>> live;
  // Per address: when a refusal was last logged, and refusals since (guarded by mutex).
  std::map<std::string, std::pair<std::chrono::steady_clock::time_point, long long>> refused;

  Impl(const app::Context& c, app::NetworkCache& n, ServerOptions o) : context(c), network(n), options(std::move(o)) {}

  void accept_loop() {
    std::vector<pollfd> fds;
    fds.push_back({wake[0], POLLIN, 0});
    if (plain_fd >= 0) fds.push_back({plain_fd, POLLIN, 0});
    if (tls_fd >= 0) fds.push_back({tls_fd, POLLIN, 0});
    while (!stopping) {
      if (poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) break;
      reap();
      if (stopping) break;
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & POLLIN)) continue;
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        const int fd = accept4(fds[i].fd, reinterpret_cast<sockaddr*>(&address), &length, SOCK_CLOEXEC);
        if (fd < 0) {
          // Out of descriptors: the listener stays readable, so wait a little instead of spinning.
          if (errno == EMFILE || errno == ENFILE) std::this_thread::sleep_for(std::chrono::milliseconds(100));
          continue;
        }
        const bool over_tls = fds[i].fd == tls_fd;
        const auto peer = peer_of(address);
        std::lock_guard lock(mutex);
        if (live.size() >= options.max_connections) {
          spdlog::warn("sip2: {} connections open; refusing {}", live.size(), peer);
          close(fd);
          continue;
        }
        const auto from_peer = static_cast<std::size_t>(
            std::count_if(live.begin(), live.end(), [&](const auto& c) { return !c->done && c->peer == peer; }));
        if (from_peer >= options.max_connections_per_address) {
          refuse_from(peer);
          close(fd);
          continue;
        }
        auto connection = std::make_shared<Connection>();
        connection->fd = fd;
        connection->peer = peer;
        connection->thread = std::thread([this, connection, over_tls] {
          serve_connection(*connection, connection->peer, over_tls);
          connection->done = true;
        });
        live.push_back(std::move(connection));
      }
    }
  }

  // Logs a connection refused for its address: the address and how many, nothing a client sent. At most one
  // line per address every 10 seconds, so a client hammering the port cannot flood the log.
  void refuse_from(const std::string& peer) {
    const auto now = std::chrono::steady_clock::now();
    auto& [last, count] = refused[peer];
    ++count;
    if (count > 1 && now - last < std::chrono::seconds(10)) return;
    spdlog::warn("sip2 {}: {} connections open from this address (--sip-max-per-address); refused {}", peer,
                 options.max_connections_per_address, count);
    last = now;
    count = 0;
    if (refused.size() > 1000) refused.clear();  // bounded, whatever the addresses
  }

  void reap() {
    std::list<std::shared_ptr<Connection>> finished;
    {
      std::lock_guard lock(mutex);
      for (auto it = live.begin(); it != live.end();) {
        if ((*it)->done) {
          finished.push_back(*it);
          it = live.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& connection : finished) {
      connection->thread.join();
      close(connection->fd);
    }
  }

  void serve_connection(Connection& connection, const std::string& peer, bool over_tls) {
    const int fd = connection.fd;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // Until it logs in, a connection has until `login_by`; then the idle timeout is the read timeout: a
    // terminal that says nothing for that long is disconnected.
    const auto login_by = std::chrono::steady_clock::now() + options.login_timeout;
    const auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(options.idle_timeout);
    set_receive_timeout(fd,
                        std::min(idle, std::chrono::duration_cast<std::chrono::milliseconds>(options.login_timeout)));
    timeval send_limit{30, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_limit, sizeof send_limit);
    SSL* ssl = nullptr;
    if (over_tls) {
      ssl = SSL_new(tls);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) <= 0) {
        spdlog::info("sip2 {}: TLS handshake failed: {}", peer, ssl_error_text());
        SSL_free(ssl);
        return;
      }
    }
    spdlog::debug("sip2 {}: connected{}", peer, over_tls ? " (TLS)" : "");
    {
      Stream stream(fd, ssl);
      Session session(context, network, peer, options.session);
      Framer framer;
      char buffer[4096];
      bool open = true;
      bool login_deadline = true;  // the read timeout is the time left to log in
      while (open && !stopping) {
        if (!session.logged_in()) {
          // Not logged in yet (or no longer, after a failed 93): what is left of the time to log in.
          const auto left =
              std::chrono::duration_cast<std::chrono::milliseconds>(login_by - std::chrono::steady_clock::now());
          if (left <= std::chrono::milliseconds(0)) {
            spdlog::info("sip2 {}: not logged in within {} s, disconnected", peer, options.login_timeout.count());
            break;
          }
          set_receive_timeout(fd, std::min(left, idle));
          login_deadline = true;
        } else if (login_deadline) {
          set_receive_timeout(fd, idle);
          login_deadline = false;
        }
        const auto n = stream.read(buffer, sizeof buffer);
        if (n == 0) break;
        if (n < 0) {
          if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (!session.logged_in() && std::chrono::steady_clock::now() >= login_by)
              spdlog::info("sip2 {}: not logged in within {} s, disconnected", peer, options.login_timeout.count());
            else
              spdlog::info("sip2 {}: idle for {} s, disconnected", peer, options.idle_timeout.count());
          }
          break;
        }
        framer.append(std::string_view(buffer, static_cast<std::size_t>(n)));
        for (;;) {
          auto result = framer.next();
          if (result.status == FrameStatus::kNeedMore) break;
          std::string reply;
          if (result.status == FrameStatus::kTooLong) {
            spdlog::warn("sip2 {}: message longer than {} bytes discarded", peer, kMaxMessageLength);
            ReplyOptions reply_options;
            reply_options.terminator = framer.terminator();
            reply = ResponseBuilder(msg::kRequestScResend).finish(reply_options);
          } else {
            reply = session.handle(result.frame);
          }
          if (!stream.write_all(reply)) {
            open = false;
            break;
          }
        }
      }
    }
    // The descriptor is closed by whoever joins this thread, so stop() never shuts down a reused number.
    spdlog::debug("sip2 {}: disconnected", peer);
  }
};

Server::Server(const app::Context& context, app::NetworkCache& network, ServerOptions options)
    : impl_(std::make_unique<Impl>(context, network, std::move(options))) {}

Server::~Server() { stop(); }

void Server::start() {
  auto& d = *impl_;
  // A terminal that disconnects while we write must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  if (d.options.tls) {
    d.tls = SSL_CTX_new(TLS_server_method());
    if (!d.tls) throw std::runtime_error("SIP2: cannot create a TLS context: " + ssl_error_text());
    SSL_CTX_set_min_proto_version(d.tls, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(d.tls, d.options.tls_certificate.c_str()) != 1)
      throw std::runtime_error("SIP2: cannot read the TLS certificate " + d.options.tls_certificate + ": " +
                               ssl_error_text());
    if (SSL_CTX_use_PrivateKey_file(d.tls, d.options.tls_private_key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(d.tls) != 1)
      throw std::runtime_error("SIP2: cannot use the TLS private key " + d.options.tls_private_key + ": " +
                               ssl_error_text());
  }
  if (pipe2(d.wake, O_CLOEXEC) != 0) throw std::runtime_error("SIP2: pipe failed");
  if (d.options.plain) d.plain_fd = listen_on(*d.options.plain, d.plain_port);
  if (d.options.tls) d.tls_fd = listen_on(*d.options.tls, d.tls_port_);
  d.acceptor = std::thread([&d] { d.accept_loop(); });
}

void Server::stop() {
  auto& d = *impl_;
  if (!d.acceptor.joinable()) return;
  d.stopping = true;
  if (d.wake[1] >= 0) {
    const char byte = 1;
    [[maybe_unused]] auto ignored = write(d.wake[1], &byte, 1);
  }
  d.acceptor.join();
  if (d.plain_fd >= 0) close(d.plain_fd);
  if (d.tls_fd >= 0) close(d.tls_fd);
  d.plain_fd = d.tls_fd = -1;
  // Reading stops; a reply being written still goes out.
  std::list<std::shared_ptr<Impl::Connection>> all;
  {
    std::lock_guard lock(d.mutex);
    for (auto& connection : d.live) shutdown(connection->fd, SHUT_RD);
    all.swap(d.live);
  }
  for (auto& connection : all) {
    connection->thread.join();
    close(connection->fd);
  }
  for (int fd : d.wake)
    if (fd >= 0) close(fd);
  d.wake[0] = d.wake[1] = -1;
  if (d.tls) SSL_CTX_free(d.tls);
  d.tls = nullptr;
}

std::uint16_t Server::port() const { return impl_->plain_port; }
std::uint16_t Server::tls_port() const { return impl_->tls_port_; }
std::size_t Server::connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->live.size();
}

}  // namespace shelfmark::sip2
