// What a group of pages needs from the site to do its work: the request as a Page, rendering inside the
// layout, error pages, translations and form errors, CSRF for forms before sign-in, and the app Context.
// Site::Impl implements it; page groups in their own files (registration_pages.cpp) receive it, so that
// site.cpp does not hold every page of the system.
#pragma once

#include <kainjow/mustache.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/directory.h"
#include "app/reader_account.h"
#include "app/staff_auth.h"
#include "web/http.h"
#include "web/i18n.h"

namespace shelfmark::web {

namespace mustache = kainjow::mustache;

// Everything a page handler needs about the request it serves.
struct Page {
  Language lang;
  const Request& request;
  std::optional<app::ActiveSession> session;
  std::optional<app::ActiveReader> reader;  // a reader signed in to My Account
  std::string route;
  std::string switch_path;  // the same page in the other language (defaults to the request path)
  std::string nav;          // "home", "libraries", "notices", "staff"
  std::vector<std::pair<std::string, std::string>> cookies;
  bool banners = true;  // off for the 500 page: the database may be what failed
};

class PageKit {
 public:
  virtual ~PageKit() = default;
  virtual const app::Context& app_context() const = 0;
  virtual const Translator& translations() const = 0;
  virtual std::shared_ptr<const app::NetworkSnapshot> network_snapshot() = 0;
  // The cache the circulation and catalogue use cases read the network through.
  virtual app::NetworkCache& network_cache() = 0;
  virtual Response page(Page& page, const std::string& name, const std::string& title, mustache::data& content,
                        int status = 200) = 0;
  virtual Response error_page(Page& page, int status) = 0;
  virtual void add_errors(Language lang, mustache::data& content,
                          const std::vector<domain::FieldError>& errors) const = 0;
  virtual void add_failure(Language lang, mustache::data& content, const domain::Failure& failure) const = 0;
  // Forms shown before anyone signs in are protected by a token in a cookie that the form repeats.
  virtual std::string sign_in_csrf(Page& page) = 0;
  virtual bool sign_in_csrf_ok(const Page& page) const = 0;
  // The CSRF check of every form: the token posted is the one of whoever the page is for, the staff
  // session's or the signed-in reader's; before anyone signs in, the sign-in cookie's (sign_in_csrf_ok).
  virtual bool csrf_ok(const Page& page) const = 0;
  virtual std::string cookie_attributes(const Request& request) const = 0;

  // The error page for a failure no form can show: 403 when not allowed, 404 for anything else.
  Response failure_page(Page& page, const domain::Failure& failure) {
    return error_page(page, http_status_for(failure.code) == 403 ? 403 : 404);
  }
  // The error page when the failure is not allowed (403) or not found (404), none when a form can show it.
  std::optional<Response> refusal_page(Page& page, const domain::Failure& failure) {
    const int status = http_status_for(failure.code);
    if (status == 403 || status == 404) return error_page(page, status);
    return std::nullopt;
  }
  // The status of a form shown again with a failure: as http_status_for, except that a form showing "not
  // found" or "not allowed" as a message about what was typed is 422.
  static int form_status(const domain::Failure& failure) {
    const int status = http_status_for(failure.code);
    return status == 403 || status == 404 ? 422 : status;
  }

  std::string t(Language lang, std::string_view msgid) const { return translations().translate(lang, msgid); }
  std::string tf(Language lang, std::string_view msgid, const std::map<std::string, std::string>& values) const {
    return translations().format(lang, msgid, values);
  }
};

inline std::string lang_code(Language language) { return std::string(domain::language_code(language)); }
// A positive number from a path segment or field; -1 for anything else.
inline long long parse_id(std::string_view text) {
  if (text.empty() || text.size() > 18) return -1;
  long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}
inline mustache::data list() { return mustache::data(mustache::data::type::list); }

}  // namespace shelfmark::web
