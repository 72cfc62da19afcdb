#include "web/activity_pages.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/text.h"
#include "domain/notice.h"
#include "web/formats.h"

namespace shelfmark::web {
namespace {

using domain::ActivityStatus;
using domain::EnrolmentStatus;
using domain::ErrorCode;
using mustache::data;

constexpr int kPerPage = 20;
constexpr int kStaffPerPage = 50;

// A text given in one language only is shown in that language to everyone.
const std::string& either(const domain::Localized& text, Language lang) {
  const auto& wanted = text.in(lang);
  return wanted.empty() ? (lang == Language::kEnglish ? text.tc : text.en) : wanted;
}

int parse_page_number(const std::string& text) {
  const auto value = parse_id(text);
  return value < 1 || value > 100000 ? 1 : static_cast<int>(value);
}

// The <option>s of a code table (types, audiences, districts ...), labelled in the page's language.
template <class Range, class CodeOf, class LabelOf>
data code_options(const Translator& translator, Language lang, const Range& all, CodeOf code_of, LabelOf label_of,
                  std::string_view selected_code) {
  auto options = web::list();
  for (auto value : all) {
    data option;
    option.set("code", std::string(code_of(value)));
    option.set("label", translator.translate(lang, label_of(value)));
    option.set("selected", code_of(value) == selected_code);
    options.push_back(option);
  }
  return options;
}

// Previous / next links for page `page` of `total` rows; `base` ends in "page=" and `suffix` carries the
// other query parameters. False (no pager) when everything fits on one page.
data pager_of(long long page, long long total, int per_page, const std::string& base, const std::string& suffix) {
  const long long pages = std::max<long long>(1, (total + per_page - 1) / per_page);
  if (pages <= 1) return data(false);
  data pager;
  pager.set("page", format_count(page));
  pager.set("pages", format_count(pages));
  if (page > 1) pager.set("previous", base + std::to_string(page - 1) + suffix);
  if (page < pages) pager.set("next", base + std::to_string(page + 1) + suffix);
  return pager;
}

std::string ics_time(Instant at) {
  const auto day = std::chrono::floor<std::chrono::days>(at);
  const std::chrono::year_month_day date(day);
  const auto seconds = (at - day).count();
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", int(date.year()), unsigned(date.month()), unsigned(date.day()),
                     seconds / 3600, seconds / 60 % 60, seconds % 60);
}

}  // namespace

std::string ActivityPages::when(Language lang, const domain::Activity& a) const {
  const auto& zone = kit_.app_context().zone;
  const auto& translator = kit_.translations();
  if (domain::is_recording(a))
    return a.available_from ? tf(lang, "Available for viewing from {when}",
                                 {{"when", format_date_time(translator, lang, zone.to_local(*a.available_from))}})
                            : std::string();
  if (!a.starts_at || !a.ends_at) return "";
  const auto start = zone.to_local(*a.starts_at);
  const auto end = zone.to_local(*a.ends_at);
  if (start.date == end.date) return format_date_time(translator, lang, start) + "–" + format_time(end.minute);
  return format_date_time(translator, lang, start) + " – " + format_date_time(translator, lang, end);
}

std::string ActivityPages::place(Language lang, const domain::Activity& a) const {
  std::string where;
  if (a.library_id)
    if (const auto* library = kit_.network_snapshot()->find(*a.library_id)) where = library->name.in(lang);
  const auto& venue = either(a.venue, lang);
  if (!venue.empty()) where += where.empty() ? venue : (lang == Language::kEnglish ? ", " : "") + venue;
  return where;
}

data ActivityPages::summary(Language lang, const domain::Activity& a) const {
  data row;
  row.set("id", std::to_string(a.id));
  row.set("title", either(a.title, lang));
  row.set("type", t(lang, domain::activity_type_label(a.type)));
  row.set("audience", t(lang, domain::activity_audience_label(a.audience)));
  row.set("when", when(lang, a));
  if (a.starts_at) row.set("starts_iso", format_local_date_time(kit_.app_context().zone.to_local(*a.starts_at)));
  if (const auto where = place(lang, a); !where.empty()) row.set("place", where);
  row.set("cancelled", a.status == ActivityStatus::kCancelled);
  row.set("draft", a.status == ActivityStatus::kDraft);
  std::string places;
  if (a.status == ActivityStatus::kCancelled)
    places = t(lang, "Cancelled");
  else if (!a.enrolment_required)
    places = domain::is_recording(a) ? t(lang, "Open to everyone online") : t(lang, "No enrolment needed");
  else if (a.places_taken < a.quota)
    places = tf(lang, "{count} of {quota} places left",
                {{"count", format_count(a.quota - a.places_taken)}, {"quota", format_count(a.quota)}});
  else if (domain::enrolment_full(a))
    places = t(lang, "Full, and the waiting list too");
  else
    places = t(lang, "Full: you may join the waiting list");
  row.set("places", places);
  return row;
}

// ----- the public -----

void ActivityPages::add_routes(RouteTable& routes) {
  using domain::Permission;
  const auto anyone = Access::anyone();
  routes.get("/{lang}/activities", anyone, [this](Page& p, const RouteParams&) { return list(p); });
  routes.get("/{lang}/activities/{id}", anyone,
             [this](Page& p, const RouteParams& params) { return detail(p, params.number(0)); });
  routes.get("/{lang}/activities/{id}.ics", anyone,
             [this](Page& p, const RouteParams& params) { return ics(p, params.number(0)); });
  const auto reader = Access::reader();
  routes.post("/{lang}/activities/{id}/enrol", reader,
              [this](Page& p, const RouteParams& params) { return reader_post(p, params.number(0), true); });
  routes.post("/{lang}/activities/{id}/cancel", reader,
              [this](Page& p, const RouteParams& params) { return reader_post(p, params.number(0), false); });
  routes.get("/{lang}/account/information", reader, [this](Page& p, const RouteParams&) { return my_information(p); });

  const auto managers = Access::staff({Permission::kManageActivities});
  const auto runners = Access::staff({Permission::kRunActivities});
  routes.get("/{lang}/staff/activities", Access::staff({Permission::kManageActivities, Permission::kRunActivities}),
             [this](Page& p, const RouteParams&) { return staff_list(p); });
  routes.post("/{lang}/staff/activities", managers,
              [this](Page& p, const RouteParams&) { return staff_save(p, std::nullopt); });
  routes.get("/{lang}/staff/activities/new", managers, [this](Page& p, const RouteParams&) {
    domain::ActivityInput input;
    input.status = "published";
    input.delivery_language = "cantonese";
    input.audience = "everyone";
    input.type = "talk";
    return staff_form(p, std::nullopt, input, 1, std::nullopt);
  });
  routes.post("/{lang}/staff/activities/{id}", managers,
              [this](Page& p, const RouteParams& params) { return staff_save(p, params.number(0)); });
  routes.get("/{lang}/staff/activities/{id}/edit", managers, [this](Page& p, const RouteParams& params) {
    const auto id = params.number(0);
    auto activity = app::staff_activity(kit_.app_context(), p.session->actor(), id);
    if (!activity) return kit_.error_page(p, 404);
    return staff_form(p, id, input_of(activity.value()), activity->version, std::nullopt);
  });
  routes.get("/{lang}/staff/activities/{id}/enrolments", runners,
             [this](Page& p, const RouteParams& params) { return staff_enrolments(p, params.number(0)); });
  routes.get("/{lang}/staff/activities/{id}/enrolments.csv", runners,
             [this](Page& p, const RouteParams& params) { return staff_enrolments_csv(p, params.number(0)); });
  routes.post("/{lang}/staff/activities/{id}/attendance", runners,
              [this](Page& p, const RouteParams& params) { return staff_attendance(p, params.number(0)); });
}

Response ActivityPages::list(Page& p) {
  p.nav = "activities";
  const auto lang = p.lang;
  const auto& request = p.request;
  const auto snapshot = kit_.network_snapshot();
  app::PublicActivityFilter filter;
  filter.page = parse_page_number(request.query_value("page"));
  filter.per_page = kPerPage;
  data content;
  std::vector<domain::FieldError> errors;
  // Each filter is read leniently: an unknown value is reported and ignored, never a failed page.
  const auto library_code = request.query_value("library");
  if (!library_code.empty()) {
    if (const auto* library = snapshot->find(library_code))
      filter.library_id = library->id;
    else
      errors.push_back({"library", ErrorCode::kInvalidChoice, {}});
  }
  const auto district_code = request.query_value("district");
  if (!district_code.empty()) {
    filter.district = domain::parse_district(district_code);
    if (!filter.district) errors.push_back({"district", ErrorCode::kInvalidChoice, {}});
  }
  const auto type_code = request.query_value("type");
  if (!type_code.empty()) {
    filter.type = domain::parse_activity_type(type_code);
    if (!filter.type) errors.push_back({"type", ErrorCode::kInvalidChoice, {}});
  }
  const auto audience_code = request.query_value("audience");
  if (!audience_code.empty()) {
    filter.audience = domain::parse_activity_audience(audience_code);
    if (!filter.audience) errors.push_back({"audience", ErrorCode::kInvalidChoice, {}});
  }
  for (const auto& [field, target] : {std::pair{"from", &filter.from}, {"until", &filter.until}}) {
    const auto text = std::string(trim(request.query_value(field)));
    if (text.empty()) continue;
    *target = parse_iso_date(text);
    if (!*target) errors.push_back({field, ErrorCode::kInvalidDate, {}});
    content.set(std::string(field), text);
  }
  if (filter.from && filter.until && *filter.until < *filter.from)
    errors.push_back({"until", ErrorCode::kDateRangeInvalid, {}});
  if (!errors.empty()) kit_.add_errors(lang, content, errors);

  const auto result = app::public_activities(kit_.app_context(), filter);
  auto rows = web::list();
  for (const auto& activity : result.activities) rows.push_back(summary(lang, activity));
  content.set("activities", rows);
  content.set("has_activities", !result.activities.empty());
  content.set("count", tf(lang, "{count} activities found", {{"count", format_count(result.total)}}));

  auto library_options = web::list();
  for (const auto& library : snapshot->libraries) {
    data option;
    option.set("code", library.code);
    option.set("name", library.name.in(lang));
    option.set("selected", filter.library_id == library.id);
    library_options.push_back(option);
  }
  content.set("library_options", library_options);
  const auto& translator = kit_.translations();
  const auto code_or_none = [](const auto& value, auto code_of) {
    return value ? std::string(code_of(*value)) : std::string();
  };
  content.set("district_options",
              code_options(translator, lang, domain::all_districts(), domain::district_code, domain::district_label,
                           code_or_none(filter.district, domain::district_code)));
  content.set("type_options",
              code_options(translator, lang, domain::kAllActivityTypes, domain::activity_type_code,
                           domain::activity_type_label, code_or_none(filter.type, domain::activity_type_code)));
  content.set("audience_options", code_options(translator, lang, domain::kAllActivityAudiences,
                                               domain::activity_audience_code, domain::activity_audience_label,
                                               code_or_none(filter.audience, domain::activity_audience_code)));

  // The pager keeps the filters.
  std::string query;
  for (const auto* name : {"library", "district", "type", "audience", "from", "until"}) {
    const auto value = request.query_value(name);
    if (!value.empty()) query += std::string("&") + name + "=" + percent_encode(value);
  }
  content.set("pager",
              pager_of(filter.page, result.total, kPerPage, "/" + lang_code(lang) + "/activities?page=", query));
  return kit_.page(p, "activities", t(lang, "Activities"), content);
}

Response ActivityPages::detail(Page& p, long long id, data content, int status) {
  p.nav = "activities";
  const auto lang = p.lang;
  const auto& context = kit_.app_context();
  const auto activity = app::public_activity(context, id);
  if (!activity) return kit_.error_page(p, 404);
  const auto& a = *activity;
  const auto now = context.clock.now();
  data facts = summary(lang, a);
  // Mustache treats an empty text as present: only what is there is set.
  for (const auto& [key, text] : {std::pair{"speaker", &a.speaker}, {"organiser", &a.organiser}})
    if (!either(*text, lang).empty()) facts.set(key, either(*text, lang));
  facts.set("language", t(lang, domain::delivery_language_label(a.delivery_language)));
  if (!a.enquiry_phone.empty()) {
    std::string tel;
    for (char c : a.enquiry_phone)
      if (c != ' ') tel += c;
    facts.set("phone", a.enquiry_phone);
    facts.set("phone_link", tel);
  }
  auto paragraphs = web::list();
  for (const auto& paragraph : domain::paragraphs(either(a.description, lang))) paragraphs.push_back(paragraph);
  facts.set("paragraphs", paragraphs);
  auto remarks = web::list();
  for (const auto& paragraph : domain::paragraphs(either(a.remarks, lang))) remarks.push_back(paragraph);
  facts.set("remarks", remarks);
  facts.set("has_remarks", !remarks.is_empty_list());
  facts.set("over", domain::activity_is_over(a, now));
  if (domain::video_link_visible(a, now)) facts.set("video_url", a.video_url);
  facts.set("ics", "/" + lang_code(lang) + "/activities/" + std::to_string(a.id) + ".ics");
  content.set("activity", facts);

  if (a.enrolment_required && a.status == ActivityStatus::kPublished) {
    data enrolment;
    const auto window = domain::enrolment_window(a, now);
    const bool open = window == domain::EnrolmentWindow::kOpen;
    const auto closes = domain::enrolment_closes_at(a);
    if (window == domain::EnrolmentWindow::kNotYetOpen)
      enrolment.set("opens", format_date_time(kit_.translations(), lang, context.zone.to_local(*a.enrolment_opens_at)));
    if (window != domain::EnrolmentWindow::kClosed && closes)
      enrolment.set("closes", format_date_time(kit_.translations(), lang, context.zone.to_local(*closes)));
    if (window == domain::EnrolmentWindow::kClosed) enrolment.set("closed", true);
    const auto path = "/" + lang_code(lang) + "/activities/" + std::to_string(a.id);
    enrolment.set("action", path);
    if (p.reader) {
      const auto mine = app::reader_enrolment(context, a.id, p.reader->reader.id);
      if (mine && mine->status == EnrolmentStatus::kConfirmed) {
        enrolment.set("enrolled", true);
      } else if (mine) {
        enrolment.set("waiting", tf(lang,
                                    "You are number {position} on the waiting list. If a place frees before "
                                    "the activity starts, it is yours and we will tell you.",
                                    {{"position", format_count(mine->waiting_position)}}));
      } else if (open && !domain::enrolment_full(a)) {
        enrolment.set("can_enrol", true);
        enrolment.set("enrol_label", a.places_taken < a.quota ? t(lang, "Enrol") : t(lang, "Join the waiting list"));
      }
      if (mine && !domain::check_cancellation(a, now))
        enrolment.set("cancel_label", mine->status == EnrolmentStatus::kConfirmed ? t(lang, "Cancel my enrolment")
                                                                                  : t(lang, "Leave the waiting list"));
    } else if (open) {
      enrolment.set("sign_in", "/" + lang_code(lang) + "/login?next=" + percent_encode(path));
    }
    content.set("enrolment", enrolment);
  }
  return kit_.page(p, "activity", either(a.title, lang), content, status);
}

Response ActivityPages::ics(Page& p, long long id) {
  const auto& context = kit_.app_context();
  const auto activity = app::public_activity(context, id);
  if (!activity || activity->status != ActivityStatus::kPublished || domain::is_recording(*activity) ||
      !activity->starts_at || !activity->ends_at) {
    return kit_.error_page(p, 404);
  }
  const auto& a = *activity;
  const auto lang = p.lang;
  std::string body =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Shelfmark//Library activities//EN\r\nCALSCALE:GREGORIAN\r\n"
      "METHOD:PUBLISH\r\nBEGIN:VEVENT\r\n";
  // The same UID for every download, so that a calendar updates its copy instead of adding another.
  body += "UID:activity-" + std::to_string(a.id) + "@shelfmark\r\n";
  body += "DTSTAMP:" + ics_time(a.updated_at) + "\r\n";
  body += "SEQUENCE:" + std::to_string(a.version) + "\r\n";
  body += "DTSTART:" + ics_time(*a.starts_at) + "\r\n";
  body += "DTEND:" + ics_time(*a.ends_at) + "\r\n";
  body += ics_line("SUMMARY:" + ics_text(either(a.title, lang)));
  const auto where = place(lang, a);
  if (!where.empty()) body += ics_line("LOCATION:" + ics_text(where));
  std::string description = either(a.description, lang);
  if (!a.enquiry_phone.empty()) description += "\n\n" + t(lang, "Enquiries") + ": " + a.enquiry_phone;
  body += ics_line("DESCRIPTION:" + ics_text(description));
  // The activity's page, where enrolment and changes are (a URI: not escaped as text).
  if (!public_url_.empty())
    body += ics_line("URL:" + public_url_ + "/" + lang_code(lang) + "/activities/" + std::to_string(a.id));
  body += "END:VEVENT\r\nEND:VCALENDAR\r\n";
  Response response;
  response.body = std::move(body);
  response.set_header("Content-Type", "text/calendar; charset=utf-8");
  response.set_header("Content-Disposition", "attachment; filename=\"activity-" + std::to_string(a.id) + ".ics\"");
  return response;
}

// ----- readers -----

// POST by a signed-in reader: enrol in activity `id`, or cancel the enrolment.
Response ActivityPages::reader_post(Page& p, long long id, bool enrol) {
  const auto lang = p.lang;
  const auto& context = kit_.app_context();
  const auto path = "/" + lang_code(lang) + "/activities/" + std::to_string(id);
  p.switch_path = path;  // the other language shows the activity, not this form's address
  data content;
  if (enrol) {
    auto enrolled = app::enrol(context, p.reader->reader.id, id);
    if (!enrolled) {
      if (enrolled.error().code == ErrorCode::kNotFound) return kit_.error_page(p, 404);
      kit_.add_failure(lang, content, enrolled.error());
      return detail(p, id, std::move(content), 422);
    }
    std::string outcome =
        enrolled->status == EnrolmentStatus::kConfirmed
            ? t(lang, "You are enrolled. The activity is listed under My Information in your account.")
            : tf(lang,
                 "The places are taken, so you are on the waiting list, number {position}. If a place frees "
                 "before the activity starts, it is yours.",
                 {{"position", format_count(enrolled->waiting_position)}});
    outcome += " " + (enrolled->told ? t(lang, "We have sent you a message to confirm it.")
                                     : t(lang,
                                         "No message is sent (you chose no notices in My Setting, or we have "
                                         "no email address or mobile number for you): please note it down."));
    content.set("outcome_ok", outcome);
  } else {
    auto cancelled = app::cancel_enrolment(context, p.reader->reader.id, id);
    if (!cancelled) {
      if (cancelled.error().code == ErrorCode::kNotFound) return kit_.error_page(p, 404);
      kit_.add_failure(lang, content, cancelled.error());
      return detail(p, id, std::move(content), 422);
    }
    content.set("outcome_ok", t(lang,
                                "Your enrolment has been cancelled. Thank you for letting another reader have "
                                "the place."));
  }
  p.switch_path = path;
  return detail(p, id, std::move(content));
}

Response ActivityPages::my_information(Page& p) {
  p.nav = "account";
  const auto lang = p.lang;
  const auto info = app::my_information(kit_.app_context(), p.reader->reader.id);
  const auto snapshot = kit_.network_snapshot();
  const auto now = kit_.app_context().clock.now();
  data content;
  auto activities = web::list();
  for (const auto& entry : info.activities) {
    auto row = summary(lang, entry.activity);
    row.set("status", entry.enrolment.status == EnrolmentStatus::kConfirmed
                          ? t(lang, "Enrolled")
                          : tf(lang, "Waiting list, number {position}",
                               {{"position", format_count(entry.enrolment.waiting_position)}}));
    row.set("past", domain::activity_is_over(entry.activity, now));
    activities.push_back(row);
  }
  content.set("activities", activities);
  content.set("has_activities", !info.activities.empty());
  auto news = web::list();
  for (const auto& entry : info.library_news) {
    data row;
    const auto* library = snapshot->find(entry.library_id);
    row.set("library", library ? library->name.in(lang) : std::string());
    row.set("date",
            format_date(kit_.translations(), lang, kit_.app_context().zone.to_local(entry.notice.publish_at).date));
    row.set("date_iso", format_iso_date(kit_.app_context().zone.to_local(entry.notice.publish_at).date));
    row.set("title", entry.notice.title.in(lang));
    row.set("id", std::to_string(entry.notice.id));
    const auto paragraphs = domain::paragraphs(entry.notice.body.in(lang));
    if (!paragraphs.empty()) row.set("summary", paragraphs.front());
    news.push_back(row);
  }
  content.set("news", news);
  content.set("has_news", !info.library_news.empty());
  return kit_.page(p, "account_information", t(lang, "My Information"), content);
}

// ----- staff -----

Response ActivityPages::staff_list(Page& p) {
  const auto actor = p.session->actor();
  const bool manage = domain::role_allows(actor.role, domain::Permission::kManageActivities);
  const auto lang = p.lang;
  const int page_number = parse_page_number(p.request.query_value("page"));
  const auto result = app::staff_activities(kit_.app_context(), actor, page_number, kStaffPerPage);
  data content;
  auto rows = web::list();
  for (const auto& activity : result.activities) {
    auto row = summary(lang, activity);
    row.set("status", t(lang, domain::activity_status_label(activity.status)));
    row.set("manage", manage);
    row.set("enrolment", activity.enrolment_required);
    rows.push_back(row);
  }
  content.set("activities", rows);
  content.set("has_activities", !result.activities.empty());
  content.set("manage", manage);
  content.set("pager", pager_of(page_number, result.total, kStaffPerPage,
                                "/" + lang_code(lang) + "/staff/activities?page=", ""));
  if (p.request.query_value("saved") == "1") content.set("flash", t(lang, "Your changes have been saved."));
  return kit_.page(p, "staff_activities", t(lang, "Activities"), content);
}

domain::ActivityInput ActivityPages::input_of(const domain::Activity& a) const {
  const auto& zone = kit_.app_context().zone;
  const auto local = [&](const std::optional<Instant>& at) {
    return at ? format_local_date_time(zone.to_local(*at)) : std::string();
  };
  domain::ActivityInput in;
  in.title_en = a.title.en;
  in.title_tc = a.title.tc;
  in.description_en = a.description.en;
  in.description_tc = a.description.tc;
  in.type = std::string(domain::activity_type_code(a.type));
  in.audience = std::string(domain::activity_audience_code(a.audience));
  in.delivery_language = std::string(domain::delivery_language_code(a.delivery_language));
  in.status = std::string(domain::activity_status_code(a.status));
  in.starts_at = local(a.starts_at);
  in.ends_at = local(a.ends_at);
  in.available_from = local(a.available_from);
  in.video_url = a.video_url;
  if (a.library_id)
    if (const auto* library = kit_.network_snapshot()->find(*a.library_id)) in.library_code = library->code;
  in.venue_en = a.venue.en;
  in.venue_tc = a.venue.tc;
  in.speaker_en = a.speaker.en;
  in.speaker_tc = a.speaker.tc;
  in.organiser_en = a.organiser.en;
  in.organiser_tc = a.organiser.tc;
  in.remarks_en = a.remarks.en;
  in.remarks_tc = a.remarks.tc;
  in.enquiry_phone = a.enquiry_phone;
  in.enrolment_required = a.enrolment_required;
  in.quota = a.enrolment_required ? std::to_string(a.quota) : "";
  in.enrolment_opens_at = local(a.enrolment_opens_at);
  in.enrolment_closes_at = local(a.enrolment_closes_at);
  return in;
}

Response ActivityPages::staff_form(Page& p, std::optional<long long> id, const domain::ActivityInput& in,
                                   long long version, const std::optional<domain::Failure>& failure) {
  const auto lang = p.lang;
  data content;
  const auto base = "/" + lang_code(lang) + "/staff/activities";
  content.set("heading", id ? t(lang, "Edit activity") : t(lang, "New activity"));
  content.set("action", id ? base + "/" + std::to_string(*id) : base);
  content.set("version", std::to_string(version));
  for (const auto& [key, value] : {std::pair{"title_en", &in.title_en},
                                   {"title_tc", &in.title_tc},
                                   {"description_en", &in.description_en},
                                   {"description_tc", &in.description_tc},
                                   {"starts_at", &in.starts_at},
                                   {"ends_at", &in.ends_at},
                                   {"available_from", &in.available_from},
                                   {"video_url", &in.video_url},
                                   {"venue_en", &in.venue_en},
                                   {"venue_tc", &in.venue_tc},
                                   {"speaker_en", &in.speaker_en},
                                   {"speaker_tc", &in.speaker_tc},
                                   {"organiser_en", &in.organiser_en},
                                   {"organiser_tc", &in.organiser_tc},
                                   {"remarks_en", &in.remarks_en},
                                   {"remarks_tc", &in.remarks_tc},
                                   {"enquiry_phone", &in.enquiry_phone},
                                   {"quota", &in.quota},
                                   {"enrolment_opens_at", &in.enrolment_opens_at},
                                   {"enrolment_closes_at", &in.enrolment_closes_at}})
    content.set(key, *value);
  content.set("enrolment_required", in.enrolment_required);
  const auto options = [&](const auto& all, auto code_of, auto label_of, const std::string& selected) {
    return code_options(kit_.translations(), lang, all, code_of, label_of, selected);
  };
  content.set("type_options",
              options(domain::kAllActivityTypes, domain::activity_type_code, domain::activity_type_label, in.type));
  content.set("audience_options", options(domain::kAllActivityAudiences, domain::activity_audience_code,
                                          domain::activity_audience_label, in.audience));
  content.set("language_options", options(domain::kAllDeliveryLanguages, domain::delivery_language_code,
                                          domain::delivery_language_label, in.delivery_language));
  constexpr domain::ActivityStatus kStatuses[] = {ActivityStatus::kDraft, ActivityStatus::kPublished,
                                                  ActivityStatus::kCancelled};
  content.set("status_options",
              options(kStatuses, domain::activity_status_code, domain::activity_status_label, in.status));
  auto library_options = web::list();
  for (const auto& library : kit_.network_snapshot()->libraries) {
    data option;
    option.set("code", library.code);
    option.set("name", library.name.in(lang));
    option.set("selected", library.code == in.library_code);
    library_options.push_back(option);
  }
  content.set("library_options", library_options);
  content.set("elsewhere", in.library_code.empty());
  if (failure) kit_.add_failure(lang, content, *failure);
  p.switch_path = id ? base + "/" + std::to_string(*id) + "/edit" : base + "/new";
  return kit_.page(p, "staff_activity_form", id ? t(lang, "Edit activity") : t(lang, "New activity"), content,
                   failure ? PageKit::form_status(*failure) : 200);
}

Response ActivityPages::staff_save(Page& p, std::optional<long long> id) {
  const auto& r = p.request;
  domain::ActivityInput in;
  for (const auto& [key, target] : {std::pair{"title_en", &in.title_en},
                                    {"title_tc", &in.title_tc},
                                    {"description_en", &in.description_en},
                                    {"description_tc", &in.description_tc},
                                    {"type", &in.type},
                                    {"audience", &in.audience},
                                    {"delivery_language", &in.delivery_language},
                                    {"status", &in.status},
                                    {"starts_at", &in.starts_at},
                                    {"ends_at", &in.ends_at},
                                    {"available_from", &in.available_from},
                                    {"video_url", &in.video_url},
                                    {"library", &in.library_code},
                                    {"venue_en", &in.venue_en},
                                    {"venue_tc", &in.venue_tc},
                                    {"speaker_en", &in.speaker_en},
                                    {"speaker_tc", &in.speaker_tc},
                                    {"organiser_en", &in.organiser_en},
                                    {"organiser_tc", &in.organiser_tc},
                                    {"remarks_en", &in.remarks_en},
                                    {"remarks_tc", &in.remarks_tc},
                                    {"enquiry_phone", &in.enquiry_phone},
                                    {"quota", &in.quota},
                                    {"enrolment_opens_at", &in.enrolment_opens_at},
                                    {"enrolment_closes_at", &in.enrolment_closes_at}})
    *target = r.form_value(key);
  in.enrolment_required = r.form_value("enrolment_required") == "1";
  const auto version = parse_id(r.form_value("version"));
  auto saved = app::save_activity(kit_.app_context(), p.session->actor(), id, version, in);
  if (!saved) {
    const auto code = saved.error().code;
    if (auto refused = kit_.refusal_page(p, saved.error())) return *refused;
    // On a conflict the form keeps what this editor typed, with the version now stored, so that saving again
    // (after checking the other change) is a deliberate choice; nothing typed is lost.
    long long shown_version = version;
    if (code == ErrorCode::kEditConflict)
      if (auto current = app::staff_activity(kit_.app_context(), p.session->actor(), *id))
        shown_version = current->version;
    return staff_form(p, id, in, shown_version, saved.error());
  }
  auto response = redirect("/" + lang_code(p.lang) + "/staff/activities?saved=1");
  return response;
}

Response ActivityPages::staff_enrolments(Page& p, long long id, data content, int status) {
  const auto lang = p.lang;
  const auto& context = kit_.app_context();
  auto result = app::enrolment_list(context, p.session->actor(), id);
  if (!result) return kit_.failure_page(p, result.error());
  const auto& a = result->activity;
  content.set("activity", summary(lang, a));
  auto confirmed = web::list();
  auto waiting = web::list();
  for (const auto& row : result->rows) {
    data entry;
    entry.set("id", std::to_string(row.enrolment.id));
    entry.set("card", row.card_number);
    entry.set("name", row.reader_name);
    entry.set("enrolled",
              format_date_time(kit_.translations(), lang, context.zone.to_local(row.enrolment.enrolled_at)));
    entry.set("attended_yes", row.enrolment.attended == true);
    entry.set("attended_no", row.enrolment.attended == false);
    entry.set("attended_unknown", !row.enrolment.attended.has_value());
    entry.set("position", format_count(row.waiting_position));
    (row.enrolment.status == EnrolmentStatus::kConfirmed ? confirmed : waiting).push_back(entry);
  }
  content.set("confirmed", confirmed);
  content.set("has_confirmed", !confirmed.is_empty_list());
  content.set("waiting", waiting);
  content.set("has_waiting", !waiting.is_empty_list());
  content.set("can_mark", domain::attendance_can_be_marked(a, context.clock.now()));
  content.set("csv", "/" + lang_code(lang) + "/staff/activities/" + std::to_string(id) + "/enrolments.csv");
  content.set("action", "/" + lang_code(lang) + "/staff/activities/" + std::to_string(id) + "/attendance");
  if (p.request.query_value("saved") == "1") content.set("flash", t(lang, "Attendance has been saved."));
  return kit_.page(p, "staff_activity_enrolments", t(lang, "Enrolments") + ": " + either(a.title, lang), content,
                   status);
}

Response ActivityPages::staff_enrolments_csv(Page& p, long long id) {
  const auto lang = p.lang;
  const auto& context = kit_.app_context();
  auto result = app::enrolment_list(context, p.session->actor(), id);
  if (!result) return kit_.failure_page(p, result.error());
  std::string csv = "\xEF\xBB\xBF";  // a byte order mark, so spreadsheets read the Chinese as UTF-8
  const auto line = [&](std::initializer_list<std::string> cells) {
    bool first = true;
    for (const auto& cell : cells) {
      csv += (first ? "" : ",") + csv_cell(cell);
      first = false;
    }
    csv += "\r\n";
  };
  line({t(lang, "Status"), t(lang, "Waiting list"), t(lang, "Card"), t(lang, "Name"), t(lang, "Enrolled at"),
        t(lang, "Attended")});
  for (const auto& row : result->rows)
    line({t(lang, domain::enrolment_status_label(row.enrolment.status)),
          row.waiting_position ? std::to_string(row.waiting_position) : "", row.card_number, row.reader_name,
          format_local_date_time(context.zone.to_local(row.enrolment.enrolled_at)),
          row.enrolment.attended ? (*row.enrolment.attended ? t(lang, "Yes") : t(lang, "No")) : ""});
  Response response;
  response.body = std::move(csv);
  response.set_header("Content-Type", "text/csv; charset=utf-8");
  response.set_header("Content-Disposition",
                      "attachment; filename=\"activity-" + std::to_string(id) + "-enrolments.csv\"");
  response.set_header("Cache-Control", "no-store");
  return response;
}

Response ActivityPages::staff_attendance(Page& p, long long id) {
  // One radio group per enrolment: attended-<enrolment id> = yes | no | unknown.
  std::map<long long, std::optional<bool>> attendance;
  for (const auto& [name, value] : p.request.form) {
    if (!name.starts_with("attended-")) continue;
    const auto enrolment_id = parse_id(std::string_view(name).substr(9));
    if (enrolment_id <= 0 || (value != "yes" && value != "no" && value != "unknown")) return kit_.error_page(p, 400);
    attendance[enrolment_id] = value == "unknown" ? std::nullopt : std::optional<bool>(value == "yes");
  }
  auto marked = app::mark_attendance(kit_.app_context(), p.session->actor(), id, attendance);
  if (!marked) {
    if (auto refused = kit_.refusal_page(p, marked.error())) return *refused;
    data content;
    kit_.add_failure(p.lang, content, marked.error());
    p.switch_path = "/" + lang_code(p.lang) + "/staff/activities/" + std::to_string(id) + "/enrolments";
    return staff_enrolments(p, id, std::move(content), 422);
  }
  auto response = redirect("/" + lang_code(p.lang) + "/staff/activities/" + std::to_string(id) + "/enrolments?saved=1");
  return response;
}

}  // namespace shelfmark::web
