// The web site: every page of the public site and the staff pages, as a function from Request to Response.
// Site itself is the shell: it matches each request against one route table (routes.h) to which every page
// group (directory_pages.h, counter_pages.h, catalogue_pages.h, account_pages.h ...) adds its routes; the
// groups parse input, call app/ use cases and render templates through PageKit. Sessions, the access check
// and the CSRF check of each route, security headers, metrics and the access log are applied here for every
// request.
//
// Thread safety: handle() may be called from many threads at once.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "app/enquiries.h"
#include "app/ports.h"
#include "app/reader_account.h"
#include "app/registration.h"
#include "app/search_port.h"
#include "app/staff_auth.h"
#include "web/http.h"
#include "web/routes.h"

namespace shelfmark::web {

struct SiteConfig {
  // Behind a reverse proxy on this machine: take the client address and https from X-Forwarded-* headers.
  bool trust_proxy = false;
  app::SessionPolicy session_policy;
  app::ReaderSessionPolicy reader_policy;
  // The catalogue index (this node's copy); search pages say search is unavailable without one.
  app::SearchIndex* search = nullptr;
  // Online registration's sealer, image cleaner and settings; without them the registration pages are absent.
  app::RegistrationServices* registration = nullptr;
  // Seals staff members' authenticator secrets (two-factor sign-in, ADR 0022); without it the two-factor pages
  // are absent and nobody can enrol.
  app::Sealer* sealer = nullptr;
  // Ask a Librarian's rate limits and retention.
  app::EnquirySettings enquiries;
  // The site's address as readers see it ("https://library.example.hk"), for links printed on paper (the QR
  // code on study room admission cards). Empty: only the path is encoded.
  std::string public_url;
};

class Site {
 public:
  // `extra_metrics` returns more Prometheus lines (the database pool's gauges) for /metrics.
  Site(const app::Context& context, SiteConfig config, std::function<std::string()> extra_metrics);
  ~Site();
  Response handle(Request request) noexcept;
  // The error page for a request the server could not read (400, 413, 415), in the reader's language.
  Response refuse(const Request& request, int status) noexcept;
  // Whether a POST to this path may carry a large multipart/form-data body (ServerOptions::max_body_bytes);
  // every other body is held to ServerOptions::form_limits.
  static bool takes_uploads(std::string_view path) noexcept;
  // Every route the site answers, in the order they are matched (`shelfmark routes`).
  std::vector<RouteInfo> routes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shelfmark::web
