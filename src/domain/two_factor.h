// Two-factor sign-in for staff: which codes are accepted (a time-based code from an authenticator app, one
// step either side of now, never a step already used; or a single-use recovery code), and whether a role
// requires it. Pure rules over values passed in; the secret and the time come from the caller (ADR 0022).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "domain/staff.h"

namespace shelfmark::domain {

struct TwoFactorRules {
  static constexpr int kSecretBytes = 20;  // 160 bits, as RFC 4226 recommends
  // A code of the step before or after now is accepted too: phones' clocks drift and people type slowly.
  static constexpr int kWindowSteps = 1;
  static constexpr int kRecoveryCodes = 10;
  // Between the password and the code: after this, sign in again from the start.
  static constexpr std::chrono::minutes kChallengeLifetime{5};
};

// The otpauth:// URI an authenticator app reads from the QR code.
std::string otpauth_uri(std::string_view issuer, std::string_view username, std::string_view base32_secret);

// The step of the code typed, when it is the secret's code for a step within the window around `now` and
// after `last_used_step` (a code, once accepted, is never accepted again, not even within its window).
// Spaces in the code are ignored; anything but 6 digits is refused.
std::optional<std::int64_t> accepted_totp_step(std::string_view secret, std::string_view code, Instant now,
                                               std::optional<std::int64_t> last_used_step);

// Recovery codes are shown as "abcd-efgh-ijkl" (letters and digits a person can read out); typed with or
// without dashes and spaces, in either case. normal_recovery_code gives the form whose digest is stored.
std::string format_recovery_code(std::string_view random_letters);
std::string normal_recovery_code(std::string_view typed);
// Whether what was typed looks like a time-based code (digits) rather than a recovery code.
bool looks_like_totp_code(std::string_view typed);

// Whether a staff member of `role` must use two-factor sign-in, given the administrators' settings per role.
bool role_requires_two_factor(const std::map<Role, bool>& policies, Role role);

}  // namespace shelfmark::domain
