#include "web/server.h"

#include <fmt/format.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <restinio/all.hpp>
#include <restinio/tls.hpp>
#include <variant>

#include "core/text.h"

namespace shelfmark::web {
namespace {

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

// How far past max_body_bytes a body is still read, to answer it with a 413 page.
constexpr std::size_t kBodyReadSlack = 1024 * 1024;

Request to_request(const restinio::request_handle_t& wire, const ServerOptions& options, std::optional<int>& bad) {
  Request request;
  const auto& header = wire->header();
  request.method = std::string(header.method().c_str());
  auto path = percent_decode(header.path(), false);
  if (!path || !is_valid_utf8(*path) || path->find('\0') != std::string::npos) {
    bad = 400;
    path = "/";
  }
  request.path = *path;
  auto query = parse_urlencoded(header.query());
  if (!query)
    bad = 400;
  else
    request.query = std::move(*query);
  request.cookies = parse_cookies(header.get_field_or("Cookie", ""));
  request.accept_language = header.get_field_or("Accept-Language", "");
  request.remote_address = wire->remote_endpoint().address().to_string();
  if (options.trust_proxy && (request.remote_address == "127.0.0.1" || request.remote_address == "::1")) {
    const auto forwarded_for = header.get_field_or("X-Forwarded-For", "");
    if (!forwarded_for.empty()) request.remote_address = std::string(trim(split(forwarded_for, ',').back()));
    request.tls = header.get_field_or("X-Forwarded-Proto", "") == "https";
  }
  // Only upload routes take the large limit, and only for multipart bodies; every other body is held to
  // the form limits, checked before anything is parsed (Hardening 2).
  const auto type = to_lower_ascii(header.get_field_or("Content-Type", ""));
  const bool upload = Site::takes_uploads(request.path) && type.rfind("multipart/form-data", 0) == 0;
  if (wire->body().size() > (upload ? options.max_body_bytes : options.form_limits.max_bytes)) {
    bad = 413;
    return request;
  }
  if (request.method == "POST") {
    if (type.rfind("application/x-www-form-urlencoded", 0) == 0) {
      auto form = parse_form(wire->body(), options.form_limits);
      if (auto* fields = std::get_if<Fields>(&form))
        request.form = std::move(*fields);
      else
        bad = std::get<FormError>(form) == FormError::kInvalidText ? 400 : 413;
    } else if (type.rfind("multipart/form-data", 0) == 0) {
      // The original header, not the lowercased one: the boundary is case-sensitive.
      auto parsed = parse_multipart(header.get_field_or("Content-Type", ""), wire->body(), MultipartLimits{});
      if (auto* multipart = std::get_if<MultipartBody>(&parsed)) {
        request.form = std::move(multipart->fields);
        request.files = std::move(multipart->files);
      } else {
        const auto error = std::get<MultipartError>(parsed);
        bad = error == MultipartError::kTooManyFiles || error == MultipartError::kTooManyParts ? 413 : 400;
      }
    } else if (!wire->body().empty()) {
      bad = 415;
    }
  }
  return request;
}

template <class Traits>
void run(Site& site, const ServerOptions& options, bool tls, const std::function<void()>& on_ready,
         std::function<void(restinio::server_settings_t<Traits>&)> configure) {
  auto handler = [&site, &options, tls](restinio::request_handle_t wire) {
    std::optional<int> bad;
    auto request = to_request(wire, options, bad);
    request.tls = request.tls || tls;
    Response response;
    if (bad) {
      response = site.refuse(request, *bad);
    } else {
      const bool head = request.method == "HEAD";
      if (head) request.method = "GET";
      response = site.handle(std::move(request));
      if (head) response.body.clear();
    }
    auto out = wire->create_response(restinio::http_status_line_t{
        restinio::http_status_code_t{static_cast<std::uint16_t>(response.status)}, reason_phrase(response.status)});
    for (const auto& [name, value] : response.headers) out.append_header(name, value);
    out.set_body(std::move(response.body));
    out.done();
    return restinio::request_accepted();
  };
  restinio::server_settings_t<Traits> settings;
  settings.address(options.host)
      .port(options.port)
      .request_handler(std::move(handler))
      .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}
                                    .max_url_size(8 * 1024)
                                    .max_field_name_size(1024)
                                    .max_field_value_size(16 * 1024)
                                    .max_field_count(100)
                                    // Larger bodies than we accept still get read, up to 1 MiB more, so that
                                    // the reader gets a clear 413 page rather than a dropped connection;
                                    // larger ones are cut. RESTinio holds a whole body in memory, so this
                                    // bound times the concurrent requests (handled or still being read)
                                    // is what bodies may take.
                                    .max_body_size(options.max_body_bytes + kBodyReadSlack))
      .read_next_http_message_timelimit(std::chrono::seconds(30))
      .write_http_response_timelimit(std::chrono::seconds(30))
      .handle_request_timeout(std::chrono::seconds(30));
  configure(settings);

  // Block the termination signals in every thread; this one waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto server = restinio::run_async<Traits>(restinio::own_io_context(), std::move(settings), options.threads);
  spdlog::info("listening on {}://{}:{}", tls ? "https" : "http", options.host, options.port);
  if (on_ready) on_ready();
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("signal {} received: finishing requests in progress and stopping", received);
  server->stop();
  server->wait();
  spdlog::info("stopped");
}

}  // namespace

void serve(Site& site, const ServerOptions& options, const std::function<void()>& on_ready) {
  if (options.tls_certificate && options.tls_private_key) {
    using Traits = restinio::tls_traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>;
    restinio::asio_ns::ssl::context context(restinio::asio_ns::ssl::context::tls_server);
    context.set_options(restinio::asio_ns::ssl::context::default_workarounds |
                        restinio::asio_ns::ssl::context::no_sslv2 | restinio::asio_ns::ssl::context::no_sslv3 |
                        restinio::asio_ns::ssl::context::no_tlsv1 | restinio::asio_ns::ssl::context::no_tlsv1_1 |
                        restinio::asio_ns::ssl::context::single_dh_use);
    try {
      context.use_certificate_chain_file(*options.tls_certificate);
      context.use_private_key_file(*options.tls_private_key, restinio::asio_ns::ssl::context::pem);
    } catch (const std::exception& error) {
      throw std::runtime_error("cannot load the TLS certificate or key: " + std::string(error.what()));
    }
    run<Traits>(site, options, true, on_ready,
                [&](restinio::server_settings_t<Traits>& settings) { settings.tls_context(std::move(context)); });
  } else {
    using Traits = restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>;
    run<Traits>(site, options, false, on_ready, [](restinio::server_settings_t<Traits>&) {});
  }
}

}  // namespace shelfmark::web
