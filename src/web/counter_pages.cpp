#include "web/counter_pages.h"

#include <fmt/format.h>

#include "app/cards.h"
#include "app/reader_account.h"
#include "app/reader_care.h"
#include "app/registration.h"
#include "core/text.h"
#include "web/views.h"

namespace shelfmark::web {
namespace {

using domain::ErrorCode;
using mustache::data;

// Each counter form carries a fresh random request id, so a double submission is applied once. A
// request without one (or with a forged short one) gets no key rather than a shared one.
std::string idempotency_key(const Request& request) {
  const auto id = request.form_value("request_id");
  if (id.size() < 20 || id.size() > 100) return "";
  return "web:" + id;
}

// What the counter says when the card or the barcode typed matched nothing.
std::string not_found_text(const PageKit& kit, Language lang, const domain::Failure& failure) {
  const auto field = failure.fields.empty() ? std::string() : failure.fields.front().field;
  return field == "card" ? kit.t(lang, "No reader has this card number.") : kit.t(lang, "No item has this barcode.");
}

}  // namespace

// The counter's library: from the form or query, else the staff member's last choice (cookie), else the
// first library of the network.
void CounterPages::add_routes(RouteTable& routes) {
  using domain::Permission;
  const auto counter = Access::staff({Permission::kCirculation});
  routes.get("/{lang}/staff/counter", counter, [this](Page& p, const RouteParams&) { return staff_counter(p); });
  routes.post("/{lang}/staff/counter/checkout", counter,
              [this](Page& p, const RouteParams&) { return staff_counter_checkout(p); });
  routes.post("/{lang}/staff/counter/renew-all", counter,
              [this](Page& p, const RouteParams&) { return staff_counter_renew_all(p); });
  routes.post("/{lang}/staff/counter/card-lost", counter,
              [this](Page& p, const RouteParams&) { return staff_card_lost(p); });
  // A new card for a lost one is part of registration's work: counter staff and verifiers.
  routes.post("/{lang}/staff/counter/replace-card", Access::staff({Permission::kCompleteRegistrations}),
              [this](Page& p, const RouteParams&) { return staff_replace_card(p); });
  routes.post("/{lang}/staff/counter/reserve", counter,
              [this](Page& p, const RouteParams&) { return staff_counter_reserve(p, false); });
  routes.post("/{lang}/staff/counter/cancel-reservation", counter,
              [this](Page& p, const RouteParams&) { return staff_counter_reserve(p, true); });
  routes.post("/{lang}/staff/counter/pay", counter,
              [this](Page& p, const RouteParams&) { return staff_counter_payment(p, false); });
  routes.post("/{lang}/staff/counter/waive", counter,
              [this](Page& p, const RouteParams&) { return staff_counter_payment(p, true); });
  routes.get("/{lang}/staff/returns", counter, [this](Page& p, const RouteParams&) { return staff_returns(p); });
  routes.post("/{lang}/staff/returns", counter, [this](Page& p, const RouteParams&) { return staff_returns(p); });
  routes.get("/{lang}/staff/hold-shelf", counter, [this](Page& p, const RouteParams&) { return staff_hold_shelf(p); });
}

const domain::Library* CounterPages::counter_library(Page& p, const app::NetworkSnapshot& network) {
  auto code = p.request.form_value("library");
  if (code.empty()) code = p.request.query_value("library");
  if (code.empty()) code = p.request.cookie("sm_counter");
  const auto* library = network.find(code);
  if (!library && !network.libraries.empty()) library = &network.libraries.front();
  if (library && p.request.cookie("sm_counter") != library->code)
    p.cookies.emplace_back("sm_counter", library->code + kit_.cookie_attributes(p.request));
  return library;
}

Response CounterPages::staff_counter(Page& p, data content) {
  p.nav = "staff";
  const auto lang = p.lang;
  const auto network = kit_.network_snapshot();
  const auto* library = counter_library(p, *network);
  content.set("library_options", library_options(lang, *network, library));
  content.set("library_code", library ? library->code : std::string());
  content.set("request_id", kit_.app_context().tokens.random_token());
  if (p.request.query_value("replaced") == "1")
    content.set("outcome_ok", kit_.t(lang,
                                     "The card is replaced and the old card no longer works. The account is as "
                                     "it was before the loss (its status is below); a fee, if any, is shown "
                                     "under charges."));
  auto card = p.request.form_value("card");
  if (card.empty()) card = p.request.query_value("card");
  card = std::string(trim(card));
  content.set("card", card);
  if (!card.empty()) {
    const auto view = app::reader_at_counter(kit_.app_context(), card);
    if (!view) {
      content.set("not_found", kit_.t(lang, "No reader has this card number."));
    } else {
      const auto& reader = view->reader;
      const auto& loans = view->loans;
      const auto charges = view->charges_outstanding;
      content.set("has_reader", true);
      content.set("reader_name", reader.name);
      content.set("reader_card_path", percent_encode(reader.card_number));
      content.set("can_find_readers", domain::role_allows(p.session->user.role, domain::Permission::kFindReaders));
      content.set("reader_category", kit_.t(lang, domain::reader_category_label(reader.category)));
      const bool active = reader.status == domain::ReaderStatus::kActive;
      content.set("reader_status", kit_.t(lang, reader_status_label(reader.status)));
      content.set("reader_status_class", active ? "open" : "closed");
      content.set("charges", domain::format_money(charges));
      set_standing(kit_.translations(), lang, content, view->standing,
                   N_("This reader cannot borrow, renew or reserve now"));
      auto rows = list();
      for (const auto& loan : loans) {
        data row;
        row.set("barcode", loan.barcode);
        row.set("title", loan.title);
        row.set("due", format_date(kit_.translations(), lang, loan.due_on));
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
      content.set("has_calendar", app::has_calendar_feed(kit_.app_context(), reader.id));
      // Notes staff left for the reader, until someone at a counter (or the reader) says they were told.
      auto note_rows = list();
      const auto notes = app::notes_to_acknowledge(kit_.app_context(), reader.id);
      for (const auto& note : notes) {
        data row;
        row.set("id", std::to_string(note.id));
        row.set("body", note.body);
        row.set("date",
                format_date(kit_.translations(), lang, kit_.app_context().zone.to_local(note.created_at).date, false));
        note_rows.push_back(row);
      }
      content.set("has_reader_notes", !notes.empty());
      content.set("reader_notes", note_rows);
      content.set("can_edit_reader", domain::role_allows(p.session->user.role, domain::Permission::kEditReaders));
      auto lines = app::reader_charges(kit_.app_context(), card);
      auto charge_rows = list();
      if (lines)
        for (const auto& line : lines.value()) {
          data row;
          row.set("id", std::to_string(line.id));
          row.set("date", format_date(kit_.translations(), lang, kit_.app_context().zone.to_local(line.created_at).date,
                                      false));
          row.set("what", line.kind == "overdue" ? kit_.tf(lang, "Overdue: {title}", {{"title", line.title}})
                          : line.kind == "reservation_fee"
                              ? kit_.tf(lang, "Reservation fee: {title}", {{"title", line.title}})
                              : kit_.t(lang, "Replacement card"));
          if (line.kind == "overdue")
            row.set("how", kit_.tf(lang, "{days} days × {rate}{suspended}",
                                   {{"days", format_count(line.days_charged)},
                                    {"rate", domain::format_money(line.rate)},
                                    {"suspended", line.days_suspended > 0
                                                      ? kit_.tf(lang, " ({days} days not charged: fines suspended)",
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
        row.set("state", reservation_state_text(kit_.translations(), lang, reservation));
        row.set("ready", reservation.status == domain::ReservationStatus::kReady);
        row.set("expires", format_date(kit_.translations(), lang, reservation.expires_on, false));
        reservation_rows.push_back(row);
      }
      content.set("reservations", reservation_rows);
      content.set("has_reservations", !view->reservations.empty());
      content.set("reservation_count", format_count(static_cast<long long>(view->reservations.size())));
      content.set("pickup_options", library_options(lang, *network, library));
    }
  }
  p.switch_path = "/" + lang_code(lang) + "/staff/counter" + (card.empty() ? "" : "?card=" + percent_encode(card));
  return kit_.page(p, "staff_counter", kit_.t(lang, "Circulation counter"), content);
}

Response CounterPages::staff_counter_reserve(Page& p, bool cancel) {
  const auto lang = p.lang;
  const auto card = std::string(trim(p.request.form_value("card")));
  data content;
  if (cancel) {
    auto cancelled = app::cancel_reservation(kit_.app_context(), kit_.network_cache(), card,
                                             parse_id(p.request.form_value("reservation")));
    if (cancelled) {
      content.set("outcome_ok", kit_.t(lang, "The reservation has been cancelled."));
    } else {
      content.set("not_found", kit_.t(lang, "This reservation is no longer active."));
    }
    auto response = staff_counter(p, content);
    if (!cancelled) response.status = 422;
    return response;
  }
  app::PlaceReservationInput input;
  input.card_number = card;
  input.barcode = std::string(trim(p.request.form_value("reserve_barcode")));
  input.this_copy_only = !p.request.form_value("this_copy_only").empty();
  input.pickup_library_code = p.request.form_value("pickup");
  input.expires_on = p.request.form_value("expires_on");
  auto result = app::place_reservation(kit_.app_context(), kit_.network_cache(), input);
  if (result) {
    content.set("outcome_ok",
                kit_.tf(lang, "Reserved. Reference {reference}; number {position} in the queue.",
                        {{"reference", result->reference}, {"position", format_count(result->position)}}));
  } else if (result.error().code == ErrorCode::kNotFound) {
    content.set("not_found", not_found_text(kit_, lang, result.error()));
  } else {
    set_refusals(kit_.translations(), lang, content, result.error(), N_("Not reserved"));
    content.set("reserve_barcode", input.barcode);
  }
  auto response = staff_counter(p, content);
  if (!result) response.status = 422;
  return response;
}

Response CounterPages::staff_counter_checkout(Page& p) {
  const auto lang = p.lang;
  const auto network = kit_.network_snapshot();
  const auto* library = counter_library(p, *network);
  if (!library) return kit_.error_page(p, 404);
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
  auto result = app::check_out(kit_.app_context(), kit_.network_cache(), input);
  data content;
  if (result) {
    content.set("outcome_ok",
                kit_.tf(lang, "Lent: {title}. Due back on {due}.",
                        {{"title", result->title}, {"due", format_date(kit_.translations(), lang, result->due_on)}}));
  } else if (result.error().code == ErrorCode::kNotFound) {
    content.set("not_found", not_found_text(kit_, lang, result.error()));
  } else {
    set_refusals(kit_.translations(), lang, content, result.error(), N_("Not lent"));
    content.set("barcode", input.barcode);
    content.set("can_override", app::staff_may_override(result.error()) && reason.empty());
  }
  auto response = staff_counter(p, content);
  if (!result) response.status = 422;
  return response;
}

Response CounterPages::staff_counter_renew_all(Page& p) {
  const auto lang = p.lang;
  auto result = app::renew_all(kit_.app_context(), kit_.network_cache(),
                               std::string(trim(p.request.form_value("card"))), app::Channel::kCounter);
  data content;
  if (!result) {
    content.set("not_found", kit_.t(lang, "No reader has this card number."));
  } else {
    auto items = list();
    for (const auto& item : result.value()) {
      data row;
      row.set("title", item.title);
      if (item.outcome)
        row.set("result", kit_.tf(lang, "renewed until {due}, reference {reference}",
                                  {{"due", format_date(kit_.translations(), lang, item.outcome->due_on)},
                                   {"reference", item.outcome->reference}}));
      else
        row.set("result", refusal_texts(kit_.translations(), lang, item.outcome.error()).front());
      items.push_back(row);
    }
    content.set("has_renewals", !items.is_empty_list());
    content.set("renewals", items);
  }
  auto response = staff_counter(p, content);
  return response;
}

Response CounterPages::staff_counter_payment(Page& p, bool waive) {
  const auto lang = p.lang;
  const auto card = std::string(trim(p.request.form_value("card")));
  auto result = waive ? app::waive_charge(kit_.app_context(), card, parse_id(p.request.form_value("charge")),
                                          std::string(trim(p.request.form_value("reason"))), p.session->user.id)
                      : app::pay_charges(kit_.app_context(),
                                         {card, p.request.form_value("amount"), p.request.form_value("method"),
                                          p.session->user.id, idempotency_key(p.request)});
  data content;
  if (result) {
    content.set("outcome_ok", kit_.tf(lang, "{amount} settled. Receipt number {receipt}. Still owed: {owed}.",
                                      {{"amount", domain::format_money(result->amount)},
                                       {"receipt", result->receipt},
                                       {"owed", domain::format_money(result->still_owed)}}));
  } else {
    set_refusals(kit_.translations(), lang, content, result.error(), N_("Not done"));
  }
  auto response = staff_counter(p, content);
  if (!result) response.status = 422;
  return response;
}

Response CounterPages::staff_card_lost(Page& p) {
  auto result =
      app::report_card_lost(kit_.app_context(), std::string(trim(p.request.form_value("card"))), p.session->user.id);
  data content;
  if (result)
    content.set("outcome_ok", kit_.t(p.lang, "The card is reported lost and blocked now."));
  else
    content.set("not_found", kit_.t(p.lang, "No reader has this card number."));
  auto response = staff_counter(p, content);
  return response;
}

// A lost card replaced: a new library card (fee charged) or the reader's new smart ID card (free). The
// identity card number is never shown back; what else was typed is kept on an error.
Response CounterPages::staff_replace_card(Page& p) {
  const auto& r = p.request;
  app::ReplacementInput input{r.form_value("kind") == "smart_id", r.form_value("card_number"),
                              r.form_value("smart_id_number"), r.form_value("smart_id_issue_date")};
  auto result = app::replace_lost_card(kit_.app_context(), p.session->actor(), r.form_value("card"), input);
  if (!result) {
    if (result.error().code == ErrorCode::kPermissionDenied) return kit_.error_page(p, 403);
    data content;
    kit_.add_failure(p.lang, content, result.error());
    content.set("replace_smart_id", input.smart_id);
    content.set("replace_card_number", input.card_number);
    content.set("replace_issue_date", input.smart_id_issue_date);
    auto response = staff_counter(p, content);
    response.status = 422;
    return response;
  }
  auto response =
      redirect("/" + lang_code(p.lang) + "/staff/counter?library=" + percent_encode(r.form_value("library")) +
               "&card=" + percent_encode(result->card_number) + "&replaced=1");
  return response;
}

Response CounterPages::staff_hold_shelf(Page& p) {
  p.nav = "staff";
  const auto network = kit_.network_snapshot();
  const auto* library = counter_library(p, *network);
  data content;
  content.set("library_options", library_options(p.lang, *network, library));
  auto entries = list();
  int count = 0;
  if (library)
    for (const auto& entry : app::hold_shelf(kit_.app_context(), library->id)) {
      data row;
      row.set("reader", entry.reader_name);
      row.set("card", entry.card_number);
      row.set("barcode", entry.barcode);
      row.set("title", entry.title);
      row.set("collect_by", format_date(kit_.translations(), p.lang, entry.collect_by));
      entries.push_back(row);
      ++count;
    }
  content.set("entries", entries);
  content.set("has_entries", count > 0);
  content.set("count", format_count(count));
  auto pull = list();
  int pull_count = 0;
  if (library)
    for (const auto& entry : app::pull_list(kit_.app_context(), kit_.network_cache(), library->id)) {
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
  return kit_.page(p, "staff_hold_shelf", kit_.t(p.lang, "Hold shelf"), content);
}

Response CounterPages::staff_returns(Page& p) {
  p.nav = "staff";
  const auto lang = p.lang;
  const auto network = kit_.network_snapshot();
  const auto* library = counter_library(p, *network);
  data content;
  content.set("library_options", library_options(lang, *network, library));
  content.set("library_code", library ? library->code : std::string());
  content.set("request_id", kit_.app_context().tokens.random_token());
  if (p.request.method == "POST" && library) {
    auto result = app::check_in(kit_.app_context(), kit_.network_cache(),
                                {std::string(trim(p.request.form_value("barcode"))), library->id,
                                 app::Channel::kCounter, std::nullopt, idempotency_key(p.request)});
    if (!result) {
      content.set("not_found", kit_.t(lang, "No item has this barcode."));
    } else {
      content.set("has_result", true);
      content.set("title", result->title);
      content.set("barcode", result->barcode);
      content.set("not_on_loan", !result->was_on_loan);
      if (result->fine.cents > 0) content.set("fine", domain::format_money(result->fine));
      switch (result->routing.routing) {
        case domain::Routing::kShelf:
          content.set("routing", kit_.t(lang, "Put it back on the shelf"));
          content.set("result_class", "ok");
          break;
        case domain::Routing::kHoldShelf:
          content.set("routing", kit_.t(lang, "Put it on the hold shelf: a reader has reserved it"));
          content.set("result_class", "hold");
          content.set("alert", true);
          break;
        case domain::Routing::kTransit: {
          const auto* to = result->routing.to_library_id ? network->find(*result->routing.to_library_id) : nullptr;
          content.set("routing", kit_.tf(lang, "Send it to {library}", {{"library", to ? to->name.in(lang) : "?"}}));
          content.set("result_class", "transit");
          content.set("alert", true);
          break;
        }
      }
    }
  }
  p.switch_path = "/" + lang_code(lang) + "/staff/returns";
  return kit_.page(p, "staff_returns", kit_.t(lang, "Return items"), content, content.get("not_found") ? 422 : 200);
}

}  // namespace shelfmark::web
