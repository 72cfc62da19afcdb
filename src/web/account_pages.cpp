#include "web/account_pages.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "app/activities.h"
#include "app/audit_trail.h"
#include "app/circulation.h"
#include "app/enquiries.h"
#include "app/reader_care.h"
#include "core/text.h"
#include "web/formats.h"
#include "web/views.h"

namespace shelfmark::web {
namespace {

using domain::ErrorCode;
using mustache::data;

// Where to go after signing in: a page of this site in this language (an activity to enrol in), never
// another site ("//evil.example", "/\\evil.example").
std::string return_path(const Page& p, const std::string& next) {
  const auto prefix = "/" + lang_code(p.lang) + "/";
  if (next.size() > 300 || !next.starts_with(prefix) || next.find("//") != std::string::npos ||
      next.find('\\') != std::string::npos)
    return "";
  for (unsigned char c : next)
    if (c < 0x21 || c == 0x7f) return "";
  return next;
}

}  // namespace

void AccountPages::add_routes(RouteTable& routes) {
  const auto signing_in = Access::signing_in();
  routes.get("/{lang}/login", signing_in, [this](Page& p, const RouteParams&) { return reader_login(p); });
  routes.post("/{lang}/login", signing_in, [this](Page& p, const RouteParams&) { return reader_login(p); });
  routes.get("/{lang}/login/forgot", signing_in, [this](Page& p, const RouteParams&) { return forgot_password(p); });
  routes.post("/{lang}/login/forgot", signing_in, [this](Page& p, const RouteParams&) { return forgot_password(p); });
  routes.get("/{lang}/login/reset", signing_in, [this](Page& p, const RouteParams&) { return reset_password(p); });
  routes.post("/{lang}/login/reset", signing_in, [this](Page& p, const RouteParams&) { return reset_password(p); });
  const auto reader = Access::reader();
  routes.post("/{lang}/logout", reader, [this](Page& p, const RouteParams&) { return reader_logout(p); });
  routes.get("/{lang}/account", reader, [this](Page& p, const RouteParams&) { return account(p); });
  routes.get("/{lang}/account/data.json", reader,
             [this](Page& p, const RouteParams&) { return account_data(p, true); });
  routes.get("/{lang}/account/data.csv", reader,
             [this](Page& p, const RouteParams&) { return account_data(p, false); });
  for (const char* action : {"renew", "cancel-reservation", "change-pickup", "return-ebook", "pin", "password",
                             "preferences", "contact", "calendar", "card-lost"})
    routes.post(std::string("/{lang}/account/") + action, reader,
                [this, action](Page& p, const RouteParams&) { return account_post(p, action); });
  // The calendar link is its own key: no session.
  routes.get("/calendar/{token}.ics", Access::anyone(),
             [this](Page& p, const RouteParams& params) { return calendar_feed(p.request, params.text(0) + ".ics"); });
}

Response AccountPages::reader_login_form(Page& p, const std::string& card,
                                         const std::optional<domain::Failure>& failure, int status) {
  p.nav = "account";
  data content;
  content.set("csrf", kit_.sign_in_csrf(p));
  content.set("card", card);
  const auto next =
      return_path(p, p.request.method == "POST" ? p.request.form_value("next") : p.request.query_value("next"));
  if (!next.empty()) content.set("next", next);
  if (p.request.query_value("reset") == "1")
    content.set("flash", kit_.t(p.lang, "Your password has been changed. Sign in with the new one."));
  if (failure) kit_.add_failure(p.lang, content, *failure);
  p.switch_path = "/" + lang_code(p.lang) + "/login";
  auto response = kit_.page(p, "reader_login", kit_.t(p.lang, "Sign in to My Account"), content, status);
  response.set_header("Cache-Control", "no-store");
  return response;
}

Response AccountPages::reader_login(Page& p) {
  if (p.request.method != "POST") {
    if (p.reader) return redirect("/" + lang_code(p.lang) + "/account");
    return reader_login_form(p, "", std::nullopt);
  }
  const auto card = std::string(trim(p.request.form_value("card")));
  auto result =
      app::reader_log_in(kit_.app_context(), card, p.request.form_value("password"), p.request.remote_address);
  if (!result) {
    spdlog::info("auth reader_login outcome={}", domain::error_info(result.error().code).name);
    const int status = PageKit::form_status(result.error());
    return reader_login_form(p, card, result.error(), status);
  }
  const auto next = return_path(p, p.request.form_value("next"));
  auto response = redirect(next.empty() ? "/" + lang_code(p.lang) + "/account" : next);
  response.headers.emplace_back(
      "Set-Cookie", reader_cookie_name(p.request) + "=" + result->session_token + kit_.cookie_attributes(p.request));
  return response;
}

// "Forgot your password": the same answer whether or not an account matched.
Response AccountPages::forgot_password(Page& p) {
  p.nav = "account";
  data content;
  int status = 200;
  if (p.request.method == "POST") {
    auto requested = app::request_password_reset(kit_.app_context(), {}, p.request.form_value("card"),
                                                 p.request.remote_address, p.lang);
    if (requested) {
      spdlog::info("reader password reset requested");
      content.set("sent", true);
    } else {
      kit_.add_failure(p.lang, content, requested.error());
      status = 429;
    }
  }
  content.set("csrf", kit_.sign_in_csrf(p));
  auto response = kit_.page(p, "reader_forgot", kit_.t(p.lang, "Forgotten password"), content, status);
  response.set_header("Cache-Control", "no-store");
  return response;
}

Response AccountPages::reset_password(Page& p) {
  p.nav = "account";
  const bool post = p.request.method == "POST";
  const auto token = post ? p.request.form_value("token") : p.request.query_value("token");
  data content;
  content.set("csrf", kit_.sign_in_csrf(p));
  content.set("token", token);
  int status = 200;
  if (post) {
    auto reset = app::reset_password(kit_.app_context(), token, p.request.form_value("new_password"),
                                     p.request.form_value("repeated_password"));
    if (reset) {
      spdlog::info("reader password reset");
      auto response = redirect("/" + lang_code(p.lang) + "/login?reset=1");
      return response;
    }
    if (reset.error().code != ErrorCode::kNotFound) {
      kit_.add_failure(p.lang, content, reset.error());
      status = 422;
    }
  }
  if (!app::password_reset_usable(kit_.app_context(), token)) {
    content.set("expired", true);
    status = post ? 410 : 200;
  }
  // The page is reached from a link with the token in it: not cached, and the site's Referrer-Policy
  // (strict-origin-when-cross-origin) never sends the path to another site; the page loads nothing foreign.
  p.switch_path = "/" + lang_code(p.lang) + "/login/forgot";
  auto response = kit_.page(p, "reader_reset", kit_.t(p.lang, "Choose a new password"), content, status);
  response.set_header("Cache-Control", "no-store");
  return response;
}

Response AccountPages::reader_logout(Page& p) {
  app::reader_log_out(kit_.app_context(), p.request.cookie(reader_cookie_name(p.request)));
  auto response = redirect("/" + lang_code(p.lang) + "/");
  response.headers.emplace_back(
      "Set-Cookie", reader_cookie_name(p.request) + "=" + kit_.cookie_attributes(p.request) + "; Max-Age=0");
  return response;
}

Response AccountPages::account(Page& p, data content) {
  p.nav = "account";
  const auto lang = p.lang;
  auto view = app::account_view(kit_.app_context(), kit_.network_cache(), p.reader->reader.id);
  if (!view) return kit_.error_page(p, 404);
  const auto snapshot = kit_.network_snapshot();
  const auto& reader = view->reader;
  content.set("reader_name", reader.name);
  content.set("card", reader.card_number);
  content.set("status", kit_.t(lang, reader_status_label(reader.status)));
  content.set("status_class", reader.status == domain::ReaderStatus::kActive ? "open" : "closed");
  content.set("charges", domain::format_money(view->charges_outstanding));
  set_standing(kit_.translations(), lang, content, view->standing,
               N_("You cannot borrow, renew or reserve at the moment"));
  // Notes the library left for the reader: shown here, where signing in lands, until acknowledged.
  const auto notes = app::notes_to_acknowledge(kit_.app_context(), reader.id);
  auto note_rows = list();
  for (const auto& note : notes) {
    data row;
    row.set("id", std::to_string(note.id));
    row.set("body", note.body);
    note_rows.push_back(row);
  }
  content.set("has_library_notes", !notes.empty());
  content.set("library_notes", note_rows);
  if (auto settings = app::reader_settings(kit_.app_context(), reader.id)) {
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
    row.set("due", format_date(kit_.translations(), lang, loan.due_on));
    row.set("overdue", loan.overdue);
    row.set("ebook", loan.ebook);
    if (loan.overdue)
      row.set("fine", kit_.tf(lang, "fine so far {amount}", {{"amount", domain::format_money(loan.fine_so_far)}}));
    row.set("renewed", format_count(loan.times_renewed));
    row.set("renewable", loan.renewal.empty());
    std::string why;
    for (const auto& refusal : loan.renewal)
      why += (why.empty() ? "" : " ") +
             kit_.translations().error_message(lang, domain::FieldError{"", refusal.code, refusal.params});
    row.set("renewal_text", loan.renewal.empty() ? kit_.t(lang, "Yes") : why);
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
    row.set("state", reservation_state_text(kit_.translations(), lang, reservation));
    row.set("ready", reservation.status == domain::ReservationStatus::kReady);
    row.set("expires", format_date(kit_.translations(), lang, reservation.expires_on, false));
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
  return kit_.page(p, "account", kit_.t(lang, "My Account"), content);
}

Response AccountPages::account_post(Page& p, const std::string& action) {
  const auto lang = p.lang;
  const auto& card = p.reader->reader.card_number;
  data content;
  Response response;
  if (action == "renew") {
    std::vector<std::string> barcodes = p.request.form_values("barcode");
    const bool all = p.request.form_value("all") == "1";
    auto items = list();
    if (all) {
      if (auto renewed = app::renew_all(kit_.app_context(), kit_.network_cache(), card, app::Channel::kWeb))
        for (const auto& item : renewed.value()) {
          data row;
          row.set("title", item.title);
          row.set("result", item.outcome
                                ? kit_.tf(lang, "renewed until {due}, reference {reference}",
                                          {{"due", format_date(kit_.translations(), lang, item.outcome->due_on)},
                                           {"reference", item.outcome->reference}})
                                : refusal_texts(kit_.translations(), lang, item.outcome.error()).front());
          items.push_back(row);
        }
    } else {
      for (const auto& barcode : barcodes) {
        auto renewed =
            app::renew(kit_.app_context(), kit_.network_cache(), {card, barcode, app::Channel::kWeb, "", std::nullopt});
        data row;
        row.set("title", renewed ? renewed->title : barcode);
        row.set("result", renewed ? kit_.tf(lang, "renewed until {due}, reference {reference}",
                                            {{"due", format_date(kit_.translations(), lang, renewed->due_on)},
                                             {"reference", renewed->reference}})
                                  : refusal_texts(kit_.translations(), lang, renewed.error()).front());
        items.push_back(row);
      }
      if (barcodes.empty()) content.set("outcome_ok", kit_.t(lang, "Select the items to renew, or choose Renew all."));
    }
    content.set("renewals", items);
    content.set("has_renewals", !items.is_empty_list());
    response = account(p, content);
  } else if (action == "cancel-reservation") {
    auto cancelled = app::cancel_reservation(kit_.app_context(), kit_.network_cache(), card,
                                             parse_id(p.request.form_value("reservation")));
    if (cancelled)
      content.set("outcome_ok", kit_.t(lang, "The reservation has been cancelled."));
    else
      set_refusals(kit_.translations(), lang, content, cancelled.error(), N_("Not cancelled"));
    response = account(p, content);
    if (!cancelled) response.status = 422;
  } else if (action == "pin") {
    auto changed = app::change_reader_pin(kit_.app_context(), card, p.request.form_value("pin_password"),
                                          p.request.form_value("new_pin"), p.request.form_value("repeated_pin"),
                                          p.request.remote_address);
    if (changed)
      content.set("outcome_ok", kit_.t(lang, "Your PIN has been changed. Use the new one from now on."));
    else
      kit_.add_failure(lang, content, changed.error());
    response = account(p, content);
    if (!changed) response.status = PageKit::form_status(changed.error());
  } else if (action == "password") {
    auto changed = app::change_reader_password(
        kit_.app_context(), p.reader->reader.id, p.request.cookie(reader_cookie_name(p.request)),
        p.request.form_value("current_password"), p.request.form_value("new_password"),
        p.request.form_value("repeated_password"), p.request.remote_address);
    if (changed)
      content.set("outcome_ok",
                  kit_.t(lang, "Your password has been changed. You have been signed out everywhere else."));
    else
      kit_.add_failure(lang, content, changed.error());
    response = account(p, content);
    if (!changed) response.status = PageKit::form_status(changed.error());
  } else if (action == "preferences") {
    const auto& f = p.request;
    auto saved =
        app::save_reader_preferences(kit_.app_context(), p.reader->reader.id,
                                     {f.form_value("language"), f.form_value("channel"),
                                      f.form_value("notify_reservations") == "1", f.form_value("notify_due") == "1",
                                      f.form_value("notify_overdue") == "1", f.form_value("keep_history") == "1"});
    if (saved)
      content.set("outcome_ok", kit_.t(lang, "Your settings have been saved."));
    else
      kit_.add_failure(lang, content, saved.error());
    response = account(p, content);
    if (!saved) response.status = 422;
  } else if (action == "contact") {
    const auto& f = p.request;
    auto changed = app::change_reader_contact(
        kit_.app_context(), p.reader->reader.id,
        {f.form_value("contact_secret"), f.form_value("email"), f.form_value("mobile"), f.form_value("address")},
        f.remote_address);
    if (changed) {
      content.set("outcome_ok", kit_.t(lang, "Your contact details have been changed. We have told your old address."));
    } else {
      kit_.add_failure(lang, content, changed.error());
      content.set("contact_email", f.form_value("email"));  // what was typed, shown back
      content.set("contact_mobile", f.form_value("mobile"));
      content.set("contact_address", f.form_value("address"));
    }
    response = account(p, content);
    if (!changed) response.status = PageKit::form_status(changed.error());
  } else if (action == "change-pickup") {
    auto changed =
        app::change_pickup_library(kit_.app_context(), kit_.network_cache(), card,
                                   parse_id(p.request.form_value("reservation")), p.request.form_value("pickup"));
    if (changed)
      content.set("outcome_ok", kit_.t(lang, "The pick-up library has been changed."));
    else
      set_refusals(kit_.translations(), lang, content, changed.error(), N_("Not changed"));
    response = account(p, content);
    if (!changed) response.status = 422;
  } else if (action == "calendar") {
    if (p.request.form_value("revoke") == "1") {
      app::revoke_calendar_feed(kit_.app_context(), p.reader->reader.id);
      content.set("outcome_ok",
                  kit_.t(lang, "The calendar link has been turned off. Calendars using it get no more updates."));
    } else {
      const auto token = app::create_calendar_feed(kit_.app_context(), p.reader->reader.id);
      content.set("calendar_path", "/calendar/" + token + ".ics");
      content.set(
          "outcome_ok",
          kit_.t(lang,
                 "Your calendar link is below. Add it to your calendar app; keep it private. It is shown only now."));
    }
    response = account(p, content);
  } else if (action == "card-lost") {
    if (p.request.form_value("confirm") != "1") {
      set_refusals(kit_.translations(), lang, content, domain::invalid({{"confirm", ErrorCode::kRequired, {}}}),
                   N_("Not blocked"));
      response = account(p, content);
      response.status = 422;
    } else {
      auto reported = app::report_card_lost(kit_.app_context(), card, std::nullopt);
      if (reported)
        content.set("outcome_ok",
                    kit_.t(lang, "Your card is blocked. Please ask for a new card at any library counter."));
      else
        set_refusals(kit_.translations(), lang, content, reported.error(), N_("Not blocked"));
      p.reader->reader.status = domain::ReaderStatus::kCardReportedLost;
      response = account(p, content);
    }
  } else if (action == "return-ebook") {
    auto returned = app::return_ebook(kit_.app_context(), kit_.network_cache(), card, p.request.form_value("barcode"));
    if (returned)
      content.set("outcome_ok", kit_.tf(lang, "Returned: {title}.", {{"title", returned->title}}));
    else
      set_refusals(kit_.translations(), lang, content, returned.error(), N_("Not returned"));
    response = account(p, content);
    if (!returned) response.status = 422;
  } else {
    return kit_.error_page(p, 404);
  }
  return response;
}

Response AccountPages::account_data(Page& p, bool json) {
  auto data_of = app::reader_data(kit_.app_context(), p.reader->reader.id);
  if (!data_of) return kit_.error_page(p, 404);
  const auto& d = *data_of;
  const auto enquiries = app::reader_enquiries(kit_.app_context(), p.reader->reader.id);
  const auto enrolments = app::reader_enrolment_history(kit_.app_context(), p.reader->reader.id);
  // Who at the library looked at the reader's data: by role, not by name (ADR 0023).
  const auto viewings = app::record_viewings(kit_.app_context(), p.reader->reader.id);
  auto viewer = [&](const app::RecordViewing& viewing) {
    return viewing.role ? kit_.t(p.lang, domain::role_label(*viewing.role)) : kit_.t(p.lang, "Library staff");
  };
  const auto snapshot = kit_.network_snapshot();
  auto when = [&](Instant at) {
    const auto local = kit_.app_context().zone.to_local(at);
    return format_iso_date(local.date) + "T" + fmt::format("{:02}:{:02}", local.minute / 60, local.minute % 60);
  };
  auto library_code = [&](long long id) {
    const auto* library = snapshot->find(id);
    return library ? library->code : std::string();
  };
  Response response;
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
    body["looked_at_by_staff"] = nlohmann::json::array();
    for (const auto& viewing : viewings)
      body["looked_at_by_staff"].push_back({{"at", when(viewing.at)},
                                            {"what", std::string(app::viewed_what_code(viewing.what))},
                                            {"staff_role", viewer(viewing)}});
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
    line({"activity_enrolment", std::to_string(activity.id),
          activity.title.en.empty() ? activity.title.tc : activity.title.en,
          library_code(activity.library_id.value_or(0)), when(enrolment.enrolled_at),
          activity.starts_at ? when(*activity.starts_at) : "",
          std::string(domain::enrolment_status_code(enrolment.status)), ""});
  for (const auto& viewing : viewings)
    line({"looked_at_by_staff", std::string(app::viewed_what_code(viewing.what)), viewer(viewing), "", when(viewing.at),
          "", "", ""});
  response.body = std::move(csv);
  response.set_header("Content-Type", "text/csv; charset=utf-8");
  response.set_header("Content-Disposition", "attachment; filename=\"my-library-data.csv\"");
  return response;
}

Response AccountPages::calendar_feed(const Request& request, const std::string& file) {
  Response response;
  const auto dot = file.rfind(".ics");
  auto entries = dot == std::string::npos || dot + 4 != file.size()
                     ? std::nullopt
                     : app::calendar_entries(kit_.app_context(), file.substr(0, dot));
  if (!entries) {
    response.status = 404;
    response.body = "This calendar link is not valid any more. Make a new one in My Account.\n";
    response.set_header("Content-Type", "text/plain; charset=utf-8");
    return response;
  }
  const auto stamp = std::chrono::floor<std::chrono::seconds>(kit_.app_context().clock.now());
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
  body += ics_line("X-WR-CALNAME:" + ics_text(kit_.t(Language::kEnglish, "Library due dates")));
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

}  // namespace shelfmark::web
