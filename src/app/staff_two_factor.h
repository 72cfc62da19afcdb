// Two-factor sign-in for staff (ADR 0022): enrolling an authenticator app (a secret shown as a QR code and as
// text, confirmed with a first code), single-use recovery codes, finishing a sign-in with a code after the
// password (log_in in staff_auth.h starts it), turning it off, and the administrators' side: which roles
// require it, and resetting a staff member's two-factor after a lost phone. The secret is sealed at rest;
// recovery codes are stored as keyed digests and shown once. Audited: staff.totp_enrolled,
// staff.totp_disabled, staff.recovery_codes_renewed, staff.recovery_code_used, staff.totp_reset,
// staff.role_policy.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "app/staff_auth.h"
#include "app/two_factor_ports.h"
#include "domain/two_factor.h"

namespace shelfmark::app {

struct TwoFactorStatus {
  bool enrolled = false;  // confirmed with a first code
  bool required = false;  // the staff member's role requires it
  int recovery_codes_left = 0;
};
TwoFactorStatus two_factor_status(const Context& context, long long staff_id);

struct Enrolment {
  std::string secret_base32;  // for typing into an app by hand
  std::string otpauth_uri;    // for the QR code
};
// The secret waiting for its first code: a new one, or the one already shown (reloading the page shows the same
// QR code). Refused (kEditConflict) when two-factor is already on: turn it off or renew the codes instead.
domain::Outcome<Enrolment> begin_enrolment(const Context& context, Sealer& sealer, long long staff_id);
// Confirms enrolment with the code the app shows now; returns the recovery codes, to be shown once.
domain::Outcome<std::vector<std::string>> confirm_enrolment(const Context& context, Sealer& sealer, long long staff_id,
                                                            const std::string& code);
// New recovery codes replace the old ones (all of them, used or not).
domain::Outcome<std::vector<std::string>> renew_recovery_codes(const Context& context, long long staff_id);
// Refused with kTwoFactorRequired when the staff member's role requires two-factor sign-in.
domain::Outcome<domain::Done> turn_off_two_factor(const Context& context, long long staff_id);

// The second step of signing in: the token from LoginResult::challenge_token and a code from the app or a
// recovery code. A wrong code counts as a failed sign-in (ADR 0017); the challenge expires after
// TwoFactorRules::kChallengeLifetime (kTwoFactorExpired: start again with the password).
domain::Outcome<LoginResult> complete_sign_in(const Context& context, Sealer& sealer,
                                              const std::string& challenge_token, const std::string& code,
                                              const std::string& address);
// Whether the token belongs to a sign-in still waiting for its code.
bool challenge_pending(const Context& context, const std::string& challenge_token);

// ----- administrators (Permission::kManageStaff) -----

domain::Outcome<std::map<domain::Role, bool>> role_two_factor_policies(const Context& context, const Actor& actor);
domain::Outcome<domain::Done> set_role_requires_two_factor(const Context& context, const Actor& actor,
                                                           domain::Role role, bool required);
// The staff members who have two-factor sign-in on.
domain::Outcome<std::set<long long>> staff_with_two_factor(const Context& context, const Actor& actor);
// After a lost phone: the staff member's secret and recovery codes are removed and their sessions end; they
// sign in with the password alone (and enrol again, if their role requires it).
domain::Outcome<domain::Done> reset_two_factor(const Context& context, const Actor& actor, long long staff_id);

}  // namespace shelfmark::app
