// The SIP2 server: TCP (and optionally TLS) listeners, one thread per connection, each running a Session.
// A city has a few hundred terminals, each holding one mostly idle connection, so a thread per connection
// is simple and cheap enough (see docs/adr/0009-sip2-server-threads.md). POSIX sockets and OpenSSL; no
// RESTinio or asio.
//
// Thread safety: start() and stop() from one thread; the connections run on their own threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "sip2/session.h"

namespace shelfmark::sip2 {

struct Listen {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6001;  // 0: any free port (tests)
};

struct ServerOptions {
  std::optional<Listen> plain;  // SIP2 over TCP
  std::optional<Listen> tls;    // SIP2 over TLS, with the two files below
  std::string tls_certificate;  // PEM chain
  std::string tls_private_key;  // PEM
  std::chrono::seconds idle_timeout{std::chrono::minutes(10)};
  // A connection that has not logged in (93) this long after connecting is closed, however much it sends:
  // a port scanner or a stuck client must not hold a thread for the whole idle timeout. Bounds the TLS
  // handshake too.
  std::chrono::seconds login_timeout{30};
  std::size_t max_connections = 2000;
  // Connections open at once from one client address; more are closed as soon as they are accepted.
  std::size_t max_connections_per_address = 16;
  SessionOptions session;
};

class Server {
 public:
  Server(const app::Context& context, app::NetworkCache& network, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens, then accepts on a thread of its own. Throws std::runtime_error when an address
  // cannot be bound or the TLS files cannot be read.
  void start();
  // Stops accepting, lets each connection finish the message it is answering, closes them, and joins every
  // thread. Safe to call twice.
  void stop();

  // The bound ports (useful with port 0); 0 when that listener is off.
  std::uint16_t port() const;
  std::uint16_t tls_port() const;
  std::size_t connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shelfmark::sip2
