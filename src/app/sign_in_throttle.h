// The sign-in throttle shared by staff sign-in, readers' web sign-in and PIN checks, and terminal logins
// (ADR 0017): the keys under which one attempt's failures are counted in repos.auth_failures, and the
// decisions of domain::login_refusal and domain::should_alert applied to them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/ports.h"
#include "domain/staff.h"

namespace shelfmark::app {

// Each channel has its own keys, so failures in one never throttle another: "staff" (staff web sign-in),
// "reader-web" (readers on the web), "reader-sip" (readers' PINs at SIP2 terminals), "terminal" (SIP2 logins).
struct ThrottleKeys {
  std::string account;  // <channel>:<digest of the account's identifier>
  std::string pair;     // <channel>-pair:<digest of the identifier and the address>
  std::string address;  // <channel>-addr:<digest of the address>
  std::string alert;    // <channel>-alert:<digest of the identifier>: when the holder was last told
};
// `account` is the account's canonical identifier when it exists, else what was typed: unknown identifiers are
// counted exactly like known ones.
ThrottleKeys throttle_keys(const Context& context, std::string_view channel, const std::string& account,
                           const std::string& address);

struct ThrottleState {
  std::optional<domain::LoginRefusal> refusal;
  bool had_failures = false;  // the account or the pair has recent failures (worth clearing on success)
};
ThrottleState throttle_state(Repositories& repos, const ThrottleKeys& keys, Instant now);

// too_many_attempts {minutes} for a hard limit, sign_in_delayed {seconds} for the account's delay.
domain::Failure refusal_failure(const domain::LoginRefusal& refusal, Instant now);
bool is_throttled(domain::ErrorCode code);

// Records a failure under the account, pair and address keys. Returns true when the account holder should now
// be told (at most once per LoginThrottle::kAlertEvery; the alert is recorded).
bool record_failure(Repositories& repos, const ThrottleKeys& keys, Instant now);
// A success clears the account's and the pair's failures (not the address's).
void record_success(Repositories& repos, const ThrottleKeys& keys);

// A hash to verify against when there is nothing to verify (an unknown username, card or terminal), so
// that every sign-in path costs one verification and timing does not tell which identifiers exist.
const std::string& timing_equaliser_hash(PasswordHasher& hasher);

}  // namespace shelfmark::app
