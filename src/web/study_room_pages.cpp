#include "web/study_room_pages.h"

#include "web/qr_svg.h"

namespace shelfmark::web {
namespace {

using data = mustache::data;
using domain::ErrorCode;
using domain::StudyOutcome;

// Applications and cards carry personal data: never stored by a browser or proxy.
Response private_page(Response response) {
  response.set_header("Cache-Control", "no-store");
  return response;
}

Response see_other(Page& p, const std::string& path) {
  auto response = redirect(path);
  return response;
}

app::Actor actor_of(const Page& p) { return {p.session->user.id, p.session->user.role}; }

}  // namespace

std::string StudyRoomPages::session_text(Language lang, const app::StudyPeriodRecord& period, int number) const {
  for (const auto& session : period.sessions)
    if (session.number == number)
      return tf(lang, "Session {number}: {weekday} (Saturdays, Sundays and public holidays {weekend})",
                {{"number", std::to_string(number)},
                 {"weekday", domain::study_session_times(session, false)},
                 {"weekend", domain::study_session_times(session, true)}});
  return std::to_string(number);
}

std::string StudyRoomPages::outcome_text(Language lang, StudyOutcome outcome) const {
  return t(lang, domain::study_outcome_label(outcome));
}

data StudyRoomPages::period_data(Language lang, const app::StudyPeriodRecord& period) const {
  const auto& translations = kit_.translations();
  data item;
  item.set("id", std::to_string(period.id));
  item.set("title", lang == Language::kEnglish ? period.title_en : period.title_tc);
  item.set("library", lang == Language::kEnglish ? period.library_name_en : period.library_name_tc);
  item.set("library_code", period.library_code);
  item.set("opens", format_date_time(translations, lang, period.opens_at));
  item.set("closes", format_date_time(translations, lang, period.closes_at));
  item.set("valid_from", format_date(translations, lang, period.valid_from, false));
  item.set("valid_until", format_date(translations, lang, period.valid_until, false));
  item.set("places", std::to_string(period.places));
  item.set("priority", t(lang, domain::priority_rule_label(period.priority)));
  item.set("exam_priority", period.priority == domain::PriorityRule::kExamCandidatesFirst);
  const auto phase = app::study_phase(kit_.app_context(), period);
  item.set("phase", t(lang, domain::study_period_phase_label(phase)));
  item.set("open", phase == domain::StudyPeriodPhase::kOpen);
  item.set("not_yet_open", phase == domain::StudyPeriodPhase::kNotYetOpen);
  item.set("closed", phase != domain::StudyPeriodPhase::kOpen && phase != domain::StudyPeriodPhase::kNotYetOpen);
  auto sessions = list();
  for (const auto& session : period.sessions) {
    data s;
    s.set("number", std::to_string(session.number));
    s.set("text", session_text(lang, period, session.number));
    s.set("weekday", domain::study_session_times(session, false));
    s.set("weekend", domain::study_session_times(session, true));
    sessions.push_back(s);
  }
  item.set("sessions", sessions);
  return item;
}

// ----- readers -----

void StudyRoomPages::add_routes(RouteTable& routes) {
  using domain::Permission;
  for (const char* path : {"/{lang}/study-room", "/{lang}/study-room/"})
    routes.get(
        path, Access::anyone(),
        [this](Page& p, const RouteParams&) {
          p.nav = "study-room";
          return periods_page(p, 0, {}, {}, 200);
        },
        "/{lang}/study-room");
  const auto reader = Access::reader();
  routes.post("/{lang}/study-room/periods/{id}/apply", reader, [this](Page& p, const RouteParams& params) {
    p.nav = "study-room";
    return apply(p, params.number(0));
  });
  routes.post("/{lang}/study-room/applications/{id}/withdraw", reader, [this](Page& p, const RouteParams& params) {
    p.nav = "study-room";
    return withdraw(p, params.number(0));
  });
  routes.get("/{lang}/account/study-room", reader, [this](Page& p, const RouteParams&) {
    p.nav = "account";
    return outcomes(p);
  });
  routes.get("/{lang}/account/study-room/{id}/card", reader, [this](Page& p, const RouteParams& params) {
    p.nav = "account";
    return card(p, params.number(0));
  });

  routes.get("/{lang}/staff/study-room/check/{token}", Access::staff({Permission::kCheckAdmissionCards}),
             [this](Page& p, const RouteParams& params) { return staff_check(p, params.text(0)); });
  const auto managers = Access::staff({Permission::kManageStudyRooms});
  routes.get("/{lang}/staff/study-room", managers, [this](Page& p, const RouteParams&) { return staff_periods(p); });
  routes.post("/{lang}/staff/study-room", managers, [this](Page& p, const RouteParams&) { return staff_create(p); });
  routes.get("/{lang}/staff/study-room/new", managers,
             [this](Page& p, const RouteParams&) { return staff_new(p, {}, {}, 200); });
  routes.get("/{lang}/staff/study-room/{id}", managers,
             [this](Page& p, const RouteParams& params) { return staff_period(p, params.number(0)); });
  for (const char* action : {"allocate", "publish"})
    routes.post(
        std::string("/{lang}/staff/study-room/{id}/") + action, managers,
        [this, action](Page& p, const RouteParams& params) { return staff_action(p, params.number(0), action); });
  routes.post("/{lang}/staff/study-room/applications/{id}/release", managers,
              [this](Page& p, const RouteParams& params) { return staff_release(p, params.number(0)); });
}

Response StudyRoomPages::periods_page(Page& p, long long form_period, const domain::StudyApplicationForm& form,
                                      const std::vector<domain::FieldError>& errors, int status) {
  const auto lang = p.lang;
  data content;
  std::vector<app::ReaderStudyApplication> mine;
  if (p.reader) mine = app::reader_study_applications(kit_.app_context(), p.reader->reader.id);
  auto periods = list();
  bool any = false;
  for (const auto& period : app::study_periods(kit_.app_context())) {
    auto item = period_data(lang, period);
    // Periods whose cards have expired are history: the reader's own stay in My Account.
    if (period.valid_until < kit_.app_context().zone.to_local(kit_.app_context().clock.now()).date) continue;
    any = true;
    const std::string prefix = "p" + std::to_string(period.id) + "_";
    item.set("prefix", prefix);
    item.set("signed_in", p.reader.has_value());
    for (const auto& entry : mine) {
      if (entry.period.id != period.id || entry.application.outcome == StudyOutcome::kWithdrawn) continue;
      item.set("applied", true);
      item.set("application_id", std::to_string(entry.application.id));
      item.set("applied_session", session_text(lang, period, entry.application.session));
      item.set("can_withdraw", entry.can_withdraw);
    }
    const bool this_form = form_period == period.id;
    auto sessions = list();
    for (const auto& session : period.sessions) {
      data s;
      s.set("number", std::to_string(session.number));
      s.set("text", session_text(lang, period, session.number));
      s.set("radio_id",
            session.number == 1 ? prefix + "session" : prefix + "session_" + std::to_string(session.number));
      s.set("checked", this_form && form.session == std::to_string(session.number));
      sessions.push_back(s);
    }
    item.set("session_options", sessions);
    if (this_form) {
      item.set("candidate_yes", form.exam_candidate == "yes");
      item.set("candidate_no", form.exam_candidate == "no");
      item.set("type_school", form.candidate_type == "school");
      item.set("type_private", form.candidate_type == "private");
      item.set("school_name", form.school_name);
      for (const auto& error : errors) {
        if (!error.field.empty()) item.set("err_" + error.field, kit_.translations().error_message(lang, error));
      }
    }
    periods.push_back(item);
  }
  content.set("periods", periods);
  content.set("has_periods", any);
  content.set("signed_in", p.reader.has_value());
  std::vector<domain::FieldError> linked = errors;
  for (auto& error : linked)
    if (!error.field.empty()) error.field = "p" + std::to_string(form_period) + "_" + error.field;
  kit_.add_errors(lang, content, linked);
  const auto done = p.request.query_value("done");
  if (done == "applied")
    content.set("flash", t(lang,
                           "Thank you: your application has been received. The results will be in My Account and sent "
                           "to you by email."));
  if (done == "withdrawn") content.set("flash", t(lang, "Your application has been withdrawn."));
  return private_page(kit_.page(p, "study_room", t(lang, "Students' Study Room admission cards"), content, status));
}

Response StudyRoomPages::apply(Page& p, long long period_id) {
  domain::StudyApplicationForm form{p.request.form_value("session"), p.request.form_value("exam_candidate"),
                                    p.request.form_value("candidate_type"), p.request.form_value("school_name")};
  const auto result = app::apply_for_study_room(kit_.app_context(), p.reader->reader.id, period_id, form);
  if (result) return see_other(p, "/" + lang_code(p.lang) + "/study-room?done=applied");
  if (result.error().code == ErrorCode::kNotFound) return kit_.error_page(p, 404);
  auto errors = result.error().fields;
  if (errors.empty()) {
    std::map<std::string, std::string> params;
    if (result.error().code == ErrorCode::kStudyApplicationsClosed) {
      if (const auto period = app::study_period(kit_.app_context(), period_id)) {
        params["opens"] = format_date_time(kit_.translations(), p.lang, period->opens_at);
        params["closes"] = format_date_time(kit_.translations(), p.lang, period->closes_at);
      }
    }
    errors.push_back({"", result.error().code, params});
  }
  const int status = result.error().code == ErrorCode::kStudyAlreadyApplied ? 409
                     : result.error().fields.empty()                        ? 409
                                                                            : 422;
  return periods_page(p, period_id, form, errors, status);
}

Response StudyRoomPages::withdraw(Page& p, long long application_id) {
  const auto result = app::withdraw_study_application(kit_.app_context(), p.reader->reader.id, application_id);
  if (result) return see_other(p, "/" + lang_code(p.lang) + "/study-room?done=withdrawn");
  if (result.error().code == ErrorCode::kNotFound) return kit_.error_page(p, 404);
  return periods_page(p, 0, {}, {{"", result.error().code, {}}}, 409);
}

Response StudyRoomPages::outcomes(Page& p) {
  const auto lang = p.lang;
  data content;
  auto items = list();
  for (const auto& entry : app::reader_study_applications(kit_.app_context(), p.reader->reader.id)) {
    auto item = period_data(lang, entry.period);
    item.set("application_id", std::to_string(entry.application.id));
    item.set("session_text", session_text(lang, entry.period, entry.application.session));
    item.set("outcome", outcome_text(lang, entry.application.outcome));
    item.set("successful", entry.application.outcome == StudyOutcome::kSuccessful);
    const bool waiting = entry.application.outcome == StudyOutcome::kWaiting;
    item.set("waiting", waiting);
    if (waiting && entry.application.draw_position)
      item.set("waiting_position", std::to_string(*entry.application.draw_position - entry.period.places));
    item.set("can_withdraw", entry.can_withdraw);
    items.push_back(item);
  }
  content.set("applications", items);
  content.set("has_applications", !items.is_empty_list());
  return private_page(kit_.page(p, "account_study_room", t(lang, "Study room applications"), content));
}

Response StudyRoomPages::card(Page& p, long long application_id) {
  const auto lang = p.lang;
  const auto card = app::admission_card(kit_.app_context(), p.reader->reader.id, application_id);
  // Another reader's card, or none: the same 404, so that card ids cannot be probed.
  if (!card) return kit_.error_page(p, 404);
  auto content = period_data(lang, card->period);
  content.set("reader_name", card->application.reader_name);
  content.set("card_number", card->application.card_number);
  content.set("session_text", session_text(lang, card->period, card->application.session));
  const auto check_path = "/" + lang_code(lang) + "/staff/study-room/check/" + card->check_path_token;
  content.set("check_url", public_url_ + check_path);
  content.set("qr", qr_svg(public_url_ + check_path, t(lang, "QR code for staff to check this card")));
  return private_page(kit_.page(p, "study_room_card", t(lang, "Study room admission card"), content));
}

// ----- staff -----

Response StudyRoomPages::staff_periods(Page& p) {
  data content;
  auto periods = list();
  for (const auto& period : app::study_periods(kit_.app_context())) periods.push_back(period_data(p.lang, period));
  content.set("periods", periods);
  content.set("has_periods", !periods.is_empty_list());
  if (p.request.query_value("opened") == "1")
    content.set("flash", t(p.lang, "The application period has been opened."));
  return private_page(kit_.page(p, "staff_study_rooms", t(p.lang, "Study room application periods"), content));
}

Response StudyRoomPages::staff_new(Page& p, const domain::StudyPeriodForm& form,
                                   const std::vector<domain::FieldError>& errors, int status) {
  const auto lang = p.lang;
  data content;
  content.set("title_en", form.title_en);
  content.set("title_tc", form.title_tc);
  content.set("opens_at", form.opens_at);
  content.set("closes_at", form.closes_at);
  content.set("valid_from", form.valid_from);
  content.set("valid_until", form.valid_until);
  content.set("places", form.places);
  auto libraries = list();
  for (const auto& library : kit_.network_snapshot()->libraries) {
    if (library.kind == domain::LibraryKind::kMobile || library.kind == domain::LibraryKind::kSelfService) continue;
    data item;
    item.set("code", library.code);
    item.set("name", library.name.in(lang));
    item.set("selected", library.code == form.library_code);
    libraries.push_back(item);
  }
  content.set("libraries", libraries);
  auto rules = list();
  for (auto rule : {domain::PriorityRule::kExamCandidatesFirst, domain::PriorityRule::kNone}) {
    data item;
    const std::string code(domain::priority_rule_code(rule));
    item.set("code", code);
    item.set("id", rule == domain::PriorityRule::kExamCandidatesFirst ? "priority" : "priority_" + code);
    item.set("label", t(lang, domain::priority_rule_label(rule)));
    item.set("checked",
             form.priority.empty() ? rule == domain::PriorityRule::kExamCandidatesFirst : form.priority == code);
    rules.push_back(item);
  }
  content.set("rules", rules);
  std::map<std::string, std::string> messages;
  for (const auto& error : errors) messages[error.field] = kit_.translations().error_message(lang, error);
  auto sessions = list();
  for (int i = 0; i < domain::kMaxStudySessions; ++i) {
    data row;
    const auto n = std::to_string(i + 1);
    row.set("number", n);
    row.set("label", tf(lang, "Session {number}", {{"number", n}}));
    auto fields = list();
    const std::pair<const char*, const std::string*> parts[] = {{"weekday_start", &form.weekday_start[i]},
                                                                {"weekday_end", &form.weekday_end[i]},
                                                                {"weekend_start", &form.weekend_start[i]},
                                                                {"weekend_end", &form.weekend_end[i]}};
    const char* labels[] = {"Weekdays from", "Weekdays until", "Weekends and holidays from",
                            "Weekends and holidays until"};
    for (int k = 0; k < 4; ++k) {
      data field;
      const auto name = "session" + n + "_" + parts[k].first;
      field.set("name", name);
      field.set("label", t(lang, labels[k]));
      field.set("value", *parts[k].second);
      if (messages.count(name)) field.set("error", messages[name]);
      fields.push_back(field);
    }
    row.set("fields", fields);
    sessions.push_back(row);
  }
  content.set("sessions", sessions);
  kit_.add_errors(lang, content, errors);
  return private_page(
      kit_.page(p, "staff_study_room_form", t(lang, "Open a study room application period"), content, status));
}

Response StudyRoomPages::staff_create(Page& p) {
  const auto& r = p.request;
  domain::StudyPeriodForm form;
  form.title_en = r.form_value("title_en");
  form.title_tc = r.form_value("title_tc");
  form.library_code = r.form_value("library_code");
  form.opens_at = r.form_value("opens_at");
  form.closes_at = r.form_value("closes_at");
  form.valid_from = r.form_value("valid_from");
  form.valid_until = r.form_value("valid_until");
  form.places = r.form_value("places");
  form.priority = r.form_value("priority");
  for (int i = 0; i < domain::kMaxStudySessions; ++i) {
    const auto n = "session" + std::to_string(i + 1) + "_";
    form.weekday_start[i] = r.form_value(n + "weekday_start");
    form.weekday_end[i] = r.form_value(n + "weekday_end");
    form.weekend_start[i] = r.form_value(n + "weekend_start");
    form.weekend_end[i] = r.form_value(n + "weekend_end");
  }
  const auto result = app::open_study_period(kit_.app_context(), actor_of(p), form);
  if (result)
    return see_other(p, "/" + lang_code(p.lang) + "/staff/study-room/" + std::to_string(result.value()) + "?opened=1");
  if (result.error().code == ErrorCode::kPermissionDenied) return kit_.error_page(p, 403);
  auto errors = result.error().fields;
  if (errors.empty()) errors.push_back({"", result.error().code, {}});
  return staff_new(p, form, errors, 422);
}

Response StudyRoomPages::staff_period(Page& p, long long id, const std::vector<domain::FieldError>& errors,
                                      int status) {
  const auto lang = p.lang;
  const auto result = app::study_period_applications(kit_.app_context(), actor_of(p), id);
  if (!result) return kit_.failure_page(p, result.error());
  auto content = period_data(lang, result->period);
  const auto& period = result->period;
  const bool published = period.published_at.has_value();
  content.set("allocated", period.allocated_at.has_value());
  content.set("published", published);
  content.set("can_allocate",
              !published && app::study_phase(kit_.app_context(), period) != domain::StudyPeriodPhase::kNotYetOpen &&
                  app::study_phase(kit_.app_context(), period) != domain::StudyPeriodPhase::kOpen);
  content.set("can_publish", !published && period.allocated_at.has_value());
  content.set("seed", period.draw_seed);
  content.set("algorithm", period.draw_algorithm);
  auto sessions = list();
  for (const auto& session : period.sessions) {
    data s;
    s.set("text", session_text(lang, period, session.number));
    auto rows = list();
    int count = 0;
    for (const auto& a : result->applications) {
      if (a.session != session.number) continue;
      ++count;
      data row;
      row.set("id", std::to_string(a.id));
      row.set("position", a.draw_position ? std::to_string(*a.draw_position) : "");
      row.set("name", a.reader_name);
      row.set("candidate", a.exam_candidate ? (a.private_candidate ? t(lang, "Private candidate")
                                                                   : tf(lang, "School candidate: {school}",
                                                                        {{"school", a.school_name}}))
                                            : t(lang, "Not an examination candidate"));
      row.set("priority", a.in_priority_group);
      row.set("outcome", period.allocated_at ? outcome_text(lang, a.outcome) : t(lang, "Applied"));
      row.set("card_number", a.card_number);
      row.set("can_release", published && a.outcome == StudyOutcome::kSuccessful);
      rows.push_back(row);
    }
    s.set("rows", rows);
    s.set("count", std::to_string(count));
    s.set("has_rows", count > 0);
    sessions.push_back(s);
  }
  content.set("session_results", sessions);
  const auto done = p.request.query_value("done");
  if (p.request.query_value("opened") == "1") content.set("flash", t(lang, "The application period has been opened."));
  if (done == "allocate")
    content.set("flash", tf(lang, "The draw has been made with seed {seed}. Check the result, then publish it.",
                            {{"seed", period.draw_seed}}));
  if (done == "publish") content.set("flash", t(lang, "The results have been published and the applicants told."));
  if (done == "release")
    content.set(
        "flash",
        t(lang, "The place has been released and offered to the first on the waiting list, if anyone was waiting."));
  kit_.add_errors(lang, content, errors);
  return private_page(kit_.page(p, "staff_study_room", content_title(lang, period), content, status));
}

std::string StudyRoomPages::content_title(Language lang, const app::StudyPeriodRecord& period) const {
  return lang == Language::kEnglish ? period.title_en : period.title_tc;
}

Response StudyRoomPages::staff_action(Page& p, long long id, std::string_view action) {
  const auto& context = kit_.app_context();
  std::optional<domain::Failure> failure;
  if (action == "allocate") {
    const auto result = app::run_study_allocation(context, actor_of(p), id);
    if (!result) failure = result.error();
  } else {
    const auto result = app::publish_study_results(context, actor_of(p), id);
    if (!result) failure = result.error();
  }
  if (!failure)
    return see_other(
        p, "/" + lang_code(p.lang) + "/staff/study-room/" + std::to_string(id) + "?done=" + std::string(action));
  if (auto refused = kit_.refusal_page(p, *failure)) return *refused;
  return staff_period(p, id, {{"", failure->code, {}}}, 409);
}

Response StudyRoomPages::staff_release(Page& p, long long application_id) {
  const auto& context = kit_.app_context();
  const auto result = app::release_study_place(context, actor_of(p), application_id);
  if (!result) return kit_.failure_page(p, result.error());
  const auto period_id = result->period_id;
  return see_other(p, "/" + lang_code(p.lang) + "/staff/study-room/" + std::to_string(period_id) + "?done=release");
}

Response StudyRoomPages::staff_check(Page& p, const std::string& token) {
  const auto lang = p.lang;
  const auto result = app::check_admission_card(kit_.app_context(), actor_of(p), token);
  if (!result && result.error().code == ErrorCode::kPermissionDenied) return kit_.error_page(p, 403);
  data content;
  if (!result) {
    content.set("unknown", true);
    return private_page(kit_.page(p, "staff_study_room_check", t(lang, "Check an admission card"), content, 404));
  }
  content = period_data(lang, result->period);
  content.set("valid", result->valid_today);
  content.set("today", format_date(kit_.translations(), lang, result->today, false));
  content.set("reader_name", result->application.reader_name);
  content.set("reader_card", result->masked_reader_card);
  content.set("card_number", result->application.card_number);
  content.set("session_text", session_text(lang, result->period, result->application.session));
  content.set("outcome", outcome_text(lang, result->application.outcome));
  return private_page(kit_.page(p, "staff_study_room_check", t(lang, "Check an admission card"), content));
}

}  // namespace shelfmark::web
