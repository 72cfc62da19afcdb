// My Account: a reader's sign-in (/{lang}/login, with the forgotten and reset password pages) and sign-out,
// /{lang}/account with its forms (renew, reservations, PIN, password, settings, contact details, calendar
// link, card lost, e-book return), the download of the reader's data (/{lang}/account/data.json and .csv) and
// the due-date calendar feed the account gives a link to (/calendar/{token}.ics). Site dispatches to them,
// having resumed the reader's session and checked the CSRF token; they call app/reader_account.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/reader_account.h"
#include "web/page_kit.h"
#include "web/routes.h"

namespace shelfmark::web {

class AccountPages {
 public:
  explicit AccountPages(PageKit& kit) : kit_(kit) {}
  // The reader's sign-in and password reset, My Account with its forms and data export, the calendar feed.
  void add_routes(RouteTable& routes);
  Response reader_login(Page& p);
  Response forgot_password(Page& p);
  Response reset_password(Page& p);
  Response reader_logout(Page& p);
  Response account(Page& p, mustache::data content = mustache::data());
  Response account_post(Page& p, const std::string& action);
  Response account_data(Page& p, bool json);
  Response calendar_feed(const Request& request, const std::string& file);

 private:
  Response reader_login_form(Page& p, const std::string& card, const std::optional<domain::Failure>& failure,
                             int status = 200);

  PageKit& kit_;
};

}  // namespace shelfmark::web
