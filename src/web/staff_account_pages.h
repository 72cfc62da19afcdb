// Staff accounts for administrators (/{lang}/staff/accounts: the list, /new, each account at /{id} with its
// disable, enable and password-change forms) and every staff member's own password change
// (/{lang}/staff/password, where a staff member who must change their password is sent after signing in).
// Site dispatches to them after the staff session, role and CSRF checks; they call app/staff_accounts.h.
#pragma once

#include <optional>
#include <string>

#include "web/page_kit.h"
#include "web/routes.h"

namespace shelfmark::web {

class StaffAccountPages {
 public:
  explicit StaffAccountPages(PageKit& kit) : kit_(kit) {}
  // The accounts pages (Permission::kManageStaff) and the own password page (any staff member).
  void add_routes(RouteTable& routes);
  // The address every request of a staff member who must change their password is sent to.
  static constexpr const char* kPasswordPattern = "/{lang}/staff/password";

  enum class AccountPost { kSave, kDisable, kEnable, kRequirePasswordChange };

 private:
  Response accounts(Page& p);
  Response new_account(Page& p, const Fields& typed = {}, const std::optional<domain::Failure>& failure = std::nullopt);
  Response create(Page& p);
  // The account's page; `typed` and `version` are what the administrator sent when it is shown again.
  Response account(Page& p, long long id, const Fields& typed = {},
                   const std::optional<domain::Failure>& failure = std::nullopt);
  Response account_post(Page& p, long long id, AccountPost what);
  Response password(Page& p, const std::optional<domain::Failure>& failure = std::nullopt);
  Response password_post(Page& p);

  PageKit& kit_;
};

}  // namespace shelfmark::web
