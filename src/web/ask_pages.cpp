#include "web/ask_pages.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/text.h"

namespace shelfmark::web {
namespace {

using domain::EnquiryStatus;
using domain::ErrorCode;
using mustache::data;

// Enquiries carry personal data and are sent from shared computers too: never stored by a browser.
Response private_page(Response response) {
  response.set_header("Cache-Control", "no-store");
  return response;
}

bool answers_enquiries(domain::LibraryKind kind) {
  return kind != domain::LibraryKind::kMobile && kind != domain::LibraryKind::kSelfService;
}

void set_form(data& content, const domain::EnquiryForm& form) {
  content.set("name", form.name);
  content.set("email", form.email);
  content.set("question", form.question);
  content.set("language_en", form.language == "en");
  content.set("language_tc", form.language == "tc");
}

// Paragraphs of typed text (replies, questions), escaped by the template.
data paragraphs(const std::string& text) {
  auto items = list();
  for (auto line : split(text, '\n')) {
    data item;
    item.set("line", std::string(line));
    items.push_back(item);
  }
  return items;
}

}  // namespace

std::string AskPages::when(Language lang, Instant at) const {
  return format_date_time(kit_.translations(), lang, kit_.app_context().zone.to_local(at));
}

std::string AskPages::library_name(Language lang, std::optional<long long> id) const {
  if (!id) return t(lang, "Central enquiry team");
  const auto snapshot = kit_.network_snapshot();
  const auto* library = snapshot->find(*id);
  return library ? library->name.in(lang) : std::string();
}

data AskPages::libraries(Language lang, const std::string& selected) const {
  auto items = list();
  for (const auto& library : kit_.network_snapshot()->libraries) {
    if (!answers_enquiries(library.kind)) continue;
    data option;
    option.set("code", library.code);
    option.set("name", library.name.in(lang));
    option.set("selected", library.code == selected);
    items.push_back(option);
  }
  return items;
}

data AskPages::subjects(Language lang, const std::string& selected) const {
  auto items = list();
  for (auto subject : domain::all_enquiry_subjects()) {
    data option;
    const std::string code(domain::enquiry_subject_code(subject));
    option.set("code", code);
    option.set("label", t(lang, domain::enquiry_subject_label(subject)));
    option.set("selected", code == selected);
    items.push_back(option);
  }
  return items;
}

// ----- the public -----

void AskPages::add_routes(RouteTable& routes) {
  const auto anyone = Access::anyone();
  auto show_form = [this](Page& p, const RouteParams&) {
    p.nav = "ask";
    domain::EnquiryForm empty;
    empty.language = lang_code(p.lang);
    return form(p, empty, std::nullopt, 200);
  };
  // A signed-in reader's form carries the session's token; anyone else's the sign-in cookie's.
  auto send_form = [this](Page& p, const RouteParams&) {
    p.nav = "ask";
    return send(p);
  };
  for (const char* path : {"/{lang}/ask", "/{lang}/ask/"}) {
    routes.get(path, anyone, show_form, "/{lang}/ask");
    routes.post(path, anyone, send_form, "/{lang}/ask");
  }
  routes.get("/{lang}/ask/faq", anyone, [this](Page& p, const RouteParams&) {
    p.nav = "ask";
    return faq(p);
  });
  routes.get("/{lang}/account/enquiries", Access::reader(), [this](Page& p, const RouteParams&) { return account(p); });

  const auto answerers = Access::staff({domain::Permission::kAnswerEnquiries});
  routes.get("/{lang}/staff/enquiries", answerers, [this](Page& p, const RouteParams&) { return queue(p); });
  routes.get("/{lang}/staff/enquiries/{id}", answerers,
             [this](Page& p, const RouteParams& params) { return enquiry(p, params.number(0)); });
  for (const char* what : {"claim", "reply", "transfer", "close", "release"})
    routes.post(std::string("/{lang}/staff/enquiries/{id}/") + what, answerers,
                [this, what](Page& p, const RouteParams& params) { return action(p, params.number(0), what); });
  routes.get("/{lang}/staff/faq", answerers, [this](Page& p, const RouteParams&) { return faq_list(p); });
  routes.post("/{lang}/staff/faq", answerers, [this](Page& p, const RouteParams&) { return faq_publish(p); });
  routes.get("/{lang}/staff/faq/new", answerers, [this](Page& p, const RouteParams&) {
    const auto enquiry_id = parse_id(p.request.query_value("enquiry"));
    if (enquiry_id <= 0) return faq_form(p, std::nullopt, {}, std::nullopt, 200);
    auto draft = app::faq_draft_from(kit_.app_context(), p.session->actor(), enquiry_id);
    if (!draft) return kit_.error_page(p, 404);
    return faq_form(p, enquiry_id, draft.value(), std::nullopt, 200);
  });
  routes.post("/{lang}/staff/faq/{id}/unpublish", answerers,
              [this](Page& p, const RouteParams& params) { return faq_unpublish(p, params.number(0)); });
}

Response AskPages::form(Page& p, const domain::EnquiryForm& form, const std::optional<domain::Failure>& failure,
                        int status) {
  data content;
  if (!p.reader) content.set("csrf", kit_.sign_in_csrf(p));  // a reader's: set by the layout
  content.set("signed_in", p.reader.has_value());
  if (p.reader) content.set("reader_name", p.reader->reader.name);
  set_form(content, form);
  content.set("subjects", subjects(p.lang, form.subject));
  content.set("libraries", libraries(p.lang, form.library));
  content.set("no_library", form.library.empty());
  content.set("hours", std::to_string(domain::kEnquiryAnswerHours));
  content.set("question_max", std::to_string(domain::kEnquiryQuestionMax));
  if (failure) kit_.add_failure(p.lang, content, *failure);
  return private_page(kit_.page(p, "ask", t(p.lang, "Ask a Librarian"), content, status));
}

Response AskPages::send(Page& p) {
  const auto& request = p.request;
  domain::EnquiryForm typed{request.form_value("name"),    request.form_value("email"),
                            request.form_value("subject"), request.form_value("language"),
                            request.form_value("library"), request.form_value("question")};
  // A hidden field that people never see or fill: automated submissions often do.
  if (!request.form_value("website").empty()) {
    spdlog::info("enquiry refused: honeypot field filled");
    return kit_.error_page(p, 400);
  }
  std::optional<long long> reader_id;
  if (p.reader) reader_id = p.reader->reader.id;
  auto sent = app::send_enquiry(kit_.app_context(), settings_, typed, reader_id, request.remote_address);
  if (!sent) {
    const int status = PageKit::form_status(sent.error());
    if (status == 429) spdlog::info("enquiry refused reason={}", domain::error_info(sent.error().code).name);
    return form(p, typed, sent.error(), status);
  }
  spdlog::info("enquiry sent id={}", sent->id);
  data content;
  content.set("reference", sent->reference);
  content.set("signed_in", p.reader.has_value());
  content.set("hours", std::to_string(domain::kEnquiryAnswerHours));
  return private_page(kit_.page(p, "ask_sent", t(p.lang, "Your enquiry has been sent"), content));
}

Response AskPages::faq(Page& p) {
  auto query = std::string(trim(p.request.query_value("q")));
  if (query.size() > 200) {
    // Cut at a character boundary: half a UTF-8 sequence is not text to any database.
    std::size_t cut = 200;
    while (cut > 0 && (static_cast<unsigned char>(query[cut]) & 0xC0) == 0x80) --cut;
    query.resize(cut);
  }
  data content;
  content.set("q", query);
  auto entries = list();
  for (const auto& entry : app::published_faqs(kit_.app_context(), query)) {
    // Shown in the page's language when written in it, else in the other (marked with its language).
    const bool english = p.lang == Language::kEnglish ? !entry.question_en.empty() : entry.question_tc.empty();
    data item;
    item.set("id", std::to_string(entry.id));
    item.set("question", english ? entry.question_en : entry.question_tc);
    item.set("answer", paragraphs(english ? entry.answer_en : entry.answer_tc));
    item.set("item_lang", english ? "en" : "zh-Hant-HK");
    item.set("other_language", english != (p.lang == Language::kEnglish));
    entries.push_back(item);
  }
  content.set("has_entries", !entries.is_empty_list());
  content.set("entries", entries);
  content.set("searched", !query.empty());
  return kit_.page(p, "ask_faq", t(p.lang, "Frequently asked questions"), content);
}

// ----- the reader -----

Response AskPages::account(Page& p) {
  p.nav = "account";
  data content;
  auto items = list();
  for (const auto& entry : app::reader_enquiries(kit_.app_context(), p.reader->reader.id)) {
    const auto& record = entry.record;
    data item;
    item.set("reference", record.reference);
    item.set("subject", t(p.lang, domain::enquiry_subject_label(record.subject)));
    item.set("sent", when(p.lang, record.submitted_at));
    // A reader sees whether it is answered, not the staff's workflow (claimed, transferred).
    const bool answered = !entry.replies.empty();
    item.set("status", answered                                  ? t(p.lang, "Answered")
                       : record.status == EnquiryStatus::kClosed ? t(p.lang, "Enquiry closed")
                                                                 : t(p.lang, "Waiting for a reply"));
    item.set("question", paragraphs(record.question));
    auto replies = list();
    for (const auto& reply : entry.replies) {
      data r;
      r.set("at", when(p.lang, reply.at));
      r.set("body", paragraphs(reply.body));
      replies.push_back(r);
    }
    item.set("replies", replies);
    item.set("answered", answered);
    items.push_back(item);
  }
  content.set("has_enquiries", !items.is_empty_list());
  content.set("enquiries", items);
  return private_page(kit_.page(p, "account_enquiries", t(p.lang, "My enquiries"), content));
}

// ----- staff -----

Response AskPages::queue(Page& p) {
  const auto& request = p.request;
  app::EnquiryFilter filter;
  const auto status_code = request.query_value("status");
  if (auto status = domain::parse_enquiry_status(status_code)) {
    filter.statuses = {*status};
  } else {
    // By default, what still waits for an answer.
    filter.statuses = {EnquiryStatus::kNew, EnquiryStatus::kTransferred, EnquiryStatus::kClaimed};
  }
  const auto library_code = request.query_value("library");
  const auto snapshot = kit_.network_snapshot();
  if (library_code == "none")
    filter.without_library = true;
  else if (const auto* library = snapshot->find(library_code))
    filter.library_id = library->id;
  long long page_number = std::max(1LL, parse_id(request.query_value("page")));
  page_number = std::min(page_number, 100000LL);
  filter.limit = 50;
  filter.offset = static_cast<int>((page_number - 1) * 50);
  auto result = app::enquiry_queue(kit_.app_context(), p.session->actor(), filter);
  if (!result) return kit_.error_page(p, 403);

  const auto now = kit_.app_context().clock.now();
  data content;
  auto rows = list();
  int overdue = 0;
  for (const auto& record : result->entries) {
    data row;
    row.set("id", std::to_string(record.id));
    row.set("reference", record.reference);
    row.set("subject", t(p.lang, domain::enquiry_subject_label(record.subject)));
    row.set("status", t(p.lang, domain::enquiry_status_label(record.status)));
    row.set("claimed_by", record.claimed_by_name);
    row.set("library", library_name(p.lang, record.library_id));
    row.set("language", record.language == Language::kEnglish ? "English" : "中文");
    row.set("sent", when(p.lang, record.submitted_at));
    const auto hours = std::chrono::duration_cast<std::chrono::hours>(now - record.submitted_at).count();
    row.set("waiting", tf(p.lang, "{hours} hours", {{"hours", std::to_string(hours)}}));
    const bool late = domain::enquiry_overdue(record.status, record.submitted_at, now);
    row.set("overdue", late);
    overdue += late ? 1 : 0;
    rows.push_back(row);
  }
  content.set("rows", rows);
  content.set("has_rows", !rows.is_empty_list());
  content.set("total", format_count(result->total));
  content.set("overdue_count", std::to_string(overdue));
  content.set("has_overdue", overdue > 0);
  content.set("hours", std::to_string(domain::kEnquiryAnswerHours));
  auto statuses = list();
  for (auto status : domain::all_enquiry_statuses()) {
    data option;
    option.set("code", std::string(domain::enquiry_status_code(status)));
    option.set("label", t(p.lang, domain::enquiry_status_label(status)));
    option.set("selected", std::string(domain::enquiry_status_code(status)) == status_code);
    statuses.push_back(option);
  }
  content.set("statuses", statuses);
  content.set("libraries", libraries(p.lang, library_code));
  content.set("library_none", library_code == "none");
  content.set("query_status", status_code);
  content.set("query_library", library_code);
  if (page_number > 1) content.set("previous", std::to_string(page_number - 1));
  if (page_number * 50 < result->total) content.set("next", std::to_string(page_number + 1));
  return private_page(kit_.page(p, "staff_enquiries", t(p.lang, "Enquiries"), content));
}

Response AskPages::enquiry(Page& p, long long id, const std::optional<domain::Failure>& failure, int status) {
  const auto actor = p.session->actor();
  auto detail = app::enquiry_detail(kit_.app_context(), actor, id);
  if (!detail) return kit_.failure_page(p, detail.error());
  const auto& record = detail->record;
  const auto now = kit_.app_context().clock.now();
  data content;
  content.set("id", std::to_string(record.id));
  content.set("reference", record.reference);
  content.set("subject", t(p.lang, domain::enquiry_subject_label(record.subject)));
  content.set("status", t(p.lang, domain::enquiry_status_label(record.status)));
  content.set("overdue", domain::enquiry_overdue(record.status, record.submitted_at, now));
  content.set("hours", std::to_string(domain::kEnquiryAnswerHours));
  content.set("sent", when(p.lang, record.submitted_at));
  content.set("library", library_name(p.lang, record.library_id));
  content.set("language", record.language == Language::kEnglish ? "English" : "中文");
  content.set("question_lang", record.language == Language::kEnglish ? "en" : "zh-Hant-HK");
  if (record.reader_id) content.set("reader_name", record.reader_name);
  content.set("name", record.name);
  content.set("anonymised", record.anonymised_at.has_value());
  content.set("question", paragraphs(record.question));
  const bool mine = record.claimed_by == actor.staff_id;
  // Mustache treats an empty string as true: set only what is there.
  if ((record.status == EnquiryStatus::kClaimed || record.status == EnquiryStatus::kAnswered) &&
      !record.claimed_by_name.empty())
    content.set("claimed_by", record.claimed_by_name);
  if (!detail->contact_email.empty()) content.set("contact_email", detail->contact_email);
  content.set("claimed_by_me", mine);
  content.set("can_claim",
              !domain::can_claim(record.status, mine) && !(mine && record.status == EnquiryStatus::kClaimed));
  content.set("can_reply", !domain::can_reply(record.status, mine));
  const bool claimed = record.claimed_by.has_value() && record.status == EnquiryStatus::kClaimed;
  content.set("can_transfer", !domain::can_transfer(record.status, claimed, mine));
  content.set("can_close", !domain::can_close(record.status, record.claimed_by.has_value(), mine));
  content.set("can_release", claimed && !domain::can_release(record.status, mine, actor.role));
  content.set("can_publish", record.status == EnquiryStatus::kAnswered || record.status == EnquiryStatus::kClosed);
  content.set("reply", p.request.method == "POST" ? p.request.form_value("reply") : std::string());
  content.set("note", p.request.method == "POST" ? p.request.form_value("note") : std::string());
  const auto transfer_to = p.request.method == "POST" ? p.request.form_value("library") : std::string();
  auto choices = list();
  for (const auto& library : kit_.network_snapshot()->libraries) {
    if (!answers_enquiries(library.kind) || record.library_id == library.id) continue;
    data option;
    option.set("code", library.code);
    option.set("name", library.name.in(p.lang));
    option.set("selected", library.code == transfer_to);
    choices.push_back(option);
  }
  content.set("transfer_libraries", choices);
  auto events = list();
  for (const auto& event : detail->events) {
    data item;
    item.set("at", when(p.lang, event.at));
    item.set("staff", event.staff_name);
    if (event.kind == "claim")
      item.set("what", t(p.lang, "Claimed the enquiry"));
    else if (event.kind == "reply")
      item.set("what", t(p.lang, "Replied"));
    else if (event.kind == "close")
      item.set("what", t(p.lang, "Closed the enquiry"));
    else if (event.kind == "transfer")
      item.set("what", tf(p.lang, "Transferred from {from} to {to}",
                          {{"from", library_name(p.lang, event.from_library_id)},
                           {"to", library_name(p.lang, event.to_library_id)}}));
    item.set("body", paragraphs(event.body));
    item.set("has_body", !event.body.empty());
    events.push_back(item);
  }
  content.set("has_events", !events.is_empty_list());
  content.set("events", events);
  const auto done = p.request.query_value("done");
  if (done == "claim") content.set("flash", t(p.lang, "You are now handling this enquiry."));
  if (done == "reply") content.set("flash", t(p.lang, "Your reply has been sent."));
  if (done == "transfer") content.set("flash", t(p.lang, "The enquiry has been transferred."));
  if (done == "close") content.set("flash", t(p.lang, "The enquiry has been closed."));
  if (done == "release") content.set("flash", t(p.lang, "The enquiry is back in the queue for anyone to claim."));
  if (failure) kit_.add_failure(p.lang, content, *failure);
  return private_page(kit_.page(p, "staff_enquiry",
                                tf(p.lang, "Enquiry {reference}", {{"reference", record.reference}}), content, status));
}

Response AskPages::action(Page& p, long long id, std::string_view what) {
  const auto& context = kit_.app_context();
  const auto actor = p.session->actor();
  domain::Outcome<domain::Done> result = domain::failure(ErrorCode::kNotFound);
  if (what == "claim")
    result = app::claim_enquiry(context, actor, id);
  else if (what == "reply")
    result = app::reply_to_enquiry(context, actor, id, p.request.form_value("reply"));
  else if (what == "transfer")
    result = app::transfer_enquiry(context, actor, id, p.request.form_value("library"), p.request.form_value("note"));
  else if (what == "close")
    result = app::close_enquiry(context, actor, id);
  else if (what == "release")
    result = app::release_enquiry(context, actor, id);
  if (result) {
    auto response =
        redirect("/" + lang_code(p.lang) + "/staff/enquiries/" + std::to_string(id) + "?done=" + std::string(what));
    return response;
  }
  if (auto refused = kit_.refusal_page(p, result.error())) return *refused;
  const bool conflict = result.error().fields.empty();
  return enquiry(p, id, result.error(), conflict ? 409 : 422);
}

Response AskPages::faq_form(Page& p, std::optional<long long> enquiry_id, const domain::FaqInput& input,
                            const std::optional<domain::Failure>& failure, int status) {
  data content;
  if (enquiry_id) content.set("enquiry_id", std::to_string(*enquiry_id));
  content.set("question_en", input.question_en);
  content.set("answer_en", input.answer_en);
  content.set("question_tc", input.question_tc);
  content.set("answer_tc", input.answer_tc);
  if (failure) kit_.add_failure(p.lang, content, *failure);
  return private_page(
      kit_.page(p, "staff_faq_form", t(p.lang, "Publish a frequently asked question"), content, status));
}

Response AskPages::faq_publish(Page& p) {
  const auto& request = p.request;
  domain::FaqInput input{request.form_value("question_en"), request.form_value("answer_en"),
                         request.form_value("question_tc"), request.form_value("answer_tc")};
  std::optional<long long> enquiry_id;
  if (const auto id = parse_id(request.form_value("enquiry")); id > 0) enquiry_id = id;
  auto published = app::publish_faq(kit_.app_context(), p.session->actor(), enquiry_id, input);
  if (!published) {
    if (published.error().code == ErrorCode::kNotFound) return kit_.error_page(p, 404);
    return faq_form(p, enquiry_id, input, published.error(), 422);
  }
  auto response = redirect("/" + lang_code(p.lang) + "/staff/faq?done=publish");
  return response;
}

Response AskPages::faq_list(Page& p) {
  auto entries = app::staff_faqs(kit_.app_context(), p.session->actor());
  if (!entries) return kit_.error_page(p, 403);
  data content;
  auto items = list();
  for (const auto& entry : entries.value()) {
    data item;
    item.set("id", std::to_string(entry.id));
    if (!entry.question_en.empty()) item.set("question_en", entry.question_en);
    if (!entry.question_tc.empty()) item.set("question_tc", entry.question_tc);
    item.set("published", entry.published);
    item.set("updated", when(p.lang, entry.updated_at));
    items.push_back(item);
  }
  content.set("entries", items);
  content.set("has_entries", !items.is_empty_list());
  const auto done = p.request.query_value("done");
  if (done == "publish") content.set("flash", t(p.lang, "The question and answer have been published."));
  if (done == "unpublish") content.set("flash", t(p.lang, "The question and answer are no longer shown."));
  return private_page(kit_.page(p, "staff_faqs", t(p.lang, "Frequently asked questions"), content));
}

Response AskPages::faq_unpublish(Page& p, long long id) {
  auto result = app::unpublish_faq(kit_.app_context(), p.session->actor(), id);
  if (!result) return kit_.failure_page(p, result.error());
  auto response = redirect("/" + lang_code(p.lang) + "/staff/faq?done=unpublish");
  return response;
}

}  // namespace shelfmark::web
