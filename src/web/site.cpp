#include "web/site.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "app/catalogue.h"
#include "app/catalogue_search.h"
#include "app/circulation.h"
#include "app/directory.h"
#include "app/library_admin.h"
#include "app/notices.h"
#include "core/text.h"
#include "marc/marc_writer.h"
#include "security/sodium.h"
#include "web/i18n.h"
#include "web/formats.h"
#include "web/metrics.h"
#include "web/page_kit.h"
#include "web/activity_pages.h"
#include "web/registration_pages.h"
#include "web/ask_pages.h"
#include "web/study_room_pages.h"

namespace shelfmark::resources::templates {
std::optional<std::string_view> find(std::string_view name);
std::vector<std::string_view> names();
}  // namespace shelfmark::resources::templates
namespace shelfmark::resources::static_files {
std::optional<std::string_view> find(std::string_view name);
std::vector<std::string_view> names();
}  // namespace shelfmark::resources::static_files

namespace shelfmark::web {
namespace {

using domain::ErrorCode;
using domain::Language;
using mustache::data;

constexpr int kNoticesPerPage = 20;
constexpr const char* kCsrfCookie = "sm_csrf";
constexpr const char* kLanguageCookie = "sm_lang";

std::string fingerprint(std::string_view bytes) {
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a: a content fingerprint, not a security measure
  for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ULL;
  return fmt::format("{:016x}", hash).substr(0, 12);
}

std::map<std::string, StaticFile>& static_files() {
  static std::map<std::string, StaticFile> files = [] {
    std::map<std::string, StaticFile> result;
    for (auto name : resources::static_files::names()) {
      const auto body = *resources::static_files::find(name);
      const std::string file(name);
      const auto dot = file.rfind('.');
      const auto extension = file.substr(dot + 1);
      const std::string type = extension == "css"   ? "text/css; charset=utf-8"
                               : extension == "js"  ? "text/javascript; charset=utf-8"
                               : extension == "svg" ? "image/svg+xml"
                                                    : "application/octet-stream";
      const auto url = "/static/" + file.substr(0, dot) + "." + fingerprint(body) + "." + extension;
      result.emplace(file, StaticFile{url, type, body});
    }
    return result;
  }();
  return files;
}

std::string template_text(const std::string& name) {
  auto text = resources::templates::find(name + ".mustache");
  if (!text) throw std::logic_error("missing template " + name);
  return std::string(*text);
}

// A template as compiled for one language: partials ({{> name}}) inlined and {{#t}}text{{/t}} sections
// replaced by their translation once, so rendering a page parses nothing and calls no lambdas. (The
// translations may hold {{placeholders}}; they are filled like the rest of the template.)
std::string expand_template(const std::string& name, Language language, const Translator& translator, int depth = 0) {
  if (depth > 8) throw std::logic_error("template partials nest too deeply at " + name);
  const auto text = template_text(name);
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  while (true) {
    const auto open = text.find("{{", at);
    if (open == std::string::npos) break;
    out.append(text, at, open - at);
    if (text.compare(open, 6, "{{#t}}") == 0) {
      const auto close = text.find("{{/t}}", open + 6);
      if (close == std::string::npos) throw std::logic_error("unclosed {{#t}} in template " + name);
      out += translator.translate(language, std::string_view(text).substr(open + 6, close - open - 6));
      at = close + 6;
    } else if (text.compare(open, 3, "{{>") == 0) {
      const auto close = text.find("}}", open);
      if (close == std::string::npos) throw std::logic_error("unclosed partial in template " + name);
      const auto partial = std::string(trim(std::string_view(text).substr(open + 3, close - open - 3)));
      out += expand_template(partial, language, translator, depth + 1);
      at = close + 2;
    } else {
      out.append("{{");
      at = open + 2;
    }
  }
  out.append(text, at, std::string::npos);
  return out;
}

// Compiled templates, one set per thread and language (rendering is not thread-safe in kainjow).
mustache::mustache& compiled(const std::string& name, Language language, const Translator& translator) {
  thread_local std::unordered_map<std::string, std::unique_ptr<mustache::mustache>> cache;
  auto& slot = cache[std::string(domain::language_code(language)) + ":" + name];
  if (!slot) {
    slot = std::make_unique<mustache::mustache>(expand_template(name, language, translator));
    if (!slot->is_valid()) throw std::logic_error("template " + name + ": " + slot->error_message());
  }
  return *slot;
}

std::string html_lang(Language language) { return language == Language::kEnglish ? "en" : "zh-Hant-HK"; }
Language other(Language language) {
  return language == Language::kEnglish ? Language::kTraditionalChinese : Language::kEnglish;
}

std::string phone_digits(const std::string& phone) {
  std::string digits = "+852";
  for (char c : phone)
    if (c >= '0' && c <= '9') digits.push_back(c);
  if (phone.rfind("+", 0) == 0) {
    digits.clear();
    for (char c : phone)
      if ((c >= '0' && c <= '9') || c == '+') digits.push_back(c);
  }
  return digits;
}


int parse_page(const std::string& text) {
  const auto value = parse_id(text);
  return value < 1 || value > 100000 ? 1 : static_cast<int>(value);
}

std::string query_string(const Fields& query) {
  std::string out;
  for (const auto& [name, value] : query)
    out += (out.empty() ? "?" : "&") + percent_encode(name) + "=" + percent_encode(value);
  return out;
}


}  // namespace

const StaticFile* find_static(const std::string& url) {
  for (const auto& [name, file] : static_files())
    if (file.url == url) return &file;
  return nullptr;
}

const StaticFile& static_file(const std::string& name) { return static_files().at(name); }

struct Site::Impl final : PageKit {
  Impl(const app::Context& context_in, SiteConfig config_in, std::function<std::string()> extra)
      : context(context_in),
        config(std::move(config_in)),
        extra_metrics(std::move(extra)),
        registration(*this, config.registration),
        activities(*this, config.public_url),
        ask(*this, config.enquiries),
        study_room(*this, config.public_url) {}

  const app::Context& context;
  SiteConfig config;
  std::function<std::string()> extra_metrics;
  Translator translator;
  app::NetworkCache network;
  app::BannerCache banners;
  Metrics metrics;
  RegistrationPages registration;
  ActivityPages activities;
  AskPages ask;
  StudyRoomPages study_room;

  using Page = web::Page;

  const app::Context& app_context() const override { return context; }
  const Translator& translations() const override { return translator; }

  std::string t(Language lang, std::string_view msgid) const { return translator.translate(lang, msgid); }
  std::string tf(Language lang, std::string_view msgid, const std::map<std::string, std::string>& values) const {
    return translator.format(lang, msgid, values);
  }

  std::string reader_cookie_name(const Request& request) const {
    return request.tls ? "__Host-sm_reader" : "sm_reader";
  }
  std::string session_cookie_name(const Request& request) const {
    return request.tls ? "__Host-sm_session" : "sm_session";
  }
  std::string cookie_attributes(const Request& request) const override {
    return std::string("; Path=/; HttpOnly; SameSite=Lax") + (request.tls ? "; Secure" : "");
  }

  std::string render(Language lang, const std::string& name, data& values) const {
    values.set("lang", lang_code(lang));
    auto& tmpl = compiled(name, lang, translator);
    auto html = tmpl.render(values);
    if (!tmpl.is_valid()) throw std::logic_error("template " + name + ": " + tmpl.error_message());
    return html;
  }

  Response page(Page& page, const std::string& name, const std::string& title, data& content, int status = 200) override {
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

  // ----- shared view helpers -----

  std::string status_text(Language lang, const domain::Library& library, const domain::OpenStatus& status,
                          const LocalDateTime& now) const {
    using State = domain::OpenStatus::State;
    const auto when = [&](const LocalDateTime& at) {
      const auto time = format_time(at.minute);
      if (at.date == now.date) return tf(lang, "today at {time}", {{"time", time}});
      if (at.date == now.date + std::chrono::days(1)) return tf(lang, "tomorrow at {time}", {{"time", time}});
      if (at.date < now.date + std::chrono::days(7))
        return tf(lang, "{weekday} at {time}",
                  {{"weekday", format_weekday(translator, lang, iso_weekday(at.date))}, {"time", time}});
      return tf(lang, "{date} at {time}", {{"date", format_date(translator, lang, at.date, false)}, {"time", time}});
    };
    const auto stop_name = [&]() -> std::string {
      return status.stop_index ? library.stops.at(*status.stop_index).name.in(lang) : std::string();
    };
    switch (status.state) {
      case State::kAlwaysOpen:
        return t(lang, "Open 24 hours");
      case State::kOpen: {
        const auto until =
            status.closes_at->date == now.date ? format_time(status.closes_at->minute) : when(*status.closes_at);
        if (library.kind == domain::LibraryKind::kMobile)
          return tf(lang, "Now at {stop}, until {time}", {{"stop", stop_name()}, {"time", until}});
        return tf(lang, "Open now, until {time}", {{"time", until}});
      }
      case State::kClosed:
        if (!status.next_opening) return t(lang, "Closed until further notice");
        if (library.kind == domain::LibraryKind::kMobile)
          return tf(lang, "Next stop: {stop}, {when}", {{"stop", stop_name()}, {"when", when(*status.next_opening)}});
        return tf(lang, "Closed now, opens {when}", {{"when", when(*status.next_opening)}});
    }
    return {};
  }

  static std::string status_class(const domain::OpenStatus& status) {
    return status.state == domain::OpenStatus::State::kClosed ? "closed" : "open";
  }

  std::string applies_to(Language lang, const domain::Notice& notice, const app::NetworkSnapshot& network) const {
    if (notice.library_ids.empty()) return t(lang, "All libraries");
    std::string names;
    for (auto id : notice.library_ids)
      if (const auto* library = network.find(id))
        names += (names.empty() ? "" : (lang == Language::kEnglish ? ", " : "、")) + library->name.in(lang);
    return names;
  }

  data notice_item(Language lang, const domain::Notice& notice, const app::NetworkSnapshot& network) const {
    data item;
    item.set("id", std::to_string(notice.id));
    item.set("title", notice.title.in(lang));
    item.set("important", notice.important);
    const auto published = context.zone.to_local(notice.publish_at);
    item.set("published", format_date(translator, lang, published.date));
    item.set("published_iso", format_iso_date(published.date));
    item.set("applies_to", applies_to(lang, notice, network));
    const auto body = domain::paragraphs(notice.body.in(lang));
    if (!body.empty()) item.set("summary", body.front());
    return item;
  }

  std::shared_ptr<const app::NetworkSnapshot> network_snapshot() override {
    std::shared_ptr<const app::NetworkSnapshot> snapshot;
    context.store.transact(app::Store::Mode::kRead, [&](app::Repositories& repos) { snapshot = network.get(repos); });
    return snapshot;
  }

  data pager(Language lang, const std::string& base, int page, long long total, int per_page) const {
    const long long pages = std::max<long long>(1, (total + per_page - 1) / per_page);
    if (pages <= 1) return data(false);
    data pager_data;
    pager_data.set("page", format_count(page));
    pager_data.set("pages", format_count(pages));
    if (page > 1) pager_data.set("previous", base + "?page=" + std::to_string(page - 1));
    if (page < pages) pager_data.set("next", base + "?page=" + std::to_string(page + 1));
    return pager_data;
  }

  data district_options(Language lang, std::optional<domain::District> selected) const {
    auto options = list();
    for (auto district : domain::all_districts()) {
      data option;
      option.set("code", std::string(domain::district_code(district)));
      option.set("label", t(lang, domain::district_label(district)));
      option.set("selected", selected == district);
      options.push_back(option);
    }
    return options;
  }

  data kind_options(Language lang, std::optional<domain::LibraryKind> selected) const {
    auto options = list();
    for (auto kind : domain::kAllLibraryKinds) {
      data option;
      option.set("code", std::string(domain::library_kind_code(kind)));
      option.set("label", t(lang, domain::library_kind_label(kind)));
      option.set("selected", selected == kind);
      options.push_back(option);
    }
    return options;
  }

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

  void add_flash(Language lang, data& content, const Request& request) const {
    const auto saved = request.query_value("saved");
    if (saved == "1") content.set("flash", t(lang, "Your changes have been saved."));
    if (saved == "expired") content.set("flash", t(lang, "The notice has been ended and is no longer shown."));
  }

  // ----- public pages -----

  Response home(Page& p) {
    p.route = "/{lang}/";
    p.nav = "home";
    const auto view = app::list_libraries(context, network, {});
    int statics = 0, mobiles = 0, stations = 0, open = 0;
    for (const auto& entry : view.libraries) {
      if (entry.library->kind == domain::LibraryKind::kMobile)
        ++mobiles;
      else if (entry.library->kind == domain::LibraryKind::kSelfService)
        ++stations;
      else
        ++statics;
      if (entry.status.state != domain::OpenStatus::State::kClosed) ++open;
    }
    data content;
    content.set("library_count", format_count(statics));
    content.set("mobile_count", format_count(mobiles));
    content.set("station_count", format_count(stations));
    content.set("open_count", format_count(open));
    content.set("districts", district_options(p.lang, std::nullopt));
    content.set("kinds", kind_options(p.lang, std::nullopt));
    auto groups = list();
    for (auto district : domain::all_districts()) {
      auto members = list();
      int count = 0;
      for (const auto& entry : view.libraries) {
        if (entry.library->district != district) continue;
        data item;
        item.set("code", entry.library->code);
        item.set("name", entry.library->name.in(p.lang));
        item.set("kind", t(p.lang, domain::library_kind_label(entry.library->kind)));
        item.set("status", status_text(p.lang, *entry.library, entry.status, view.now));
        item.set("status_class", status_class(entry.status));
        members.push_back(item);
        ++count;
      }
      if (count == 0) continue;
      data group;
      group.set("district", t(p.lang, domain::district_label(district)));
      group.set("count", format_count(count));
      group.set("libraries", members);
      groups.push_back(group);
    }
    content.set("district_groups", groups);
    auto notices = list();
    for (const auto& notice : app::public_notices(context, 1, 5).notices)
      notices.push_back(notice_item(p.lang, notice, *view.network));
    content.set("has_notices", !notices.is_empty_list());
    content.set("notices", notices);
    content.set("heading_level", "3");
    return page(p, "home", t(p.lang, "Home"), content);
  }

  Response libraries(Page& p) {
    p.route = "/{lang}/libraries";
    p.nav = "libraries";
    app::LibraryFilter filter;
    filter.district = domain::parse_district(p.request.query_value("district"));
    filter.kind = domain::parse_library_kind(p.request.query_value("kind"));
    const auto view = app::list_libraries(context, network, filter);
    auto items = list();
    for (const auto& entry : view.libraries) {
      const auto& library = *entry.library;
      data item;
      item.set("code", library.code);
      item.set("name", library.name.in(p.lang));
      item.set("kind", t(p.lang, domain::library_kind_label(library.kind)));
      item.set("district", t(p.lang, domain::district_label(library.district)));
      item.set("status", status_text(p.lang, library, entry.status, view.now));
      item.set("status_class", status_class(entry.status));
      item.set("address", library.address.in(p.lang));
      item.set("phone", library.phone);
      item.set("phone_digits", phone_digits(library.phone));
      items.push_back(item);
    }
    data content;
    content.set("libraries", items);
    content.set("count", format_count(static_cast<long long>(view.libraries.size())));
    content.set("now", format_date_time(translator, p.lang, view.now));
    content.set("districts", district_options(p.lang, filter.district));
    content.set("kinds", kind_options(p.lang, filter.kind));
    return page(p, "libraries", t(p.lang, "Libraries"), content);
  }

  Response library(Page& p, const std::string& code) {
    p.route = "/{lang}/libraries/{code}";
    p.nav = "libraries";
    auto result = app::library_page(context, network, code);
    if (!result) return error_page(p, 404);
    const auto& view = result.value();
    const auto& library = *view.library;
    const auto lang = p.lang;
    data content;
    content.set("code", library.code);
    content.set("name", library.name.in(lang));
    content.set("kind", t(lang, domain::library_kind_label(library.kind)));
    content.set("district", t(lang, domain::district_label(library.district)));
    content.set("status", status_text(lang, library, view.status, view.now));
    content.set("status_class", status_class(view.status));
    if (view.status.today_note && view.status.today != domain::DayKind::kRegular)
      content.set("today_note", view.status.today_note->in(lang));
    content.set("address", library.address.in(lang));
    content.set("phone", library.phone);
    content.set("phone_digits", phone_digits(library.phone));
    auto facilities = list();
    for (auto facility : library.facilities) facilities.push_back(t(lang, domain::facility_label(facility)));
    content.set("has_facilities", !library.facilities.empty());
    content.set("facilities", facilities);
    const bool mobile = library.kind == domain::LibraryKind::kMobile;
    content.set("mobile", mobile);
    const auto closed = t(lang, "Closed");
    const auto hours_text = [&](const std::vector<domain::TimeRange>& ranges) {
      if (ranges.empty()) return closed;
      if (ranges.size() == 1 && ranges[0].opens == 0 && ranges[0].closes == kEndOfDay) return t(lang, "Open 24 hours");
      std::string text;
      for (const auto& range : ranges)
        text += (text.empty() ? "" : ", ") + format_time(range.opens) + "–" + format_time(range.closes);
      return text;
    };
    auto week = list();
    for (int day = 0; day < 8; ++day) {
      data row;
      row.set("day",
              day == domain::kHolidayIndex ? t(lang, "Public holidays") : format_weekday(translator, lang, day + 1));
      row.set("hours", hours_text(library.hours.days[day]));
      week.push_back(row);
    }
    content.set("week", week);
    auto stops = list();
    for (const auto& stop : library.stops) {
      data row;
      row.set("day", format_weekday(translator, lang, stop.weekday));
      row.set("time", format_time(stop.time.opens) + "–" + format_time(stop.time.closes));
      row.set("name", stop.name.in(lang));
      row.set("district", t(lang, domain::district_label(stop.district)));
      row.set("address", stop.address.in(lang));
      stops.push_back(row);
    }
    content.set("stops", stops);
    auto special_days = list();
    for (const auto& day : view.coming_days) {
      if (day.kind == domain::DayKind::kRegular) continue;
      std::vector<domain::TimeRange> ranges;
      for (const auto& session : day.sessions) ranges.push_back(session.time);
      data row;
      row.set("date", format_date(translator, lang, day.date));
      row.set("hours", mobile && !ranges.empty() ? t(lang, "Stops as usual") : hours_text(ranges));
      if (day.note) row.set("note", day.note->in(lang));
      special_days.push_back(row);
    }
    content.set("has_special_days", !special_days.is_empty_list());
    content.set("special_days", special_days);
    auto notices = list();
    for (const auto& notice : view.notices) notices.push_back(notice_item(lang, notice, *view.network));
    content.set("has_notices", !notices.is_empty_list());
    content.set("notices", notices);
    content.set("heading_level", "3");
    return page(p, "library", library.name.in(lang), content);
  }

  Response notices(Page& p) {
    p.route = "/{lang}/notices";
    p.nav = "notices";
    const int page_number = parse_page(p.request.query_value("page"));
    const auto result = app::public_notices(context, page_number, kNoticesPerPage);
    const auto snapshot = network_snapshot();
    auto items = list();
    for (const auto& notice : result.notices) items.push_back(notice_item(p.lang, notice, *snapshot));
    data content;
    content.set("has_notices", !items.is_empty_list());
    content.set("notices", items);
    content.set("heading_level", "2");
    content.set("pager",
                pager(p.lang, "/" + lang_code(p.lang) + "/notices", page_number, result.total, kNoticesPerPage));
    return page(p, "notices", t(p.lang, "Notices"), content);
  }

  Response notice(Page& p, const std::string& id_text) {
    p.route = "/{lang}/notices/{id}";
    p.nav = "notices";
    const auto id = parse_id(id_text);
    auto result = id < 0 ? domain::Outcome<domain::Notice>(domain::failure(ErrorCode::kNotFound))
                         : app::public_notice(context, id);
    if (!result) return error_page(p, 404);
    const auto& item = result.value();
    const auto snapshot = network_snapshot();
    data content = notice_item(p.lang, item, *snapshot);
    if (item.expire_at)
      content.set("expires", format_date_time(translator, p.lang, context.zone.to_local(*item.expire_at)));
    auto paragraphs = list();
    for (const auto& paragraph : domain::paragraphs(item.body.in(p.lang))) paragraphs.push_back(paragraph);
    content.set("paragraphs", paragraphs);
    auto libraries_list = list();
    for (auto library_id : item.library_ids)
      if (const auto* library = snapshot->find(library_id)) {
        data entry;
        entry.set("code", library->code);
        entry.set("name", library->name.in(p.lang));
        libraries_list.push_back(entry);
      }
    content.set("has_libraries", !libraries_list.is_empty_list());
    content.set("libraries", libraries_list);
    return page(p, "notice", item.title.in(p.lang), content);
  }

  // ----- signing in (staff and readers) -----

  // Before there is a session, a sign-in form is protected by a random token in a cookie that the form must
  // repeat (double submit). Returns the token, setting the cookie when there is none yet.
  std::string sign_in_csrf(Page& p) override {
    auto csrf = p.request.cookie(kCsrfCookie);
    if (csrf.size() < 20) {
      csrf = context.tokens.random_token();
      p.cookies.emplace_back(kCsrfCookie, csrf + cookie_attributes(p.request));
    }
    return csrf;
  }
  bool sign_in_csrf_ok(const Page& p) const override {
    const auto cookie = p.request.cookie(kCsrfCookie);
    return cookie.size() >= 20 && security::constant_time_equal(cookie, p.request.form_value("csrf"));
  }

  // ----- staff pages -----

  Response staff_login_form(Page& p, const std::string& username, const std::optional<domain::Failure>& failure,
                            int status = 200) {
    p.route = "/{lang}/staff/login";
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

  Response staff_login(Page& p) {
    if (p.request.method == "GET") {
      if (p.session) return redirect("/" + lang_code(p.lang) + "/staff/");
      return staff_login_form(p, "", std::nullopt);
    }
    if (!sign_in_csrf_ok(p)) {
      p.route = "/{lang}/staff/login";
      return error_page(p, 419);
    }
    const auto username = p.request.form_value("username");
    auto result = app::log_in(context, username, p.request.form_value("password"), p.request.remote_address);
    if (!result) {
      spdlog::info("auth staff_login outcome={}", domain::error_info(result.error().code).name);
      const int status = result.error().code == ErrorCode::kTooManyAttempts ? 429 : 422;
      return staff_login_form(p, username, result.error(), status);
    }
    spdlog::info("auth staff_login outcome=ok staff_id={}", result->user.id);
    auto response = redirect("/" + lang_code(p.lang) + "/staff/");
    response.route = "/{lang}/staff/login";
    response.headers.emplace_back(
        "Set-Cookie", session_cookie_name(p.request) + "=" + result->session_token + cookie_attributes(p.request));
    return response;
  }

  Response staff_logout(Page& p) {
    app::log_out(context, p.request.cookie(session_cookie_name(p.request)));
    auto response = redirect("/" + lang_code(p.lang) + "/");
    response.route = "/{lang}/staff/logout";
    response.headers.emplace_back("Set-Cookie",
                                  session_cookie_name(p.request) + "=" + cookie_attributes(p.request) + "; Max-Age=0");
    return response;
  }

  Response staff_home(Page& p) {
    p.route = "/{lang}/staff/";
    p.nav = "staff";
    data content;
    const auto role = p.session->user.role;
    content.set("can_notices", domain::role_allows(role, domain::Permission::kManageNotices));
    content.set("can_libraries", domain::role_allows(role, domain::Permission::kManageLibraries));
    content.set("can_circulate", domain::role_allows(role, domain::Permission::kCirculation));
    content.set("can_policies", domain::role_allows(role, domain::Permission::kManagePolicies));
    content.set("can_study_rooms", domain::role_allows(role, domain::Permission::kManageStudyRooms));
    content.set("can_catalogue", domain::role_allows(role, domain::Permission::kCataloguing));
    content.set("can_verify", domain::role_allows(role, domain::Permission::kVerifyRegistrations));
    content.set("can_complete", domain::role_allows(role, domain::Permission::kCompleteRegistrations));
    content.set("can_activities", domain::role_allows(role, domain::Permission::kManageActivities) ||
                                      domain::role_allows(role, domain::Permission::kRunActivities));
    content.set("can_answer", domain::role_allows(role, domain::Permission::kAnswerEnquiries));
    add_flash(p.lang, content, p.request);
    return page(p, "staff_home", t(p.lang, "Staff pages"), content);
  }

  Response staff_notices(Page& p) {
    p.route = "/{lang}/staff/notices";
    p.nav = "staff";
    const auto actor = p.session->actor();
    if (!domain::role_allows(actor.role, domain::Permission::kManageNotices)) return error_page(p, 403);
    const int page_number = parse_page(p.request.query_value("page"));
    const auto result = app::staff_notices(context, actor, page_number, kNoticesPerPage);
    const auto now = context.clock.now();
    auto items = list();
    for (const auto& item : result.notices) {
      data row;
      row.set("id", std::to_string(item.id));
      row.set("title", item.title.in(p.lang));
      row.set("important", item.important);
      const auto state = domain::notice_state(item, now);
      row.set("state", t(p.lang, state == domain::NoticeState::kScheduled   ? N_("Scheduled")
                                 : state == domain::NoticeState::kPublished ? N_("Published")
                                                                            : N_("Expired")));
      row.set("can_expire", state != domain::NoticeState::kExpired);
      row.set("published", format_date_time(translator, p.lang, context.zone.to_local(item.publish_at)));
      row.set("expires", item.expire_at ? format_date_time(translator, p.lang, context.zone.to_local(*item.expire_at))
                                        : t(p.lang, "No expiry"));
      items.push_back(row);
    }
    data content;
    content.set("notices", items);
    content.set("pager",
                pager(p.lang, "/" + lang_code(p.lang) + "/staff/notices", page_number, result.total, kNoticesPerPage));
    add_flash(p.lang, content, p.request);
    return page(p, "staff_notices", t(p.lang, "Manage notices"), content);
  }

  domain::NoticeInput notice_input(const Request& request) const {
    domain::NoticeInput input;
    input.title_en = request.form_value("title_en");
    input.title_tc = request.form_value("title_tc");
    input.body_en = request.form_value("body_en");
    input.body_tc = request.form_value("body_tc");
    input.important = request.form_value("important") == "1";
    input.library_codes = request.form_values("libraries");
    input.publish_at = request.form_value("publish_at");
    input.expire_at = request.form_value("expire_at");
    return input;
  }

  Response notice_form(Page& p, std::optional<long long> id, const domain::NoticeInput& input, long long version,
                       const std::optional<domain::Failure>& failure) {
    p.nav = "staff";
    const auto lang = p.lang;
    data content;
    const auto base = "/" + lang_code(lang) + "/staff/notices";
    content.set("heading", id ? t(lang, "Edit notice") : t(lang, "New notice"));
    content.set("action", id ? base + "/" + std::to_string(*id) : base);
    content.set("submit_label", id ? t(lang, "Save notice") : t(lang, "Publish notice"));
    content.set("version", std::to_string(version));
    content.set("title_en", input.title_en);
    content.set("title_tc", input.title_tc);
    content.set("body_en", input.body_en);
    content.set("body_tc", input.body_tc);
    content.set("important", input.important);
    content.set("publish_at", input.publish_at);
    content.set("expire_at", input.expire_at);
    auto options = list();
    const auto snapshot = network_snapshot();
    for (const auto& library : snapshot->libraries) {
      data option;
      option.set("code", library.code);
      option.set("name", library.name.in(lang));
      option.set("selected", std::find(input.library_codes.begin(), input.library_codes.end(), library.code) !=
                                 input.library_codes.end());
      options.push_back(option);
    }
    content.set("library_options", options);
    if (failure) add_failure(lang, content, *failure);
    p.switch_path = id ? base + "/" + std::to_string(*id) + "/edit" : base + "/new";
    const auto title = id ? t(lang, "Edit notice") : t(lang, "New notice");
    return page(p, "staff_notice_form", title, content, failure ? 422 : 200);
  }

  domain::NoticeInput input_of(const domain::Notice& notice) {
    domain::NoticeInput input{
        notice.title.en, notice.title.tc, notice.body.en, notice.body.tc, notice.important, {}, "", ""};
    input.publish_at = format_local_date_time(context.zone.to_local(notice.publish_at));
    if (notice.expire_at) input.expire_at = format_local_date_time(context.zone.to_local(*notice.expire_at));
    const auto snapshot = network_snapshot();
    for (auto library_id : notice.library_ids)
      if (const auto* library = snapshot->find(library_id)) input.library_codes.push_back(library->code);
    return input;
  }

  Response staff_notice_new(Page& p) {
    p.route = "/{lang}/staff/notices/new";
    if (!domain::role_allows(p.session->user.role, domain::Permission::kManageNotices)) return error_page(p, 403);
    return notice_form(p, std::nullopt, {}, 1, std::nullopt);
  }

  Response staff_notice_create(Page& p) {
    p.route = "/{lang}/staff/notices";
    const auto input = notice_input(p.request);
    auto result = app::create_notice(context, p.session->actor(), input);
    if (!result) {
      if (result.error().code == ErrorCode::kPermissionDenied) return error_page(p, 403);
      return notice_form(p, std::nullopt, input, 1, result.error());
    }
    auto response = redirect("/" + lang_code(p.lang) + "/staff/notices?saved=1");
    response.route = p.route;
    return response;
  }

  Response staff_notice_edit(Page& p, long long id) {
    p.route = "/{lang}/staff/notices/{id}/edit";
    auto result = app::staff_notice(context, p.session->actor(), id);
    if (!result) return error_page(p, result.error().code == ErrorCode::kPermissionDenied ? 403 : 404);
    return notice_form(p, id, input_of(result.value()), result->version, std::nullopt);
  }

  Response staff_notice_update(Page& p, long long id) {
    p.route = "/{lang}/staff/notices/{id}";
    const auto input = notice_input(p.request);
    const auto version = parse_id(p.request.form_value("version"));
    auto result = app::update_notice(context, p.session->actor(), id, version, input);
    if (!result) {
      const auto code = result.error().code;
      if (code == ErrorCode::kPermissionDenied) return error_page(p, 403);
      if (code == ErrorCode::kNotFound) return error_page(p, 404);
      if (code == ErrorCode::kEditConflict) {
        // Show the current version, with the conflict explained; the editor's text is in the failed request.
        auto current = app::staff_notice(context, p.session->actor(), id);
        if (!current) return error_page(p, 404);
        return notice_form(p, id, input_of(current.value()), current->version, result.error());
      }
      return notice_form(p, id, input, version, result.error());
    }
    auto response = redirect("/" + lang_code(p.lang) + "/staff/notices?saved=1");
    response.route = p.route;
    return response;
  }

  Response staff_notice_expire(Page& p, long long id) {
    p.route = "/{lang}/staff/notices/{id}/expire";
    auto result = app::expire_notice(context, p.session->actor(), id);
    if (!result) return error_page(p, result.error().code == ErrorCode::kPermissionDenied ? 403 : 404);
    auto response = redirect("/" + lang_code(p.lang) + "/staff/notices?saved=expired");
    response.route = p.route;
    return response;
  }

  Response staff_libraries(Page& p) {
    p.route = "/{lang}/staff/libraries";
    p.nav = "staff";
    if (!domain::role_allows(p.session->user.role, domain::Permission::kManageLibraries)) return error_page(p, 403);
    const auto snapshot = network_snapshot();
    auto items = list();
    for (const auto& library : snapshot->libraries) {
      data row;
      row.set("code", library.code);
      row.set("name", library.name.in(p.lang));
      row.set("district", t(p.lang, domain::district_label(library.district)));
      row.set("kind", t(p.lang, domain::library_kind_label(library.kind)));
      items.push_back(row);
    }
    data content;
    content.set("libraries", items);
    return page(p, "staff_libraries", t(p.lang, "Libraries and opening hours"), content);
  }

  Response staff_holidays(Page& p, const Fields& typed = {},
                          const std::optional<domain::Failure>& failure = std::nullopt) {
    p.route = "/{lang}/staff/holidays";
    p.nav = "staff";
    auto calendar = app::holidays_for_staff(context, p.session->actor());
    if (!calendar) return error_page(p, 403);
    const auto today = context.zone.to_local(context.clock.now()).date;
    auto rows = list();
    for (const auto& holiday : calendar->holidays) {
      if (holiday.date < today) continue;
      data row;
      row.set("date", format_date(translator, p.lang, holiday.date));
      row.set("iso", format_iso_date(holiday.date));
      row.set("name", holiday.name.in(p.lang));
      rows.push_back(row);
    }
    data content;
    content.set("holidays", rows);
    for (const auto* field : {"date", "name_en", "name_tc"}) {
      auto it = typed.find(field);
      content.set(field, it == typed.end() ? std::string() : it->second);
    }
    if (failure) add_failure(p.lang, content, *failure);
    add_flash(p.lang, content, p.request);
    p.switch_path = "/" + lang_code(p.lang) + "/staff/holidays";
    return page(p, "staff_holidays", t(p.lang, "Public holidays"), content, failure ? 422 : 200);
  }

  Response staff_holiday_post(Page& p, const std::vector<std::string_view>& parts) {
    const auto actor = p.session->actor();
    domain::Outcome<domain::Done> result = domain::failure(ErrorCode::kNotFound);
    if (parts.size() == 1) {
      result = app::add_holiday(
          context, actor,
          {p.request.form_value("date"), p.request.form_value("name_en"), p.request.form_value("name_tc")});
    } else if (parts.size() == 3 && parts[2] == "delete") {
      result = app::remove_holiday(context, actor, std::string(parts[1]));
    }
    if (!result) {
      if (result.error().code == ErrorCode::kPermissionDenied) return error_page(p, 403);
      if (result.error().fields.empty()) return error_page(p, 404);
      return staff_holidays(p, p.request.form, result.error());
    }
    auto response = redirect("/" + lang_code(p.lang) + "/staff/holidays?saved=1");
    response.route = "/{lang}/staff/holidays";
    return response;
  }

  // ----- circulation counter -----

  // Each counter form carries a fresh random request id, so a double submission is applied once. A
  // request without one (or with a forged short one) gets no key rather than a shared one.
  static std::string idempotency_key(const Request& request) {
    const auto id = request.form_value("request_id");
    if (id.size() < 20 || id.size() > 100) return "";
    return "web:" + id;
  }

  // The counter's library: from the form or query, else the staff member's last choice (cookie), else the
  // first library of the network.
  const domain::Library* counter_library(Page& p, const app::NetworkSnapshot& network) {
    auto code = p.request.form_value("library");
    if (code.empty()) code = p.request.query_value("library");
    if (code.empty()) code = p.request.cookie("sm_counter");
    const auto* library = network.find(code);
    if (!library && !network.libraries.empty()) library = &network.libraries.front();
    if (library && p.request.cookie("sm_counter") != library->code)
      p.cookies.emplace_back("sm_counter", library->code + cookie_attributes(p.request));
    return library;
  }

  data library_options(Language lang, const app::NetworkSnapshot& network, const domain::Library* selected) const {
    auto options = list();
    for (const auto& library : network.libraries) {
      if (library.kind == domain::LibraryKind::kSelfService) continue;
      data option;
      option.set("code", library.code);
      option.set("name", library.name.in(lang));
      option.set("selected", selected && selected->id == library.id);
      options.push_back(option);
    }
    return options;
  }

  std::vector<std::string> refusal_texts(Language lang, const domain::Failure& failure) const {
    std::vector<std::string> texts;
    for (const auto& field : failure.fields) texts.push_back(translator.error_message(lang, field));
    if (texts.empty()) texts.push_back(translator.error_message(lang, failure.code));
    return texts;
  }

  Response staff_counter(Page& p, data content = data()) {
    p.route = "/{lang}/staff/counter";
    p.nav = "staff";
    if (!domain::role_allows(p.session->user.role, domain::Permission::kCirculation)) return error_page(p, 403);
    const auto lang = p.lang;
    const auto network = network_snapshot();
    const auto* library = counter_library(p, *network);
    content.set("library_options", library_options(lang, *network, library));
    content.set("library_code", library ? library->code : std::string());
    content.set("request_id", context.tokens.random_token());
    if (p.request.query_value("replaced") == "1")
      content.set("outcome_ok", t(lang,
                                  "The card is replaced and the old card no longer works. The account is as "
                                  "it was before the loss (its status is below); a fee, if any, is shown "
                                  "under charges."));
    auto card = p.request.form_value("card");
    if (card.empty()) card = p.request.query_value("card");
    card = std::string(trim(card));
    content.set("card", card);
    if (!card.empty()) {
      const auto view = app::reader_at_counter(context, card);
      if (!view) {
        content.set("not_found", t(lang, "No reader has this card number."));
      } else {
        const auto& reader = view->reader;
        const auto& loans = view->loans;
        const auto charges = view->charges_outstanding;
        content.set("has_reader", true);
        content.set("reader_name", reader.name);
        content.set("reader_category", t(lang, domain::reader_category_label(reader.category)));
        const bool active = reader.status == domain::ReaderStatus::kActive;
        content.set("reader_status", t(lang, reader_status_label(reader.status)));
        content.set("reader_status_class", active ? "open" : "closed");
        content.set("charges", domain::format_money(charges));
        auto rows = list();
        for (const auto& loan : loans) {
          data row;
          row.set("barcode", loan.barcode);
          row.set("title", loan.title);
          row.set("due", format_date(translator, lang, loan.due_on));
          row.set("overdue", loan.overdue);
          row.set("renewed", format_count(loan.times_renewed));
          rows.push_back(row);
        }
        content.set("loans", rows);
        content.set("has_loans", !loans.empty());
        content.set("can_report_lost", reader.status != domain::ReaderStatus::kCardReportedLost);
        if (reader.status == domain::ReaderStatus::kCardReportedLost &&
            domain::role_allows(p.session->user.role, domain::Permission::kCompleteRegistrations)) {
          content.set("can_replace", true);
          content.set("replacement_fee", domain::format_money(domain::replacement_card_fee(reader.category)));
        }
        content.set("has_calendar", app::has_calendar_feed(context, reader.id));
        auto lines = app::reader_charges(context, card);
        auto charge_rows = list();
        if (lines)
          for (const auto& line : lines.value()) {
            data row;
            row.set("id", std::to_string(line.id));
            row.set("date", format_date(translator, lang, context.zone.to_local(line.created_at).date, false));
            row.set("what", line.kind == "overdue" ? tf(lang, "Overdue: {title}", {{"title", line.title}})
                            : line.kind == "reservation_fee"
                                ? tf(lang, "Reservation fee: {title}", {{"title", line.title}})
                                : t(lang, "Replacement card"));
            if (line.kind == "overdue")
              row.set("how", tf(lang, "{days} days × {rate}{suspended}",
                                {{"days", format_count(line.days_charged)},
                                 {"rate", domain::format_money(line.rate)},
                                 {"suspended", line.days_suspended > 0
                                                   ? tf(lang, " ({days} days not charged: fines suspended)",
                                                        {{"days", format_count(line.days_suspended)}})
                                                   : std::string()}}));
            row.set("amount", domain::format_money(line.amount));
            row.set("outstanding", domain::format_money(line.outstanding));
            row.set("can_waive", line.outstanding.cents > 0);
            charge_rows.push_back(row);
          }
        content.set("has_charges", !charge_rows.is_empty_list());
        content.set("charges_list", charge_rows);
        content.set("owes", charges.cents > 0);
        content.set("owed_plain", fmt::format("{}.{:02}", charges.cents / 100, charges.cents % 100));
        content.set("loan_count", format_count(static_cast<long long>(loans.size())));
        auto reservation_rows = list();
        for (const auto& reservation : view->reservations) {
          data row;
          row.set("id", std::to_string(reservation.id));
          row.set("reference", reservation.reference);
          row.set("title", reservation.title);
          const auto* pickup = network->find(reservation.pickup_library_id);
          row.set("pickup", pickup ? pickup->name.in(lang) : std::string());
          row.set("state", reservation_state_text(lang, reservation));
          row.set("ready", reservation.status == domain::ReservationStatus::kReady);
          row.set("expires", format_date(translator, lang, reservation.expires_on, false));
          reservation_rows.push_back(row);
        }
        content.set("reservations", reservation_rows);
        content.set("has_reservations", !view->reservations.empty());
        content.set("reservation_count", format_count(static_cast<long long>(view->reservations.size())));
        content.set("pickup_options", library_options(lang, *network, library));
      }
    }
    p.switch_path = "/" + lang_code(lang) + "/staff/counter" + (card.empty() ? "" : "?card=" + percent_encode(card));
    return page(p, "staff_counter", t(lang, "Circulation counter"), content);
  }

  std::string reservation_state_text(Language lang, const app::ReservationView& reservation) const {
    switch (reservation.status) {
      case domain::ReservationStatus::kWaiting:
        return tf(lang, "Waiting: number {position} in the queue", {{"position", format_count(reservation.position)}});
      case domain::ReservationStatus::kInTransit:
        return t(lang, "On its way to the pick-up library");
      case domain::ReservationStatus::kReady:
        return tf(lang, "Ready: collect by {date}",
                  {{"date", reservation.collect_by ? format_date(translator, lang, *reservation.collect_by) : ""}});
      default:
        return t(lang, "Ended");
    }
  }

  Response staff_counter_reserve(Page& p, bool cancel) {
    if (!domain::role_allows(p.session->user.role, domain::Permission::kCirculation)) return error_page(p, 403);
    const auto lang = p.lang;
    const auto card = std::string(trim(p.request.form_value("card")));
    data content;
    if (cancel) {
      auto cancelled = app::cancel_reservation(context, network, card, parse_id(p.request.form_value("reservation")));
      if (cancelled) {
        content.set("outcome_ok", t(lang, "The reservation has been cancelled."));
      } else {
        content.set("not_found", t(lang, "This reservation is no longer active."));
      }
      auto response = staff_counter(p, content);
      response.route = "/{lang}/staff/counter/cancel-reservation";
      if (!cancelled) response.status = 422;
      return response;
    }
    app::PlaceReservationInput input;
    input.card_number = card;
    input.barcode = std::string(trim(p.request.form_value("reserve_barcode")));
    input.this_copy_only = !p.request.form_value("this_copy_only").empty();
    input.pickup_library_code = p.request.form_value("pickup");
    input.expires_on = p.request.form_value("expires_on");
    auto result = app::place_reservation(context, network, input);
    if (result) {
      content.set("outcome_ok", tf(lang, "Reserved. Reference {reference}; number {position} in the queue.",
                                   {{"reference", result->reference}, {"position", format_count(result->position)}}));
    } else if (result.error().code == ErrorCode::kNotFound) {
      const auto field = result.error().fields.empty() ? std::string() : result.error().fields.front().field;
      content.set("not_found",
                  field == "card" ? t(lang, "No reader has this card number.") : t(lang, "No item has this barcode."));
    } else {
      auto refusals = list();
      for (const auto& text : refusal_texts(lang, result.error())) refusals.push_back(text);
      content.set("has_refusals", true);
      content.set("refusal_heading", t(lang, "Not reserved"));
      content.set("refusals", refusals);
      content.set("reserve_barcode", input.barcode);
    }
    auto response = staff_counter(p, content);
    response.route = "/{lang}/staff/counter/reserve";
    if (!result) response.status = 422;
    return response;
  }

  static std::string_view reader_status_label(domain::ReaderStatus status) {
    switch (status) {
      case domain::ReaderStatus::kActive:
        return N_("Active");
      case domain::ReaderStatus::kPending:
        return N_("Pending");
      case domain::ReaderStatus::kSuspended:
        return N_("Suspended");
      case domain::ReaderStatus::kCardReportedLost:
        return N_("Card reported lost");
      case domain::ReaderStatus::kExpired:
        return N_("Expired");
    }
    return N_("Active");
  }

  Response staff_counter_checkout(Page& p) {
    if (!domain::role_allows(p.session->user.role, domain::Permission::kCirculation)) return error_page(p, 403);
    const auto lang = p.lang;
    const auto network = network_snapshot();
    const auto* library = counter_library(p, *network);
    if (!library) return error_page(p, 404);
    app::CheckOutInput input;
    input.card_number = std::string(trim(p.request.form_value("card")));
    input.barcode = std::string(trim(p.request.form_value("barcode")));
    input.library_id = library->id;
    input.channel = app::Channel::kCounter;
    input.idempotency_key = idempotency_key(p.request);
    const auto reason = std::string(trim(p.request.form_value("override_reason")));
    if (!reason.empty()) {
      input.override_refusals = app::Override{p.session->user.id, reason};
      input.idempotency_key += ":override";
    }
    auto result = app::check_out(context, this->network, input);
    data content;
    if (result) {
      content.set("outcome_ok", tf(lang, "Lent: {title}. Due back on {due}.",
                                   {{"title", result->title}, {"due", format_date(translator, lang, result->due_on)}}));
    } else if (result.error().code == ErrorCode::kNotFound) {
      const auto field = result.error().fields.empty() ? std::string() : result.error().fields.front().field;
      content.set("not_found",
                  field == "card" ? t(lang, "No reader has this card number.") : t(lang, "No item has this barcode."));
    } else {
      auto refusals = list();
      for (const auto& text : refusal_texts(lang, result.error())) refusals.push_back(text);
      content.set("has_refusals", true);
      content.set("refusal_heading", t(lang, "Not lent"));
      content.set("refusals", refusals);
      content.set("barcode", input.barcode);
      content.set("can_override", app::staff_may_override(result.error()) && reason.empty());
    }
    auto response = staff_counter(p, content);
    response.route = "/{lang}/staff/counter/checkout";
    if (!result) response.status = 422;
    return response;
  }

  Response staff_counter_renew_all(Page& p) {
    if (!domain::role_allows(p.session->user.role, domain::Permission::kCirculation)) return error_page(p, 403);
    const auto lang = p.lang;
    auto result =
        app::renew_all(context, network, std::string(trim(p.request.form_value("card"))), app::Channel::kCounter);
    data content;
    if (!result) {
      content.set("not_found", t(lang, "No reader has this card number."));
    } else {
      auto items = list();
      for (const auto& item : result.value()) {
        data row;
        row.set("title", item.title);
        if (item.outcome)
          row.set("result", tf(lang, "renewed until {due}, reference {reference}",
                               {{"due", format_date(translator, lang, item.outcome->due_on)},
                                {"reference", item.outcome->reference}}));
        else
          row.set("result", refusal_texts(lang, item.outcome.error()).front());
        items.push_back(row);
      }
      content.set("has_renewals", !items.is_empty_list());
      content.set("renewals", items);
    }
    auto response = staff_counter(p, content);
    response.route = "/{lang}/staff/counter/renew-all";
    return response;
  }

  Response staff_counter_payment(Page& p, bool waive) {
    if (!domain::role_allows(p.session->user.role, domain::Permission::kCirculation)) return error_page(p, 403);
    const auto lang = p.lang;
    const auto card = std::string(trim(p.request.form_value("card")));
    auto result = waive
                      ? app::waive_charge(context, card, parse_id(p.request.form_value("charge")),
                                          std::string(trim(p.request.form_value("reason"))), p.session->user.id)
                      : app::pay_charges(context, {card, p.request.form_value("amount"), p.request.form_value("method"),
                                                   p.session->user.id, idempotency_key(p.request)});
    data content;
    if (result) {
      content.set("outcome_ok", tf(lang, "{amount} settled. Receipt number {receipt}. Still owed: {owed}.",
                                   {{"amount", domain::format_money(result->amount)},
                                    {"receipt", result->receipt},
                                    {"owed", domain::format_money(result->still_owed)}}));
    } else {
      auto refusals = list();
      for (const auto& text : refusal_texts(lang, result.error())) refusals.push_back(text);
      content.set("has_refusals", true);
      content.set("refusal_heading", t(lang, "Not done"));
      content.set("refusals", refusals);
    }
    auto response = staff_counter(p, content);
    response.route = waive ? "/{lang}/staff/counter/waive" : "/{lang}/staff/counter/pay";
    if (!result) response.status = 422;
    return response;
  }

  Response staff_fine_suspensions(Page& p, const Fields& typed = {},
                                  const std::optional<domain::Failure>& failure = std::nullopt) {
    p.route = "/{lang}/staff/fine-suspensions";
    p.nav = "staff";
    const auto lang = p.lang;
    auto periods = app::fine_suspensions(context, p.session->actor());
    if (!periods) return error_page(p, 403);
    const auto snapshot = network_snapshot();
    auto rows = list();
    for (const auto& period : periods.value()) {
      data row;
      row.set("id", std::to_string(period.id));
      row.set("first", format_date(translator, lang, period.first_day, false));
      row.set("last", format_date(translator, lang, period.last_day, false));
      std::string covers;
      if (period.library_ids.empty()) {
        covers = t(lang, "All libraries");
      } else {
        for (auto id : period.library_ids)
          if (const auto* library = snapshot->find(id)) covers += (covers.empty() ? "" : ", ") + library->name.in(lang);
      }
      for (auto kind : period.excluded_kinds)
        covers += tf(lang, ", except {kind}", {{"kind", t(lang, domain::library_kind_label(kind))}});
      if (period.borrowed_before)
        covers += tf(lang, "; loans borrowed before {date}",
                     {{"date", format_date(translator, lang, *period.borrowed_before, false)}});
      row.set("covers", covers);
      row.set("reason", period.reason.in(lang));
      rows.push_back(row);
    }
    data content;
    content.set("periods", rows);
    content.set("has_periods", !rows.is_empty_list());
    auto options = list();
    for (const auto& library : snapshot->libraries) {
      data option;
      option.set("code", library.code);
      option.set("name", library.name.in(lang));
      options.push_back(option);
    }
    content.set("library_options", options);
    content.set("kind_options", kind_options(lang, std::nullopt));
    for (const auto* field : {"first_day", "last_day", "borrowed_before", "reason_en", "reason_tc"}) {
      auto it = typed.find(field);
      content.set(field, it == typed.end() ? std::string() : it->second);
    }
    if (failure) add_failure(lang, content, *failure);
    add_flash(lang, content, p.request);
    p.switch_path = "/" + lang_code(lang) + "/staff/fine-suspensions";
    return page(p, "staff_fine_suspensions", t(lang, "Fine suspension periods"), content, failure ? 422 : 200);
  }

  Response staff_fine_suspension_post(Page& p, const std::vector<std::string_view>& parts) {
    const auto actor = p.session->actor();
    if (parts.size() == 3 && parts[2] == "delete") {
      auto removed = app::remove_fine_suspension(context, actor, parse_id(std::string(parts[1])));
      if (!removed) return error_page(p, removed.error().code == ErrorCode::kPermissionDenied ? 403 : 404);
    } else if (parts.size() == 1) {
      app::FineSuspensionForm form;
      form.input = {p.request.form_value("first_day"),
                    p.request.form_value("last_day"),
                    {},
                    {},
                    p.request.form_values("excluded_kinds"),
                    p.request.form_value("borrowed_before"),
                    p.request.form_value("reason_en"),
                    p.request.form_value("reason_tc")};
      form.library_codes = p.request.form_values("libraries");
      auto added = app::add_fine_suspension(context, network, actor, form);
      if (!added) {
        if (added.error().code == ErrorCode::kPermissionDenied) return error_page(p, 403);
        return staff_fine_suspensions(p, p.request.form, added.error());
      }
    } else {
      return error_page(p, 404);
    }
    auto response = redirect("/" + lang_code(p.lang) + "/staff/fine-suspensions?saved=1");
    response.route = "/{lang}/staff/fine-suspensions";
    return response;
  }

  // ----- lending rules (administrators) -----

  static std::string plain_amount(domain::Money amount) {
    return std::to_string(amount.cents / 100) + "." + (amount.cents % 100 < 10 ? "0" : "") +
           std::to_string(amount.cents % 100);
  }

  static std::string typed_or(const Fields& typed, const std::string& field, const std::string& fallback) {
    auto it = typed.find(field);
    return it == typed.end() ? fallback : it->second;
  }

  Response staff_lending_rules(Page& p, const Fields& typed = {},
                               const std::optional<domain::Failure>& failure = std::nullopt) {
    p.route = "/{lang}/staff/lending-rules";
    p.nav = "staff";
    const auto lang = p.lang;
    auto policies = app::lending_rules(context, network, p.session->actor());
    if (!policies) return error_page(p, 403);
    const auto snapshot = network_snapshot();
    const auto any = t(lang, "Any");
    auto rules = list();
    // Most general first, so the table reads as "the rule, then its exceptions".
    auto ordered = policies->rules;
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const auto& a, const auto& b) { return a.specificity() < b.specificity(); });
    for (const auto& rule : ordered) {
      data row;
      row.set("id", std::to_string(rule.id));
      const auto reader = rule.reader_category ? t(lang, domain::reader_category_label(*rule.reader_category)) : any;
      const auto type = rule.item_type ? t(lang, domain::item_type_label(*rule.item_type)) : any;
      const auto collection = rule.collection ? t(lang, domain::collection_label(*rule.collection)) : any;
      std::string library = any;
      if (rule.library_id)
        if (const auto* found = snapshot->find(*rule.library_id)) library = found->name.in(lang);
      row.set("reader", reader);
      row.set("type", type);
      row.set("collection", collection);
      row.set("library", library);
      row.set("summary", reader + ", " + type + ", " + collection + ", " + library);
      row.set("lent", rule.policy.loanable ? t(lang, "Yes") : t(lang, "No"));
      row.set("reservable", rule.policy.reservable ? t(lang, "Yes") : t(lang, "No"));
      row.set("loan_days", rule.policy.loanable
                               ? tf(lang, "{days} days", {{"days", std::to_string(rule.policy.loan_days)}})
                               : std::string("–"));
      row.set("renewals", rule.policy.loanable ? tf(lang, "{times} × {days} days",
                                                    {{"times", std::to_string(rule.policy.max_renewals)},
                                                     {"days", std::to_string(rule.policy.renewal_days)}})
                                               : std::string("–"));
      row.set("fine", domain::format_money(rule.policy.fine_per_day));
      rules.push_back(row);
    }
    data content;
    content.set("rules", rules);
    const auto& l = policies->limits;
    content.set("max_loans", typed_or(typed, "max_loans", std::to_string(l.max_loans)));
    content.set("max_periodical_loans",
                typed_or(typed, "max_periodical_loans", std::to_string(l.max_periodical_loans)));
    content.set("max_reservations", typed_or(typed, "max_reservations", std::to_string(l.max_reservations)));
    content.set("reservation_fee", typed_or(typed, "reservation_fee", plain_amount(l.reservation_fee)));
    content.set("hold_shelf_days", typed_or(typed, "hold_shelf_days", std::to_string(l.hold_shelf_days)));
    content.set("max_reservation_days",
                typed_or(typed, "max_reservation_days", std::to_string(l.max_reservation_days)));
    content.set("fines_ceiling", typed_or(typed, "fines_ceiling", plain_amount(l.fines_ceiling)));
    content.set("block_when_overdue", typed.empty() ? l.block_when_overdue : typed.count("block_when_overdue") > 0);
    if (failure) add_failure(lang, content, *failure);
    add_flash(lang, content, p.request);
    p.switch_path = "/" + lang_code(lang) + "/staff/lending-rules";
    return page(p, "staff_lending_rules", t(lang, "Lending rules"), content, failure ? 422 : 200);
  }

  template <class Enum>
  mustache::data choice_options(Language lang, const std::vector<Enum>& values, std::string_view (*code)(Enum),
                                std::string_view (*label)(Enum), const std::string& chosen) {
    auto options = list();
    for (auto value : values) {
      data option;
      option.set("code", std::string(code(value)));
      option.set("label", t(lang, label(value)));
      option.set("selected", std::string(code(value)) == chosen);
      options.push_back(option);
    }
    return options;
  }

  // The form for a new rule (id nullopt) or an existing one.
  Response staff_lending_rule(Page& p, std::optional<long long> id, const Fields& typed = {},
                              const std::optional<domain::Failure>& failure = std::nullopt) {
    p.route = id ? "/{lang}/staff/lending-rules/{id}" : "/{lang}/staff/lending-rules/new";
    p.nav = "staff";
    const auto lang = p.lang;
    auto policies = app::lending_rules(context, network, p.session->actor());
    if (!policies) return error_page(p, 403);
    domain::PolicyRule rule;
    if (id) {
      auto found =
          std::find_if(policies->rules.begin(), policies->rules.end(), [&](const auto& r) { return r.id == *id; });
      if (found == policies->rules.end()) return error_page(p, 404);
      rule = *found;
    }
    const auto snapshot = network_snapshot();
    const bool fresh = typed.empty();
    auto value = [&](const char* field, const std::string& stored) {
      return fresh ? stored : typed_or(typed, field, "");
    };
    data content;
    content.set("id", id ? std::to_string(*id) : std::string());
    content.set("heading", id ? t(lang, "Change a lending rule") : t(lang, "Add a lending rule"));
    content.set("submit_label", id ? t(lang, "Save rule") : t(lang, "Add rule"));
    content.set("action",
                "/" + lang_code(lang) + "/staff/lending-rules" + (id ? "/" + std::to_string(*id) : std::string()));
    content.set("catch_all", id && rule.is_catch_all());
    content.set("removable", id && !rule.is_catch_all());
    content.set(
        "category_options",
        choice_options(
            lang, domain::all_reader_categories(), &domain::reader_category_code, &domain::reader_category_label,
            value("reader_category",
                  rule.reader_category ? std::string(domain::reader_category_code(*rule.reader_category)) : "")));
    content.set(
        "type_options",
        choice_options(lang, domain::all_item_types(), &domain::item_type_code, &domain::item_type_label,
                       value("item_type", rule.item_type ? std::string(domain::item_type_code(*rule.item_type)) : "")));
    content.set("collection_options",
                choice_options(lang, domain::all_collections(), &domain::collection_code, &domain::collection_label,
                               value("collection",
                                     rule.collection ? std::string(domain::collection_code(*rule.collection)) : "")));
    std::string library_code;
    if (rule.library_id)
      if (const auto* library = snapshot->find(*rule.library_id)) library_code = library->code;
    library_code = value("library", library_code);
    auto libraries = list();
    for (const auto& library : snapshot->libraries) {
      data option;
      option.set("code", library.code);
      option.set("label", library.name.in(lang));
      option.set("selected", library.code == library_code);
      libraries.push_back(option);
    }
    content.set("library_options", libraries);
    content.set("loanable", fresh ? rule.policy.loanable : typed.count("loanable") > 0);
    content.set("reservable", fresh ? rule.policy.reservable : typed.count("reservable") > 0);
    content.set("loan_days", value("loan_days", std::to_string(rule.policy.loan_days)));
    content.set("max_renewals", value("max_renewals", std::to_string(rule.policy.max_renewals)));
    content.set("renewal_days", value("renewal_days", std::to_string(rule.policy.renewal_days)));
    content.set("fine_per_day", value("fine_per_day", plain_amount(rule.policy.fine_per_day)));
    if (failure) add_failure(lang, content, *failure);
    p.switch_path = "/" + lang_code(lang) + "/staff/lending-rules/" + (id ? std::to_string(*id) : std::string("new"));
    return page(p, "staff_lending_rule", id ? t(lang, "Change a lending rule") : t(lang, "Add a lending rule"), content,
                failure ? 422 : 200);
  }

  Response staff_lending_rule_post(Page& p, const std::vector<std::string_view>& parts) {
    const auto actor = p.session->actor();
    const auto& form = p.request;
    auto back = [&](const std::string& anchor) {
      auto response = redirect("/" + lang_code(p.lang) + "/staff/lending-rules?saved=1" + anchor);
      response.route = "/{lang}/staff/lending-rules";
      return response;
    };
    if (parts.size() == 2 && parts[1] == "limits") {
      domain::ReaderLimitsInput input{
          form.form_value("max_loans"),        form.form_value("max_periodical_loans"),
          form.form_value("max_reservations"), form.form_value("reservation_fee"),
          form.form_value("hold_shelf_days"),  form.form_value("max_reservation_days"),
          form.form_value("fines_ceiling"),    !form.form_value("block_when_overdue").empty()};
      auto saved = app::save_reader_limits(context, actor, input);
      if (saved) return back("#limits");
      if (saved.error().code == ErrorCode::kPermissionDenied) return error_page(p, 403);
      auto response = staff_lending_rules(p, form.form, saved.error());
      response.route = "/{lang}/staff/lending-rules/limits";
      return response;
    }
    if (parts.size() == 3 && parts[2] == "delete") {
      const auto id = parse_id(std::string(parts[1]));
      auto removed = app::remove_lending_rule(context, network, actor, id);
      if (!removed) {
        if (removed.error().code == ErrorCode::kPermissionDenied) return error_page(p, 403);
        if (removed.error().code == ErrorCode::kNotFound) return error_page(p, 404);
        return staff_lending_rule(p, id, {}, removed.error());
      }
      return back("");
    }
    std::optional<long long> id;
    if (parts.size() == 2) {
      id = parse_id(std::string(parts[1]));
      if (*id < 0) return error_page(p, 404);
    } else if (parts.size() != 1) {
      return error_page(p, 404);
    }
    app::LendingRuleForm rule_form;
    rule_form.input = {form.form_value("reader_category"),   form.form_value("item_type"),
                       form.form_value("collection"),        std::nullopt,
                       !form.form_value("loanable").empty(), !form.form_value("reservable").empty(),
                       form.form_value("loan_days"),         form.form_value("max_renewals"),
                       form.form_value("renewal_days"),      form.form_value("fine_per_day")};
    rule_form.library_code = form.form_value("library");
    auto saved = app::save_lending_rule(context, network, actor, id, rule_form);
    if (saved) return back("");
    if (saved.error().code == ErrorCode::kPermissionDenied) return error_page(p, 403);
    if (saved.error().code == ErrorCode::kNotFound) return error_page(p, 404);
    return staff_lending_rule(p, id, form.form, saved.error());
  }

  // ----- catalogue -----

  static constexpr int kResultsPerPage = 20;
  static constexpr const char* kFacetNames[] = {"format", "language", "library", "year", "audience"};

  static std::string_view language_label(const std::string& code) {
    static const std::map<std::string, std::string_view> kLabels = {
        {"eng", N_("English")},    {"chi", N_("Chinese")}, {"jpn", N_("Japanese")},    {"kor", N_("Korean")},
        {"fre", N_("French")},     {"ger", N_("German")},  {"spa", N_("Spanish")},     {"ita", N_("Italian")},
        {"por", N_("Portuguese")}, {"rus", N_("Russian")}, {"heb", N_("Hebrew")},      {"nep", N_("Nepali")},
        {"arm", N_("Armenian")},   {"lat", N_("Latin")},   {"und", N_("Undetermined")}};
    auto it = kLabels.find(code);
    return it == kLabels.end() ? std::string_view() : it->second;
  }

  std::string facet_value_label(Language lang, const std::string& facet, const std::string& value,
                                const app::NetworkSnapshot& network) const {
    if (facet == "format")
      if (auto format = domain::parse_format(value)) return t(lang, domain::format_label(*format));
    if (facet == "audience")
      if (auto audience = domain::parse_audience(value)) return t(lang, domain::audience_label(*audience));
    if (facet == "language") {
      const auto label = language_label(value);
      return label.empty() ? value : t(lang, label);
    }
    if (facet == "library")
      if (const auto* library = network.find(std::string_view(value))) return library->name.in(lang);
    return value;
  }

  static std::string script_lang(const std::string& text) {
    // A vernacular form is most often Chinese; Japanese kana say otherwise.
    for (std::size_t i = 0; i + 2 < text.size(); ++i)
      if (static_cast<unsigned char>(text[i]) == 0xE3 &&
          (static_cast<unsigned char>(text[i + 1]) == 0x81 || static_cast<unsigned char>(text[i + 1]) == 0x82 ||
           static_cast<unsigned char>(text[i + 1]) == 0x83))
        return "ja";
    return "zh-Hant-HK";
  }

  struct SearchForm {
    std::string q;
    std::string sort = "relevance";
    std::vector<std::pair<std::string, std::string>> filters;
    int page = 1;
  };

  static SearchForm read_search_form(const Request& request) {
    SearchForm form;
    form.q = std::string(trim(request.query_value("q")));
    if (form.q.size() > 500) form.q.resize(500);  // longer is never a search
    const auto sort = request.query_value("sort");
    if (sort == "newest" || sort == "title" || sort == "author") form.sort = sort;
    for (const auto* name : kFacetNames) {
      auto [first, last] = request.query.equal_range(name);
      for (auto it = first; it != last; ++it)
        if (!it->second.empty() && it->second.size() <= 100) form.filters.emplace_back(name, it->second);
    }
    const auto page = parse_id(request.query_value("page"));
    form.page = page >= 1 && page <= 500 ? static_cast<int>(page) : 1;
    return form;
  }

  static std::string search_url(Language lang, const SearchForm& form, int page = 1) {
    std::string url = "/" + lang_code(lang) + "/search?q=" + percent_encode(form.q);
    if (form.sort != "relevance") url += "&sort=" + form.sort;
    for (const auto& [name, value] : form.filters) url += "&" + name + "=" + percent_encode(value);
    if (page > 1) url += "&page=" + std::to_string(page);
    return url;
  }

  static app::SearchQuery to_query(const SearchForm& form, int per_page) {
    app::SearchQuery query;
    query.text = form.q;
    query.sort = form.sort == "newest"   ? app::SearchSort::kNewest
                 : form.sort == "title"  ? app::SearchSort::kTitle
                 : form.sort == "author" ? app::SearchSort::kAuthor
                                         : app::SearchSort::kRelevance;
    for (const auto& [name, value] : form.filters) query.filters[name].push_back(value);
    query.offset = (form.page - 1) * per_page;
    query.limit = per_page;
    return query;
  }

  std::string availability_text(Language lang, const app::RecordSummary& record, const app::NetworkSnapshot& network,
                                std::string& css_class) const {
    if (record.copies == 0) {
      css_class = "none";
      return t(lang, "No copies for loan");
    }
    if (record.available > 0) {
      css_class = "yes";
      if (record.fields.format == domain::Format::kEBook) return t(lang, "Available to borrow online");
      std::string names;
      int shown = 0;
      for (const auto id : record.available_library_ids) {
        const auto* library = network.find(id);
        if (!library) continue;
        if (shown == 3) {
          names += tf(lang, " and {count} more",
                      {{"count", format_count(static_cast<long long>(record.available_library_ids.size()) - 3)}});
          break;
        }
        names += (shown++ ? ", " : "") + library->name.in(lang);
      }
      return tf(lang, "On the shelf at {libraries}", {{"libraries", names}});
    }
    css_class = "no";
    if (record.next_due)
      return tf(lang, "All copies are out; the first is due back on {date}",
                {{"date", format_date(translator, lang, *record.next_due)}});
    return t(lang, "All copies are in use");
  }

  Response search_page(Page& p) {
    p.route = "/{lang}/search";
    p.nav = "search";
    const auto lang = p.lang;
    const auto form = read_search_form(p.request);
    data content;
    content.set("q", form.q);
    auto sorts = list();
    for (const auto& [code, label] :
         std::vector<std::pair<std::string, std::string_view>>{{"relevance", N_("Best match")},
                                                               {"newest", N_("Newest first")},
                                                               {"title", N_("Title")},
                                                               {"author", N_("Author")}}) {
      data option;
      option.set("code", code);
      option.set("label", t(lang, label));
      option.set("selected", code == form.sort);
      sorts.push_back(option);
    }
    content.set("sort_options", sorts);
    auto hidden = list();
    for (const auto& [name, value] : form.filters) {
      data filter;
      filter.set("name", name);
      filter.set("value", value);
      hidden.push_back(filter);
    }
    content.set("filters", hidden);
    const bool asked = !form.q.empty() || !form.filters.empty() || !p.request.query_value("q").empty();
    content.set("heading", form.q.empty() ? t(lang, "Search the catalogue")
                                          : tf(lang, "Search results for “{query}”", {{"query", form.q}}));
    p.switch_path = search_url(lang, form, form.page).substr(3);
    p.switch_path = "/" + lang_code(lang) + p.switch_path;
    if (!asked) return page(p, "search", t(lang, "Search the catalogue"), content);
    if (!config.search) {
      content.set("unavailable", true);
      return page(p, "search", t(lang, "Search the catalogue"), content, 503);
    }
    app::CatalogueSearch found;
    try {
      found = app::search_catalogue(context, *config.search, to_query(form, kResultsPerPage));
    } catch (const std::exception& error) {
      spdlog::error("search failed: {}", error.what());
      content.set("unavailable", true);
      return page(p, "search", t(lang, "Search the catalogue"), content, 503);
    }
    const auto snapshot = network_snapshot();
    const auto& results = found.results;
    if (results.no_words) {
      content.set("no_words", true);
      return page(p, "search", t(lang, "Search the catalogue"), content);
    }
    content.set("plain_words", results.read_as_plain_words);
    if (!results.suggestion.empty()) {
      auto suggested = form;
      suggested.q = results.suggestion;
      suggested.page = 1;
      content.set("suggestion", results.suggestion);
      content.set("suggestion_url", search_url(lang, suggested));
    }
    content.set("searched", true);
    content.set(
        "count_text",
        results.total == 0    ? t(lang, "Nothing was found. Check the spelling, use fewer words, or remove a filter.")
        : results.total == 1  ? t(lang, "1 title found.")
        : results.total_exact ? tf(lang, "{count} titles found.", {{"count", format_count(results.total)}})
                              : tf(lang, "About {count} titles found.", {{"count", format_count(results.total)}}));
    content.set("first", std::to_string((form.page - 1) * kResultsPerPage + 1));
    auto rows = list();
    for (const auto& record : found.records) {
      data row;
      const auto& f = record.fields;
      row.set("id", std::to_string(record.id));
      const bool romanised = !f.title.text.empty();
      row.set("title", romanised ? f.title.text : f.title.vernacular);
      if (romanised && !f.title.vernacular.empty()) {
        row.set("vernacular", f.title.vernacular);
        row.set("vernacular_lang", script_lang(f.title.vernacular));
      }
      if (!f.authors.empty())
        row.set("author", f.authors.front().vernacular.empty() ? f.authors.front().text : f.authors.front().vernacular);
      if (f.year) row.set("year", std::to_string(*f.year));
      row.set("format", t(lang, domain::format_label(f.format)));
      row.set("format_code", std::string(domain::format_code(f.format)));
      std::string css;
      row.set("availability", availability_text(lang, record, *snapshot, css));
      row.set("availability_class", css);
      rows.push_back(row);
    }
    content.set("results", rows);
    auto facet_list = list();
    const std::map<std::string, std::string_view> facet_labels = {{"format", N_("Format")},
                                                                  {"language", N_("Language")},
                                                                  {"library", N_("On the shelf at")},
                                                                  {"year", N_("Year")},
                                                                  {"audience", N_("Audience")}};
    for (const auto* name : kFacetNames) {
      auto it = results.facets.find(name);
      if (it == results.facets.end() || it->second.empty()) continue;
      auto values = list();
      auto counts = it->second;
      if (std::string(name) == "year")
        std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.value > b.value; });
      int shown = 0;
      for (const auto& facet : counts) {
        if (std::string(name) == "audience" && facet.value == "unknown") continue;
        if (++shown > 12) break;
        data value;
        auto toggled = form;
        toggled.page = 1;
        const auto entry = std::make_pair(std::string(name), facet.value);
        auto found_at = std::find(toggled.filters.begin(), toggled.filters.end(), entry);
        const bool chosen = found_at != toggled.filters.end();
        if (chosen)
          toggled.filters.erase(found_at);
        else
          toggled.filters.push_back(entry);
        value.set("url", search_url(lang, toggled));
        value.set("label", facet_value_label(lang, name, facet.value, *snapshot));
        value.set("count", format_count(facet.count));
        value.set("chosen", chosen);
        values.push_back(value);
      }
      data facet;
      facet.set("label", t(lang, facet_labels.at(name)));
      facet.set("values", values);
      facet_list.push_back(facet);
    }
    content.set("facets", facet_list);
    content.set("has_facets", !facet_list.is_empty_list());
    content.set("active", !form.filters.empty());
    auto cleared = form;
    cleared.filters.clear();
    content.set("clear_url", search_url(lang, cleared));
    {
      auto export_url = search_url(lang, form);
      export_url.replace(export_url.find("/search?"), 8, "/search/export?");
      content.set("export_base", export_url + "&as=");
    }
    // The pager's links keep the query.
    const long long pages =
        std::min<long long>(500, std::max<long long>(1, (results.total + kResultsPerPage - 1) / kResultsPerPage));
    if (pages > 1) {
      data pager_data;
      pager_data.set("page", format_count(form.page));
      pager_data.set("pages", format_count(pages));
      if (form.page > 1) pager_data.set("previous", search_url(lang, form, form.page - 1));
      if (form.page < pages) pager_data.set("next", search_url(lang, form, form.page + 1));
      content.set("pager", pager_data);
    } else {
      content.set("pager", false);
    }
    return page(p, "search", tf(lang, "Search results for “{query}”", {{"query", form.q}}), content);
  }

  std::string holding_status(Language lang, const app::HoldingView& holding, const app::NetworkSnapshot& network,
                             std::string& css_class) const {
    using domain::ItemStatus;
    css_class = "closed";
    switch (holding.status) {
      case ItemStatus::kAvailable:
        css_class = holding.lendable ? "open" : "closed";
        return holding.lendable ? t(lang, "On the shelf") : t(lang, "On the shelf, for use in the library only");
      case ItemStatus::kOnLoan:
        return holding.due_on
                   ? tf(lang, "On loan, due back on {date}", {{"date", format_date(translator, lang, *holding.due_on)}})
                   : t(lang, "On loan");
      case ItemStatus::kInTransit: {
        const auto* to = holding.transit_to_library_id ? network.find(*holding.transit_to_library_id) : nullptr;
        return to ? tf(lang, "On its way to {library}", {{"library", to->name.in(lang)}}) : t(lang, "In transit");
      }
      case ItemStatus::kOnHoldShelf:
        return t(lang, "Kept for a reader who reserved it");
      case ItemStatus::kMissing:
      case ItemStatus::kLost:
        return t(lang, "Missing");
      case ItemStatus::kWithdrawn:
        return t(lang, "Withdrawn");
    }
    return std::string();
  }

  Response record_page(Page& p, const std::string& id_text, data content = data()) {
    p.route = "/{lang}/records/{id}";
    p.nav = "search";
    const auto lang = p.lang;
    const auto id = parse_id(id_text);
    if (id <= 0) return error_page(p, 404);
    auto view = app::record_view(context, network, id);
    if (!view) return error_page(p, 404);
    const auto snapshot = network_snapshot();
    const auto& f = view->record.fields;
    const bool romanised = !f.title.text.empty();
    const auto title = romanised ? f.title.text : f.title.vernacular;
    content.set("title", title);
    content.set("id", std::to_string(id));
    if (romanised && !f.title.vernacular.empty()) {
      content.set("vernacular", f.title.vernacular);
      content.set("vernacular_lang", script_lang(f.title.vernacular));
    }
    auto both = [](const domain::LinkedText& text) {
      if (text.vernacular.empty()) return text.text;
      if (text.text.empty()) return text.vernacular;
      return text.text + " = " + text.vernacular;
    };
    if (!f.responsibility.text.empty() || !f.responsibility.vernacular.empty())
      content.set("responsibility", both(f.responsibility));
    content.set("format", t(lang, domain::format_label(f.format)));
    auto linked_list = [&](const std::vector<domain::LinkedText>& texts, const char* prefix) {
      auto items = list();
      for (const auto& text : texts) {
        data item;
        const auto shown = text.vernacular.empty() ? text.text : text.vernacular;
        item.set("text", both(text));
        item.set("query", percent_encode(std::string(prefix) + "\"" + shown + "\""));
        items.push_back(item);
      }
      return items;
    };
    content.set("authors", linked_list(f.authors, "author:"));
    content.set("has_authors", !f.authors.empty());
    content.set("subjects", linked_list(f.subjects, "subject:"));
    content.set("has_subjects", !f.subjects.empty());
    auto series = list();
    for (const auto& entry : f.series) series.push_back(both(entry));
    content.set("series", series);
    content.set("has_series", !f.series.empty());
    if (!f.edition.empty()) content.set("edition", f.edition);
    std::string publication = f.place;
    const auto publisher = both(f.publisher);
    if (!publisher.empty()) publication += (publication.empty() ? "" : ": ") + publisher;
    if (f.year) publication += (publication.empty() ? "" : ", ") + std::to_string(*f.year);
    if (!publication.empty()) content.set("publication", publication);
    if (!f.language.empty()) {
      const auto label = language_label(f.language);
      content.set("language", label.empty() ? f.language : t(lang, label));
    }
    if (!f.physical_description.empty()) content.set("physical", f.physical_description);
    auto joined = [](const std::vector<std::string>& values) {
      std::string out;
      for (const auto& value : values) out += (out.empty() ? "" : ", ") + value;
      return out;
    };
    if (!f.isbns.empty()) content.set("isbns", joined(f.isbns));
    if (!f.issns.empty()) content.set("issns", joined(f.issns));
    auto notes = list();
    for (const auto& note : f.notes) notes.push_back(note);
    content.set("notes", notes);
    content.set("has_notes", !f.notes.empty());
    auto holdings = list();
    int on_shelf = 0, lendable = 0;
    for (const auto& holding : view->holdings) {
      data row;
      const auto* library = snapshot->find(holding.library_id);
      row.set("library", library ? library->name.in(lang) : std::string());
      if (library) row.set("library_code", library->code);
      row.set("call_number", holding.call_number);
      row.set("collection", t(lang, domain::collection_label(holding.collection)));
      std::string css;
      row.set("status", holding_status(lang, holding, *snapshot, css));
      row.set("status_class", css);
      if (holding.lendable) ++lendable;
      if (holding.lendable && holding.status == domain::ItemStatus::kAvailable) ++on_shelf;
      holdings.push_back(row);
    }
    content.set("holdings", holdings);
    content.set("has_holdings", !view->holdings.empty());
    content.set("availability_class", on_shelf > 0 ? "yes" : "no");
    content.set("availability",
                lendable == 0   ? t(lang, "No copies for loan")
                : on_shelf == 0 ? t(lang, "All copies are out at the moment.")
                : on_shelf == 1 ? t(lang, "1 copy is on the shelf.")
                                : tf(lang, "{count} copies are on the shelf.", {{"count", format_count(on_shelf)}}));
    content.set("reservable", view->reservable);
    if (p.reader) {
      content.set("signed_in", true);
      content.set("pickup_options", library_options(lang, *snapshot, nullptr));
      bool ebook = false;
      for (const auto& holding : view->holdings)
        if (holding.type == domain::ItemType::kEBook) ebook = true;
      content.set("ebook", ebook);
    }
    // "as", not "format": the search form already uses "format" for the kind of material.
    content.set("export_base", "/" + lang_code(lang) + "/records/" + std::to_string(id) + "/export?as=");
    return page(p, "record", title, content);
  }

  // The fields of a copy, as stored or as typed (`typed` wins when the form is shown again).
  void item_form(Language lang, data& content, const app::NetworkSnapshot& network, const app::ItemInput& values) {
    content.set("f_barcode", values.barcode);
    content.set("f_call_number", values.call_number);
    content.set("f_price", values.price);
    auto libraries = list();
    for (const auto& library : network.libraries) {
      if (library.kind == domain::LibraryKind::kMobile || library.kind == domain::LibraryKind::kSelfService) continue;
      data option;
      option.set("code", library.code);
      option.set("label", library.name.in(lang));
      option.set("selected", library.code == values.library_code);
      libraries.push_back(option);
    }
    content.set("library_options", libraries);
    content.set("type_options", choice_options(lang, domain::all_item_types(), &domain::item_type_code,
                                               &domain::item_type_label, values.item_type));
    content.set("collection_options", choice_options(lang, domain::all_collections(), &domain::collection_code,
                                                     &domain::collection_label, values.collection));
  }

  static app::ItemInput item_input_of(const Request& request) {
    return {std::string(trim(request.form_value("barcode"))),
            request.form_value("library_code"),
            request.form_value("item_type"),
            request.form_value("collection"),
            std::string(trim(request.form_value("call_number"))),
            std::string(trim(request.form_value("price")))};
  }

  static std::string plain_price(const std::optional<domain::Money>& price) {
    return price ? plain_amount(*price) : std::string();
  }

  Response staff_record(Page& p, long long id, const std::optional<app::ItemInput>& typed = std::nullopt,
                        const std::optional<domain::Failure>& failure = std::nullopt) {
    p.route = "/{lang}/staff/records/{id}";
    p.nav = "staff";
    const auto lang = p.lang;
    const auto actor = p.session->actor();
    auto found = app::record_for_staff(context, actor, id);
    std::optional<app::RecordView> view;
    if (!found && found.error().code == ErrorCode::kPermissionDenied) {
      // Every staff member may read the record; only cataloguers change its copies.
      view = app::record_view(context, network, id);
      if (!view) return error_page(p, 404);
    } else if (!found) {
      return error_page(p, 404);
    }
    const auto& record = found ? found->record : view->record;
    const bool can_edit = found.ok();
    const auto snapshot = network_snapshot();
    const auto& marc = record.marc;
    data content;
    content.set("id", std::to_string(id));
    content.set("title", domain::display_title(record.fields));
    content.set("control_number", record.control_number);
    content.set("leader", marc.leader);
    content.set("can_edit", can_edit);
    auto items = list();
    if (found) {
      for (const auto& item : found->items) {
        data row;
        row.set("item_id", std::to_string(item.id));
        row.set("barcode", item.barcode);
        const auto* library = snapshot->find(item.home_library_id);
        row.set("library", library ? library->name.in(lang) : std::string());
        row.set("type", t(lang, domain::item_type_label(item.type)));
        row.set("collection", t(lang, domain::collection_label(item.collection)));
        row.set("call_number", item.call_number);
        row.set("price", item.price ? domain::format_money(*item.price) : std::string());
        row.set("can_edit", true);
        items.push_back(row);
      }
    } else {
      for (const auto& holding : view->holdings) {
        data row;
        row.set("barcode", holding.barcode);
        const auto* library = snapshot->find(holding.library_id);
        row.set("library", library ? library->name.in(lang) : std::string());
        row.set("type", t(lang, domain::item_type_label(holding.type)));
        row.set("collection", t(lang, domain::collection_label(holding.collection)));
        row.set("call_number", holding.call_number);
        items.push_back(row);
      }
    }
    content.set("has_items", !items.is_empty_list());
    content.set("items", items);
    app::ItemInput defaults;
    if (!snapshot->libraries.empty()) defaults.library_code = snapshot->libraries.front().code;
    defaults.item_type = "book";
    defaults.collection = "adult";
    item_form(lang, content, *snapshot, typed.value_or(defaults));
    auto fields = list();
    for (const auto& field : marc.fields) {
      data row;
      row.set("tag", field.tag);
      if (field.is_control()) {
        row.set("value", field.value);
      } else {
        row.set("indicators",
                std::string(1, field.ind1 == ' ' ? '_' : field.ind1) + (field.ind2 == ' ' ? '_' : field.ind2));
        auto subfields = list();
        for (const auto& subfield : field.subfields) {
          data entry;
          entry.set("code", std::string(1, subfield.code));
          entry.set("text", subfield.value);
          subfields.push_back(entry);
        }
        row.set("subfields", subfields);
      }
      fields.push_back(row);
    }
    content.set("fields", fields);
    if (failure) add_failure(lang, content, *failure);
    add_flash(lang, content, p.request);
    p.switch_path = "/" + lang_code(lang) + "/staff/records/" + std::to_string(id);
    return page(p, "staff_record", domain::display_title(record.fields), content, failure ? 422 : 200);
  }

  Response staff_add_item(Page& p, long long record_id) {
    const auto input = item_input_of(p.request);
    auto added = app::add_item(context, p.session->actor(), record_id, input);
    if (!added) {
      if (added.error().code == ErrorCode::kPermissionDenied) return error_page(p, 403);
      if (added.error().code == ErrorCode::kNotFound) return error_page(p, 404);
      auto response = staff_record(p, record_id, input, added.error());
      response.route = "/{lang}/staff/records/{id}/items";
      return response;
    }
    auto response = redirect("/" + lang_code(p.lang) + "/staff/records/" + std::to_string(record_id) + "?saved=1");
    response.route = "/{lang}/staff/records/{id}/items";
    return response;
  }

  Response staff_item(Page& p, long long item_id, const std::optional<app::ItemInput>& typed = std::nullopt,
                      const std::optional<domain::Failure>& failure = std::nullopt,
                      std::optional<long long> typed_version = std::nullopt) {
    p.route = "/{lang}/staff/items/{id}";
    p.nav = "staff";
    const auto lang = p.lang;
    std::optional<app::CatalogueItem> item;
    context.store.transact(app::Store::Mode::kRead,
                           [&](app::Repositories& repos) { item = repos.catalogue.item_by_id(item_id); });
    if (!item || item->record_id == 0) return error_page(p, 404);
    auto found = app::record_for_staff(context, p.session->actor(), item->record_id);
    if (!found) return error_page(p, found.error().code == ErrorCode::kPermissionDenied ? 403 : 404);
    const auto snapshot = network_snapshot();
    data content;
    content.set("item_id", std::to_string(item_id));
    content.set("record_id", std::to_string(item->record_id));
    content.set("record_title", domain::display_title(found->record.fields));
    content.set("version", std::to_string(typed_version.value_or(item->version)));
    const auto* home = snapshot->find(item->home_library_id);
    app::ItemInput stored{item->barcode,
                          home ? home->code : std::string(),
                          std::string(domain::item_type_code(item->type)),
                          std::string(domain::collection_code(item->collection)),
                          item->call_number,
                          plain_price(item->price)};
    item_form(lang, content, *snapshot, typed.value_or(stored));
    if (failure) add_failure(lang, content, *failure);
    p.switch_path = "/" + lang_code(lang) + "/staff/items/" + std::to_string(item_id);
    return page(p, "staff_item", t(lang, "Change a copy"), content, failure ? 422 : 200);
  }

  Response staff_edit_item(Page& p, long long item_id) {
    const auto input = item_input_of(p.request);
    const auto version = parse_id(p.request.form_value("version"));
    auto edited = app::edit_item(context, p.session->actor(), item_id, version, input);
    if (!edited) {
      if (edited.error().code == ErrorCode::kPermissionDenied) return error_page(p, 403);
      if (edited.error().code == ErrorCode::kNotFound) return error_page(p, 404);
      auto response = staff_item(p, item_id, input, edited.error(), version);
      response.route = "/{lang}/staff/items/{id}";
      return response;
    }
    auto response =
        redirect("/" + lang_code(p.lang) + "/staff/records/" + std::to_string(edited->record_id) + "?saved=1");
    response.route = "/{lang}/staff/items/{id}";
    return response;
  }

  // ----- exporting records (public data: anyone may download them) -----

  static constexpr int kExportLimit = 1000;

  Response marc_download(std::vector<domain::MarcRecord> records, const std::string& format, const std::string& name) {
    Response response;
    if (format == "marc21") {
      for (const auto& record : records) response.body += marc::to_iso2709(record);
      response.set_header("Content-Type", "application/marc");
      response.set_header("Content-Disposition", "attachment; filename=\"" + name + ".mrc\"");
    } else {
      response.body = marc::to_marcxml_collection(records);
      response.set_header("Content-Type", "application/marcxml+xml; charset=utf-8");
      response.set_header("Content-Disposition", "attachment; filename=\"" + name + ".xml\"");
    }
    response.set_header("Cache-Control", "no-cache");
    return response;
  }

  Response record_export(Page& p, const std::string& id_text) {
    const auto id = parse_id(id_text);
    const auto format = p.request.query_value("as");
    if (id <= 0) return error_page(p, 404);
    if (format != "marc21" && format != "marcxml") return error_page(p, 400);
    std::optional<app::BibRecord> record;
    context.store.transact(app::Store::Mode::kRead,
                           [&](app::Repositories& repos) { record = repos.catalogue.record_by_id(id); });
    if (!record) return error_page(p, 404);
    auto response = marc_download({record->marc}, format, "record-" + std::to_string(id));
    response.route = "/{lang}/records/{id}/export";
    return response;
  }

  // The first `kExportLimit` results of a search, as MARC.
  Response search_export(Page& p) {
    const auto format = p.request.query_value("as");
    if (format != "marc21" && format != "marcxml") return error_page(p, 400);
    if (!config.search) return error_page(p, 500);
    auto form = read_search_form(p.request);
    form.page = 1;
    auto query = to_query(form, 100);
    std::vector<long long> ids;
    for (query.offset = 0; query.offset < kExportLimit; query.offset += 100) {
      const auto page_ids = config.search->search(query).record_ids;
      ids.insert(ids.end(), page_ids.begin(), page_ids.end());
      if (page_ids.size() < 100) break;
    }
    std::vector<domain::MarcRecord> records;
    context.store.transact(app::Store::Mode::kRead, [&](app::Repositories& repos) {
      records.clear();
      for (const auto id : ids)
        if (auto record = repos.catalogue.record_by_id(id)) records.push_back(std::move(record->marc));
    });
    auto response = marc_download(std::move(records), format, "search-results");
    response.route = "/{lang}/search/export";
    return response;
  }

  // ----- My Account (readers) -----

  Response reader_login_form(Page& p, const std::string& card, const std::optional<domain::Failure>& failure,
                             int status = 200) {
    p.route = "/{lang}/login";
    p.nav = "account";
    data content;
    content.set("csrf", sign_in_csrf(p));
    content.set("card", card);
    const auto next = return_path(p, p.request.method == "POST" ? p.request.form_value("next") : p.request.query_value("next"));
    if (!next.empty()) content.set("next", next);
    if (p.request.query_value("reset") == "1")
      content.set("flash", t(p.lang, "Your password has been changed. Sign in with the new one."));
    if (failure) add_failure(p.lang, content, *failure);
    p.switch_path = "/" + lang_code(p.lang) + "/login";
    auto response = page(p, "reader_login", t(p.lang, "Sign in to My Account"), content, status);
    response.set_header("Cache-Control", "no-store");
    return response;
  }

  // Where to go after signing in: a page of this site in this language (an activity to enrol in), never
  // another site ("//evil.example", "/\\evil.example").
  static std::string return_path(const Page& p, const std::string& next) {
    const auto prefix = "/" + lang_code(p.lang) + "/";
    if (next.size() > 300 || !next.starts_with(prefix) || next.find("//") != std::string::npos ||
        next.find('\\') != std::string::npos)
      return "";
    for (unsigned char c : next)
      if (c < 0x21 || c == 0x7f) return "";
    return next;
  }

  Response reader_login(Page& p) {
    if (p.request.method != "POST") {
      if (p.reader) return redirect("/" + lang_code(p.lang) + "/account");
      return reader_login_form(p, "", std::nullopt);
    }
    if (!sign_in_csrf_ok(p)) {
      p.route = "/{lang}/login";
      return error_page(p, 419);
    }
    const auto card = std::string(trim(p.request.form_value("card")));
    auto result = app::reader_log_in(context, card, p.request.form_value("pin"), p.request.remote_address);
    if (!result) {
      spdlog::info("auth reader_login outcome={}", domain::error_info(result.error().code).name);
      const int status = result.error().code == ErrorCode::kTooManyAttempts ? 429 : 422;
      return reader_login_form(p, card, result.error(), status);
    }
    const auto next = return_path(p, p.request.form_value("next"));
    auto response = redirect(next.empty() ? "/" + lang_code(p.lang) + "/account" : next);
    response.route = "/{lang}/login";
    response.headers.emplace_back(
        "Set-Cookie", reader_cookie_name(p.request) + "=" + result->session_token + cookie_attributes(p.request));
    return response;
  }

  // "Forgot your password": the same answer whether or not an account matched.
  Response forgot_password(Page& p) {
    p.route = "/{lang}/login/forgot";
    p.nav = "account";
    data content;
    int status = 200;
    if (p.request.method == "POST") {
      if (!sign_in_csrf_ok(p)) return error_page(p, 419);
      auto requested = app::request_password_reset(context, {}, p.request.form_value("card"),
                                                   p.request.remote_address, p.lang);
      if (requested) {
        spdlog::info("reader password reset requested");
        content.set("sent", true);
      } else {
        add_failure(p.lang, content, requested.error());
        status = 429;
      }
    }
    content.set("csrf", sign_in_csrf(p));
    auto response = page(p, "reader_forgot", t(p.lang, "Forgotten password"), content, status);
    response.set_header("Cache-Control", "no-store");
    return response;
  }

  Response reset_password(Page& p) {
    p.route = "/{lang}/login/reset";
    p.nav = "account";
    const bool post = p.request.method == "POST";
    const auto token = post ? p.request.form_value("token") : p.request.query_value("token");
    data content;
    content.set("csrf", sign_in_csrf(p));
    content.set("token", token);
    int status = 200;
    if (post) {
      if (!sign_in_csrf_ok(p)) return error_page(p, 419);
      auto reset = app::reset_password(context, token, p.request.form_value("new_password"),
                                       p.request.form_value("repeated_password"));
      if (reset) {
        spdlog::info("reader password reset");
        auto response = redirect("/" + lang_code(p.lang) + "/login?reset=1");
        response.route = p.route;
        return response;
      }
      if (reset.error().code != ErrorCode::kNotFound) {
        add_failure(p.lang, content, reset.error());
        status = 422;
      }
    }
    if (!app::password_reset_usable(context, token)) {
      content.set("expired", true);
      status = post ? 410 : 200;
    }
    // The page is reached from a link with the token in it: not cached, and the site's Referrer-Policy
    // (strict-origin-when-cross-origin) never sends the path to another site; the page loads nothing foreign.
    p.switch_path = "/" + lang_code(p.lang) + "/login/forgot";
    auto response = page(p, "reader_reset", t(p.lang, "Choose a new password"), content, status);
    response.set_header("Cache-Control", "no-store");
    return response;
  }

  Response reader_logout(Page& p) {
    app::reader_log_out(context, p.request.cookie(reader_cookie_name(p.request)));
    auto response = redirect("/" + lang_code(p.lang) + "/");
    response.route = "/{lang}/logout";
    response.headers.emplace_back("Set-Cookie",
                                  reader_cookie_name(p.request) + "=" + cookie_attributes(p.request) + "; Max-Age=0");
    return response;
  }

  Response account(Page& p, data content = data()) {
    p.route = "/{lang}/account";
    p.nav = "account";
    const auto lang = p.lang;
    auto view = app::account_view(context, network, p.reader->reader.id);
    if (!view) return error_page(p, 404);
    const auto snapshot = network_snapshot();
    const auto& reader = view->reader;
    content.set("reader_name", reader.name);
    content.set("card", reader.card_number);
    content.set("status", t(lang, reader_status_label(reader.status)));
    content.set("status_class", reader.status == domain::ReaderStatus::kActive ? "open" : "closed");
    content.set("charges", domain::format_money(view->charges_outstanding));
    if (auto settings = app::reader_settings(context, reader.id)) {
      content.set("set_language_en", settings->language == Language::kEnglish);
      content.set("set_language_tc", settings->language != Language::kEnglish);
      content.set("set_channel_email", settings->channel == "email");
      content.set("set_channel_sms", settings->channel == "sms");
      content.set("set_channel_none", settings->channel == "none");
      content.set("set_notify_reservations", settings->notify_reservations);
      content.set("set_notify_due", settings->notify_due);
      content.set("set_notify_overdue", settings->notify_overdue);
      content.set("set_keep_history", settings->keep_history);
      if (!content.get("contact_email")) {
        content.set("contact_email", settings->email);
        content.set("contact_mobile", settings->mobile);
        content.set("contact_address", settings->address);
      }
    }
    content.set("owes", view->charges_outstanding.cents > 0);
    auto loans = list();
    auto ebooks = list();
    for (const auto& loan : view->loans) {
      data row;
      row.set("barcode", loan.barcode);
      row.set("title", loan.title);
      row.set("due", format_date(translator, lang, loan.due_on));
      row.set("overdue", loan.overdue);
      row.set("ebook", loan.ebook);
      if (loan.overdue)
        row.set("fine", tf(lang, "fine so far {amount}", {{"amount", domain::format_money(loan.fine_so_far)}}));
      row.set("renewed", format_count(loan.times_renewed));
      row.set("renewable", loan.renewal.empty());
      std::string why;
      for (const auto& refusal : loan.renewal)
        why += (why.empty() ? "" : " ") +
               translator.error_message(lang, domain::FieldError{"", refusal.code, refusal.params});
      row.set("renewal_text", loan.renewal.empty() ? t(lang, "Yes") : why);
      loans.push_back(row);
      if (loan.ebook) {
        data ebook;
        ebook.set("barcode", loan.barcode);
        ebook.set("title", loan.title);
        ebooks.push_back(ebook);
      }
    }
    content.set("loans", loans);
    content.set("has_loans", !view->loans.empty());
    content.set("loan_count", format_count(static_cast<long long>(view->loans.size())));
    content.set("ebooks", ebooks);
    content.set("has_ebooks", !ebooks.is_empty_list());
    auto reservations = list();
    for (const auto& reservation : view->reservations) {
      data row;
      row.set("id", std::to_string(reservation.id));
      row.set("reference", reservation.reference);
      row.set("title", reservation.title);
      const auto* pickup = snapshot->find(reservation.pickup_library_id);
      row.set("pickup", pickup ? pickup->name.in(lang) : std::string());
      row.set("state", reservation_state_text(lang, reservation));
      row.set("ready", reservation.status == domain::ReservationStatus::kReady);
      row.set("expires", format_date(translator, lang, reservation.expires_on, false));
      // Until it is on the hold shelf; e-books have no pick-up library.
      const bool changeable = reservation.pickup_changeable && !reservation.ebook;
      row.set("changeable", changeable);
      if (changeable) row.set("pickup_options", library_options(lang, *snapshot, pickup));
      reservations.push_back(row);
    }
    content.set("reservations", reservations);
    content.set("has_reservations", !view->reservations.empty());
    content.set("reservation_count", format_count(static_cast<long long>(view->reservations.size())));
    content.set("can_report_lost", reader.status != domain::ReaderStatus::kCardReportedLost);
    p.switch_path = "/" + lang_code(lang) + "/account";
    return page(p, "account", t(lang, "My Account"), content);
  }

  void set_refusals(Language lang, data& content, const domain::Failure& failure, std::string_view heading) const {
    auto refusals = list();
    for (const auto& text : refusal_texts(lang, failure)) refusals.push_back(text);
    content.set("has_refusals", true);
    content.set("refusal_heading", t(lang, heading));
    content.set("refusals", refusals);
  }

  Response account_post(Page& p, const std::string& action) {
    const auto lang = p.lang;
    const auto& card = p.reader->reader.card_number;
    data content;
    Response response;
    if (action == "renew") {
      std::vector<std::string> barcodes = p.request.form_values("barcode");
      const bool all = p.request.form_value("all") == "1";
      auto items = list();
      if (all) {
        if (auto renewed = app::renew_all(context, network, card, app::Channel::kWeb))
          for (const auto& item : renewed.value()) {
            data row;
            row.set("title", item.title);
            row.set("result", item.outcome ? tf(lang, "renewed until {due}, reference {reference}",
                                                {{"due", format_date(translator, lang, item.outcome->due_on)},
                                                 {"reference", item.outcome->reference}})
                                           : refusal_texts(lang, item.outcome.error()).front());
            items.push_back(row);
          }
      } else {
        for (const auto& barcode : barcodes) {
          auto renewed = app::renew(context, network, {card, barcode, app::Channel::kWeb, "", std::nullopt});
          data row;
          row.set("title", renewed ? renewed->title : barcode);
          row.set("result", renewed ? tf(lang, "renewed until {due}, reference {reference}",
                                         {{"due", format_date(translator, lang, renewed->due_on)},
                                          {"reference", renewed->reference}})
                                    : refusal_texts(lang, renewed.error()).front());
          items.push_back(row);
        }
        if (barcodes.empty()) content.set("outcome_ok", t(lang, "Select the items to renew, or choose Renew all."));
      }
      content.set("renewals", items);
      content.set("has_renewals", !items.is_empty_list());
      response = account(p, content);
    } else if (action == "cancel-reservation") {
      auto cancelled = app::cancel_reservation(context, network, card, parse_id(p.request.form_value("reservation")));
      if (cancelled)
        content.set("outcome_ok", t(lang, "The reservation has been cancelled."));
      else
        set_refusals(lang, content, cancelled.error(), N_("Not cancelled"));
      response = account(p, content);
      if (!cancelled) response.status = 422;
    } else if (action == "pin") {
      auto changed =
          app::change_reader_pin(context, card, p.request.form_value("current_pin"), p.request.form_value("new_pin"),
                                 p.request.form_value("repeated_pin"), p.request.remote_address);
      if (changed)
        content.set("outcome_ok", t(lang, "Your PIN has been changed. Use the new one from now on."));
      else
        add_failure(lang, content, changed.error());
      response = account(p, content);
      if (!changed) response.status = changed.error().code == ErrorCode::kTooManyAttempts ? 429 : 422;
    } else if (action == "password") {
      auto changed = app::change_reader_password(
          context, p.reader->reader.id, p.request.cookie(reader_cookie_name(p.request)),
          p.request.form_value("current_password"), p.request.form_value("new_password"),
          p.request.form_value("repeated_password"), p.request.remote_address);
      if (changed)
        content.set("outcome_ok",
                    t(lang, "Your password has been changed. You have been signed out everywhere else."));
      else
        add_failure(lang, content, changed.error());
      response = account(p, content);
      if (!changed) response.status = changed.error().code == ErrorCode::kTooManyAttempts ? 429 : 422;
    } else if (action == "preferences") {
      const auto& f = p.request;
      auto saved = app::save_reader_preferences(
          context, p.reader->reader.id,
          {f.form_value("language"), f.form_value("channel"), f.form_value("notify_reservations") == "1",
           f.form_value("notify_due") == "1", f.form_value("notify_overdue") == "1",
           f.form_value("keep_history") == "1"});
      if (saved)
        content.set("outcome_ok", t(lang, "Your settings have been saved."));
      else
        add_failure(lang, content, saved.error());
      response = account(p, content);
      if (!saved) response.status = 422;
    } else if (action == "contact") {
      const auto& f = p.request;
      auto changed = app::change_reader_contact(
          context, p.reader->reader.id,
          {f.form_value("contact_secret"), f.form_value("email"), f.form_value("mobile"), f.form_value("address")},
          f.remote_address);
      if (changed) {
        content.set("outcome_ok", t(lang, "Your contact details have been changed. We have told your old address."));
      } else {
        add_failure(lang, content, changed.error());
        content.set("contact_email", f.form_value("email"));  // what was typed, shown back
        content.set("contact_mobile", f.form_value("mobile"));
        content.set("contact_address", f.form_value("address"));
      }
      response = account(p, content);
      if (!changed) response.status = changed.error().code == ErrorCode::kTooManyAttempts ? 429 : 422;
    } else if (action == "change-pickup") {
      auto changed = app::change_pickup_library(context, network, card, parse_id(p.request.form_value("reservation")),
                                                p.request.form_value("pickup"));
      if (changed)
        content.set("outcome_ok", t(lang, "The pick-up library has been changed."));
      else
        set_refusals(lang, content, changed.error(), N_("Not changed"));
      response = account(p, content);
      if (!changed) response.status = 422;
    } else if (action == "calendar") {
      if (p.request.form_value("revoke") == "1") {
        app::revoke_calendar_feed(context, p.reader->reader.id);
        content.set("outcome_ok",
                    t(lang, "The calendar link has been turned off. Calendars using it get no more updates."));
      } else {
        const auto token = app::create_calendar_feed(context, p.reader->reader.id);
        content.set("calendar_path", "/calendar/" + token + ".ics");
        content.set(
            "outcome_ok",
            t(lang,
              "Your calendar link is below. Add it to your calendar app; keep it private. It is shown only now."));
      }
      response = account(p, content);
    } else if (action == "card-lost") {
      if (p.request.form_value("confirm") != "1") {
        set_refusals(lang, content, domain::invalid({{"confirm", ErrorCode::kRequired, {}}}), N_("Not blocked"));
        response = account(p, content);
        response.status = 422;
      } else {
        auto reported = app::report_card_lost(context, card, std::nullopt);
        if (reported)
          content.set("outcome_ok", t(lang, "Your card is blocked. Please ask for a new card at any library counter."));
        else
          set_refusals(lang, content, reported.error(), N_("Not blocked"));
        p.reader->reader.status = domain::ReaderStatus::kCardReportedLost;
        response = account(p, content);
      }
    } else if (action == "return-ebook") {
      auto returned = app::return_ebook(context, network, card, p.request.form_value("barcode"));
      if (returned)
        content.set("outcome_ok", tf(lang, "Returned: {title}.", {{"title", returned->title}}));
      else
        set_refusals(lang, content, returned.error(), N_("Not returned"));
      response = account(p, content);
      if (!returned) response.status = 422;
    } else {
      return error_page(p, 404);
    }
    response.route = "/{lang}/account/" + action;
    return response;
  }

  Response account_data(Page& p, bool json) {
    auto data_of = app::reader_data(context, p.reader->reader.id);
    if (!data_of) return error_page(p, 404);
    const auto& d = *data_of;
    const auto enquiries = app::reader_enquiries(context, p.reader->reader.id);
    const auto enrolments = app::reader_enrolment_history(context, p.reader->reader.id);
    const auto snapshot = network_snapshot();
    auto when = [&](Instant at) {
      const auto local = context.zone.to_local(at);
      return format_iso_date(local.date) + "T" + fmt::format("{:02}:{:02}", local.minute / 60, local.minute % 60);
    };
    auto library_code = [&](long long id) {
      const auto* library = snapshot->find(id);
      return library ? library->code : std::string();
    };
    Response response;
    response.route = json ? "/{lang}/account/data.json" : "/{lang}/account/data.csv";
    response.set_header("Cache-Control", "no-store");
    if (json) {
      nlohmann::json body;
      body["reader"] = {{"card_number", d.reader.card_number},
                        {"name", d.reader.name},
                        {"category", std::string(domain::reader_category_code(d.reader.category))},
                        {"status", std::string(domain::reader_status_code(d.reader.status))},
                        {"card_expires_on", d.reader.expires_on ? format_iso_date(*d.reader.expires_on) : ""},
                        {"has_pin", d.has_pin}};
      body["loans"] = nlohmann::json::array();
      for (const auto& loan : d.loans)
        body["loans"].push_back({{"barcode", loan.barcode},
                                 {"title", loan.title},
                                 {"library", library_code(loan.library_id)},
                                 {"channel", loan.channel},
                                 {"borrowed_at", when(loan.checked_out_at)},
                                 {"due_on", format_iso_date(loan.due_on)},
                                 {"times_renewed", loan.times_renewed},
                                 {"returned_at", loan.returned_at ? when(*loan.returned_at) : ""}});
      body["reservations"] = nlohmann::json::array();
      for (const auto& r : d.reservations)
        body["reservations"].push_back({{"reference", app::reservation_reference(r.id)},
                                        {"title", r.title},
                                        {"pickup_library", library_code(r.pickup_library_id)},
                                        {"placed_at", when(r.placed_at)},
                                        {"expires_on", format_iso_date(r.expires_on)},
                                        {"status", std::string(domain::reservation_status_code(r.status))}});
      body["charges"] = nlohmann::json::array();
      for (const auto& c : d.charges)
        body["charges"].push_back({{"kind", c.kind},
                                   {"title", c.title},
                                   {"amount", domain::format_money(c.amount)},
                                   {"outstanding", domain::format_money(c.outstanding)},
                                   {"charged_at", when(c.created_at)}});
      body["enquiries"] = nlohmann::json::array();
      for (const auto& e : enquiries) {
        auto replies = nlohmann::json::array();
        for (const auto& reply : e.replies) replies.push_back({{"at", when(reply.at)}, {"text", reply.body}});
        body["enquiries"].push_back({{"reference", e.record.reference},
                                     {"subject", std::string(domain::enquiry_subject_code(e.record.subject))},
                                     {"question", e.record.question},
                                     {"sent_at", when(e.record.submitted_at)},
                                     {"replies", replies}});
      }
      body["activity_enrolments"] = nlohmann::json::array();
      for (const auto& [enrolment, activity] : enrolments)
        body["activity_enrolments"].push_back(
            {{"activity", activity.title.en.empty() ? activity.title.tc : activity.title.en},
             {"library", library_code(activity.library_id.value_or(0))},
             {"starts_at", activity.starts_at ? when(*activity.starts_at) : ""},
             {"status", std::string(domain::enrolment_status_code(enrolment.status))},
             {"enrolled_at", when(enrolment.enrolled_at)},
             {"attended", enrolment.attended ? (*enrolment.attended ? "yes" : "no") : ""}});
      response.body = body.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
      response.set_header("Content-Type", "application/json; charset=utf-8");
      response.set_header("Content-Disposition", "attachment; filename=\"my-library-data.json\"");
      return response;
    }
    // One table: a section column, then the fields of that section.
    std::string csv = "\xEF\xBB\xBF";  // a byte order mark, so spreadsheets read the Chinese as UTF-8
    auto line = [&](std::initializer_list<std::string> cells) {
      bool first = true;
      for (const auto& cell : cells) {
        csv += (first ? "" : ",") + csv_cell(cell);
        first = false;
      }
      csv += "\r\n";
    };
    line({"section", "what", "title", "library", "from", "until", "status", "amount"});
    line({"reader", d.reader.card_number, d.reader.name, "", "",
          d.reader.expires_on ? format_iso_date(*d.reader.expires_on) : "",
          std::string(domain::reader_status_code(d.reader.status)), ""});
    for (const auto& loan : d.loans)
      line({"loan", loan.barcode, loan.title, library_code(loan.library_id), when(loan.checked_out_at),
            format_iso_date(loan.due_on), loan.returned_at ? "returned " + when(*loan.returned_at) : "on loan", ""});
    for (const auto& r : d.reservations)
      line({"reservation", app::reservation_reference(r.id), r.title, library_code(r.pickup_library_id),
            when(r.placed_at), format_iso_date(r.expires_on), std::string(domain::reservation_status_code(r.status)),
            ""});
    for (const auto& c : d.charges)
      line({"charge", c.kind, c.title, "", when(c.created_at), "", "outstanding " + domain::format_money(c.outstanding),
            domain::format_money(c.amount)});
    for (const auto& e : enquiries) {
      line({"enquiry", e.record.reference, e.record.question, library_code(e.record.library_id.value_or(0)),
            when(e.record.submitted_at), "", std::string(domain::enquiry_status_code(e.record.status)), ""});
      for (const auto& reply : e.replies)
        line({"enquiry_reply", e.record.reference, reply.body, "", when(reply.at), "", "", ""});
    }
    for (const auto& [enrolment, activity] : enrolments)
      line({"activity_enrolment", std::to_string(activity.id), activity.title.en.empty() ? activity.title.tc : activity.title.en,
            library_code(activity.library_id.value_or(0)), when(enrolment.enrolled_at),
            activity.starts_at ? when(*activity.starts_at) : "", std::string(domain::enrolment_status_code(enrolment.status)),
            ""});
    response.body = std::move(csv);
    response.set_header("Content-Type", "text/csv; charset=utf-8");
    response.set_header("Content-Disposition", "attachment; filename=\"my-library-data.csv\"");
    return response;
  }

  Response calendar_feed(const Request& request, const std::string& file) {
    Response response;
    response.route = "/calendar/{token}.ics";
    const auto dot = file.rfind(".ics");
    auto entries = dot == std::string::npos || dot + 4 != file.size()
                       ? std::nullopt
                       : app::calendar_entries(context, file.substr(0, dot));
    if (!entries) {
      response.status = 404;
      response.body = "This calendar link is not valid any more. Make a new one in My Account.\n";
      response.set_header("Content-Type", "text/plain; charset=utf-8");
      return response;
    }
    const auto stamp = std::chrono::floor<std::chrono::seconds>(context.clock.now());
    const auto stamp_date = std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(stamp));
    const auto seconds = (stamp - std::chrono::floor<std::chrono::days>(stamp)).count();
    const auto dtstamp =
        fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", int(stamp_date.year()), unsigned(stamp_date.month()),
                    unsigned(stamp_date.day()), seconds / 3600, seconds / 60 % 60, seconds % 60);
    auto compact = [](Date date) {
      auto iso = format_iso_date(date);
      iso.erase(std::remove(iso.begin(), iso.end(), '-'), iso.end());
      return iso;
    };
    std::string body =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Shelfmark//Library due dates//EN\r\n"
        "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n";
    body += ics_line("X-WR-CALNAME:" + ics_text(t(Language::kEnglish, "Library due dates")));
    for (const auto& entry : *entries) {
      body += "BEGIN:VEVENT\r\n";
      body += ics_line("UID:loan-" + ics_text(entry.barcode) + "-" + compact(entry.due_on) + "@shelfmark");
      body += "DTSTAMP:" + dtstamp + "\r\n";
      body += "DTSTART;VALUE=DATE:" + compact(entry.due_on) + "\r\n";
      body += "DTEND;VALUE=DATE:" + compact(entry.due_on + std::chrono::days(1)) + "\r\n";
      body += ics_line("SUMMARY:" + ics_text("Due back / 到期歸還: " + entry.title));
      body += "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n";
    }
    body += "END:VCALENDAR\r\n";
    response.body = std::move(body);
    response.set_header("Content-Type", "text/calendar; charset=utf-8");
    response.set_header("Cache-Control", "no-store");
    // The link is a secret: keep it out of other sites' logs.
    response.set_header("Referrer-Policy", "no-referrer");
    return response;
  }

  // Reserving (or, for an e-book, borrowing) from a record page.
  Response record_post(Page& p, long long record_id, const std::string& action) {
    const auto lang = p.lang;
    const auto& card = p.reader->reader.card_number;
    data content;
    std::optional<domain::Failure> refusal;
    if (action == "borrow") {
      auto borrowed = app::borrow_ebook_of_record(context, network, card, record_id);
      if (!borrowed && borrowed.error().code == ErrorCode::kNotFound && borrowed.error().fields.empty())
        return error_page(p, 404);
      if (borrowed)
        content.set("outcome_ok",
                    tf(lang, "Borrowed: {title}. It is yours to read until {due}.",
                       {{"title", borrowed->title}, {"due", format_date(translator, lang, borrowed->due_on)}}));
      else
        set_refusals(lang, content, borrowed.error(), N_("Not borrowed"));
    } else if (action == "reserve") {
      auto reserved = app::reserve_record(context, network, card, record_id, p.request.form_value("pickup"));
      if (!reserved && reserved.error().code == ErrorCode::kNotFound && reserved.error().fields.empty())
        return error_page(p, 404);
      if (reserved)
        content.set("outcome_ok",
                    tf(lang, "Reserved. Reference {reference}; number {position} in the queue.",
                       {{"reference", reserved->reference}, {"position", format_count(reserved->position)}}));
      else
        set_refusals(lang, content, reserved.error(), N_("Not reserved"));
    } else {
      return error_page(p, 404);
    }
    auto response = record_page(p, std::to_string(record_id), content);
    response.route = "/{lang}/records/{id}/" + action;
    if (!content.get("outcome_ok")) response.status = 422;
    return response;
  }

  Response api_search(const Request& request) {
    Response response;
    response.route = "/api/v1/search";
    response.set_header("Content-Type", "application/json; charset=utf-8");
    response.set_header("Cache-Control", "no-cache");
    auto form = read_search_form(request);
    const auto limit = parse_id(request.query_value("limit"));
    const int per_page = limit >= 1 && limit <= 100 ? static_cast<int>(limit) : kResultsPerPage;
    if (!config.search) {
      response.status = 503;
      response.body = R"({"error":"search_unavailable","message":"Search is not available at the moment."})";
      return response;
    }
    app::CatalogueSearch found;
    try {
      found = app::search_catalogue(context, *config.search, to_query(form, per_page));
    } catch (const std::exception& error) {
      spdlog::error("search failed: {}", error.what());
      response.status = 503;
      response.body = R"({"error":"search_unavailable","message":"Search is not available at the moment."})";
      return response;
    }
    const auto snapshot = network_snapshot();
    nlohmann::json body;
    body["query"] = form.q;
    body["page"] = form.page;
    body["per_page"] = per_page;
    body["total"] = found.results.total;
    body["total_exact"] = found.results.total_exact;
    body["no_words"] = found.results.no_words;
    body["read_as_plain_words"] = found.results.read_as_plain_words;
    if (!found.results.suggestion.empty()) body["suggestion"] = found.results.suggestion;
    body["records"] = nlohmann::json::array();
    for (const auto& record : found.records) {
      const auto& f = record.fields;
      nlohmann::json entry;
      entry["id"] = record.id;
      entry["url"] = "/en/records/" + std::to_string(record.id);
      entry["title"] = f.title.text;
      entry["title_vernacular"] = f.title.vernacular;
      entry["authors"] = nlohmann::json::array();
      for (const auto& author : f.authors)
        entry["authors"].push_back({{"name", author.text}, {"vernacular", author.vernacular}});
      entry["year"] = f.year ? nlohmann::json(*f.year) : nlohmann::json(nullptr);
      entry["format"] = std::string(domain::format_code(f.format));
      entry["language"] = f.language;
      entry["isbns"] = f.isbns;
      entry["copies"] = record.copies;
      entry["available"] = record.available;
      entry["available_at"] = nlohmann::json::array();
      for (const auto id : record.available_library_ids)
        if (const auto* library = snapshot->find(id)) entry["available_at"].push_back(library->code);
      if (record.next_due) entry["next_due"] = format_iso_date(*record.next_due);
      body["records"].push_back(entry);
    }
    body["facets"] = nlohmann::json::object();
    for (const auto& [name, counts] : found.results.facets) {
      auto& facet = body["facets"][name] = nlohmann::json::array();
      for (const auto& count : counts) facet.push_back({{"value", count.value}, {"count", count.count}});
    }
    response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return response;
  }

  Response staff_card_lost(Page& p) {
    if (!domain::role_allows(p.session->user.role, domain::Permission::kCirculation)) return error_page(p, 403);
    auto result = app::report_card_lost(context, std::string(trim(p.request.form_value("card"))), p.session->user.id);
    data content;
    if (result)
      content.set("outcome_ok", t(p.lang, "The card is reported lost and blocked now."));
    else
      content.set("not_found", t(p.lang, "No reader has this card number."));
    auto response = staff_counter(p, content);
    response.route = "/{lang}/staff/counter/card-lost";
    return response;
  }

  // A lost card replaced: a new library card (fee charged) or the reader's new smart ID card (free). The
  // identity card number is never shown back; what else was typed is kept on an error.
  Response staff_replace_card(Page& p) {
    if (!domain::role_allows(p.session->user.role, domain::Permission::kCompleteRegistrations))
      return error_page(p, 403);
    const auto& r = p.request;
    app::ReplacementInput input{r.form_value("kind") == "smart_id", r.form_value("card_number"),
                                r.form_value("smart_id_number"), r.form_value("smart_id_issue_date")};
    auto result = app::replace_lost_card(context, p.session->actor(), r.form_value("card"), input);
    if (!result) {
      if (result.error().code == ErrorCode::kPermissionDenied) return error_page(p, 403);
      data content;
      add_failure(p.lang, content, result.error());
      content.set("replace_smart_id", input.smart_id);
      content.set("replace_card_number", input.card_number);
      content.set("replace_issue_date", input.smart_id_issue_date);
      auto response = staff_counter(p, content);
      response.route = "/{lang}/staff/counter/replace-card";
      response.status = 422;
      return response;
    }
    auto response = redirect("/" + lang_code(p.lang) + "/staff/counter?library=" + percent_encode(r.form_value("library")) +
                             "&card=" + percent_encode(result->card_number) + "&replaced=1");
    response.route = "/{lang}/staff/counter/replace-card";
    return response;
  }

  Response staff_hold_shelf(Page& p) {
    p.route = "/{lang}/staff/hold-shelf";
    p.nav = "staff";
    if (!domain::role_allows(p.session->user.role, domain::Permission::kCirculation)) return error_page(p, 403);
    const auto network = network_snapshot();
    const auto* library = counter_library(p, *network);
    data content;
    content.set("library_options", library_options(p.lang, *network, library));
    auto entries = list();
    int count = 0;
    if (library)
      for (const auto& entry : app::hold_shelf(context, library->id)) {
        data row;
        row.set("reader", entry.reader_name);
        row.set("card", entry.card_number);
        row.set("barcode", entry.barcode);
        row.set("title", entry.title);
        row.set("collect_by", format_date(translator, p.lang, entry.collect_by));
        entries.push_back(row);
        ++count;
      }
    content.set("entries", entries);
    content.set("has_entries", count > 0);
    content.set("count", format_count(count));
    auto pull = list();
    int pull_count = 0;
    if (library)
      for (const auto& entry : app::pull_list(context, this->network, library->id)) {
        data row;
        row.set("barcode", entry.barcode);
        row.set("title", entry.title);
        const auto* pickup = network->find(std::string_view(entry.pickup_library_code));
        row.set("pickup", pickup ? pickup->name.in(p.lang) : entry.pickup_library_code);
        pull.push_back(row);
        ++pull_count;
      }
    content.set("pull", pull);
    content.set("has_pull", pull_count > 0);
    content.set("pull_count", format_count(pull_count));
    p.switch_path = "/" + lang_code(p.lang) + "/staff/hold-shelf";
    return page(p, "staff_hold_shelf", t(p.lang, "Hold shelf"), content);
  }

  Response staff_returns(Page& p) {
    p.route = "/{lang}/staff/returns";
    p.nav = "staff";
    if (!domain::role_allows(p.session->user.role, domain::Permission::kCirculation)) return error_page(p, 403);
    const auto lang = p.lang;
    const auto network = network_snapshot();
    const auto* library = counter_library(p, *network);
    data content;
    content.set("library_options", library_options(lang, *network, library));
    content.set("library_code", library ? library->code : std::string());
    content.set("request_id", context.tokens.random_token());
    if (p.request.method == "POST" && library) {
      auto result = app::check_in(context, this->network,
                                  {std::string(trim(p.request.form_value("barcode"))), library->id,
                                   app::Channel::kCounter, std::nullopt, idempotency_key(p.request)});
      if (!result) {
        content.set("not_found", t(lang, "No item has this barcode."));
      } else {
        content.set("has_result", true);
        content.set("title", result->title);
        content.set("barcode", result->barcode);
        content.set("not_on_loan", !result->was_on_loan);
        if (result->fine.cents > 0) content.set("fine", domain::format_money(result->fine));
        switch (result->routing.routing) {
          case domain::Routing::kShelf:
            content.set("routing", t(lang, "Put it back on the shelf"));
            content.set("result_class", "ok");
            break;
          case domain::Routing::kHoldShelf:
            content.set("routing", t(lang, "Put it on the hold shelf: a reader has reserved it"));
            content.set("result_class", "hold");
            content.set("alert", true);
            break;
          case domain::Routing::kTransit: {
            const auto* to = result->routing.to_library_id ? network->find(*result->routing.to_library_id) : nullptr;
            content.set("routing", tf(lang, "Send it to {library}", {{"library", to ? to->name.in(lang) : "?"}}));
            content.set("result_class", "transit");
            content.set("alert", true);
            break;
          }
        }
      }
    }
    p.switch_path = "/" + lang_code(lang) + "/staff/returns";
    return page(p, "staff_returns", t(lang, "Return items"), content, content.get("not_found") ? 422 : 200);
  }

  // Renders the library edit page. `typed` holds what was posted when a form was refused.
  Response staff_library(Page& p, const std::string& code, const Fields& typed = {},
                         const std::optional<domain::Failure>& failure = std::nullopt) {
    p.route = "/{lang}/staff/libraries/{code}";
    p.nav = "staff";
    const auto lang = p.lang;
    auto result = app::library_for_staff(context, p.session->actor(), code);
    if (!result) return error_page(p, result.error().code == ErrorCode::kPermissionDenied ? 403 : 404);
    const auto& library = result.value();
    std::map<std::string, std::string> field_errors;
    if (failure)
      for (const auto& error : failure->fields) field_errors[error.field] = translator.error_message(lang, error);
    const auto value_of = [&](const std::string& field, const std::string& stored) {
      auto it = typed.find(field);
      return it != typed.end() ? it->second : stored;
    };
    data content;
    content.set("code", library.code);
    content.set("name", library.name.in(lang));
    content.set("version", std::to_string(library.version));
    content.set("mobile", library.kind == domain::LibraryKind::kMobile);
    auto details = list();
    const std::vector<std::tuple<std::string, std::string, std::string, std::string>> detail_specs = {
        {"name_en", N_("Name in English"), library.name.en, "en"},
        {"name_tc", N_("Name in Chinese"), library.name.tc, "zh-Hant-HK"},
        {"address_en", N_("Address in English"), library.address.en, "en"},
        {"address_tc", N_("Address in Chinese"), library.address.tc, "zh-Hant-HK"},
        {"phone", N_("Telephone"), library.phone, ""}};
    for (const auto& [field, label, stored, field_lang] : detail_specs) {
      data item;
      item.set("field", field);
      item.set("label", t(lang, label));
      item.set("value", value_of(field, stored));
      if (!field_lang.empty()) item.set("lang_attr", field_lang);
      if (field_errors.count(field)) item.set("error", field_errors[field]);
      details.push_back(item);
    }
    content.set("detail_fields", details);
    content.set("districts",
                district_options(lang, domain::parse_district(value_of(
                                           "district", std::string(domain::district_code(library.district))))));
    content.set("kinds", kind_options(lang, domain::parse_library_kind(value_of(
                                                "kind", std::string(domain::library_kind_code(library.kind))))));
    auto facilities = list();
    for (auto facility : domain::all_facilities()) {
      data option;
      option.set("code", std::string(domain::facility_code(facility)));
      option.set("label", t(lang, domain::facility_label(facility)));
      option.set("selected",
                 std::find(library.facilities.begin(), library.facilities.end(), facility) != library.facilities.end());
      facilities.push_back(option);
    }
    content.set("facility_options", facilities);
    static const char* kHourFields[8] = {"hours_mon", "hours_tue", "hours_wed", "hours_thu",
                                         "hours_fri", "hours_sat", "hours_sun", "hours_holiday"};
    auto hours = list();
    for (int day = 0; day < 8; ++day) {
      data item;
      item.set("field", kHourFields[day]);
      item.set("label",
               day == domain::kHolidayIndex ? t(lang, "Public holidays") : format_weekday(translator, lang, day + 1));
      item.set("value", value_of(kHourFields[day], domain::format_time_ranges(library.hours.days[day])));
      if (field_errors.count(kHourFields[day])) item.set("error", field_errors[kHourFields[day]]);
      hours.push_back(item);
    }
    content.set("hour_fields", hours);
    auto special = list();
    for (const auto& entry : library.special_hours) {
      data item;
      item.set("id", std::to_string(entry.id));
      item.set("date", format_date(translator, lang, entry.date));
      item.set("hours", entry.ranges.empty() ? t(lang, "Closed") : domain::format_time_ranges(entry.ranges));
      item.set("note", entry.note.in(lang));
      special.push_back(item);
    }
    content.set("has_special", !special.is_empty_list());
    content.set("special", special);
    auto closures = list();
    for (const auto& entry : library.closures) {
      data item;
      item.set("id", std::to_string(entry.id));
      item.set("first", format_date(translator, lang, entry.first_day, false));
      item.set("last", format_date(translator, lang, entry.last_day, false));
      item.set("reason", entry.reason.in(lang));
      closures.push_back(item);
    }
    auto stops = list();
    for (const auto& stop : library.stops) {
      data item;
      item.set("id", std::to_string(stop.id));
      item.set("day", format_weekday(translator, lang, stop.weekday));
      item.set("time", format_time(stop.time.opens) + "-" + format_time(stop.time.closes));
      item.set("name", stop.name.in(lang));
      stops.push_back(item);
    }
    content.set("has_stops", !stops.is_empty_list());
    content.set("stops", stops);
    const auto typed_district = domain::parse_district(value_of("stop_district", ""));
    content.set("stop_districts",
                district_options(lang, typed_district ? typed_district : std::optional(library.district)));
    auto weekdays = list();
    for (int day = 1; day <= 7; ++day) {
      data option;
      option.set("code", std::to_string(day));
      option.set("label", format_weekday(translator, lang, day));
      option.set("selected", value_of("stop_weekday", "1") == std::to_string(day));
      weekdays.push_back(option);
    }
    content.set("stop_weekdays", weekdays);
    for (const auto* field : {"stop_name_en", "stop_name_tc", "stop_address_en", "stop_address_tc", "stop_hours"}) {
      content.set(field, value_of(field, ""));
      if (field_errors.count(field)) content.set(std::string("err_") + field, field_errors[field]);
    }
    content.set("has_closures", !closures.is_empty_list());
    content.set("closures", closures);
    for (const auto& [key, field] :
         std::vector<std::pair<std::string, std::string>>{{"special_date", "date"},
                                                          {"special_hours", "hours"},
                                                          {"special_note_en", "note_en"},
                                                          {"special_note_tc", "note_tc"},
                                                          {"closure_first", "first_day"},
                                                          {"closure_last", "last_day"},
                                                          {"closure_reason_en", "reason_en"},
                                                          {"closure_reason_tc", "reason_tc"}})
      content.set(key, value_of(field, ""));
    if (failure) add_failure(lang, content, *failure);
    add_flash(lang, content, p.request);
    p.switch_path = "/" + lang_code(lang) + "/staff/libraries/" + library.code;
    return page(p, "staff_library", library.name.in(lang), content, failure ? 422 : 200);
  }

  Response library_edit_result(Page& p, const std::string& code, const std::string& route,
                               const domain::Outcome<domain::Done>& result) {
    if (!result) {
      const auto error = result.error().code;
      if (error == ErrorCode::kPermissionDenied) return error_page(p, 403);
      if (error == ErrorCode::kNotFound && result.error().fields.empty()) return error_page(p, 404);
      auto response = staff_library(p, code, p.request.form, result.error());
      response.route = route;
      return response;
    }
    auto response = redirect("/" + lang_code(p.lang) + "/staff/libraries/" + percent_encode(code) + "?saved=1");
    response.route = route;
    return response;
  }

  Response staff_library_post(Page& p, const std::string& code, const std::vector<std::string_view>& rest) {
    const auto& form = p.request;
    const auto actor = p.session->actor();
    const auto base = std::string("/{lang}/staff/libraries/{code}/");
    if (rest.size() == 1 && rest[0] == "details") {
      domain::LibraryDetailsInput input{form.form_value("name_en"),    form.form_value("name_tc"),
                                        form.form_value("address_en"), form.form_value("address_tc"),
                                        form.form_value("phone"),      form.form_value("district"),
                                        form.form_value("kind"),       form.form_values("facilities")};
      return library_edit_result(
          p, code, base + "details",
          app::update_library_details(context, actor, code, parse_id(form.form_value("version")), input));
    }
    if (rest.size() == 1 && rest[0] == "hours") {
      std::array<std::string, 8> typed;
      static const char* kFields[8] = {"hours_mon", "hours_tue", "hours_wed", "hours_thu",
                                       "hours_fri", "hours_sat", "hours_sun", "hours_holiday"};
      for (int day = 0; day < 8; ++day) typed[day] = form.form_value(kFields[day]);
      return library_edit_result(
          p, code, base + "hours",
          app::set_weekly_hours(context, actor, code, parse_id(form.form_value("version")), typed));
    }
    if (rest.size() == 1 && rest[0] == "special-hours")
      return library_edit_result(p, code, base + "special-hours",
                                 app::add_special_hours(context, actor, code,
                                                        {form.form_value("date"), form.form_value("hours"),
                                                         form.form_value("note_en"), form.form_value("note_tc")}));
    if (rest.size() == 3 && rest[0] == "special-hours" && rest[2] == "delete")
      return library_edit_result(p, code, base + "special-hours/{id}/delete",
                                 app::remove_special_hours(context, actor, code, parse_id(std::string(rest[1]))));
    if (rest.size() == 1 && rest[0] == "stops")
      return library_edit_result(
          p, code, base + "stops",
          app::add_mobile_stop(
              context, actor, code,
              {form.form_value("stop_name_en"), form.form_value("stop_name_tc"), form.form_value("stop_district"),
               form.form_value("stop_address_en"), form.form_value("stop_address_tc"), form.form_value("stop_weekday"),
               form.form_value("stop_hours")}));
    if (rest.size() == 3 && rest[0] == "stops" && rest[2] == "delete")
      return library_edit_result(p, code, base + "stops/{id}/delete",
                                 app::remove_mobile_stop(context, actor, code, parse_id(std::string(rest[1]))));
    if (rest.size() == 1 && rest[0] == "closures")
      return library_edit_result(p, code, base + "closures",
                                 app::add_closure(context, actor, code,
                                                  {form.form_value("first_day"), form.form_value("last_day"),
                                                   form.form_value("reason_en"), form.form_value("reason_tc")}));
    if (rest.size() == 3 && rest[0] == "closures" && rest[2] == "delete")
      return library_edit_result(p, code, base + "closures/{id}/delete",
                                 app::remove_closure(context, actor, code, parse_id(std::string(rest[1]))));
    return error_page(p, 404);
  }

  Response staff(Page& p, const std::vector<std::string_view>& parts) {
    // parts: after "staff"
    const bool post = p.request.method == "POST";
    if (!parts.empty() && parts[0] == "login" && parts.size() == 1) return staff_login(p);
    if (!p.session) {
      if (!parts.empty() && parts[0] == "logout") return redirect("/" + lang_code(p.lang) + "/");
      auto response = redirect("/" + lang_code(p.lang) + "/staff/login");
      response.route = "/{lang}/staff/*";
      return response;
    }
    if (post && !security::constant_time_equal(p.request.form_value("csrf"), p.session->csrf_token)) {
      p.route = "/{lang}/staff/*";
      return error_page(p, 419);
    }
    if (parts.empty() || (parts.size() == 1 && parts[0].empty())) return post ? error_page(p, 405) : staff_home(p);
    if (parts[0] == "logout" && parts.size() == 1) return post ? staff_logout(p) : error_page(p, 405);
    if (parts[0] == "notices") {
      if (parts.size() == 1) return post ? staff_notice_create(p) : staff_notices(p);
      if (parts.size() == 2 && parts[1] == "new" && !post) return staff_notice_new(p);
      const auto id = parse_id(std::string(parts[1]));
      if (id < 0) return error_page(p, 404);
      if (parts.size() == 2 && post) return staff_notice_update(p, id);
      if (parts.size() == 3 && parts[2] == "edit" && !post) return staff_notice_edit(p, id);
      if (parts.size() == 3 && parts[2] == "expire" && post) return staff_notice_expire(p, id);
      return error_page(p, 404);
    }
    if (parts[0] == "counter") {
      if (parts.size() == 1 && !post) return staff_counter(p);
      if (parts.size() == 2 && parts[1] == "checkout" && post) return staff_counter_checkout(p);
      if (parts.size() == 2 && parts[1] == "renew-all" && post) return staff_counter_renew_all(p);
      if (parts.size() == 2 && parts[1] == "card-lost" && post) return staff_card_lost(p);
      if (parts.size() == 2 && parts[1] == "replace-card" && post) return staff_replace_card(p);
      if (parts.size() == 2 && parts[1] == "reserve" && post) return staff_counter_reserve(p, false);
      if (parts.size() == 2 && parts[1] == "cancel-reservation" && post) return staff_counter_reserve(p, true);
      if (parts.size() == 2 && parts[1] == "pay" && post) return staff_counter_payment(p, false);
      if (parts.size() == 2 && parts[1] == "waive" && post) return staff_counter_payment(p, true);
    }
    if (parts[0] == "registrations" || parts[0] == "temporary-card") return registration.staff(p, parts);
    if (parts[0] == "activities") return activities.staff(p, parts);
    if (parts[0] == "enquiries" || parts[0] == "faq") return ask.staff(p, parts);
    if (parts[0] == "study-room") return study_room.staff(p, parts);
    if (parts[0] == "returns" && parts.size() == 1) return staff_returns(p);
    if (parts[0] == "hold-shelf" && parts.size() == 1 && !post) return staff_hold_shelf(p);
    if (parts[0] == "fine-suspensions") {
      if (parts.size() == 1 && !post) return staff_fine_suspensions(p);
      if (post) return staff_fine_suspension_post(p, parts);
    }
    if (parts[0] == "records" && parts.size() >= 2) {
      const auto id = parse_id(std::string(parts[1]));
      if (id <= 0) return error_page(p, 404);
      if (parts.size() == 2 && !post) return staff_record(p, id);
      if (parts.size() == 3 && parts[2] == "items" && post) return staff_add_item(p, id);
    }
    if (parts[0] == "items" && parts.size() == 2) {
      const auto id = parse_id(std::string(parts[1]));
      if (id <= 0) return error_page(p, 404);
      return post ? staff_edit_item(p, id) : staff_item(p, id);
    }
    if (parts[0] == "lending-rules") {
      if (!post && parts.size() == 1) return staff_lending_rules(p);
      if (!post && parts.size() == 2 && parts[1] == "new") return staff_lending_rule(p, std::nullopt);
      if (!post && parts.size() == 2) {
        const auto id = parse_id(std::string(parts[1]));
        return id < 0 ? error_page(p, 404) : staff_lending_rule(p, id);
      }
      if (post) return staff_lending_rule_post(p, parts);
    }
    if (parts[0] == "holidays") {
      if (parts.size() == 1 && !post) return staff_holidays(p);
      if (post) return staff_holiday_post(p, parts);
    }
    if (parts[0] == "libraries") {
      if (parts.size() == 1 && !post) return staff_libraries(p);
      if (parts.size() == 2 && !post) return staff_library(p, std::string(parts[1]));
      if (parts.size() >= 3 && post)
        return staff_library_post(p, std::string(parts[1]),
                                  std::vector<std::string_view>(parts.begin() + 2, parts.end()));
    }
    return error_page(p, 404);
  }

  // ----- dispatch -----

  Response dispatch(Request& request) {
    if (request.path == "/healthz") {
      Response response;
      response.route = "/healthz";
      context.store.transact(app::Store::Mode::kRead,
                             [](app::Repositories& repos) { repos.libraries.network_version(); });
      response.body = "ok\n";
      response.set_header("Content-Type", "text/plain; charset=utf-8");
      response.set_header("Cache-Control", "no-store");
      return response;
    }
    if (request.path == "/metrics") {
      Response response;
      response.route = "/metrics";
      response.body = metrics.render(extra_metrics ? extra_metrics() : "");
      response.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      response.set_header("Cache-Control", "no-store");
      return response;
    }
    if (request.path.rfind("/static/", 0) == 0) {
      Response response;
      response.route = "/static/*";
      if (const auto* file = find_static(request.path)) {
        response.body = std::string(file->body);
        response.set_header("Content-Type", file->content_type);
        response.set_header("Cache-Control", "public, max-age=31536000, immutable");
        return response;
      }
      response.status = 404;
      response.body = "not found\n";
      response.set_header("Content-Type", "text/plain; charset=utf-8");
      return response;
    }
    if (request.path == "/api/v1/search") return api_search(request);
    if (request.path.rfind("/calendar/", 0) == 0 && request.path.find('/', 10) == std::string::npos)
      return calendar_feed(request, request.path.substr(10));
    if (request.path == "/" || request.path.empty()) {
      const auto cookie = domain::parse_language_code(request.cookie(kLanguageCookie));
      const auto lang = cookie ? *cookie : negotiate_language(request.accept_language);
      auto response = redirect("/" + lang_code(lang) + "/", 302);
      response.set_header("Vary", "Accept-Language, Cookie");
      response.route = "/";
      return response;
    }
    auto parts = split(std::string_view(request.path).substr(1), '/');
    const auto lang = domain::parse_language_code(parts[0]);
    Page p{lang.value_or(negotiate_language(request.accept_language)),
           request,
           std::nullopt,
           std::nullopt,
           "unmatched",
           "",
           "",
           {}};
    if (!lang) {
      p.switch_path = "/" + lang_code(p.lang) + "/";
      return error_page(p, 404);
    }
    if (parts.size() == 1) {
      auto response = redirect("/" + lang_code(*lang) + "/", 301);
      response.route = "/{lang}";
      return response;
    }
    parts.erase(parts.begin());
    if (parts[0] == "staff") {
      p.session = app::resume_session(context, config.session_policy, request.cookie(session_cookie_name(request)));
      return staff(p, std::vector<std::string_view>(parts.begin() + 1, parts.end()));
    }
    if (request.cookies.count(reader_cookie_name(request)))
      p.reader = app::resume_reader_session(context, config.reader_policy, request.cookie(reader_cookie_name(request)));
    if (parts[0] == "login" && parts.size() == 1) return reader_login(p);
    if (parts[0] == "login" && parts.size() == 2 && parts[1] == "forgot") return forgot_password(p);
    if (parts[0] == "login" && parts.size() == 2 && parts[1] == "reset") return reset_password(p);
    if (parts[0] == "register")
      return registration.applicant(p, std::vector<std::string_view>(parts.begin() + 1, parts.end()));
    if (parts[0] == "ask") return ask.visitor(p, std::vector<std::string_view>(parts.begin() + 1, parts.end()));
    if (parts[0] == "study-room")
      return study_room.reader(p, std::vector<std::string_view>(parts.begin() + 1, parts.end()));
    const bool post = request.method == "POST";
    const bool for_readers =
        parts[0] == "account" || parts[0] == "logout" || (parts[0] == "records" && parts.size() == 3 && post) ||
        (parts[0] == "activities" && post);
    if (for_readers) {
      if (!p.reader) {
        if (post) return error_page(p, 419);  // signed out meanwhile: the form has expired
        auto response = redirect("/" + lang_code(p.lang) + "/login?next=" + percent_encode(request.path));
        response.route = "/{lang}/account/*";
        return response;
      }
      if (post && !security::constant_time_equal(request.form_value("csrf"), p.reader->csrf_token)) {
        p.route = "/{lang}/account/*";
        return error_page(p, 419);
      }
      if (parts[0] == "logout" && parts.size() == 1) return post ? reader_logout(p) : error_page(p, 405);
      if (parts[0] == "account" && parts.size() == 1 && !post) return account(p);
      if (parts[0] == "account" && parts.size() == 2 && parts[1] == "enquiries" && !post) return ask.account(p);
      if (parts[0] == "account" && parts.size() >= 2 && parts[1] == "study-room") return study_room.account(p, parts);
      if (parts[0] == "account" && parts.size() == 2 && !post && (parts[1] == "data.json" || parts[1] == "data.csv"))
        return account_data(p, parts[1] == "data.json");
      if (parts[0] == "account" && parts.size() == 2 && !post && parts[1] == "information")
        return activities.my_information(p);
      if (parts[0] == "account" && parts.size() == 2 && post) return account_post(p, std::string(parts[1]));
      if (parts[0] == "activities" && post)
        return activities.reader_post(p, std::vector<std::string_view>(parts.begin() + 1, parts.end()));
      if (parts[0] == "records" && parts.size() == 3 && post) {
        const auto id = parse_id(std::string(parts[1]));
        return id <= 0 ? error_page(p, 404) : record_post(p, id, std::string(parts[2]));
      }
      return error_page(p, 404);
    }
    if (request.method != "GET" && request.method != "HEAD") return error_page(p, 405);
    if (parts.size() == 1 && parts[0].empty()) return home(p);
    if (parts[0] == "libraries") {
      if (parts.size() == 1) return libraries(p);
      if (parts.size() == 2) return library(p, std::string(parts[1]));
    }
    if (parts[0] == "notices") {
      if (parts.size() == 1) return notices(p);
      if (parts.size() == 2) return notice(p, std::string(parts[1]));
    }
    if (parts[0] == "activities")
      return activities.public_pages(p, std::vector<std::string_view>(parts.begin() + 1, parts.end()));
    if (parts[0] == "search" && parts.size() == 1) return search_page(p);
    if (parts[0] == "search" && parts.size() == 2 && parts[1] == "export") return search_export(p);
    if (parts[0] == "records" && parts.size() == 2) return record_page(p, std::string(parts[1]));
    if (parts[0] == "records" && parts.size() == 3 && parts[2] == "export")
      return record_export(p, std::string(parts[1]));
    return error_page(p, 404);
  }

  void add_security_headers(Response& response, const Request& request) const {
    response.set_header("Content-Security-Policy",
                        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    response.set_header("X-Content-Type-Options", "nosniff");
    response.set_header("X-Frame-Options", "DENY");
    response.set_header("Referrer-Policy", "strict-origin-when-cross-origin");
    response.set_header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    response.set_header("Cross-Origin-Opener-Policy", "same-origin");
    if (request.tls) response.set_header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  }
};

Site::Site(const app::Context& context, SiteConfig config, std::function<std::string()> extra_metrics)
    : impl_(std::make_unique<Impl>(context, std::move(config), std::move(extra_metrics))) {}
Site::~Site() = default;

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
