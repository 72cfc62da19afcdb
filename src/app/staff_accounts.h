// Staff accounts administered on the web (Permission::kManageStaff): the list with last sign-in and recent
// failed sign-ins, creating an account with a temporary password, changing its role and name, disabling and
// re-enabling it, requiring a password change; and every staff member's own password change. Changes are
// version-checked (kEditConflict) and audited (never a password); the last enabled administrator can be
// neither disabled nor demoted (kLastAdministrator).
#pragma once

#include <string>
#include <vector>

#include "app/staff_auth.h"

namespace shelfmark::app {

struct StaffAccount {
  domain::StaffUser user;
  int failed_sign_ins = 0;  // failed sign-ins under this username in the last 24 hours
};
domain::Outcome<std::vector<StaffAccount>> staff_accounts(const Context& context, const Actor& actor);
domain::Outcome<domain::StaffUser> staff_account(const Context& context, const Actor& actor, long long id);

// `input.password` is a temporary password: the new staff member must change it at the first sign-in.
domain::Outcome<domain::StaffUser> create_staff_account(const Context& context, const Actor& actor,
                                                        const NewStaffInput& input);

struct StaffChange {
  std::string display_name;
  std::string role;  // a role code
};
domain::Outcome<domain::StaffUser> update_staff_account(const Context& context, const Actor& actor, long long id,
                                                        long long expected_version, const StaffChange& change);
// Disabling ends the account's sessions at once; a disabled account cannot sign in.
domain::Outcome<domain::StaffUser> set_staff_enabled(const Context& context, const Actor& actor, long long id,
                                                     long long expected_version, bool enabled);
// The staff member must change their password at the next sign-in (their open sessions go straight to the
// change). A non-empty `temporary_password` replaces the current one and ends their sessions.
domain::Outcome<domain::StaffUser> require_password_change(const Context& context, const Actor& actor, long long id,
                                                           long long expected_version,
                                                           const std::string& temporary_password);

// A staff member changes their own password; their other sessions end. A wrong current password counts as a
// failed sign-in (ADR 0017).
domain::Outcome<domain::Done> change_own_password(const Context& context, long long staff_id,
                                                  const std::string& session_token, const std::string& current,
                                                  const std::string& password, const std::string& repeated,
                                                  const std::string& address);

}  // namespace shelfmark::app
