#include "web/registration_pages.h"

#include <spdlog/spdlog.h>

#include "core/text.h"
#include "security/sodium.h"

namespace shelfmark::web {
namespace {

using domain::ErrorCode;
using domain::RegistrationType;
using mustache::data;

std::string file_size(long long bytes) {
  if (bytes >= 1024 * 1024) return fmt::format("{:.1f} MB", bytes / (1024.0 * 1024.0));
  return fmt::format("{} KB", (bytes + 1023) / 1024);
}

// Registration pages carry personal data and sit on shared computers too: never stored by a browser.
Response private_page(Response response) {
  response.set_header("Cache-Control", "no-store");
  return response;
}

void set_form(data& content, const domain::ApplicantForm& form) {
  content.set("name_en", form.name_en);
  content.set("name_zh", form.name_zh);
  content.set("hkid", form.hkid);
  content.set("date_of_birth", form.date_of_birth);
  content.set("sex_f", form.sex == "F");
  content.set("sex_m", form.sex == "M");
  content.set("sex_none", form.sex.empty());
  content.set("email", form.email);
  content.set("mobile", form.mobile);
  content.set("address", form.address);
  content.set("smart_id_yes", form.smart_id_card != "no");
  content.set("smart_id_no", form.smart_id_card == "no");
  content.set("language_en", form.language == "en");
  content.set("language_tc", form.language != "en");
  content.set("guardian_name", form.guardian_name);
  content.set("guardian_parent", form.guardian_relationship == "parent");
  content.set("guardian_guardian", form.guardian_relationship == "guardian");
  content.set("guardian_phone", form.guardian_phone);
  content.set("guardian_accepts", form.guardian_accepts == "yes");
}

domain::ApplicantForm form_from(const Request& request) {
  domain::ApplicantForm form;
  for (const auto& [name, member] : domain::applicant_form_fields())
    form.*member = request.form_value(std::string(name));
  return form;
}

}  // namespace

// The columns the queue and the counter search share.
mustache::data RegistrationPages::summary_row(Language lang, const app::ApplicationSummary& entry) const {
  const auto& record = entry.record;
  data row;
  row.set("id", std::to_string(record.id));
  row.set("reference", record.reference);
  row.set("name", record.name_en + (record.name_zh.empty() ? "" : " " + record.name_zh));
  row.set("hkid", record.hkid_masked);
  row.set("type", t(lang, domain::registration_type_label(record.type)));
  row.set("status", t(lang, domain::application_status_label(record.status)));
  row.set("library", entry.library_code);
  return row;
}

std::string RegistrationPages::when(Language lang, Instant at) const {
  return format_date_time(kit_.translations(), lang, kit_.app_context().zone.to_local(at));
}

std::string RegistrationPages::draft_cookie_name(const Request& request) const {
  return request.tls ? "__Host-sm_register" : "sm_register";
}

Response RegistrationPages::to_step(Page& p, std::string_view step) {
  auto response = redirect("/" + lang_code(p.lang) + "/register" + (step.empty() ? "" : "/" + std::string(step)));
  for (const auto& [name, value] : p.cookies) response.headers.emplace_back("Set-Cookie", name + "=" + value);
  return response;
}

void RegistrationPages::steps(Page& p, data& content, int current, const app::DraftView& draft) {
  struct Step {
    const char* path;
    const char* label;
  };
  static constexpr Step kSteps[] = {{"terms", N_("Statement and declarations")},
                                    {"details", N_("Your details")},
                                    {"documents", N_("Documents")},
                                    {"review", N_("Check and submit")}};
  auto items = list();
  for (int i = 0; i < 4; ++i) {
    data item;
    item.set("number", std::to_string(i + 1));
    item.set("label", t(p.lang, kSteps[i].label));
    item.set("current", i + 1 == current);
    const bool reachable = i == 0 || (i == 1 && draft.terms_accepted) || (i == 2 && draft.details_valid) ||
                           (i == 3 && draft.details_valid && draft.documents_complete);
    if (reachable && i + 1 != current) item.set("url", "/" + lang_code(p.lang) + "/register/" + kSteps[i].path);
    items.push_back(item);
  }
  content.set("steps", items);
  content.set("step_of", tf(p.lang, "Step {n} of {total}", {{"n", std::to_string(current)}, {"total", "4"}}));
  content.set("reference", draft.reference);
  content.set("type_label", t(p.lang, domain::registration_type_label(draft.type)));
  content.set("type_b", draft.type == RegistrationType::kLibraryCard);
}

// ----- the applicant -----

Response RegistrationPages::applicant(Page& p, std::string_view step) {
  p.nav = "register";
  const bool post = p.request.method == "POST";
  if (!services_) return kit_.error_page(p, 404);
  if (step.empty()) return start_page(p);
  if (step == "start") return post ? start(p) : to_step(p, "");
  const auto draft = app::find_draft(kit_.app_context(), *services_, p.request.cookie(draft_cookie_name(p.request)));
  if (!draft) {
    // No application in progress on this browser (never started, submitted, expired, or cookie gone).
    if (post) return kit_.error_page(p, 419);
    return to_step(p, "");
  }
  if (step == "terms") return terms(p, *draft);
  if (step == "details") return details(p, *draft);
  if (step == "documents") return documents(p, *draft);
  if (step == "review") return post ? submit(p, *draft) : review(p, *draft);
  return kit_.error_page(p, 404);
}

Response RegistrationPages::start_page(Page& p) {
  data content;
  content.set("csrf", kit_.sign_in_csrf(p));
  if (auto draft = app::find_draft(kit_.app_context(), *services_, p.request.cookie(draft_cookie_name(p.request)))) {
    content.set("draft_reference", draft->reference);
    content.set("draft_type", t(p.lang, domain::registration_type_label(draft->type)));
  }
  if (p.reader) content.set("signed_in", true);
  return private_page(kit_.page(p, "register_start", t(p.lang, "Register for a library account"), content));
}

Response RegistrationPages::start(Page& p) {
  const auto type = domain::parse_registration_type(p.request.form_value("type"));
  if (!type) return kit_.error_page(p, 400);
  auto started = app::start_application(kit_.app_context(), *services_, *type, p.request.remote_address);
  if (!started) {
    data content;
    content.set("csrf", kit_.sign_in_csrf(p));
    kit_.add_failure(p.lang, content, started.error());
    return private_page(kit_.page(p, "register_start", t(p.lang, "Register for a library account"), content, 429));
  }
  spdlog::info("registration started type={}", domain::registration_type_code(*type));
  p.cookies.emplace_back(draft_cookie_name(p.request), started->token + kit_.cookie_attributes(p.request));
  return to_step(p, "terms");
}

Response RegistrationPages::terms(Page& p, const app::DraftView& draft) {
  std::vector<domain::FieldError> errors;
  if (p.request.method == "POST") {
    auto accepted =
        app::accept_terms(kit_.app_context(), *services_, p.request.cookie(draft_cookie_name(p.request)),
                          p.request.form_value("statement") == "yes", p.request.form_value("declarations") == "yes",
                          p.request.form_value("regulation") == "yes");
    if (accepted) return to_step(p, "details");
    errors = accepted.error().fields;
  }
  data content;
  content.set("csrf", kit_.sign_in_csrf(p));
  content.set("terms_version", std::string(domain::kTermsVersion));
  content.set("accepted", draft.terms_accepted);
  kit_.add_errors(p.lang, content, errors);
  steps(p, content, 1, draft);
  return private_page(
      kit_.page(p, "register_terms", t(p.lang, "Statement and declarations"), content, errors.empty() ? 200 : 422));
}

Response RegistrationPages::details(Page& p, const app::DraftView& draft) {
  if (!draft.terms_accepted) return to_step(p, "terms");
  if (p.request.method != "POST") return details_form(p, draft, draft.form, {}, 200);
  const auto form = form_from(p.request);
  auto saved = app::save_details(kit_.app_context(), *services_, p.request.cookie(draft_cookie_name(p.request)), form,
                                 p.request.form_value("password"), p.request.form_value("password_repeat"));
  if (saved) return to_step(p, "documents");
  auto errors = saved.error().fields;
  if (errors.empty()) errors.push_back({"", saved.error().code, {}});
  auto updated = app::find_draft(kit_.app_context(), *services_, p.request.cookie(draft_cookie_name(p.request)));
  return details_form(p, updated ? *updated : draft, form, errors, 422);
}

Response RegistrationPages::details_form(Page& p, const app::DraftView& draft, const domain::ApplicantForm& form,
                                         const std::vector<domain::FieldError>& errors, int status) {
  data content;
  content.set("csrf", kit_.sign_in_csrf(p));
  set_form(content, form);
  content.set("password_set", draft.password_set);
  auto libraries = list();
  const auto snapshot = kit_.network_snapshot();
  for (const auto& library : snapshot->libraries) {
    if (!domain::completes_registrations(library.kind)) continue;
    data option;
    option.set("code", library.code);
    option.set("name", library.name.in(p.lang));
    option.set("selected", library.code == form.library_code);
    libraries.push_back(option);
  }
  content.set("libraries", libraries);
  content.set("no_library", form.library_code.empty());
  kit_.add_errors(p.lang, content, errors);
  steps(p, content, 2, draft);
  return private_page(kit_.page(p, "register_details", t(p.lang, "Your details"), content, status));
}

Response RegistrationPages::documents(Page& p, const app::DraftView& draft) {
  if (!draft.details_valid) return to_step(p, "details");
  if (p.request.method != "POST") return documents_form(p, draft, {}, 200);
  std::vector<domain::FieldError> errors;
  const auto token = p.request.cookie(draft_cookie_name(p.request));
  // Only the files this application asks for are read; any other file part in the body is ignored.
  for (auto kind : domain::required_documents(draft.type)) {
    const std::string field(domain::document_kind_code(kind));
    const auto* file = p.request.file(field);
    if (!file || (file->bytes.empty() && !file->too_large && file->filename.empty())) continue;  // not chosen
    auto uploaded = app::upload_document(kit_.app_context(), *services_, token, kind, file->bytes, file->too_large);
    if (!uploaded) {
      for (const auto& error : uploaded.error().fields) errors.push_back(error);
      spdlog::info("registration upload refused kind={} reason={}", field,
                   domain::error_info(uploaded.error().code).name);
    }
  }
  auto updated = app::find_draft(kit_.app_context(), *services_, token);
  if (!updated) return kit_.error_page(p, 419);
  if (errors.empty() && updated->documents_complete) return to_step(p, "review");
  if (errors.empty())
    for (auto kind : domain::required_documents(updated->type))
      if (std::none_of(updated->documents.begin(), updated->documents.end(),
                       [&](const auto& d) { return d.kind == kind; }))
        errors.push_back({std::string(domain::document_kind_code(kind)), ErrorCode::kRequired, {}});
  return documents_form(p, *updated, errors, 422);
}

Response RegistrationPages::documents_form(Page& p, const app::DraftView& draft,
                                           const std::vector<domain::FieldError>& errors, int status) {
  data content;
  content.set("csrf", kit_.sign_in_csrf(p));
  content.set("max_bytes", std::to_string(domain::kMaxDocumentBytes));
  content.set("msg_too_large", kit_.translations().error_message(p.lang, ErrorCode::kFileTooLarge));
  content.set("msg_not_image", kit_.translations().error_message(p.lang, ErrorCode::kFileNotImage));
  auto slots = list();
  for (auto kind : domain::required_documents(draft.type)) {
    data slot;
    const std::string field(domain::document_kind_code(kind));
    slot.set("field", field);
    slot.set("label", t(p.lang, domain::document_kind_label(kind)));
    slot.set("hint", kind == domain::DocumentKind::kIdentity
                         ? t(p.lang, "A photo or scan of the front of your Hong Kong identity card.")
                         : t(p.lang,
                             "A bill, bank statement or letter from the last three months showing your name "
                             "and residential address."));
    for (const auto& document : draft.documents)
      if (document.kind == kind)
        slot.set("uploaded", tf(p.lang, "Uploaded: {type}, {width} × {height} pixels, {size}",
                                {{"type", document.media_type == "image/png" ? "PNG" : "JPG"},
                                 {"width", std::to_string(document.width)},
                                 {"height", std::to_string(document.height)},
                                 {"size", file_size(document.byte_count)}}));
    for (const auto& error : errors)
      if (error.field == field) slot.set("error", kit_.translations().error_message(p.lang, error));
    slots.push_back(slot);
  }
  content.set("slots", slots);
  kit_.add_errors(p.lang, content, errors);
  steps(p, content, 3, draft);
  return private_page(kit_.page(p, "register_documents", t(p.lang, "Documents"), content, status));
}

Response RegistrationPages::review(Page& p, const app::DraftView& draft) {
  if (!draft.details_valid) return to_step(p, "details");
  if (!draft.documents_complete) return to_step(p, "documents");
  data content;
  content.set("csrf", kit_.sign_in_csrf(p));
  set_form(content, draft.form);
  if (auto hkid = domain::parse_hkid(draft.form.hkid)) content.set("hkid", hkid->display());
  if (const auto born = parse_iso_date(draft.form.date_of_birth))
    content.set("date_of_birth", format_date(kit_.translations(), p.lang, *born, false));
  content.set("sex", draft.form.sex == "F"   ? t(p.lang, "Female")
                     : draft.form.sex == "M" ? t(p.lang, "Male")
                                             : t(p.lang, "Not given"));
  content.set("language", draft.form.language == "en" ? std::string("English") : std::string("繁體中文"));
  content.set("smart_id", draft.form.smart_id_card == "yes" ? t(p.lang, "Yes") : t(p.lang, "No"));
  const auto snapshot = kit_.network_snapshot();
  for (const auto& library : snapshot->libraries)
    if (library.code == draft.form.library_code) content.set("library", library.name.in(p.lang));
  content.set("minor", !draft.form.guardian_name.empty());
  auto documents = list();
  for (const auto& document : draft.documents) {
    data row;
    row.set("label", t(p.lang, domain::document_kind_label(document.kind)));
    row.set("size", file_size(document.byte_count));
    documents.push_back(row);
  }
  content.set("documents", documents);
  content.set("active_at_once", domain::active_on_submission(draft.type, draft.form.smart_id_card == "yes"));
  steps(p, content, 4, draft);
  return private_page(kit_.page(p, "register_review", t(p.lang, "Check and submit"), content));
}

Response RegistrationPages::submit(Page& p, const app::DraftView& draft) {
  // A hidden field that people never see or fill: automated submissions often do.
  if (!p.request.form_value("website").empty()) {
    spdlog::info("registration refused: honeypot field filled");
    return kit_.error_page(p, 400);
  }
  auto submitted = app::submit_application(kit_.app_context(), *services_,
                                           p.request.cookie(draft_cookie_name(p.request)), p.request.remote_address);
  if (!submitted) {
    if (submitted.error().code == ErrorCode::kStepMissing) return to_step(p, "details");
    data content;
    content.set("csrf", kit_.sign_in_csrf(p));
    kit_.add_failure(p.lang, content, submitted.error());
    set_form(content, draft.form);
    steps(p, content, 4, draft);
    spdlog::info("registration submission refused reason={}", domain::error_info(submitted.error().code).name);
    return private_page(kit_.page(p, "register_review", t(p.lang, "Check and submit"), content, 409));
  }
  spdlog::info("registration submitted type={}", domain::registration_type_code(submitted->type));
  data content;
  content.set("reference", submitted->reference);
  content.set("can_log_in_now", submitted->can_log_in_now);
  content.set("type_b", submitted->type == RegistrationType::kLibraryCard);
  content.set("type_a_pending", submitted->type == RegistrationType::kEAccount && !submitted->can_log_in_now);
  if (submitted->library_code) {
    const auto snapshot = kit_.network_snapshot();
    for (const auto& library : snapshot->libraries)
      if (library.code == *submitted->library_code) {
        content.set("library", library.name.in(p.lang));
        content.set("library_code", library.code);
      }
  }
  p.switch_path = "/" + lang_code(p.lang) + "/register";
  auto response = kit_.page(p, "register_done", t(p.lang, "Application received"), content);
  response.headers.emplace_back("Set-Cookie",
                                draft_cookie_name(p.request) + "=" + kit_.cookie_attributes(p.request) + "; Max-Age=0");
  return private_page(std::move(response));
}

// ----- staff -----

void RegistrationPages::add_routes(RouteTable& routes) {
  using domain::Permission;
  const auto signing_in = Access::signing_in();
  routes.get("/{lang}/register", signing_in, [this](Page& p, const RouteParams&) { return applicant(p, ""); });
  for (const char* step : {"start", "terms", "details", "documents", "review"}) {
    const auto pattern = std::string("/{lang}/register/") + step;
    routes.get(pattern, signing_in, [this, step](Page& p, const RouteParams&) { return applicant(p, step); });
    routes.post(pattern, signing_in, [this, step](Page& p, const RouteParams&) { return applicant(p, step); });
  }

  // Staff pages; a site without registration services has none of them.
  auto staff = [this](auto handler) {
    return [this, handler](Page& p, const RouteParams& params) {
      if (!services_) return kit_.error_page(p, 404);
      return handler(p, params);
    };
  };
  const auto verifiers = Access::staff({Permission::kVerifyRegistrations});
  const auto completers = Access::staff({Permission::kCompleteRegistrations});
  routes.get("/{lang}/staff/temporary-card", completers,
             staff([this](Page& p, const RouteParams&) { return temporary_card(p, {}, {}, 200); }));
  routes.post("/{lang}/staff/temporary-card", completers,
              staff([this](Page& p, const RouteParams&) { return temporary_card_post(p); }));
  routes.get("/{lang}/staff/registrations", verifiers, staff([this](Page& p, const RouteParams&) { return queue(p); }));
  // The search is posted so that an HKID typed stays out of addresses; the GET shows the empty form.
  routes.get("/{lang}/staff/registrations/complete", completers,
             staff([this](Page& p, const RouteParams&) { return completion_search(p); }));
  routes.post("/{lang}/staff/registrations/complete", completers,
              staff([this](Page& p, const RouteParams&) { return completion_search(p); }));
  routes.get("/{lang}/staff/registrations/{id}",
             Access::staff({Permission::kVerifyRegistrations, Permission::kCompleteRegistrations}),
             staff([this](Page& p, const RouteParams& params) { return application(p, params.number(0)); }));
  routes.post("/{lang}/staff/registrations/{id}/approve", verifiers,
              staff([this](Page& p, const RouteParams& params) { return decide(p, params.number(0), true); }));
  routes.post("/{lang}/staff/registrations/{id}/reject", verifiers,
              staff([this](Page& p, const RouteParams& params) { return decide(p, params.number(0), false); }));
  routes.get("/{lang}/staff/registrations/{id}/complete", completers, staff([this](Page& p, const RouteParams& params) {
               return completion_form(p, params.number(0), {}, {}, 200);
             }));
  routes.post("/{lang}/staff/registrations/{id}/complete", completers,
              staff([this](Page& p, const RouteParams& params) { return complete(p, params.number(0)); }));
  routes.get(
      "/{lang}/staff/registrations/{id}/documents/{document}", verifiers,
      staff([this](Page& p, const RouteParams& params) { return document(p, params.number(0), params.number(1)); }));
}

Response RegistrationPages::queue(Page& p) {
  const auto& request = p.request;
  app::ApplicationFilter filter;
  filter.type = domain::parse_registration_type(request.query_value("type"));
  if (auto status = domain::parse_application_status(request.query_value("status"))) filter.statuses = {*status};
  const auto library_code = request.query_value("library");
  const auto snapshot = kit_.network_snapshot();
  for (const auto& library : snapshot->libraries)
    if (library.code == library_code) filter.library_id = library.id;
  long long page_number = std::max(1LL, parse_id(request.query_value("page")));
  page_number = std::min(page_number, 100000LL);
  filter.limit = 50;
  filter.offset = static_cast<int>((page_number - 1) * 50);
  auto result = app::registration_queue(kit_.app_context(), p.session->actor(), filter);
  if (!result) return kit_.error_page(p, 403);

  data content;
  auto rows = list();
  const auto now = kit_.app_context().clock.now();
  for (const auto& entry : result->entries) {
    const auto& record = entry.record;
    auto row = summary_row(p.lang, entry);
    row.set("documents", std::to_string(entry.documents));
    if (record.submitted_at) {
      row.set("submitted", when(p.lang, *record.submitted_at));
      const auto days = std::chrono::duration_cast<std::chrono::hours>(now - *record.submitted_at).count() / 24;
      row.set("waiting", tf(p.lang, "{days} days", {{"days", std::to_string(days)}}));
      row.set("old", days >= domain::kApplicationWaitingTooLongDays);
    }
    rows.push_back(row);
  }
  content.set("rows", rows);
  content.set("has_rows", !rows.is_empty_list());
  content.set("total", format_count(result->total));
  auto types = list();
  for (auto type : {RegistrationType::kEAccount, RegistrationType::kLibraryCard}) {
    data option;
    option.set("code", std::string(domain::registration_type_code(type)));
    option.set("label", t(p.lang, domain::registration_type_label(type)));
    option.set("selected", filter.type == type);
    types.push_back(option);
  }
  content.set("types", types);
  auto statuses = list();
  for (auto status : {domain::ApplicationStatus::kSubmitted, domain::ApplicationStatus::kVerified,
                      domain::ApplicationStatus::kCompleted, domain::ApplicationStatus::kRejected,
                      domain::ApplicationStatus::kExpired}) {
    data option;
    option.set("code", std::string(domain::application_status_code(status)));
    option.set("label", t(p.lang, domain::application_status_label(status)));
    option.set("selected", filter.statuses.size() == 1 && filter.statuses[0] == status);
    statuses.push_back(option);
  }
  content.set("statuses", statuses);
  auto libraries = list();
  for (const auto& library : snapshot->libraries) {
    if (!domain::completes_registrations(library.kind)) continue;
    data option;
    option.set("code", library.code);
    option.set("name", library.name.in(p.lang));
    option.set("selected", library.code == library_code);
    libraries.push_back(option);
  }
  content.set("libraries", libraries);
  if (page_number > 1) content.set("previous", std::to_string(page_number - 1));
  if (page_number * 50 < result->total) content.set("next", std::to_string(page_number + 1));
  content.set("query_type", request.query_value("type"));
  content.set("query_status", request.query_value("status"));
  content.set("query_library", library_code);
  const auto flash = request.query_value("done");
  if (flash == "approved") content.set("flash", t(p.lang, "The application was approved and its documents destroyed."));
  if (flash == "rejected") content.set("flash", t(p.lang, "The application was rejected and its documents destroyed."));
  return private_page(kit_.page(p, "staff_registrations", t(p.lang, "Registration applications"), content));
}

Response RegistrationPages::application(Page& p, long long id, const std::vector<domain::FieldError>& errors,
                                        int status) {
  auto detail = app::application_detail(kit_.app_context(), *services_, p.session->actor(), id);
  if (!detail) return kit_.failure_page(p, detail.error());
  const auto& record = detail->summary.record;
  const auto& form = detail->form;
  data content;
  content.set("id", std::to_string(id));
  content.set("reference", record.reference);
  content.set("type", t(p.lang, domain::registration_type_label(record.type)));
  content.set("type_b", record.type == RegistrationType::kLibraryCard);
  content.set("status", t(p.lang, domain::application_status_label(record.status)));
  content.set("submitted", record.submitted_at ? when(p.lang, *record.submitted_at) : "");
  content.set("terms", record.terms_accepted_at
                           ? tf(p.lang, "version {version}, accepted {when}",
                                {{"version", record.terms_version}, {"when", when(p.lang, *record.terms_accepted_at)}})
                           : "");
  content.set("has_form", record.form.has_value());
  set_form(content, form);
  content.set("hkid", detail->hkid_display);
  content.set("sex", form.sex.empty()  ? t(p.lang, "Not given")
                     : form.sex == "F" ? t(p.lang, "Female")
                                       : t(p.lang, "Male"));
  content.set("smart_id", form.smart_id_card == "yes" ? t(p.lang, "Yes") : t(p.lang, "No"));
  content.set("language", form.language == "en" ? std::string("English") : std::string("繁體中文"));
  content.set("library", detail->summary.library_code);
  content.set("minor", !form.guardian_name.empty());
  auto documents = list();
  for (const auto& document : detail->documents) {
    data row;
    row.set("label", t(p.lang, domain::document_kind_label(document.kind)));
    row.set("url", "/" + lang_code(p.lang) + "/staff/registrations/" + std::to_string(id) + "/documents/" +
                       std::to_string(document.id));
    row.set("size", tf(p.lang, "{width} × {height} pixels, {size}",
                       {{"width", std::to_string(document.width)},
                        {"height", std::to_string(document.height)},
                        {"size", file_size(document.byte_count)}}));
    documents.push_back(row);
  }
  content.set("documents", documents);
  content.set("has_documents", !documents.is_empty_list());
  auto deletions = list();
  for (const auto& deletion : detail->deletions) {
    if (deletion.decision == "replaced") continue;  // the applicant's own replacements are not decisions
    data row;
    row.set("label", t(p.lang, domain::document_kind_label(deletion.kind)));
    row.set("when", when(p.lang, deletion.deleted_at));
    row.set("decision", deletion.decision);
    deletions.push_back(row);
  }
  content.set("deletions", deletions);
  content.set("has_deletions", !deletions.is_empty_list());
  const auto role = p.session->user.role;
  const bool open = record.status == domain::ApplicationStatus::kSubmitted;
  content.set("can_decide", open && domain::role_allows(role, domain::Permission::kVerifyRegistrations));
  content.set("can_reject", domain::application_in_progress(record.status) &&
                                domain::role_allows(role, domain::Permission::kVerifyRegistrations));
  content.set("can_complete", domain::completable_in_person(record.type, record.status) &&
                                  domain::role_allows(role, domain::Permission::kCompleteRegistrations));
  auto reasons = list();
  for (auto reason : domain::all_rejection_reasons()) {
    data option;
    option.set("code", std::string(domain::rejection_reason_code(reason)));
    option.set("label", t(p.lang, domain::rejection_reason_label(reason)));
    reasons.push_back(option);
  }
  content.set("reasons", reasons);
  kit_.add_errors(p.lang, content, errors);
  return private_page(kit_.page(p, "staff_registration",
                                tf(p.lang, "Application {reference}", {{"reference", record.reference}}), content,
                                status));
}

Response RegistrationPages::document(Page& p, long long id, long long document_id) {
  auto document = app::application_document(kit_.app_context(), *services_, p.session->actor(), id, document_id);
  if (!document) return kit_.failure_page(p, document.error());
  Response response;
  response.body = std::move(document->bytes);
  response.set_header("Content-Type", document->record.media_type);
  // Shown inline by <img> on the application page; opened directly, the browser saves it instead.
  response.set_header("Content-Disposition", std::string("attachment; filename=\"") +
                                                 std::string(domain::document_kind_code(document->record.kind)) + "-" +
                                                 std::to_string(id) +
                                                 (document->record.media_type == "image/png" ? ".png\"" : ".jpg\""));
  response.set_header("Cache-Control", "no-store");
  return response;
}

Response RegistrationPages::decide(Page& p, long long id, bool approve) {
  const auto actor = p.session->actor();
  auto result =
      approve ? app::approve_application(kit_.app_context(), *services_, actor, id)
              : app::reject_application(kit_.app_context(), *services_, actor, id, p.request.form_value("reason"));
  if (!result) {
    if (auto refused = kit_.refusal_page(p, result.error())) return *refused;
    auto errors = result.error().fields;
    if (errors.empty()) errors.push_back({"", result.error().code, {}});
    return application(p, id, errors, 409);
  }
  auto response =
      redirect("/" + lang_code(p.lang) + "/staff/registrations?done=" + (approve ? "approved" : "rejected"));
  return response;
}

Response RegistrationPages::completion_search(Page& p) {
  // The search is posted, never a query string: what is typed may be an HKID number, which must stay out of
  // browser history, proxy logs and the language switch (Hardening 5).
  p.switch_path = "/" + lang_code(p.lang) + "/staff/registrations/complete";
  const auto query = p.request.method == "POST" ? p.request.form_value("q") : std::string();
  auto found = app::find_for_completion(kit_.app_context(), p.session->actor(), query);
  if (!found) return kit_.error_page(p, 403);
  data content;
  content.set("q", query);
  content.set("searched", !trim(query).empty());
  auto rows = list();
  for (const auto& entry : found.value()) {
    data row;
    row.set("id", std::to_string(entry.id));
    row.set("reference", entry.reference);
    row.set("name", entry.name_en + (entry.name_zh.empty() ? "" : " " + entry.name_zh));
    row.set("hkid", entry.hkid_masked);
    row.set("status", t(p.lang, domain::application_status_label(entry.status)));
    row.set("library", entry.library_code);
    rows.push_back(row);
  }
  content.set("rows", rows);
  content.set("has_rows", !rows.is_empty_list());
  // A fixed text: nothing from the query string is shown (Hardening 8).
  if (p.request.query_value("done") == "1")
    content.set("flash", t(p.lang, "Registration completed. The new account is ready to use."));
  return private_page(kit_.page(p, "staff_registration_search", t(p.lang, "Complete a registration"), content));
}

Response RegistrationPages::completion_form(Page& p, long long id, const app::CompletionInput& input,
                                            const std::vector<domain::FieldError>& errors, int status) {
  // Only what completing the application needs (Hardening 7): the app gives counter staff nothing else.
  auto view = app::completion_view(kit_.app_context(), *services_, p.session->actor(), id);
  if (!view) return kit_.failure_page(p, view.error());
  data content;
  content.set("id", std::to_string(id));
  content.set("reference", view->reference);
  content.set("status", t(p.lang, domain::application_status_label(view->status)));
  content.set("name", view->name_en + (view->name_zh.empty() ? "" : " " + view->name_zh));
  content.set("hkid", view->hkid_masked);
  content.set("address", view->address);
  const auto snapshot = kit_.network_snapshot();
  for (const auto& library : snapshot->libraries)
    if (library.code == view->library_code) content.set("library", library.name.in(p.lang));
  content.set("category", t(p.lang, domain::reader_category_label(view->category)));
  content.set("link_smart_id", input.link_smart_id);
  content.set("smart_id_number", input.smart_id_number);
  content.set("smart_id_issue_date", input.smart_id_issue_date);
  content.set("issue_card", input.issue_card || errors.empty());
  content.set("card_number", input.card_number);
  kit_.add_errors(p.lang, content, errors);
  return private_page(
      kit_.page(p, "staff_registration_complete", t(p.lang, "Complete a registration"), content, status));
}

Response RegistrationPages::complete(Page& p, long long id) {
  app::CompletionInput input;
  input.link_smart_id = p.request.form_value("link_smart_id") == "yes";
  input.smart_id_number = p.request.form_value("smart_id_number");
  input.smart_id_issue_date = p.request.form_value("smart_id_issue_date");
  input.issue_card = p.request.form_value("issue_card") == "yes";
  input.card_number = p.request.form_value("card_number");
  auto result = app::complete_in_person(kit_.app_context(), *services_, p.session->actor(), id, input);
  if (!result) {
    if (auto refused = kit_.refusal_page(p, result.error())) return *refused;
    auto errors = result.error().fields;
    if (errors.empty()) errors.push_back({"", result.error().code, {}});
    return completion_form(p, id, input, errors, 422);
  }
  auto response = redirect("/" + lang_code(p.lang) + "/staff/registrations/complete?done=1");
  return response;
}

Response RegistrationPages::temporary_card(Page& p, const app::TemporaryCardInput& input,
                                           const std::vector<domain::FieldError>& errors, int status) {
  data content;
  content.set("name", input.name);
  content.set("card_number", input.card_number);
  content.set("expires_on", input.expires_on);
  content.set("email", input.email);
  content.set("mobile", input.mobile);
  content.set("address", input.address);
  content.set("language_en", input.language == "en");
  content.set("language_tc", input.language != "en");
  p.switch_path = "/" + lang_code(p.lang) + "/staff/temporary-card";
  if (p.request.query_value("issued") == "1") content.set("flash", t(p.lang, "The temporary card has been issued."));
  kit_.add_errors(p.lang, content, errors);
  return private_page(kit_.page(p, "staff_temporary_card", t(p.lang, "Temporary library card"), content, status));
}

Response RegistrationPages::temporary_card_post(Page& p) {
  app::TemporaryCardInput input{p.request.form_value("name"),       p.request.form_value("card_number"),
                                p.request.form_value("expires_on"), p.request.form_value("email"),
                                p.request.form_value("mobile"),     p.request.form_value("address"),
                                p.request.form_value("language")};
  auto result = app::issue_temporary_card(kit_.app_context(), p.session->actor(), input);
  if (!result) {
    if (result.error().code == ErrorCode::kPermissionDenied) return kit_.error_page(p, 403);
    auto errors = result.error().fields;
    if (errors.empty()) errors.push_back({"", result.error().code, {}});
    return temporary_card(p, input, errors, 422);
  }
  auto response = redirect("/" + lang_code(p.lang) + "/staff/temporary-card?issued=1");
  return response;
}

}  // namespace shelfmark::web
