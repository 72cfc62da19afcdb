#include "web/staff_account_pages.h"

#include "app/staff_accounts.h"
#include "app/staff_two_factor.h"
#include "web/views.h"

namespace shelfmark::web {
namespace {

using domain::ErrorCode;
using mustache::data;

std::string typed_or(const Fields& typed, const std::string& field, const std::string& fallback) {
  auto it = typed.find(field);
  return it == typed.end() ? fallback : it->second;
}

data role_options(const PageKit& kit, Language lang, const std::string& selected) {
  auto options = list();
  for (auto role :
       {domain::Role::kAdministrator, domain::Role::kEditor, domain::Role::kCounter, domain::Role::kVerifier,
        domain::Role::kCataloguer, domain::Role::kReference, domain::Role::kAuditor}) {
    data option;
    option.set("code", std::string(domain::role_code(role)));
    option.set("label", kit.t(lang, domain::role_label(role)));
    option.set("selected", domain::role_code(role) == selected);
    options.push_back(option);
  }
  return options;
}

}  // namespace

void StaffAccountPages::add_routes(RouteTable& routes) {
  const auto admins = Access::staff({domain::Permission::kManageStaff});
  routes.get("/{lang}/staff/accounts", admins, [this](Page& p, const RouteParams&) { return accounts(p); });
  routes.post("/{lang}/staff/accounts", admins, [this](Page& p, const RouteParams&) { return create(p); });
  routes.get("/{lang}/staff/accounts/new", admins, [this](Page& p, const RouteParams&) { return new_account(p); });
  routes.get("/{lang}/staff/accounts/{id}", admins,
             [this](Page& p, const RouteParams& params) { return account(p, params.number(0)); });
  routes.post("/{lang}/staff/accounts/{id}", admins, [this](Page& p, const RouteParams& params) {
    return account_post(p, params.number(0), AccountPost::kSave);
  });
  routes.post("/{lang}/staff/accounts/{id}/disable", admins, [this](Page& p, const RouteParams& params) {
    return account_post(p, params.number(0), AccountPost::kDisable);
  });
  routes.post("/{lang}/staff/accounts/{id}/enable", admins, [this](Page& p, const RouteParams& params) {
    return account_post(p, params.number(0), AccountPost::kEnable);
  });
  routes.post("/{lang}/staff/accounts/{id}/require-password-change", admins,
              [this](Page& p, const RouteParams& params) {
                return account_post(p, params.number(0), AccountPost::kRequirePasswordChange);
              });
  routes.get(kPasswordPattern, Access::staff(), [this](Page& p, const RouteParams&) { return password(p); });
  routes.post(kPasswordPattern, Access::staff(), [this](Page& p, const RouteParams&) { return password_post(p); });
}

Response StaffAccountPages::accounts(Page& p) {
  p.nav = "staff";
  const auto lang = p.lang;
  auto found = app::staff_accounts(kit_.app_context(), p.session->actor());
  if (!found) return kit_.failure_page(p, found.error());
  const auto& zone = kit_.app_context().zone;
  const auto two_factor = app::staff_with_two_factor(kit_.app_context(), p.session->actor());
  auto rows = list();
  for (const auto& account : found.value()) {
    const auto& user = account.user;
    data row;
    row.set("id", std::to_string(user.id));
    row.set("username", user.username);
    row.set("display_name", user.display_name);
    row.set("role", kit_.t(lang, domain::role_label(user.role)));
    row.set("disabled", user.disabled);
    row.set("must_change_password", user.must_change_password);
    row.set("two_factor", two_factor && two_factor->count(user.id) > 0);
    row.set("last_sign_in", user.last_sign_in_at
                                ? format_date_time(kit_.translations(), lang, zone.to_local(*user.last_sign_in_at))
                                : kit_.t(lang, "Never"));
    row.set("failed_sign_ins", std::to_string(account.failed_sign_ins));
    rows.push_back(row);
  }
  data content;
  content.set("accounts", rows);
  add_flash(kit_.translations(), lang, content, p.request);
  p.switch_path = "/" + lang_code(lang) + "/staff/accounts";
  return kit_.page(p, "staff_accounts", kit_.t(lang, "Staff accounts"), content);
}

Response StaffAccountPages::new_account(Page& p, const Fields& typed, const std::optional<domain::Failure>& failure) {
  p.nav = "staff";
  const auto lang = p.lang;
  data content;
  content.set("username", typed_or(typed, "username", ""));
  content.set("display_name", typed_or(typed, "display_name", ""));
  content.set("role_options", role_options(kit_, lang, typed_or(typed, "role", "counter")));
  if (failure) kit_.add_failure(lang, content, *failure);
  p.switch_path = "/" + lang_code(lang) + "/staff/accounts/new";
  return kit_.page(p, "staff_account_new", kit_.t(lang, "New staff account"), content,
                   failure ? PageKit::form_status(*failure) : 200);
}

Response StaffAccountPages::create(Page& p) {
  const auto& form = p.request;
  auto created = app::create_staff_account(kit_.app_context(), p.session->actor(),
                                           {form.form_value("username"), form.form_value("display_name"),
                                            form.form_value("role"), form.form_value("temporary_password")});
  if (!created) {
    if (created.error().code == ErrorCode::kPermissionDenied) return kit_.error_page(p, 403);
    auto error = created.error();
    for (auto& field : error.fields)
      if (field.field == "password") field.field = "temporary_password";
    return new_account(p, form.form, error);
  }
  return redirect("/" + lang_code(p.lang) + "/staff/accounts?saved=1");
}

Response StaffAccountPages::account(Page& p, long long id, const Fields& typed,
                                    const std::optional<domain::Failure>& failure) {
  p.nav = "staff";
  const auto lang = p.lang;
  auto found = app::staff_account(kit_.app_context(), p.session->actor(), id);
  if (!found) return kit_.failure_page(p, found.error());
  const auto& user = found.value();
  // After a conflict the form shows the account as it is now, with the explanation.
  const bool conflict = failure && failure->code == ErrorCode::kEditConflict;
  const auto& shown = conflict ? Fields{} : typed;
  data content;
  content.set("id", std::to_string(user.id));
  content.set("username", user.username);
  content.set("version", std::to_string(user.version));
  content.set("display_name", typed_or(shown, "display_name", user.display_name));
  content.set("role_options",
              role_options(kit_, lang, typed_or(shown, "role", std::string(domain::role_code(user.role)))));
  content.set("disabled", user.disabled);
  content.set("must_change_password", user.must_change_password);
  content.set("self", user.id == p.session->user.id);
  const auto two_factor = app::staff_with_two_factor(kit_.app_context(), p.session->actor());
  content.set("two_factor", two_factor && two_factor->count(user.id) > 0);
  if (failure) kit_.add_failure(lang, content, *failure);
  add_flash(kit_.translations(), lang, content, p.request);
  p.switch_path = "/" + lang_code(lang) + "/staff/accounts/" + std::to_string(id);
  return kit_.page(p, "staff_account", kit_.tf(lang, "Staff account {username}", {{"username", user.username}}),
                   content, failure ? PageKit::form_status(*failure) : 200);
}

Response StaffAccountPages::account_post(Page& p, long long id, AccountPost what) {
  const auto& form = p.request;
  const auto& context = kit_.app_context();
  const auto actor = p.session->actor();
  const auto version = parse_id(form.form_value("version"));
  domain::Outcome<domain::StaffUser> result = domain::failure(ErrorCode::kNotFound);
  switch (what) {
    case AccountPost::kSave:
      result = app::update_staff_account(context, actor, id, version,
                                         {form.form_value("display_name"), form.form_value("role")});
      break;
    case AccountPost::kDisable:
    case AccountPost::kEnable:
      result = app::set_staff_enabled(context, actor, id, version, what == AccountPost::kEnable);
      break;
    case AccountPost::kRequirePasswordChange:
      result = app::require_password_change(context, actor, id, version, form.form_value("temporary_password"));
      break;
  }
  if (!result) {
    if (auto refused = kit_.refusal_page(p, result.error())) return *refused;
    return account(p, id, what == AccountPost::kSave ? form.form : Fields{}, result.error());
  }
  return redirect("/" + lang_code(p.lang) + "/staff/accounts/" + std::to_string(id) + "?saved=1");
}

Response StaffAccountPages::password(Page& p, const std::optional<domain::Failure>& failure) {
  p.nav = "staff";
  const auto lang = p.lang;
  data content;
  content.set("must_change_password", p.session->user.must_change_password);
  if (failure) kit_.add_failure(lang, content, *failure);
  add_flash(kit_.translations(), lang, content, p.request);
  p.switch_path = "/" + lang_code(lang) + "/staff/password";
  return kit_.page(p, "staff_password", kit_.t(lang, "Change my password"), content,
                   failure ? PageKit::form_status(*failure) : 200);
}

Response StaffAccountPages::password_post(Page& p) {
  const auto& form = p.request;
  auto changed =
      app::change_own_password(kit_.app_context(), p.session->user.id, form.cookie(session_cookie_name(form)),
                               form.form_value("current_password"), form.form_value("new_password"),
                               form.form_value("repeat_password"), form.remote_address);
  if (!changed) {
    if (auto refused = kit_.refusal_page(p, changed.error())) return *refused;
    return password(p, changed.error());
  }
  return redirect("/" + lang_code(p.lang) + "/staff/?saved=1");
}

}  // namespace shelfmark::web
