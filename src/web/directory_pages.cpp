#include "web/directory_pages.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <tuple>

#include "app/library_admin.h"
#include "web/views.h"

namespace shelfmark::web {
namespace {

using domain::ErrorCode;
using mustache::data;

constexpr int kNoticesPerPage = 20;

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

std::string status_class(const domain::OpenStatus& status) {
  return status.state == domain::OpenStatus::State::kClosed ? "closed" : "open";
}

domain::NoticeInput notice_input(const Request& request) {
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

}  // namespace

std::string DirectoryPages::status_text(Language lang, const domain::Library& library, const domain::OpenStatus& status,
                                        const LocalDateTime& now) const {
  using State = domain::OpenStatus::State;
  const auto when = [&](const LocalDateTime& at) {
    const auto time = format_time(at.minute);
    if (at.date == now.date) return kit_.tf(lang, "today at {time}", {{"time", time}});
    if (at.date == now.date + std::chrono::days(1)) return kit_.tf(lang, "tomorrow at {time}", {{"time", time}});
    if (at.date < now.date + std::chrono::days(7))
      return kit_.tf(lang, "{weekday} at {time}",
                     {{"weekday", format_weekday(kit_.translations(), lang, iso_weekday(at.date))}, {"time", time}});
    return kit_.tf(lang, "{date} at {time}",
                   {{"date", format_date(kit_.translations(), lang, at.date, false)}, {"time", time}});
  };
  const auto stop_name = [&]() -> std::string {
    return status.stop_index ? library.stops.at(*status.stop_index).name.in(lang) : std::string();
  };
  switch (status.state) {
    case State::kAlwaysOpen:
      return kit_.t(lang, "Open 24 hours");
    case State::kOpen: {
      const auto until =
          status.closes_at->date == now.date ? format_time(status.closes_at->minute) : when(*status.closes_at);
      if (library.kind == domain::LibraryKind::kMobile)
        return kit_.tf(lang, "Now at {stop}, until {time}", {{"stop", stop_name()}, {"time", until}});
      return kit_.tf(lang, "Open now, until {time}", {{"time", until}});
    }
    case State::kClosed:
      if (!status.next_opening) return kit_.t(lang, "Closed until further notice");
      if (library.kind == domain::LibraryKind::kMobile)
        return kit_.tf(lang, "Next stop: {stop}, {when}",
                       {{"stop", stop_name()}, {"when", when(*status.next_opening)}});
      return kit_.tf(lang, "Closed now, opens {when}", {{"when", when(*status.next_opening)}});
  }
  return {};
}

std::string DirectoryPages::applies_to(Language lang, const domain::Notice& notice,
                                       const app::NetworkSnapshot& network) const {
  if (notice.library_ids.empty()) return kit_.t(lang, "All libraries");
  std::string names;
  for (auto id : notice.library_ids)
    if (const auto* library = network.find(id))
      names += (names.empty() ? "" : (lang == Language::kEnglish ? ", " : "、")) + library->name.in(lang);
  return names;
}

data DirectoryPages::notice_item(Language lang, const domain::Notice& notice,
                                 const app::NetworkSnapshot& network) const {
  data item;
  item.set("id", std::to_string(notice.id));
  item.set("title", notice.title.in(lang));
  item.set("important", notice.important);
  const auto published = kit_.app_context().zone.to_local(notice.publish_at);
  item.set("published", format_date(kit_.translations(), lang, published.date));
  item.set("published_iso", format_iso_date(published.date));
  item.set("applies_to", applies_to(lang, notice, network));
  const auto body = domain::paragraphs(notice.body.in(lang));
  if (!body.empty()) item.set("summary", body.front());
  return item;
}

data DirectoryPages::pager(Language lang, const std::string& base, int page, long long total, int per_page) const {
  const long long pages = std::max<long long>(1, (total + per_page - 1) / per_page);
  if (pages <= 1) return data(false);
  data pager_data;
  pager_data.set("page", format_count(page));
  pager_data.set("pages", format_count(pages));
  if (page > 1) pager_data.set("previous", base + "?page=" + std::to_string(page - 1));
  if (page < pages) pager_data.set("next", base + "?page=" + std::to_string(page + 1));
  return pager_data;
}

void DirectoryPages::add_routes(RouteTable& routes) {
  using domain::Permission;
  const auto anyone = Access::anyone();
  routes.get("/{lang}/", anyone, [this](Page& p, const RouteParams&) { return home(p); });
  routes.get("/{lang}/libraries", anyone, [this](Page& p, const RouteParams&) { return libraries(p); });
  routes.get("/{lang}/libraries/{code}", anyone,
             [this](Page& p, const RouteParams& params) { return library(p, params.text(0)); });
  routes.get("/{lang}/notices", anyone, [this](Page& p, const RouteParams&) { return notices(p); });
  routes.get("/{lang}/notices/{id}", anyone,
             [this](Page& p, const RouteParams& params) { return notice(p, params.text(0)); });

  const auto any_staff = Access::staff();
  routes.get(
      "/{lang}/staff", any_staff, [this](Page& p, const RouteParams&) { return staff_home(p); }, "/{lang}/staff/");
  routes.get("/{lang}/staff/", any_staff, [this](Page& p, const RouteParams&) { return staff_home(p); });

  const auto notices_staff = Access::staff({Permission::kManageNotices});
  routes.get("/{lang}/staff/notices", notices_staff, [this](Page& p, const RouteParams&) { return staff_notices(p); });
  routes.post("/{lang}/staff/notices", notices_staff,
              [this](Page& p, const RouteParams&) { return staff_notice_create(p); });
  routes.get("/{lang}/staff/notices/new", notices_staff,
             [this](Page& p, const RouteParams&) { return staff_notice_new(p); });
  routes.post("/{lang}/staff/notices/{id}", notices_staff,
              [this](Page& p, const RouteParams& params) { return staff_notice_update(p, params.number(0)); });
  routes.get("/{lang}/staff/notices/{id}/edit", notices_staff,
             [this](Page& p, const RouteParams& params) { return staff_notice_edit(p, params.number(0)); });
  routes.post("/{lang}/staff/notices/{id}/expire", notices_staff,
              [this](Page& p, const RouteParams& params) { return staff_notice_expire(p, params.number(0)); });

  const auto libraries_staff = Access::staff({Permission::kManageLibraries});
  routes.get("/{lang}/staff/holidays", libraries_staff,
             [this](Page& p, const RouteParams&) { return staff_holidays(p); });
  routes.post("/{lang}/staff/holidays", libraries_staff,
              [this](Page& p, const RouteParams&) { return staff_holiday_post(p, std::nullopt); });
  routes.post("/{lang}/staff/holidays/{date}/delete", libraries_staff,
              [this](Page& p, const RouteParams& params) { return staff_holiday_post(p, params.text(0)); });
  routes.get("/{lang}/staff/libraries", libraries_staff,
             [this](Page& p, const RouteParams&) { return staff_libraries(p); });
  routes.get("/{lang}/staff/libraries/{code}", libraries_staff,
             [this](Page& p, const RouteParams& params) { return staff_library(p, params.text(0)); });
  const std::pair<const char*, LibraryEdit> edits[] = {
      {"/details", LibraryEdit::kDetails},
      {"/hours", LibraryEdit::kHours},
      {"/special-hours", LibraryEdit::kAddSpecialHours},
      {"/special-hours/{id}/delete", LibraryEdit::kRemoveSpecialHours},
      {"/stops", LibraryEdit::kAddStop},
      {"/stops/{id}/delete", LibraryEdit::kRemoveStop},
      {"/closures", LibraryEdit::kAddClosure},
      {"/closures/{id}/delete", LibraryEdit::kRemoveClosure},
  };
  for (const auto& entry : edits) {
    // Not a structured binding: clang before 16 cannot capture one in a lambda.
    const auto& suffix = entry.first;
    const auto edit = entry.second;
    const bool has_id = std::string_view(suffix).find("{id}") != std::string_view::npos;
    routes.post(std::string("/{lang}/staff/libraries/{code}") + suffix, libraries_staff,
                [this, edit, has_id](Page& p, const RouteParams& params) {
                  return staff_library_post(p, params.text(0), edit, has_id ? params.number(1) : 0);
                });
  }
}

Response DirectoryPages::home(Page& p) {
  p.nav = "home";
  const auto view = app::list_libraries(kit_.app_context(), kit_.network_cache(), {});
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
  content.set("districts", district_options(kit_.translations(), p.lang, std::nullopt));
  content.set("kinds", kind_options(kit_.translations(), p.lang, std::nullopt));
  auto groups = list();
  for (auto district : domain::all_districts()) {
    auto members = list();
    int count = 0;
    for (const auto& entry : view.libraries) {
      if (entry.library->district != district) continue;
      data item;
      item.set("code", entry.library->code);
      item.set("name", entry.library->name.in(p.lang));
      item.set("kind", kit_.t(p.lang, domain::library_kind_label(entry.library->kind)));
      item.set("status", status_text(p.lang, *entry.library, entry.status, view.now));
      item.set("status_class", status_class(entry.status));
      members.push_back(item);
      ++count;
    }
    if (count == 0) continue;
    data group;
    group.set("district", kit_.t(p.lang, domain::district_label(district)));
    group.set("count", format_count(count));
    group.set("libraries", members);
    groups.push_back(group);
  }
  content.set("district_groups", groups);
  auto notices = list();
  for (const auto& notice : app::public_notices(kit_.app_context(), 1, 5).notices)
    notices.push_back(notice_item(p.lang, notice, *view.network));
  content.set("has_notices", !notices.is_empty_list());
  content.set("notices", notices);
  content.set("heading_level", "3");
  return kit_.page(p, "home", kit_.t(p.lang, "Home"), content);
}

Response DirectoryPages::libraries(Page& p) {
  p.nav = "libraries";
  app::LibraryFilter filter;
  filter.district = domain::parse_district(p.request.query_value("district"));
  filter.kind = domain::parse_library_kind(p.request.query_value("kind"));
  const auto view = app::list_libraries(kit_.app_context(), kit_.network_cache(), filter);
  auto items = list();
  for (const auto& entry : view.libraries) {
    const auto& library = *entry.library;
    data item;
    item.set("code", library.code);
    item.set("name", library.name.in(p.lang));
    item.set("kind", kit_.t(p.lang, domain::library_kind_label(library.kind)));
    item.set("district", kit_.t(p.lang, domain::district_label(library.district)));
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
  content.set("now", format_date_time(kit_.translations(), p.lang, view.now));
  content.set("districts", district_options(kit_.translations(), p.lang, filter.district));
  content.set("kinds", kind_options(kit_.translations(), p.lang, filter.kind));
  return kit_.page(p, "libraries", kit_.t(p.lang, "Libraries"), content);
}

Response DirectoryPages::library(Page& p, const std::string& code) {
  p.nav = "libraries";
  auto result = app::library_page(kit_.app_context(), kit_.network_cache(), code);
  if (!result) return kit_.error_page(p, 404);
  const auto& view = result.value();
  const auto& library = *view.library;
  const auto lang = p.lang;
  data content;
  content.set("code", library.code);
  content.set("name", library.name.in(lang));
  content.set("kind", kit_.t(lang, domain::library_kind_label(library.kind)));
  content.set("district", kit_.t(lang, domain::district_label(library.district)));
  content.set("status", status_text(lang, library, view.status, view.now));
  content.set("status_class", status_class(view.status));
  if (view.status.today_note && view.status.today != domain::DayKind::kRegular)
    content.set("today_note", view.status.today_note->in(lang));
  content.set("address", library.address.in(lang));
  content.set("phone", library.phone);
  content.set("phone_digits", phone_digits(library.phone));
  auto facilities = list();
  for (auto facility : library.facilities) facilities.push_back(kit_.t(lang, domain::facility_label(facility)));
  content.set("has_facilities", !library.facilities.empty());
  content.set("facilities", facilities);
  const bool mobile = library.kind == domain::LibraryKind::kMobile;
  content.set("mobile", mobile);
  const auto closed = kit_.t(lang, "Closed");
  const auto hours_text = [&](const std::vector<domain::TimeRange>& ranges) {
    if (ranges.empty()) return closed;
    if (ranges.size() == 1 && ranges[0].opens == 0 && ranges[0].closes == kEndOfDay)
      return kit_.t(lang, "Open 24 hours");
    std::string text;
    for (const auto& range : ranges)
      text += (text.empty() ? "" : ", ") + format_time(range.opens) + "–" + format_time(range.closes);
    return text;
  };
  auto week = list();
  for (int day = 0; day < 8; ++day) {
    data row;
    row.set("day", day == domain::kHolidayIndex ? kit_.t(lang, "Public holidays")
                                                : format_weekday(kit_.translations(), lang, day + 1));
    row.set("hours", hours_text(library.hours.days[day]));
    week.push_back(row);
  }
  content.set("week", week);
  auto stops = list();
  for (const auto& stop : library.stops) {
    data row;
    row.set("day", format_weekday(kit_.translations(), lang, stop.weekday));
    row.set("time", format_time(stop.time.opens) + "–" + format_time(stop.time.closes));
    row.set("name", stop.name.in(lang));
    row.set("district", kit_.t(lang, domain::district_label(stop.district)));
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
    row.set("date", format_date(kit_.translations(), lang, day.date));
    row.set("hours", mobile && !ranges.empty() ? kit_.t(lang, "Stops as usual") : hours_text(ranges));
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
  return kit_.page(p, "library", library.name.in(lang), content);
}

Response DirectoryPages::notices(Page& p) {
  p.nav = "notices";
  const int page_number = parse_page(p.request.query_value("page"));
  const auto result = app::public_notices(kit_.app_context(), page_number, kNoticesPerPage);
  const auto snapshot = kit_.network_snapshot();
  auto items = list();
  for (const auto& notice : result.notices) items.push_back(notice_item(p.lang, notice, *snapshot));
  data content;
  content.set("has_notices", !items.is_empty_list());
  content.set("notices", items);
  content.set("heading_level", "2");
  content.set("pager", pager(p.lang, "/" + lang_code(p.lang) + "/notices", page_number, result.total, kNoticesPerPage));
  return kit_.page(p, "notices", kit_.t(p.lang, "Notices"), content);
}

Response DirectoryPages::notice(Page& p, const std::string& id_text) {
  p.nav = "notices";
  const auto id = parse_id(id_text);
  auto result = id < 0 ? domain::Outcome<domain::Notice>(domain::failure(ErrorCode::kNotFound))
                       : app::public_notice(kit_.app_context(), id);
  if (!result) return kit_.error_page(p, 404);
  const auto& item = result.value();
  const auto snapshot = kit_.network_snapshot();
  data content = notice_item(p.lang, item, *snapshot);
  if (item.expire_at)
    content.set("expires",
                format_date_time(kit_.translations(), p.lang, kit_.app_context().zone.to_local(*item.expire_at)));
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
  return kit_.page(p, "notice", item.title.in(p.lang), content);
}

Response DirectoryPages::staff_home(Page& p) {
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
  content.set("can_staff", domain::role_allows(role, domain::Permission::kManageStaff));
  content.set("can_audit", domain::role_allows(role, domain::Permission::kReadAudit));
  content.set("can_find_readers", domain::role_allows(role, domain::Permission::kFindReaders));
  add_flash(kit_.translations(), p.lang, content, p.request);
  return kit_.page(p, "staff_home", kit_.t(p.lang, "Staff pages"), content);
}

Response DirectoryPages::staff_notices(Page& p) {
  p.nav = "staff";
  const auto actor = p.session->actor();
  const int page_number = parse_page(p.request.query_value("page"));
  const auto result = app::staff_notices(kit_.app_context(), actor, page_number, kNoticesPerPage);
  const auto now = kit_.app_context().clock.now();
  auto items = list();
  for (const auto& item : result.notices) {
    data row;
    row.set("id", std::to_string(item.id));
    row.set("title", item.title.in(p.lang));
    row.set("important", item.important);
    const auto state = domain::notice_state(item, now);
    row.set("state", kit_.t(p.lang, state == domain::NoticeState::kScheduled   ? N_("Scheduled")
                                    : state == domain::NoticeState::kPublished ? N_("Published")
                                                                               : N_("Expired")));
    row.set("can_expire", state != domain::NoticeState::kExpired);
    row.set("published",
            format_date_time(kit_.translations(), p.lang, kit_.app_context().zone.to_local(item.publish_at)));
    row.set("expires", item.expire_at ? format_date_time(kit_.translations(), p.lang,
                                                         kit_.app_context().zone.to_local(*item.expire_at))
                                      : kit_.t(p.lang, "No expiry"));
    items.push_back(row);
  }
  data content;
  content.set("notices", items);
  content.set("pager",
              pager(p.lang, "/" + lang_code(p.lang) + "/staff/notices", page_number, result.total, kNoticesPerPage));
  add_flash(kit_.translations(), p.lang, content, p.request);
  return kit_.page(p, "staff_notices", kit_.t(p.lang, "Manage notices"), content);
}

Response DirectoryPages::notice_form(Page& p, std::optional<long long> id, const domain::NoticeInput& input,
                                     long long version, const std::optional<domain::Failure>& failure) {
  p.nav = "staff";
  const auto lang = p.lang;
  data content;
  const auto base = "/" + lang_code(lang) + "/staff/notices";
  content.set("heading", id ? kit_.t(lang, "Edit notice") : kit_.t(lang, "New notice"));
  content.set("action", id ? base + "/" + std::to_string(*id) : base);
  content.set("submit_label", id ? kit_.t(lang, "Save notice") : kit_.t(lang, "Publish notice"));
  content.set("version", std::to_string(version));
  content.set("title_en", input.title_en);
  content.set("title_tc", input.title_tc);
  content.set("body_en", input.body_en);
  content.set("body_tc", input.body_tc);
  content.set("important", input.important);
  content.set("publish_at", input.publish_at);
  content.set("expire_at", input.expire_at);
  auto options = list();
  const auto snapshot = kit_.network_snapshot();
  for (const auto& library : snapshot->libraries) {
    data option;
    option.set("code", library.code);
    option.set("name", library.name.in(lang));
    option.set("selected", std::find(input.library_codes.begin(), input.library_codes.end(), library.code) !=
                               input.library_codes.end());
    options.push_back(option);
  }
  content.set("library_options", options);
  if (failure) kit_.add_failure(lang, content, *failure);
  p.switch_path = id ? base + "/" + std::to_string(*id) + "/edit" : base + "/new";
  const auto title = id ? kit_.t(lang, "Edit notice") : kit_.t(lang, "New notice");
  return kit_.page(p, "staff_notice_form", title, content, failure ? 422 : 200);
}

domain::NoticeInput DirectoryPages::input_of(const domain::Notice& notice) {
  domain::NoticeInput input{
      notice.title.en, notice.title.tc, notice.body.en, notice.body.tc, notice.important, {}, "", ""};
  input.publish_at = format_local_date_time(kit_.app_context().zone.to_local(notice.publish_at));
  if (notice.expire_at) input.expire_at = format_local_date_time(kit_.app_context().zone.to_local(*notice.expire_at));
  const auto snapshot = kit_.network_snapshot();
  for (auto library_id : notice.library_ids)
    if (const auto* library = snapshot->find(library_id)) input.library_codes.push_back(library->code);
  return input;
}

Response DirectoryPages::staff_notice_new(Page& p) { return notice_form(p, std::nullopt, {}, 1, std::nullopt); }

Response DirectoryPages::staff_notice_create(Page& p) {
  const auto input = notice_input(p.request);
  auto result = app::create_notice(kit_.app_context(), p.session->actor(), input);
  if (!result) {
    if (result.error().code == ErrorCode::kPermissionDenied) return kit_.error_page(p, 403);
    return notice_form(p, std::nullopt, input, 1, result.error());
  }
  auto response = redirect("/" + lang_code(p.lang) + "/staff/notices?saved=1");
  return response;
}

Response DirectoryPages::staff_notice_edit(Page& p, long long id) {
  auto result = app::staff_notice(kit_.app_context(), p.session->actor(), id);
  if (!result) return kit_.failure_page(p, result.error());
  return notice_form(p, id, input_of(result.value()), result->version, std::nullopt);
}

Response DirectoryPages::staff_notice_update(Page& p, long long id) {
  const auto input = notice_input(p.request);
  const auto version = parse_id(p.request.form_value("version"));
  auto result = app::update_notice(kit_.app_context(), p.session->actor(), id, version, input);
  if (!result) {
    if (auto refused = kit_.refusal_page(p, result.error())) return *refused;
    if (result.error().code == ErrorCode::kEditConflict) {
      // Show the current version, with the conflict explained; the editor's text is in the failed request.
      auto current = app::staff_notice(kit_.app_context(), p.session->actor(), id);
      if (!current) return kit_.error_page(p, 404);
      return notice_form(p, id, input_of(current.value()), current->version, result.error());
    }
    return notice_form(p, id, input, version, result.error());
  }
  auto response = redirect("/" + lang_code(p.lang) + "/staff/notices?saved=1");
  return response;
}

Response DirectoryPages::staff_notice_expire(Page& p, long long id) {
  auto result = app::expire_notice(kit_.app_context(), p.session->actor(), id);
  if (!result) return kit_.failure_page(p, result.error());
  auto response = redirect("/" + lang_code(p.lang) + "/staff/notices?saved=expired");
  return response;
}

Response DirectoryPages::staff_libraries(Page& p) {
  p.nav = "staff";
  const auto snapshot = kit_.network_snapshot();
  auto items = list();
  for (const auto& library : snapshot->libraries) {
    data row;
    row.set("code", library.code);
    row.set("name", library.name.in(p.lang));
    row.set("district", kit_.t(p.lang, domain::district_label(library.district)));
    row.set("kind", kit_.t(p.lang, domain::library_kind_label(library.kind)));
    items.push_back(row);
  }
  data content;
  content.set("libraries", items);
  return kit_.page(p, "staff_libraries", kit_.t(p.lang, "Libraries and opening hours"), content);
}

Response DirectoryPages::staff_holidays(Page& p, const Fields& typed, const std::optional<domain::Failure>& failure) {
  p.nav = "staff";
  auto calendar = app::holidays_for_staff(kit_.app_context(), p.session->actor());
  if (!calendar) return kit_.error_page(p, 403);
  const auto today = kit_.app_context().zone.to_local(kit_.app_context().clock.now()).date;
  auto rows = list();
  for (const auto& holiday : calendar->holidays) {
    if (holiday.date < today) continue;
    data row;
    row.set("date", format_date(kit_.translations(), p.lang, holiday.date));
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
  if (failure) kit_.add_failure(p.lang, content, *failure);
  add_flash(kit_.translations(), p.lang, content, p.request);
  p.switch_path = "/" + lang_code(p.lang) + "/staff/holidays";
  return kit_.page(p, "staff_holidays", kit_.t(p.lang, "Public holidays"), content, failure ? 422 : 200);
}

// POST /{lang}/staff/holidays (add) and /{lang}/staff/holidays/{date}/delete (`date` set).
Response DirectoryPages::staff_holiday_post(Page& p, const std::optional<std::string>& date) {
  const auto actor = p.session->actor();
  const auto result = date ? app::remove_holiday(kit_.app_context(), actor, *date)
                           : app::add_holiday(kit_.app_context(), actor,
                                              {p.request.form_value("date"), p.request.form_value("name_en"),
                                               p.request.form_value("name_tc")});
  if (!result) {
    if (result.error().code == ErrorCode::kPermissionDenied) return kit_.error_page(p, 403);
    if (result.error().fields.empty()) return kit_.error_page(p, 404);
    return staff_holidays(p, p.request.form, result.error());
  }
  auto response = redirect("/" + lang_code(p.lang) + "/staff/holidays?saved=1");
  return response;
}

// Renders the library edit page. `typed` holds what was posted when a form was refused.
Response DirectoryPages::staff_library(Page& p, const std::string& code, const Fields& typed,
                                       const std::optional<domain::Failure>& failure) {
  p.nav = "staff";
  const auto lang = p.lang;
  auto result = app::library_for_staff(kit_.app_context(), p.session->actor(), code);
  if (!result) return kit_.failure_page(p, result.error());
  const auto& library = result.value();
  std::map<std::string, std::string> field_errors;
  if (failure)
    for (const auto& error : failure->fields)
      field_errors[error.field] = kit_.translations().error_message(lang, error);
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
    item.set("label", kit_.t(lang, label));
    item.set("value", value_of(field, stored));
    if (!field_lang.empty()) item.set("lang_attr", field_lang);
    if (field_errors.count(field)) item.set("error", field_errors[field]);
    details.push_back(item);
  }
  content.set("detail_fields", details);
  content.set("districts", district_options(kit_.translations(), lang,
                                            domain::parse_district(value_of(
                                                "district", std::string(domain::district_code(library.district))))));
  content.set(
      "kinds",
      kind_options(kit_.translations(), lang,
                   domain::parse_library_kind(value_of("kind", std::string(domain::library_kind_code(library.kind))))));
  auto facilities = list();
  for (auto facility : domain::all_facilities()) {
    data option;
    option.set("code", std::string(domain::facility_code(facility)));
    option.set("label", kit_.t(lang, domain::facility_label(facility)));
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
    item.set("label", day == domain::kHolidayIndex ? kit_.t(lang, "Public holidays")
                                                   : format_weekday(kit_.translations(), lang, day + 1));
    item.set("value", value_of(kHourFields[day], domain::format_time_ranges(library.hours.days[day])));
    if (field_errors.count(kHourFields[day])) item.set("error", field_errors[kHourFields[day]]);
    hours.push_back(item);
  }
  content.set("hour_fields", hours);
  auto special = list();
  for (const auto& entry : library.special_hours) {
    data item;
    item.set("id", std::to_string(entry.id));
    item.set("date", format_date(kit_.translations(), lang, entry.date));
    item.set("hours", entry.ranges.empty() ? kit_.t(lang, "Closed") : domain::format_time_ranges(entry.ranges));
    item.set("note", entry.note.in(lang));
    special.push_back(item);
  }
  content.set("has_special", !special.is_empty_list());
  content.set("special", special);
  auto closures = list();
  for (const auto& entry : library.closures) {
    data item;
    item.set("id", std::to_string(entry.id));
    item.set("first", format_date(kit_.translations(), lang, entry.first_day, false));
    item.set("last", format_date(kit_.translations(), lang, entry.last_day, false));
    item.set("reason", entry.reason.in(lang));
    closures.push_back(item);
  }
  auto stops = list();
  for (const auto& stop : library.stops) {
    data item;
    item.set("id", std::to_string(stop.id));
    item.set("day", format_weekday(kit_.translations(), lang, stop.weekday));
    item.set("time", format_time(stop.time.opens) + "-" + format_time(stop.time.closes));
    item.set("name", stop.name.in(lang));
    stops.push_back(item);
  }
  content.set("has_stops", !stops.is_empty_list());
  content.set("stops", stops);
  const auto typed_district = domain::parse_district(value_of("stop_district", ""));
  content.set("stop_districts", district_options(kit_.translations(), lang,
                                                 typed_district ? typed_district : std::optional(library.district)));
  auto weekdays = list();
  for (int day = 1; day <= 7; ++day) {
    data option;
    option.set("code", std::to_string(day));
    option.set("label", format_weekday(kit_.translations(), lang, day));
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
  for (const auto& [key, field] : std::vector<std::pair<std::string, std::string>>{{"special_date", "date"},
                                                                                   {"special_hours", "hours"},
                                                                                   {"special_note_en", "note_en"},
                                                                                   {"special_note_tc", "note_tc"},
                                                                                   {"closure_first", "first_day"},
                                                                                   {"closure_last", "last_day"},
                                                                                   {"closure_reason_en", "reason_en"},
                                                                                   {"closure_reason_tc", "reason_tc"}})
    content.set(key, value_of(field, ""));
  if (failure) kit_.add_failure(lang, content, *failure);
  add_flash(kit_.translations(), lang, content, p.request);
  p.switch_path = "/" + lang_code(lang) + "/staff/libraries/" + library.code;
  return kit_.page(p, "staff_library", library.name.in(lang), content, failure ? 422 : 200);
}

Response DirectoryPages::library_edit_result(Page& p, const std::string& code,
                                             const domain::Outcome<domain::Done>& result) {
  if (!result) {
    const auto error = result.error().code;
    if (error == ErrorCode::kPermissionDenied) return kit_.error_page(p, 403);
    if (error == ErrorCode::kNotFound && result.error().fields.empty()) return kit_.error_page(p, 404);
    auto response = staff_library(p, code, p.request.form, result.error());
    return response;
  }
  auto response = redirect("/" + lang_code(p.lang) + "/staff/libraries/" + percent_encode(code) + "?saved=1");
  return response;
}

Response DirectoryPages::staff_library_post(Page& p, const std::string& code, LibraryEdit edit, long long id) {
  const auto& form = p.request;
  const auto actor = p.session->actor();
  if (edit == LibraryEdit::kDetails) {
    domain::LibraryDetailsInput input{form.form_value("name_en"),    form.form_value("name_tc"),
                                      form.form_value("address_en"), form.form_value("address_tc"),
                                      form.form_value("phone"),      form.form_value("district"),
                                      form.form_value("kind"),       form.form_values("facilities")};
    return library_edit_result(
        p, code,
        app::update_library_details(kit_.app_context(), actor, code, parse_id(form.form_value("version")), input));
  }
  if (edit == LibraryEdit::kHours) {
    std::array<std::string, 8> typed;
    static const char* kFields[8] = {"hours_mon", "hours_tue", "hours_wed", "hours_thu",
                                     "hours_fri", "hours_sat", "hours_sun", "hours_holiday"};
    for (int day = 0; day < 8; ++day) typed[day] = form.form_value(kFields[day]);
    return library_edit_result(
        p, code, app::set_weekly_hours(kit_.app_context(), actor, code, parse_id(form.form_value("version")), typed));
  }
  if (edit == LibraryEdit::kAddSpecialHours)
    return library_edit_result(p, code,
                               app::add_special_hours(kit_.app_context(), actor, code,
                                                      {form.form_value("date"), form.form_value("hours"),
                                                       form.form_value("note_en"), form.form_value("note_tc")}));
  if (edit == LibraryEdit::kRemoveSpecialHours)
    return library_edit_result(p, code, app::remove_special_hours(kit_.app_context(), actor, code, id));
  if (edit == LibraryEdit::kAddStop)
    return library_edit_result(
        p, code,
        app::add_mobile_stop(
            kit_.app_context(), actor, code,
            {form.form_value("stop_name_en"), form.form_value("stop_name_tc"), form.form_value("stop_district"),
             form.form_value("stop_address_en"), form.form_value("stop_address_tc"), form.form_value("stop_weekday"),
             form.form_value("stop_hours")}));
  if (edit == LibraryEdit::kRemoveStop)
    return library_edit_result(p, code, app::remove_mobile_stop(kit_.app_context(), actor, code, id));
  if (edit == LibraryEdit::kAddClosure)
    return library_edit_result(p, code,
                               app::add_closure(kit_.app_context(), actor, code,
                                                {form.form_value("first_day"), form.form_value("last_day"),
                                                 form.form_value("reason_en"), form.form_value("reason_tc")}));
  if (edit == LibraryEdit::kRemoveClosure)
    return library_edit_result(p, code, app::remove_closure(kit_.app_context(), actor, code, id));
  return kit_.error_page(p, 404);
}

}  // namespace shelfmark::web
