#include "web/site.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <kainjow/mustache.hpp>

#include "app/notices.h"
#include "core/text.h"
#include "security/sodium.h"
#include "web/account_pages.h"
#include "web/activity_pages.h"
#include "web/ask_pages.h"
#include "web/audit_pages.h"
#include "web/catalogue_pages.h"
#include "web/counter_pages.h"
#include "web/directory_pages.h"
#include "web/i18n.h"
#include "web/lending_rules_pages.h"
#include "web/metrics.h"
#include "web/page_kit.h"
#include "web/reader_care_pages.h"
#include "web/reader_merge_pages.h"
#include "web/reader_pages.h"
#include "web/registration_pages.h"
#include "web/resources.h"
#include "web/routes.h"
#include "web/staff_account_pages.h"
#include "web/staff_two_factor_pages.h"
#include "web/study_room_pages.h"
#include "web/views.h"

namespace shelfmark::web {
namespace {

using domain::ErrorCode;
using domain::Language;
using mustache::data;

constexpr const char* kLanguageCookie = "sm_lang";

std::string html_lang(Language language) { return language == Language::kEnglish ? "en" : "zh-Hant-HK"; }
Language other(Language language) {
  return language == Language::kEnglish ? Language::kTraditionalChinese : Language::kEnglish;
}

std::string query_string(const Fields& query) {
  std::string out;
  for (const auto& [name, value] : query)
    out += (out.empty() ? "?" : "&") + percent_encode(name) + "=" + percent_encode(value);
  return out;
}

}  // namespace

struct Site::Impl final : PageKit {
  Impl(const app::Context& context_in, SiteConfig config_in, std::function<std::string()> extra)
      : context(context_in),
        config(std::move(config_in)),
        extra_metrics(std::move(extra)),
        directory(*this),
        counter(*this),
        lending_rules(*this),
        catalogue(*this, config.search),
        account(*this),
        registration(*this, config.registration),
        activities(*this, config.public_url),
        ask(*this, config.enquiries),
        study_room(*this, config.public_url),
        staff_accounts(*this),
        reader_merge(*this),
        audit(*this),
        readers(*this),
        reader_care(*this) {
    add_routes();
    directory.add_routes(routes);
    counter.add_routes(routes);
    lending_rules.add_routes(routes);
    catalogue.add_routes(routes);
    account.add_routes(routes);
    registration.add_routes(routes);
    activities.add_routes(routes);
    ask.add_routes(routes);
    study_room.add_routes(routes);
    staff_accounts.add_routes(routes);
    reader_merge.add_routes(routes);
    if (config.sealer) {
      staff_two_factor.emplace(*this, *config.sealer);
      staff_two_factor->add_routes(routes);
    }
    audit.add_routes(routes);
    readers.add_routes(routes);
    reader_care.add_routes(routes);
  }

  const app::Context& context;
  SiteConfig config;
  std::function<std::string()> extra_metrics;
  Translator translator;
  app::NetworkCache network;
  app::BannerCache banners;
  Metrics metrics;
  DirectoryPages directory;
  CounterPages counter;
  LendingRulesPages lending_rules;
  CataloguePages catalogue;
  AccountPages account;
  RegistrationPages registration;
  ActivityPages activities;
  AskPages ask;
  StudyRoomPages study_room;
  StaffAccountPages staff_accounts;
  std::optional<StaffTwoFactorPages> staff_two_factor;
  ReaderMergePages reader_merge;
  AuditPages audit;
  ReaderPages readers;
  ReaderCarePages reader_care;
  RouteTable routes;

  using Page = web::Page;

  const app::Context& app_context() const override { return context; }
  const Translator& translations() const override { return translator; }

  std::string cookie_attributes(const Request& request) const override {
    return std::string("; Path=/; HttpOnly; SameSite=Lax") + (request.tls ? "; Secure" : "");
  }

  std::string render(Language lang, const std::string& name, data& values) const {
    values.set("lang", lang_code(lang));
    auto& tmpl = compiled_template(name, lang, translator);
    auto html = tmpl.render(values);
    if (!tmpl.is_valid()) throw std::logic_error("template " + name + ": " + tmpl.error_message());
    return html;
  }

  Response page(Page& page, const std::string& name, const std::string& title, data& content,
                int status = 200) override {
    const auto lang = page.lang;
    data layout;
    layout.set("page_title", title);
    layout.set("html_lang", html_lang(lang));
    layout.set("other_html_lang", html_lang(other(lang)));
    layout.set("other_lang_name", lang == Language::kEnglish ? "繁體中文" : "English");
    auto switch_path =
        page.switch_path.empty() ? page.request.path + query_string(page.request.query) : page.switch_path;
    switch_path = "/" + lang_code(other(lang)) + switch_path.substr(3);
    layout.set("switch_url", switch_path);
    layout.set("css_url", static_file("style.css").url);
    layout.set("js_url", static_file("app.js").url);
    layout.set("nav_" + (page.nav.empty() ? std::string("none") : page.nav), true);
    auto banner_list = list();
    for (const auto& notice : page.banners ? app::banner_notices(context, banners) : std::vector<domain::Notice>{}) {
      data item;
      item.set("id", std::to_string(notice.id));
      item.set("title", notice.title.in(lang));
      banner_list.push_back(item);
    }
    layout.set("has_banners", !banner_list.is_empty_list());
    layout.set("banners", banner_list);
    if (page.reader && !page.session) {
      data reader;
      reader.set("reader_name", page.reader->reader.name);
      reader.set("csrf", page.reader->csrf_token);
      layout.set("reader", reader);
      content.set("csrf", page.reader->csrf_token);
    } else if (!page.session) {
      layout.set("signed_out", true);
    }
    if (page.session) {
      data staff;
      staff.set("staff_name", page.session->user.display_name);
      staff.set("staff_role", t(lang, domain::role_label(page.session->user.role)));
      staff.set("csrf", page.session->csrf_token);
      layout.set("staff", staff);
      content.set("csrf", page.session->csrf_token);
    }
    layout.set("content", render(lang, name, content));
    Response response;
    response.status = status;
    response.body = render(lang, "layout", layout);
    response.set_header("Content-Type", "text/html; charset=utf-8");
    response.set_header("Content-Language", html_lang(lang));
    // Pages for staff carry personal and unpublished data: never stored by a browser or proxy.
    response.set_header("Cache-Control", page.session || page.reader ? "no-store" : "no-cache");
    for (const auto& [name_, value] : page.cookies) response.headers.emplace_back("Set-Cookie", name_ + "=" + value);
    if (page.request.cookie(kLanguageCookie) != lang_code(lang))
      response.headers.emplace_back("Set-Cookie", std::string(kLanguageCookie) + "=" + lang_code(lang) +
                                                      "; Path=/; Max-Age=31536000; SameSite=Lax" +
                                                      (page.request.tls ? "; Secure" : ""));
    response.route = page.route;
    return response;
  }

  Response error_page(Page& p, int status) override {
    struct ErrorText {
      int status;  // as asked for
      int sent;    // as answered (419 is our name for an expired form, sent as 403)
      const char* heading;
      const char* message;
    };
    static constexpr ErrorText kTexts[] = {
        {404, 404, N_("Page not found"),
         N_("We could not find this page. It may have been moved or removed, or the address may be mistyped.")},
        {403, 403, N_("Not allowed"), N_("Your account is not allowed to do this.")},
        {400, 400, N_("Something was wrong with the request"),
         N_("The information sent could not be read. Please go back and try again.")},
        {413, 413, N_("What you sent is too large"),
         N_("Please send less at a time, or make the file smaller, and try again.")},
        {415, 415, N_("Something was wrong with the request"), N_("This kind of content cannot be accepted here.")},
        {419, 403, N_("This form has expired"),
         N_("For your security, forms expire. Please go back, reload the page and try again.")},
        {405, 405, N_("Not allowed"), N_("This address cannot be used that way.")},
        {500, 500, N_("Sorry, something went wrong"),
         N_("The problem has been recorded. Please try again in a few minutes.")},
    };
    const ErrorText* text = &kTexts[std::size(kTexts) - 1];
    for (const auto& entry : kTexts)
      if (entry.status == status) text = &entry;
    status = text->sent;
    // The 500 page must not need the database: it may be what failed.
    if (status == 500) p.banners = false;
    data content;
    const auto heading = t(p.lang, text->heading);
    const auto message = t(p.lang, text->message);
    content.set("heading", heading);
    content.set("message", message);
    p.switch_path = "/" + lang_code(p.lang) + "/";
    return page(p, "error", heading, content, status);
  }

  std::shared_ptr<const app::NetworkSnapshot> network_snapshot() override {
    std::shared_ptr<const app::NetworkSnapshot> snapshot;
    context.store.transact(app::Store::Mode::kRead, [&](app::Repositories& repos) { snapshot = network.get(repos); });
    return snapshot;
  }
  app::NetworkCache& network_cache() override { return network; }

  void add_errors(Language lang, data& content, const std::vector<domain::FieldError>& errors) const override {
    auto items = list();
    for (const auto& error : errors) {
      data item;
      item.set("field", error.field.empty() ? std::string("main") : error.field);
      const auto message = translator.error_message(lang, error);
      item.set("message", message);
      items.push_back(item);
      if (!error.field.empty()) content.set("err_" + error.field, message);
    }
    content.set("has_errors", !errors.empty());
    content.set("errors", items);
  }

  void add_failure(Language lang, data& content, const domain::Failure& failure) const override {
    auto errors = failure.fields;
    if (errors.empty()) errors.push_back({"", failure.code, {}});
    add_errors(lang, content, errors);
  }

  // ----- signing in (staff and readers) -----

  // Before there is a session, a sign-in form is protected by a random token in a cookie that the form must
  // repeat (double submit). Returns the token, setting the cookie when there is none yet.
  std::string sign_in_csrf(Page& p) override {
    auto csrf = p.request.cookie(csrf_cookie_name(p.request));
    if (csrf.size() < 20) {
      csrf = context.tokens.random_token();
      p.cookies.emplace_back(csrf_cookie_name(p.request), csrf + cookie_attributes(p.request));
    }
    return csrf;
  }
  bool sign_in_csrf_ok(const Page& p) const override {
    const auto cookie = p.request.cookie(csrf_cookie_name(p.request));
    return cookie.size() >= 20 && security::constant_time_equal(cookie, p.request.form_value("csrf"));
  }
  bool csrf_ok(const Page& p) const override {
    if (p.session) return security::constant_time_equal(p.request.form_value("csrf"), p.session->csrf_token);
    if (p.reader) return security::constant_time_equal(p.request.form_value("csrf"), p.reader->csrf_token);
    return sign_in_csrf_ok(p);
  }

  // ----- staff pages -----

  Response staff_login_form(Page& p, const std::string& username, const std::optional<domain::Failure>& failure,
                            int status = 200) {
    p.nav = "staff";
    data content;
    content.set("csrf", sign_in_csrf(p));
    content.set("username", username);
    if (failure) add_failure(p.lang, content, *failure);
    p.switch_path = "/" + lang_code(p.lang) + "/staff/login";
    Response response = page(p, "staff_login", t(p.lang, "Staff sign-in"), content, status);
    response.set_header("Cache-Control", "no-store");
    return response;
  }

  // POST; the sign-in CSRF token is checked by the route table.
  Response staff_login(Page& p) {
    const auto username = p.request.form_value("username");
    auto result = app::log_in(context, username, p.request.form_value("password"), p.request.remote_address);
    if (!result) {
      spdlog::info("auth staff_login outcome={}", domain::error_info(result.error().code).name);
      const int status = PageKit::form_status(result.error());
      return staff_login_form(p, username, result.error(), status);
    }
    if (!result->challenge_token.empty()) {
      spdlog::info("auth staff_login outcome=code_required staff_id={}", result->user.id);
      return StaffTwoFactorPages::ask_for_code(*this, p, result->challenge_token);
    }
    spdlog::info("auth staff_login outcome=ok staff_id={}", result->user.id);
    auto response = redirect("/" + lang_code(p.lang) + "/staff/");
    response.headers.emplace_back(
        "Set-Cookie", session_cookie_name(p.request) + "=" + result->session_token + cookie_attributes(p.request));
    return response;
  }

  Response staff_logout(Page& p) {
    app::log_out(context, p.request.cookie(session_cookie_name(p.request)));
    auto response = redirect("/" + lang_code(p.lang) + "/");
    response.headers.emplace_back("Set-Cookie",
                                  session_cookie_name(p.request) + "=" + cookie_attributes(p.request) + "; Max-Age=0");
    return response;
  }

  // ----- the shell's own routes -----

  void add_routes() {
    routes.get("/healthz", Access::anyone(), [this](Page&, const RouteParams&) {
      Response response;
      context.store.transact(app::Store::Mode::kRead,
                             [](app::Repositories& repos) { repos.libraries.network_version(); });
      response.body = "ok\n";
      response.set_header("Content-Type", "text/plain; charset=utf-8");
      response.set_header("Cache-Control", "no-store");
      return response;
    });
    routes.get("/metrics", Access::anyone(), [this](Page&, const RouteParams&) {
      Response response;
      response.body = metrics.render(extra_metrics ? extra_metrics() : "");
      response.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      response.set_header("Cache-Control", "no-store");
      return response;
    });
    routes.get(
        "/static/{file}", Access::anyone(),
        [](Page& p, const RouteParams&) {
          Response response;
          if (const auto* file = find_static(p.request.path)) {
            response.body = std::string(file->body);
            response.set_header("Content-Type", file->content_type);
            response.set_header("Cache-Control", "public, max-age=31536000, immutable");
            return response;
          }
          response.status = 404;
          response.body = "not found\n";
          response.set_header("Content-Type", "text/plain; charset=utf-8");
          return response;
        },
        "/static/*");
    routes.get("/", Access::anyone(), [](Page& p, const RouteParams&) {
      const auto cookie = domain::parse_language_code(p.request.cookie(kLanguageCookie));
      const auto lang = cookie ? *cookie : negotiate_language(p.request.accept_language);
      auto response = redirect("/" + lang_code(lang) + "/", 302);
      response.set_header("Vary", "Accept-Language, Cookie");
      return response;
    });
    routes.get("/{lang}", Access::anyone(),
               [](Page& p, const RouteParams&) { return redirect("/" + lang_code(p.lang) + "/", 301); });
    routes.get("/{lang}/staff/login", Access::signing_in(), [this](Page& p, const RouteParams&) {
      if (p.session) return redirect("/" + lang_code(p.lang) + "/staff/");
      return staff_login_form(p, "", std::nullopt);
    });
    routes.post("/{lang}/staff/login", Access::signing_in(),
                [this](Page& p, const RouteParams&) { return staff_login(p); });
    routes.post("/{lang}/staff/logout", Access::staff(),
                [this](Page& p, const RouteParams&) { return staff_logout(p); });
  }

  // ----- dispatch -----

  // What the table says must hold before a route's handler runs: who is signed in, their role, and the
  // CSRF token of every POST.
  Response guarded(const RouteTable::Route& route, Page& p, const RouteParams& params) {
    const auto& access = route.info.access;
    const bool post = p.request.method == "POST";
    if (access.audience == Audience::kStaff && !p.session) return redirect("/" + lang_code(p.lang) + "/staff/login");
    if (access.audience == Audience::kReader && !p.reader) {
      if (post) return error_page(p, 419);  // signed out meanwhile: the form has expired
      return redirect("/" + lang_code(p.lang) + "/login?next=" + percent_encode(p.request.path));
    }
    // Before sign-in the token is the sign-in cookie's; after, the session's (staff or reader). A sign-in form
    // (registration, password reset) also takes the signed-in reader's: the layout puts that token into every
    // form of a signed-in reader's page, so a reader registering a family member is not told the form expired.
    if (post && !(access.audience == Audience::kSignIn ? sign_in_csrf_ok(p) || csrf_ok(p) : csrf_ok(p)))
      return error_page(p, 419);
    if (access.audience == Audience::kStaff && !access.allows(p.session->user.role)) return error_page(p, 403);
    // A staff member with a temporary (or administrator-reset) password may only change it or sign out.
    if (route.staff_area && p.session && p.session->user.must_change_password &&
        route.info.pattern != StaffAccountPages::kPasswordPattern && route.info.pattern != "/{lang}/staff/logout")
      return redirect("/" + lang_code(p.lang) + "/staff/password");
    // A role that requires two-factor sign-in: enrol before anything else (ADR 0022).
    if (route.staff_area && p.session && p.session->must_enrol_two_factor && staff_two_factor &&
        !StaffTwoFactorPages::open_before_enrolment(route.info.pattern))
      return redirect("/" + lang_code(p.lang) + "/staff/two-factor");
    return route.handler(p, params);
  }

  Response dispatch(Request& request) {
    const std::string_view path = request.path.empty() ? std::string_view("/") : std::string_view(request.path);
    const auto lang = domain::parse_language_code(path.substr(1, path.find('/', 1) - 1));
    Page p{lang.value_or(negotiate_language(request.accept_language)),
           request,
           std::nullopt,
           std::nullopt,
           "unmatched",
           "",
           "",
           {}};
    const auto found = routes.match(request.method, path);
    if (!found.route) return error_page(p, found.path_known ? 405 : 404);
    const auto& route = *found.route;
    p.route = route.info.label;
    if (route.staff_area) {
      p.nav = "staff";
      p.session = app::resume_session(context, config.session_policy, request.cookie(session_cookie_name(request)));
    } else if (lang && request.cookies.count(reader_cookie_name(request))) {
      p.reader = app::resume_reader_session(context, config.reader_policy, request.cookie(reader_cookie_name(request)));
    }
    auto response = guarded(route, p, found.params);
    response.route = route.info.label;
    return response;
  }
  // The site-wide defaults; a header the page set itself stays (the calendar feed's stricter
  // Referrer-Policy, for one).
  void add_security_headers(Response& response, const Request& request) const {
    auto set_default = [&response](const std::string& name, const std::string& value) {
      if (!response.header(name)) response.set_header(name, value);
    };
    set_default("Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    set_default("X-Content-Type-Options", "nosniff");
    set_default("X-Frame-Options", "DENY");
    set_default("Referrer-Policy", "strict-origin-when-cross-origin");
    set_default("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    set_default("Cross-Origin-Opener-Policy", "same-origin");
    if (request.tls) set_default("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  }
};

Site::Site(const app::Context& context, SiteConfig config, std::function<std::string()> extra_metrics)
    : impl_(std::make_unique<Impl>(context, std::move(config), std::move(extra_metrics))) {}
Site::~Site() = default;

std::vector<RouteInfo> Site::routes() const { return impl_->routes.describe(); }

Response Site::handle(Request request) noexcept {
  const auto started = std::chrono::steady_clock::now();
  Response response;
  try {
    response = impl_->dispatch(request);
  } catch (const std::exception& error) {
    spdlog::error("request failed: {} {}: {}", request.method, response.route, error.what());
    try {
      const auto lang = domain::parse_language_code(request.path.size() >= 3 ? request.path.substr(1, 2) : "")
                            .value_or(Language::kEnglish);
      Impl::Page p{lang, request, std::nullopt, std::nullopt, "error", "/" + lang_code(lang) + "/", "", {}};
      response = impl_->error_page(p, 500);
    } catch (...) {
      response = Response{};
      response.status = 500;
      response.body = "Internal error / 系統錯誤\n";
      response.set_header("Content-Type", "text/plain; charset=utf-8");
    }
  }
  impl_->add_security_headers(response, request);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  impl_->metrics.observe(response.route, response.status, seconds);
  // One line per request, without query strings, cookies, addresses or anything personal.
  spdlog::info("http {} {} {} {:.2f}ms", request.method, response.route, response.status, seconds * 1000);
  return response;
}

bool Site::takes_uploads(std::string_view path) noexcept {
  // "/{lang}/register/documents": the registration documents, the only form with files.
  return path.size() > 3 && domain::parse_language_code(path.substr(1, 2)).has_value() &&
         path.substr(3) == "/register/documents";
}

Response Site::refuse(const Request& request, int status) noexcept {
  Response response;
  try {
    const auto lang = domain::parse_language_code(request.path.size() >= 3 ? request.path.substr(1, 2) : "")
                          .value_or(negotiate_language(request.accept_language));
    Impl::Page p{lang, request, std::nullopt, std::nullopt, "refused", "/" + lang_code(lang) + "/", "", {}};
    response = impl_->error_page(p, status == 413 || status == 415 ? status : 400);
  } catch (...) {
    response.body = "Bad request / 請求無效\n";
    response.set_header("Content-Type", "text/plain; charset=utf-8");
  }
  response.status = status;
  response.route = "refused";
  impl_->add_security_headers(response, request);
  impl_->metrics.observe(response.route, response.status, 0);
  spdlog::info("http {} refused {}", request.method, status);
  return response;
}

}  // namespace shelfmark::web
