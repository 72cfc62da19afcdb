// The HTTP server adapter (RESTinio on asio): turns wire requests into web::Request values, runs the Site,
// writes the Response. The only file that includes RESTinio. Runs until SIGTERM or SIGINT, then shuts down
// gracefully: stops accepting, lets requests in progress finish, and returns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "web/site.h"

namespace shelfmark::web {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t threads = 4;
  std::optional<std::string> tls_certificate;  // PEM chain; both or neither
  std::optional<std::string> tls_private_key;
  std::size_t max_body_bytes = 1024 * 1024;
  bool trust_proxy = false;  // take X-Forwarded-For/-Proto from a proxy on 127.0.0.1
};

// Blocks until a termination signal. Throws std::runtime_error when the address cannot be bound or the
// TLS files cannot be read. `on_ready` runs once the socket listens.
void serve(Site& site, const ServerOptions& options, const std::function<void()>& on_ready);

}  // namespace shelfmark::web
