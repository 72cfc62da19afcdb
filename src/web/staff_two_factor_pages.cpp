#include "web/staff_two_factor_pages.h"

#include <spdlog/spdlog.h>

#include "app/staff_two_factor.h"
#include "web/qr_svg.h"
#include "web/views.h"

namespace shelfmark::web {
namespace {

using domain::ErrorCode;
using mustache::data;

constexpr domain::Role kRoles[] = {domain::Role::kAdministrator, domain::Role::kEditor,     domain::Role::kCounter,
                                   domain::Role::kVerifier,      domain::Role::kCataloguer, domain::Role::kReference,
                                   domain::Role::kAuditor};

}  // namespace

std::string StaffTwoFactorPages::challenge_cookie_name(const Request& request) {
  return request.tls ? "__Host-sm_staff_code" : "sm_staff_code";
}

bool StaffTwoFactorPages::open_before_enrolment(std::string_view pattern) {
  return pattern == kEnrolPattern || pattern == "/{lang}/staff/two-factor/confirm" ||
         pattern == "/{lang}/staff/logout" || pattern == "/{lang}/staff/login/code";
}

Response StaffTwoFactorPages::ask_for_code(PageKit& kit, const Page& p, const std::string& challenge_token) {
  auto response = redirect("/" + lang_code(p.lang) + "/staff/login/code");
  response.headers.emplace_back(
      "Set-Cookie", challenge_cookie_name(p.request) + "=" + challenge_token + kit.cookie_attributes(p.request));
  return response;
}

void StaffTwoFactorPages::add_routes(RouteTable& routes) {
  routes.get("/{lang}/staff/login/code", Access::signing_in(),
             [this](Page& p, const RouteParams&) { return code_form(p); });
  routes.post("/{lang}/staff/login/code", Access::signing_in(),
              [this](Page& p, const RouteParams&) { return code_post(p); });
  routes.get(kEnrolPattern, Access::staff(), [this](Page& p, const RouteParams&) { return own(p); });
  routes.post("/{lang}/staff/two-factor/confirm", Access::staff(),
              [this](Page& p, const RouteParams&) { return confirm(p); });
  routes.post("/{lang}/staff/two-factor/recovery-codes", Access::staff(),
              [this](Page& p, const RouteParams&) { return renew(p); });
  routes.post("/{lang}/staff/two-factor/turn-off", Access::staff(),
              [this](Page& p, const RouteParams&) { return turn_off(p); });
  const auto admins = Access::staff({domain::Permission::kManageStaff});
  routes.get("/{lang}/staff/accounts/two-factor", admins, [this](Page& p, const RouteParams&) { return policies(p); });
  routes.post("/{lang}/staff/accounts/two-factor", admins,
              [this](Page& p, const RouteParams&) { return policies_post(p); });
  routes.post("/{lang}/staff/accounts/{id}/reset-two-factor", admins,
              [this](Page& p, const RouteParams& params) { return reset(p, params.number(0)); });
}

// ----- the code step of signing in -----

Response StaffTwoFactorPages::code_form(Page& p, const std::optional<domain::Failure>& failure) {
  if (p.session) return redirect("/" + lang_code(p.lang) + "/staff/");
  const auto token = p.request.cookie(challenge_cookie_name(p.request));
  const bool expired = failure && failure->code == ErrorCode::kTwoFactorExpired;
  if (!failure && !app::challenge_pending(kit_.app_context(), token))
    return redirect("/" + lang_code(p.lang) + "/staff/login");
  p.nav = "staff";
  data content;
  content.set("csrf", kit_.sign_in_csrf(p));
  content.set("expired", expired);
  if (failure) kit_.add_failure(p.lang, content, *failure);
  p.switch_path = "/" + lang_code(p.lang) + "/staff/login/code";
  auto response = kit_.page(p, "staff_login_code", kit_.t(p.lang, "Two-factor sign-in"), content,
                            failure ? PageKit::form_status(*failure) : 200);
  response.set_header("Cache-Control", "no-store");
  return response;
}

Response StaffTwoFactorPages::code_post(Page& p) {
  if (p.session) return redirect("/" + lang_code(p.lang) + "/staff/");
  const auto& request = p.request;
  auto result = app::complete_sign_in(kit_.app_context(), sealer_, request.cookie(challenge_cookie_name(request)),
                                      request.form_value("code"), request.remote_address);
  if (!result) {
    spdlog::info("auth staff_login_code outcome={}", domain::error_info(result.error().code).name);
    return code_form(p, result.error());
  }
  spdlog::info("auth staff_login_code outcome=ok staff_id={}", result->user.id);
  auto response = redirect("/" + lang_code(p.lang) + "/staff/");
  response.headers.emplace_back(
      "Set-Cookie", session_cookie_name(request) + "=" + result->session_token + kit_.cookie_attributes(request));
  response.headers.emplace_back("Set-Cookie",
                                challenge_cookie_name(request) + "=" + kit_.cookie_attributes(request) + "; Max-Age=0");
  return response;
}

// ----- the staff member's own two-factor sign-in -----

Response StaffTwoFactorPages::own(Page& p, const std::optional<domain::Failure>& failure) {
  p.nav = "staff";
  const auto lang = p.lang;
  const auto& context = kit_.app_context();
  const auto staff_id = p.session->user.id;
  const auto status = app::two_factor_status(context, staff_id);
  data content;
  content.set("enrolled", status.enrolled);
  content.set("required", status.required);
  content.set("must_enrol", p.session->must_enrol_two_factor);
  content.set("codes_left", std::to_string(status.recovery_codes_left));
  if (!status.enrolled) {
    auto enrolment = app::begin_enrolment(context, sealer_, staff_id);
    if (!enrolment) return kit_.failure_page(p, enrolment.error());
    content.set("qr", qr_svg(enrolment->otpauth_uri, kit_.t(lang, "QR code to add Shelfmark to an authenticator app")));
    // Groups of four, as apps show and people type them.
    std::string grouped;
    for (std::size_t i = 0; i < enrolment->secret_base32.size(); ++i) {
      if (i > 0 && i % 4 == 0) grouped += ' ';
      grouped += enrolment->secret_base32[i];
    }
    content.set("secret", grouped);
  }
  if (failure) kit_.add_failure(lang, content, *failure);
  add_flash(kit_.translations(), lang, content, p.request);
  p.switch_path = "/" + lang_code(lang) + "/staff/two-factor";
  return kit_.page(p, "staff_two_factor", kit_.t(lang, "Two-factor sign-in"), content,
                   failure ? PageKit::form_status(*failure) : 200);
}

Response StaffTwoFactorPages::recovery_codes(Page& p, const std::vector<std::string>& codes) {
  p.nav = "staff";
  auto items = list();
  for (const auto& code : codes) {
    data item;
    item.set("code", code);
    items.push_back(item);
  }
  data content;
  content.set("codes", items);
  p.switch_path = "/" + lang_code(p.lang) + "/staff/two-factor";
  return kit_.page(p, "staff_two_factor_codes", kit_.t(p.lang, "Your recovery codes"), content);
}

Response StaffTwoFactorPages::confirm(Page& p) {
  auto codes = app::confirm_enrolment(kit_.app_context(), sealer_, p.session->user.id, p.request.form_value("code"));
  if (!codes) {
    if (codes.error().code == ErrorCode::kEditConflict) return redirect("/" + lang_code(p.lang) + "/staff/two-factor");
    return own(p, codes.error());
  }
  // Enrolment may have been what the role asked for: this page has no staff bar state to change.
  p.session->must_enrol_two_factor = false;
  return recovery_codes(p, codes.value());
}

Response StaffTwoFactorPages::renew(Page& p) {
  auto codes = app::renew_recovery_codes(kit_.app_context(), p.session->user.id);
  if (!codes) return redirect("/" + lang_code(p.lang) + "/staff/two-factor");
  return recovery_codes(p, codes.value());
}

Response StaffTwoFactorPages::turn_off(Page& p) {
  auto done = app::turn_off_two_factor(kit_.app_context(), p.session->user.id);
  if (!done) return own(p, done.error());
  return redirect("/" + lang_code(p.lang) + "/staff/two-factor?saved=1");
}

// ----- administrators -----

Response StaffTwoFactorPages::policies(Page& p) {
  p.nav = "staff";
  const auto lang = p.lang;
  auto found = app::role_two_factor_policies(kit_.app_context(), p.session->actor());
  if (!found) return kit_.failure_page(p, found.error());
  auto roles = list();
  for (auto role : kRoles) {
    data row;
    row.set("code", std::string(domain::role_code(role)));
    row.set("label", kit_.t(lang, domain::role_label(role)));
    row.set("required", domain::role_requires_two_factor(found.value(), role));
    roles.push_back(row);
  }
  data content;
  content.set("roles", roles);
  add_flash(kit_.translations(), lang, content, p.request);
  p.switch_path = "/" + lang_code(lang) + "/staff/accounts/two-factor";
  return kit_.page(p, "staff_two_factor_roles", kit_.t(lang, "Two-factor sign-in by role"), content);
}

Response StaffTwoFactorPages::policies_post(Page& p) {
  const auto& context = kit_.app_context();
  for (auto role : kRoles) {
    const bool required = p.request.form_value("require_" + std::string(domain::role_code(role))) == "1";
    auto done = app::set_role_requires_two_factor(context, p.session->actor(), role, required);
    if (!done) return kit_.failure_page(p, done.error());
  }
  return redirect("/" + lang_code(p.lang) + "/staff/accounts/two-factor?saved=1");
}

Response StaffTwoFactorPages::reset(Page& p, long long id) {
  auto done = app::reset_two_factor(kit_.app_context(), p.session->actor(), id);
  if (!done) return kit_.failure_page(p, done.error());
  return redirect("/" + lang_code(p.lang) + "/staff/accounts/" + std::to_string(id) + "?saved=1");
}

}  // namespace shelfmark::web
