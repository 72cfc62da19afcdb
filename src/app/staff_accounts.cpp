#include "app/staff_accounts.h"

#include <functional>

#include "app/sign_in_throttle.h"
#include "core/text.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::failure;
using domain::Outcome;
using domain::StaffUser;

bool allowed(const Actor& actor) { return domain::role_allows(actor.role, domain::Permission::kManageStaff); }

std::string subject(long long id) { return "staff:" + std::to_string(id); }

// Applies `change` to the account in one write transaction: not found, an edit conflict, or the last
// administrator refused; audited as `action` with `detail`.
// `change` edits the account and returns the audit detail; `after` runs once the change is saved.
template <typename Change>
Outcome<StaffUser> change_account(const Context& context, const Actor& actor, long long id, long long expected_version,
                                  const std::string& action, Change&& change,
                                  const std::function<void(Repositories&)>& after = {}) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<StaffUser>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto user = repos.staff.by_id(id);
    if (!user) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    if (user->version != expected_version) {
      result = failure(ErrorCode::kEditConflict);
      return;
    }
    const auto before = *user;
    const std::string detail = change(*user);
    const bool was_admin = !before.disabled && before.role == domain::Role::kAdministrator;
    if (was_admin && !domain::keeps_an_administrator(repos.staff.all(), id, user->role, !user->disabled)) {
      result = failure(ErrorCode::kLastAdministrator);
      return;
    }
    if (!repos.staff.update(*user, expected_version)) {
      result = failure(ErrorCode::kEditConflict);
      return;
    }
    user->version = expected_version + 1;
    if (user->disabled) repos.sessions.remove_all_of_staff(id, "");
    if (after) after(repos);
    repos.audit.record({context.clock.now(), actor.staff_id, action, subject(id), detail});
    result = *user;
  });
  return std::move(*result);
}

}  // namespace

Outcome<std::vector<StaffAccount>> staff_accounts(const Context& context, const Actor& actor) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::vector<StaffAccount> accounts;
  const auto since = context.clock.now() - std::chrono::hours(24);
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    for (auto& user : repos.staff.all()) {
      const auto keys = throttle_keys(context, "staff", user.username, "");
      const auto failures = static_cast<int>(repos.auth_failures.since(keys.account, since).size());
      accounts.push_back({std::move(user), failures});
    }
  });
  return accounts;
}

Outcome<StaffUser> staff_account(const Context& context, const Actor& actor, long long id) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<StaffUser> user;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { user = repos.staff.by_id(id); });
  if (!user) return failure(ErrorCode::kNotFound);
  return *user;
}

Outcome<StaffUser> create_staff_account(const Context& context, const Actor& actor, const NewStaffInput& input) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  return add_staff(context, input, actor.staff_id, true);
}

Outcome<StaffUser> update_staff_account(const Context& context, const Actor& actor, long long id,
                                        long long expected_version, const StaffChange& change) {
  std::vector<domain::FieldError> errors;
  const auto role = domain::parse_role(trim(change.role));
  if (!role) errors.push_back({"role", ErrorCode::kRoleUnknown, {}});
  domain::check_text(errors, "display_name", change.display_name, 100, true);
  if (!errors.empty()) return domain::invalid(std::move(errors));
  return change_account(context, actor, id, expected_version, "staff.update", [&](StaffUser& user) {
    std::string detail = "role=" + std::string(domain::role_code(user.role));
    if (user.role != *role) detail += "->" + std::string(domain::role_code(*role));
    user.role = *role;
    user.display_name = std::string(trim(change.display_name));
    return detail;
  });
}

Outcome<StaffUser> set_staff_enabled(const Context& context, const Actor& actor, long long id,
                                     long long expected_version, bool enabled) {
  return change_account(context, actor, id, expected_version, enabled ? "staff.enable" : "staff.disable",
                        [&](StaffUser& user) {
                          user.disabled = !enabled;
                          return std::string();
                        });
}

Outcome<StaffUser> require_password_change(const Context& context, const Actor& actor, long long id,
                                           long long expected_version, const std::string& temporary_password) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<std::string> hash;
  if (!temporary_password.empty()) {
    std::optional<StaffUser> user;
    context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { user = repos.staff.by_id(id); });
    if (!user) return failure(ErrorCode::kNotFound);
    if (auto problem = domain::check_password(temporary_password, user->username, domain::kStaffPasswordMin)) {
      problem->field = "temporary_password";
      return domain::invalid({*problem});
    }
    hash = context.hasher.hash(temporary_password);
  }
  return change_account(
      context, actor, id, expected_version, "staff.password_change_required",
      [&](StaffUser& user) {
        user.must_change_password = true;
        return std::string(hash ? "temporary password set" : "");
      },
      [&](Repositories& repos) {
        if (!hash) return;
        repos.staff.set_password(id, *hash, true);
        repos.sessions.remove_all_of_staff(id, "");
      });
}

Outcome<domain::Done> change_own_password(const Context& context, long long staff_id, const std::string& session_token,
                                          const std::string& current, const std::string& password,
                                          const std::string& repeated, const std::string& address) {
  std::optional<StaffRecord> record;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    if (auto user = repos.staff.by_id(staff_id)) record = repos.staff.by_username(user->username);
  });
  if (!record) return failure(ErrorCode::kNotFound);
  const auto now = context.clock.now();
  const auto keys = throttle_keys(context, "staff", record->user.username, address);
  ThrottleState throttle;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { throttle = throttle_state(repos, keys, now); });
  if (throttle.refusal) return refusal_failure(*throttle.refusal, now);
  if (!context.hasher.verify(record->password_hash, current)) {
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
      record_failure(repos, keys, now);
      repos.audit.record({now, staff_id, "staff.password_change_failed", subject(staff_id), ""});
    });
    return domain::invalid({{"current_password", ErrorCode::kInvalidCredentials, {}}});
  }
  if (password != repeated) return domain::invalid({{"new_password", ErrorCode::kPasswordsDiffer, {}}});
  if (password == current) return domain::invalid({{"new_password", ErrorCode::kPasswordUnchanged, {}}});
  if (auto problem = domain::check_password(password, record->user.username, domain::kStaffPasswordMin)) {
    problem->field = "new_password";
    return domain::invalid({*problem});
  }
  const auto hash = context.hasher.hash(password);
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    repos.staff.set_password(staff_id, hash, false);
    repos.sessions.remove_all_of_staff(staff_id, context.tokens.digest(session_token));
    if (throttle.had_failures) record_success(repos, keys);
    repos.audit.record({now, staff_id, "staff.password_changed", subject(staff_id), ""});
  });
  return domain::Done{};
}

}  // namespace shelfmark::app
