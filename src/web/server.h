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
  // The body limit of upload routes (Site::takes_uploads), multipart only. 8 MiB fits the largest form, two 3 MiB
  // images and text (multipart, not base64). Bodies up to 1 MiB over it are read, to answer 413. Each request in
  // progress holds its body, and about as much again once a multipart body is parsed: plan memory for that times the
  // requests in progress, counting connections still sending a body (these are not limited by --threads).
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  // Every other body: urlencoded forms on any route, and multipart bodies on routes without uploads, are
  // refused with 413 past these, before they are parsed (see web::FormLimits).
  FormLimits form_limits;
  bool trust_proxy = false;  // take X-Forwarded-For/-Proto from a proxy on 127.0.0.1
};

// Blocks until a termination signal. Throws std::runtime_error when the address cannot be bound or the
// TLS files cannot be read. `on_ready` runs once the socket listens.
void serve(Site& site, const ServerOptions& options, const std::function<void()>& on_ready);

}  // namespace shelfmark::web
