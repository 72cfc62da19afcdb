// Two-factor sign-in for staff (ADR 0022): the code step of signing in (/{lang}/staff/login/code, reached
// with the challenge cookie that a right password sets when two-factor is on), every staff member's own
// page (/{lang}/staff/two-factor: enrol with a QR code, recovery codes shown once, renew them, turn it off),
// and the administrators' setting per role (/{lang}/staff/accounts/two-factor) and reset per account
// (/{lang}/staff/accounts/{id}/reset-two-factor). Calls app/staff_two_factor.h.
#pragma once

#include <optional>
#include <string>

#include "app/registration_ports.h"
#include "web/page_kit.h"
#include "web/routes.h"

namespace shelfmark::web {

class StaffTwoFactorPages {
 public:
  StaffTwoFactorPages(PageKit& kit, app::Sealer& sealer) : kit_(kit), sealer_(sealer) {}
  void add_routes(RouteTable& routes);

  // Where a staff member whose role requires two-factor and who has not enrolled is sent from every staff
  // page, and the routes they may still use.
  static constexpr const char* kEnrolPattern = "/{lang}/staff/two-factor";
  static bool open_before_enrolment(std::string_view pattern);
  // After a right password with two-factor on: the challenge cookie, and the way to the code form.
  static Response ask_for_code(PageKit& kit, const Page& p, const std::string& challenge_token);
  static std::string challenge_cookie_name(const Request& request);

 private:
  Response code_form(Page& p, const std::optional<domain::Failure>& failure = std::nullopt);
  Response code_post(Page& p);
  Response own(Page& p, const std::optional<domain::Failure>& failure = std::nullopt);
  Response confirm(Page& p);
  Response renew(Page& p);
  Response turn_off(Page& p);
  Response recovery_codes(Page& p, const std::vector<std::string>& codes);
  Response policies(Page& p);
  Response policies_post(Page& p);
  Response reset(Page& p, long long id);

  PageKit& kit_;
  app::Sealer& sealer_;
};

}  // namespace shelfmark::web
