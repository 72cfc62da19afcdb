#include "app/staff_auth.h"

#include "app/sign_in_throttle.h"
#include "app/two_factor_ports.h"
#include "core/text.h"
#include "domain/two_factor.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::failure;
using domain::Outcome;

}  // namespace

Outcome<domain::StaffUser> add_staff(const Context& context, const NewStaffInput& input, std::optional<long long> by,
                                     bool must_change_password) {
  std::vector<domain::FieldError> errors;
  const auto username = to_lower_ascii(trim(input.username));
  if (auto error = domain::check_username(username)) errors.push_back(*error);
  const auto role = domain::parse_role(trim(input.role));
  if (!role) errors.push_back({"role", ErrorCode::kRoleUnknown, {}});
  domain::check_text(errors, "display_name", input.display_name, 100, false);
  if (auto error = domain::check_password(input.password, username, domain::kStaffPasswordMin))
    errors.push_back(*error);
  if (!errors.empty()) return domain::invalid(std::move(errors));
  domain::StaffUser user{0, username, std::string(trim(input.display_name)), *role, false};
  if (user.display_name.empty()) user.display_name = username;
  user.must_change_password = must_change_password;
  const auto hash = context.hasher.hash(input.password);
  std::optional<Outcome<domain::StaffUser>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    if (repos.staff.by_username(username)) {
      result = domain::invalid({{"username", ErrorCode::kUsernameTaken, {}}});
      return;
    }
    try {
      user.id = repos.staff.insert(user, hash, context.clock.now());
    } catch (const StoreError& error) {
      if (!error.is_unique_violation()) throw;
      result = domain::invalid({{"username", ErrorCode::kUsernameTaken, {}}});
      return;
    }
    repos.audit.record({context.clock.now(), by, "staff.create", "staff:" + std::to_string(user.id),
                        "role=" + std::string(domain::role_code(user.role))});
    result = user;
  });
  return std::move(*result);
}

Outcome<LoginResult> log_in(const Context& context, const std::string& username_typed, const std::string& password,
                            const std::string& address) {
  const auto username = to_lower_ascii(trim(username_typed));
  const auto now = context.clock.now();
  std::optional<StaffRecord> record;
  ThrottleState throttle;
  // Counted under the username as typed (lower-cased), known or not: an unknown name fails like a known one.
  const auto keys = throttle_keys(context, "staff", username, address);
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    throttle = throttle_state(repos, keys, now);
    if (!throttle.refusal) record = repos.staff.by_username(username);
  });
  // Refused without checking the password and without counting: a refusal costs the store only reads.
  if (throttle.refusal) return refusal_failure(*throttle.refusal, now);
  // Verify outside the transaction: argon2id takes tens of milliseconds.
  const bool password_ok = record ? context.hasher.verify(record->password_hash, password)
                                  : (context.hasher.verify(timing_equaliser_hash(context.hasher), password), false);
  if (!password_ok || record->user.disabled) {
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
      const auto subject = record ? "staff:" + std::to_string(record->user.id) : "staff:unknown";
      // Staff accounts have no email address or telephone: an alert goes to the audit log, where
      // administrators look (ADR 0017).
      if (!password_ok && record_failure(repos, keys, now))
        repos.audit.record({now, std::nullopt, "staff.login_failures_alert", subject,
                            "failures=" + std::to_string(domain::LoginThrottle::kFailuresToAlert) + "+"});
      repos.audit.record({now, record ? std::optional(record->user.id) : std::nullopt,
                          password_ok ? "staff.login_disabled" : "staff.login_failed", subject, ""});
    });
    return failure(password_ok ? ErrorCode::kAccountDisabled : ErrorCode::kInvalidCredentials);
  }
  LoginResult result{context.tokens.random_token(), context.tokens.random_token(), record->user, {}};
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    // Two-factor sign-in on: no session yet, only a challenge that the code completes (staff_two_factor.cpp).
    // The throttle's failures stay until the code is right too.
    const auto totp = repos.two_factor.totp(record->user.id);
    if (totp && totp->confirmed_at) {
      result.challenge_token = result.session_token;
      result.session_token.clear();
      result.csrf_token.clear();
      repos.two_factor.insert_challenge({context.tokens.digest(result.challenge_token), record->user.id, now});
      repos.audit.record({now, record->user.id, "staff.login_password_ok", "staff:" + std::to_string(record->user.id),
                          "code required"});
      return;
    }
    if (throttle.had_failures) record_success(repos, keys);
    // Sessions nobody has used for a day are past any idle timeout: clear them out now and then.
    repos.sessions.remove_idle(now - std::chrono::hours(24));
    repos.sessions.insert({context.tokens.digest(result.session_token), record->user.id, result.csrf_token, now, now});
    repos.staff.record_sign_in(record->user.id, now);
    repos.audit.record({now, record->user.id, "staff.login", "staff:" + std::to_string(record->user.id), ""});
  });
  return result;
}

std::optional<ActiveSession> resume_session(const Context& context, const SessionPolicy& policy,
                                            const std::string& session_token) {
  if (session_token.empty() || session_token.size() > 200) return std::nullopt;
  const auto digest = context.tokens.digest(session_token);
  const auto now = context.clock.now();
  std::optional<StaffSession> session;
  std::optional<domain::StaffUser> user;
  bool must_enrol = false;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    session = repos.sessions.by_digest(digest);
    if (session) user = repos.staff.by_id(session->staff_id);
    if (user && domain::role_requires_two_factor(repos.two_factor.role_policies(), user->role)) {
      const auto totp = repos.two_factor.totp(user->id);
      must_enrol = !totp || !totp->confirmed_at;
    }
  });
  if (!session) return std::nullopt;
  const bool expired = now - session->last_seen_at > policy.idle_timeout ||
                       now - session->created_at > policy.absolute_lifetime || !user || user->disabled;
  if (expired) {
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) { repos.sessions.remove(digest); });
    return std::nullopt;
  }
  if (now - session->last_seen_at >= policy.touch_interval)
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) { repos.sessions.touch(digest, now); });
  return ActiveSession{*user, session->csrf_token, must_enrol};
}

void log_out(const Context& context, const std::string& session_token) {
  if (session_token.empty()) return;
  const auto digest = context.tokens.digest(session_token);
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    if (auto session = repos.sessions.by_digest(digest)) {
      repos.sessions.remove(digest);
      repos.audit.record(
          {context.clock.now(), session->staff_id, "staff.logout", "staff:" + std::to_string(session->staff_id), ""});
    }
  });
}

}  // namespace shelfmark::app
