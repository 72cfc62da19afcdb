#include "app/staff_two_factor.h"

#include "app/sign_in_throttle.h"
#include "core/otp.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::failure;
using domain::Outcome;
using domain::TwoFactorRules;

constexpr const char* kIssuer = "Shelfmark";

std::string subject(long long id) { return "staff:" + std::to_string(id); }

bool may_manage(const Actor& actor) { return domain::role_allows(actor.role, domain::Permission::kManageStaff); }

// A fresh secret: random_token's 256 bits are 43 URL-safe characters, 6 bits each; the first 32 give a
// 32-byte key with 192 random bits, more than RFC 4226's minimum of 128.
std::string new_secret(TokenSource& tokens) { return tokens.random_token().substr(0, 32); }

// A recovery code: 12 characters from 32 that cannot be mistaken for one another (no l, o, 0 or 1), 5 bits
// each (60 bits), taken from the 6-bit values of a random token's characters.
std::string new_recovery_code(TokenSource& tokens) {
  static constexpr std::string_view kTokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
  std::string letters;
  while (letters.size() < 12) {
    for (char c : tokens.random_token()) {
      const auto value = kTokenAlphabet.find(c);
      if (value == std::string_view::npos || letters.size() == 12) continue;
      letters += kAlphabet[value % 32];
    }
  }
  return domain::format_recovery_code(letters);
}

std::vector<std::string> issue_recovery_codes(const Context& context, Repositories& repos, long long staff_id) {
  std::vector<std::string> codes;
  std::vector<std::string> digests;
  for (int i = 0; i < TwoFactorRules::kRecoveryCodes; ++i) {
    codes.push_back(new_recovery_code(context.tokens));
    digests.push_back(context.tokens.digest(domain::normal_recovery_code(codes.back())));
  }
  repos.two_factor.replace_recovery_codes(staff_id, digests);
  return codes;
}

}  // namespace

TwoFactorStatus two_factor_status(const Context& context, long long staff_id) {
  TwoFactorStatus status;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    const auto totp = repos.two_factor.totp(staff_id);
    status.enrolled = totp && totp->confirmed_at;
    if (auto user = repos.staff.by_id(staff_id))
      status.required = domain::role_requires_two_factor(repos.two_factor.role_policies(), user->role);
    if (status.enrolled) status.recovery_codes_left = repos.two_factor.unused_recovery_codes(staff_id);
  });
  return status;
}

Outcome<Enrolment> begin_enrolment(const Context& context, Sealer& sealer, long long staff_id) {
  std::optional<Outcome<Enrolment>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto user = repos.staff.by_id(staff_id);
    if (!user) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    std::optional<std::string> secret;
    if (auto totp = repos.two_factor.totp(staff_id)) {
      if (totp->confirmed_at) {
        result = failure(ErrorCode::kEditConflict);
        return;
      }
      secret = sealer.open(totp->secret);
    }
    if (!secret) {
      secret = new_secret(context.tokens);
      repos.two_factor.put_totp(staff_id, sealer.seal(*secret), context.clock.now());
    }
    const auto base32 = otp::base32_encode(*secret);
    result = Enrolment{base32, domain::otpauth_uri(kIssuer, user->username, base32)};
  });
  return std::move(*result);
}

Outcome<std::vector<std::string>> confirm_enrolment(const Context& context, Sealer& sealer, long long staff_id,
                                                    const std::string& code) {
  std::optional<Outcome<std::vector<std::string>>> result;
  const auto now = context.clock.now();
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto totp = repos.two_factor.totp(staff_id);
    if (!totp || totp->confirmed_at) {
      result = failure(ErrorCode::kEditConflict);
      return;
    }
    const auto secret = sealer.open(totp->secret);
    const auto step = secret ? domain::accepted_totp_step(*secret, code, now, totp->last_used_step) : std::nullopt;
    if (!step || !repos.two_factor.use_step(staff_id, *step)) {
      result = domain::invalid({{"code", ErrorCode::kTwoFactorCodeWrong, {}}});
      return;
    }
    repos.two_factor.confirm_totp(staff_id, now);
    auto codes = issue_recovery_codes(context, repos, staff_id);
    repos.audit.record({now, staff_id, "staff.totp_enrolled", subject(staff_id), ""});
    result = std::move(codes);
  });
  return std::move(*result);
}

Outcome<std::vector<std::string>> renew_recovery_codes(const Context& context, long long staff_id) {
  std::optional<Outcome<std::vector<std::string>>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto totp = repos.two_factor.totp(staff_id);
    if (!totp || !totp->confirmed_at) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    auto codes = issue_recovery_codes(context, repos, staff_id);
    repos.audit.record({context.clock.now(), staff_id, "staff.recovery_codes_renewed", subject(staff_id), ""});
    result = std::move(codes);
  });
  return std::move(*result);
}

Outcome<domain::Done> turn_off_two_factor(const Context& context, long long staff_id) {
  std::optional<Outcome<domain::Done>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto user = repos.staff.by_id(staff_id);
    if (!user) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    if (domain::role_requires_two_factor(repos.two_factor.role_policies(), user->role)) {
      result = failure(ErrorCode::kTwoFactorRequired);
      return;
    }
    const auto totp = repos.two_factor.totp(staff_id);
    repos.two_factor.remove_totp(staff_id);
    if (totp && totp->confirmed_at)
      repos.audit.record({context.clock.now(), staff_id, "staff.totp_disabled", subject(staff_id), ""});
    result = domain::Done{};
  });
  return std::move(*result);
}

bool challenge_pending(const Context& context, const std::string& challenge_token) {
  if (challenge_token.empty() || challenge_token.size() > 200) return false;
  const auto digest = context.tokens.digest(challenge_token);
  std::optional<TwoFactorChallenge> challenge;
  context.store.transact(Store::Mode::kRead,
                         [&](Repositories& repos) { challenge = repos.two_factor.challenge(digest); });
  return challenge && context.clock.now() - challenge->created_at <= TwoFactorRules::kChallengeLifetime;
}

Outcome<LoginResult> complete_sign_in(const Context& context, Sealer& sealer, const std::string& challenge_token,
                                      const std::string& code, const std::string& address) {
  if (challenge_token.empty() || challenge_token.size() > 200) return failure(ErrorCode::kTwoFactorExpired);
  const auto digest = context.tokens.digest(challenge_token);
  const auto now = context.clock.now();
  std::optional<TwoFactorChallenge> challenge;
  std::optional<domain::StaffUser> user;
  std::optional<StaffTotp> totp;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    challenge = repos.two_factor.challenge(digest);
    if (challenge) user = repos.staff.by_id(challenge->staff_id);
    if (user) totp = repos.two_factor.totp(user->id);
  });
  if (!challenge || !user || user->disabled || !totp || !totp->confirmed_at ||
      now - challenge->created_at > TwoFactorRules::kChallengeLifetime) {
    if (challenge)
      context.store.transact(Store::Mode::kWrite,
                             [&](Repositories& repos) { repos.two_factor.remove_challenge(digest); });
    return failure(ErrorCode::kTwoFactorExpired);
  }
  const auto keys = throttle_keys(context, "staff", user->username, address);
  ThrottleState throttle;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { throttle = throttle_state(repos, keys, now); });
  if (throttle.refusal) return refusal_failure(*throttle.refusal, now);

  const auto secret = sealer.open(totp->secret);
  const auto step = secret && domain::looks_like_totp_code(code)
                        ? domain::accepted_totp_step(*secret, code, now, totp->last_used_step)
                        : std::nullopt;
  const auto recovery_digest = context.tokens.digest(domain::normal_recovery_code(code));
  std::optional<Outcome<LoginResult>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    bool recovery_used = false;
    bool accepted = step && repos.two_factor.use_step(user->id, *step);
    if (!accepted && !step && !domain::looks_like_totp_code(code) && !code.empty()) {
      accepted = recovery_used = repos.two_factor.use_recovery_code(user->id, recovery_digest, now);
    }
    if (!accepted) {
      if (record_failure(repos, keys, now))
        repos.audit.record({now, std::nullopt, "staff.login_failures_alert", subject(user->id),
                            "failures=" + std::to_string(domain::LoginThrottle::kFailuresToAlert) + "+"});
      repos.audit.record({now, user->id, "staff.login_failed", subject(user->id), "second factor"});
      result = domain::invalid({{"code", ErrorCode::kTwoFactorCodeWrong, {}}});
      return;
    }
    LoginResult login{context.tokens.random_token(), context.tokens.random_token(), *user, {}};
    repos.two_factor.remove_challenge(digest);
    repos.two_factor.remove_challenges_before(now - TwoFactorRules::kChallengeLifetime);
    if (throttle.had_failures) record_success(repos, keys);
    repos.sessions.remove_idle(now - std::chrono::hours(24));
    repos.sessions.insert({context.tokens.digest(login.session_token), user->id, login.csrf_token, now, now});
    repos.staff.record_sign_in(user->id, now);
    if (recovery_used) {
      repos.audit.record({now, user->id, "staff.recovery_code_used", subject(user->id),
                          "left=" + std::to_string(repos.two_factor.unused_recovery_codes(user->id))});
    }
    repos.audit.record({now, user->id, "staff.login", subject(user->id), recovery_used ? "recovery code" : "code"});
    result = std::move(login);
  });
  return std::move(*result);
}

Outcome<std::map<domain::Role, bool>> role_two_factor_policies(const Context& context, const Actor& actor) {
  if (!may_manage(actor)) return failure(ErrorCode::kPermissionDenied);
  std::map<domain::Role, bool> policies;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { policies = repos.two_factor.role_policies(); });
  return policies;
}

Outcome<domain::Done> set_role_requires_two_factor(const Context& context, const Actor& actor, domain::Role role,
                                                   bool required) {
  if (!may_manage(actor)) return failure(ErrorCode::kPermissionDenied);
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const bool before = domain::role_requires_two_factor(repos.two_factor.role_policies(), role);
    if (before == required) return;
    repos.two_factor.set_role_policy(role, required);
    repos.audit.record({context.clock.now(), actor.staff_id, "staff.role_policy",
                        "role:" + std::string(domain::role_code(role)),
                        std::string("requires_two_factor=") + (required ? "yes" : "no")});
  });
  return domain::Done{};
}

Outcome<std::set<long long>> staff_with_two_factor(const Context& context, const Actor& actor) {
  if (!may_manage(actor)) return failure(ErrorCode::kPermissionDenied);
  std::set<long long> enrolled;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { enrolled = repos.two_factor.enrolled(); });
  return enrolled;
}

Outcome<domain::Done> reset_two_factor(const Context& context, const Actor& actor, long long staff_id) {
  if (!may_manage(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<domain::Done>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    if (!repos.staff.by_id(staff_id)) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    repos.two_factor.remove_totp(staff_id);
    repos.sessions.remove_all_of_staff(staff_id, "");
    repos.audit.record({context.clock.now(), actor.staff_id, "staff.totp_reset", subject(staff_id), ""});
    result = domain::Done{};
  });
  return std::move(*result);
}

}  // namespace shelfmark::app
