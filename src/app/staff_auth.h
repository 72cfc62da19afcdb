// Staff accounts and sessions: creating accounts, logging in with throttling per account and per address,
// resuming a session from its cookie token (with idle and absolute timeouts), logging out.
#pragma once

#include <chrono>

#include "app/notices.h"
#include "app/ports.h"

namespace shelfmark::app {

struct SessionPolicy {
  std::chrono::seconds idle_timeout{std::chrono::minutes(30)};
  std::chrono::seconds absolute_lifetime{std::chrono::hours(12)};
  // last_seen is written at most this often, so reading pages does not write to the database every time.
  std::chrono::seconds touch_interval{std::chrono::seconds(60)};
};

struct NewStaffInput {
  std::string username;
  std::string display_name;
  std::string role;
  std::string password;
};
// `by`: the administrator who adds the account (none from the command line), for the audit log.
// `must_change_password`: the password is temporary, to be changed at the first sign-in.
domain::Outcome<domain::StaffUser> add_staff(const Context& context, const NewStaffInput& input,
                                             std::optional<long long> by = std::nullopt,
                                             bool must_change_password = false);

struct LoginResult {
  std::string session_token;  // goes into the cookie; only its digest is stored
  std::string csrf_token;
  domain::StaffUser user;
  // Set instead of a session when the staff member has two-factor sign-in on: the password was right, and
  // complete_sign_in (staff_two_factor.h) makes the session once a code is given. Grants nothing else.
  std::string challenge_token;
};
// `address` is the client's network address, used only as a throttling key (kept hashed).
domain::Outcome<LoginResult> log_in(const Context& context, const std::string& username, const std::string& password,
                                    const std::string& address);

struct ActiveSession {
  domain::StaffUser user;
  std::string csrf_token;
  // The role requires two-factor sign-in and the staff member has not enrolled yet: sent to enrol from every
  // staff page until they have.
  bool must_enrol_two_factor = false;
  Actor actor() const { return {user.id, user.role}; }
};
std::optional<ActiveSession> resume_session(const Context& context, const SessionPolicy& policy,
                                            const std::string& session_token);
void log_out(const Context& context, const std::string& session_token);

}  // namespace shelfmark::app
