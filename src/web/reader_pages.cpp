#include "web/reader_pages.h"

#include "app/reader_care.h"
#include "app/reader_record.h"
#include "app/reader_search.h"
#include "domain/activity.h"
#include "domain/enquiry.h"
#include "domain/policy.h"
#include "domain/registration.h"
#include "domain/study_room.h"
#include "web/views.h"

namespace shelfmark::web {
namespace {

using mustache::data;

std::string_view reservation_status_text(std::string_view code) {
  if (code == "waiting") return N_("Waiting");
  if (code == "in_transit") return N_("In transit");
  if (code == "ready") return N_("Ready for collection");
  if (code == "collected") return N_("Collected");
  if (code == "cancelled") return N_("Cancelled");
  if (code == "expired") return N_("Expired");
  return code;
}

std::string_view charge_kind_text(std::string_view code) {
  if (code == "overdue") return N_("Overdue fine");
  if (code == "reservation_fee") return N_("Reservation fee");
  if (code == "replacement_card") return N_("Replacement card");
  return code;
}

std::string_view channel_text(std::string_view code) { return code == "sms" ? N_("SMS") : N_("Email"); }

template <class Parse, class Label>
std::string label_or_code(const PageKit& kit, Language lang, const std::string& code, Parse parse, Label label) {
  const auto value = parse(code);
  return value ? kit.t(lang, label(*value)) : code;
}

}  // namespace

void ReaderPages::add_routes(RouteTable& routes) {
  const auto finders = Access::staff({domain::Permission::kFindReaders});
  routes.get("/{lang}/staff/readers", finders, [this](Page& p, const RouteParams&) { return search(p); });
  routes.get("/{lang}/staff/readers/{card}", finders,
             [this](Page& p, const RouteParams& params) { return record(p, params.text(0)); });
}

Response ReaderPages::search(Page& p) {
  p.nav = "staff";
  const auto lang = p.lang;
  const auto q = p.request.query_value("q");
  data content;
  content.set("q", q);
  int status = 200;
  if (p.request.query.count("q") != 0) {
    auto found = app::find_readers(kit_.app_context(), p.session->actor(), q);
    if (!found) {
      if (auto refusal = kit_.refusal_page(p, found.error())) return *refusal;
      kit_.add_failure(lang, content, found.error());
      status = 422;
    } else if (found->card) {
      return redirect("/" + lang_code(lang) + "/staff/readers/" + percent_encode(*found->card));
    } else {
      const auto& result = found.value();
      auto rows = list();
      for (const auto& reader : result.readers) {
        data row;
        row.set("card", reader.card_number);
        row.set("card_path", percent_encode(reader.card_number));
        row.set("name", reader.name);
        row.set("name_zh", reader.name_zh);
        row.set("hkid_masked", reader.hkid_masked);
        row.set("category", kit_.t(lang, domain::reader_category_label(reader.category)));
        row.set("status", kit_.t(lang, reader_status_label(reader.status)));
        row.set("expires_on",
                reader.expires_on ? format_date(kit_.translations(), lang, *reader.expires_on, false) : std::string());
        rows.push_back(row);
      }
      content.set("searched", true);
      content.set("readers", rows);
      content.set("has_readers", !result.readers.empty());
      const auto shown = std::to_string(result.readers.size());
      if (result.partial) {
        content.set("more", kit_.tf(lang,
                                    "{shown} shown. The search stopped early, so there may be more readers. Please "
                                    "refine the search: type at least one word of the name in full.",
                                    {{"shown", shown}}));
      } else if (result.total > app::kReaderMatchesCounted) {
        content.set("more", kit_.tf(lang, "{shown} shown of more than {total} readers found. Please refine the search.",
                                    {{"shown", shown}, {"total", std::to_string(app::kReaderMatchesCounted)}}));
      } else if (result.total > static_cast<int>(result.readers.size())) {
        content.set("more", kit_.tf(lang, "{shown} shown of {total} readers found. Please refine the search.",
                                    {{"shown", shown}, {"total", std::to_string(result.total)}}));
      } else if (!result.readers.empty()) {
        content.set("more", kit_.tf(lang, "{total} readers found.", {{"total", shown}}));
      }
    }
  }
  p.switch_path = "/" + lang_code(lang) + "/staff/readers" + (q.empty() ? "" : "?q=" + percent_encode(q));
  return kit_.page(p, "staff_readers", kit_.t(lang, "Find a reader"), content, status);
}

Response ReaderPages::record(Page& p, const std::string& card) {
  p.nav = "staff";
  const auto lang = p.lang;
  auto found = app::reader_record(kit_.app_context(), p.session->actor(), card);
  if (!found) return kit_.failure_page(p, found.error());
  const auto& view = found.value();
  const auto& tr = kit_.translations();
  const auto& zone = kit_.app_context().zone;
  auto when = [&](Instant at) { return format_date_time(tr, lang, zone.to_local(at)); };
  auto day = [&](Date date) { return format_date(tr, lang, date, false); };
  const auto& d = view.details;
  const auto& s = d.summary;
  data content;
  content.set("card", s.card_number);
  content.set("card_query", percent_encode(s.card_number));
  content.set("name", s.name);
  content.set("name_zh", s.name_zh);
  content.set("hkid_masked", s.hkid_masked);
  content.set("category", kit_.t(lang, domain::reader_category_label(s.category)));
  content.set("status", kit_.t(lang, reader_status_label(s.status)));
  content.set("status_class", s.status == domain::ReaderStatus::kActive ? "open" : "closed");
  content.set("expires_on", s.expires_on ? day(*s.expires_on) : std::string());
  content.set("email", d.email);
  content.set("mobile", d.mobile);
  content.set("address", d.address);
  content.set("date_of_birth", d.date_of_birth ? day(*d.date_of_birth) : std::string());
  content.set("language", kit_.t(lang, d.language == "tc" ? N_("Chinese") : N_("English")));
  content.set("notify_channel", kit_.t(lang, d.notify_channel == "none"  ? N_("No messages")
                                             : d.notify_channel == "sms" ? N_("SMS")
                                                                         : N_("Email")));
  content.set("keep_history", d.keep_history);
  content.set("smart_id_issued_on", d.smart_id_issued_on ? day(*d.smart_id_issued_on) : std::string());
  content.set("created_at", when(d.created_at));

  auto loans = [&](const std::vector<app::RecordLoan>& from) {
    auto rows = list();
    for (const auto& loan : from) {
      data row;
      row.set("barcode", loan.barcode);
      row.set("title", loan.title);
      row.set("library", loan.library_code);
      row.set("checked_out_at", when(loan.checked_out_at));
      row.set("due_on", day(loan.due_on));
      row.set("times_renewed", std::to_string(loan.times_renewed));
      row.set("returned_at", loan.returned_at ? when(*loan.returned_at) : std::string());
      rows.push_back(row);
    }
    return rows;
  };
  content.set("current_loans", loans(view.current_loans));
  content.set("has_current_loans", !view.current_loans.empty());
  content.set("past_loans", loans(view.past_loans));
  content.set("has_past_loans", !view.past_loans.empty());

  auto reservations = list();
  for (const auto& r : view.reservations) {
    data row;
    row.set("title", r.title);
    row.set("library", r.pickup_library_code);
    row.set("placed_at", when(r.placed_at));
    row.set("status", kit_.t(lang, reservation_status_text(r.status)));
    row.set("until", r.collect_by ? day(*r.collect_by) : day(r.expires_on));
    reservations.push_back(row);
  }
  content.set("reservations", reservations);
  content.set("has_reservations", !view.reservations.empty());

  auto charges = list();
  for (const auto& c : view.charges) {
    data row;
    row.set("kind", kit_.t(lang, charge_kind_text(c.kind)));
    row.set("amount", domain::format_money({c.amount_cents}));
    row.set("outstanding", domain::format_money({c.amount_cents - c.settled_cents}));
    row.set("explanation", c.explanation);
    row.set("created_at", when(c.created_at));
    charges.push_back(row);
  }
  content.set("charges", charges);
  content.set("has_charges", !view.charges.empty());

  auto payments = list();
  for (const auto& pay : view.payments) {
    data row;
    row.set("receipt", app::receipt_number(pay));
    row.set("kind", kit_.t(lang, pay.kind == "waiver" ? N_("Waiver") : N_("Payment")));
    row.set("amount", domain::format_money({pay.amount_cents}));
    row.set("how", pay.kind == "waiver" ? pay.reason : pay.method);
    row.set("at", when(pay.at));
    payments.push_back(row);
  }
  content.set("payments", payments);
  content.set("has_payments", !view.payments.empty());

  auto messages = list();
  for (const auto& m : view.messages) {
    data row;
    row.set("kind", m.kind);
    row.set("channel", kit_.t(lang, channel_text(m.channel)));
    row.set("at", when(m.created_at));
    row.set("outcome", m.sent_at     ? kit_.t(lang, "Delivered") + " " + when(*m.sent_at)
                       : m.failed_at ? kit_.t(lang, "Failed") + " " + when(*m.failed_at)
                                     : kit_.t(lang, "Waiting to be sent"));
    row.set("failed", m.failed_at.has_value());
    messages.push_back(row);
  }
  content.set("messages", messages);
  content.set("has_messages", !view.messages.empty());

  auto applications = list();
  for (const auto& a : view.applications) {
    data row;
    row.set("reference", a.reference);
    row.set("type",
            label_or_code(kit_, lang, a.type, domain::parse_registration_type, domain::registration_type_label));
    row.set("status",
            label_or_code(kit_, lang, a.status, domain::parse_application_status, domain::application_status_label));
    row.set("submitted_at", a.submitted_at ? when(*a.submitted_at) : std::string());
    row.set("decided_at", a.decided_at ? when(*a.decided_at) : std::string());
    applications.push_back(row);
  }
  content.set("applications", applications);
  content.set("has_applications", !view.applications.empty());

  auto enquiries = list();
  for (const auto& e : view.enquiries) {
    data row;
    row.set("reference", e.reference);
    row.set("subject",
            label_or_code(kit_, lang, e.subject, domain::parse_enquiry_subject, domain::enquiry_subject_label));
    row.set("status", label_or_code(kit_, lang, e.status, domain::parse_enquiry_status, domain::enquiry_status_label));
    row.set("submitted_at", when(e.submitted_at));
    enquiries.push_back(row);
  }
  content.set("enquiries", enquiries);
  content.set("has_enquiries", !view.enquiries.empty());

  auto enrolments = list();
  for (const auto& e : view.enrolments) {
    data row;
    row.set("title", lang == Language::kTraditionalChinese && !e.title_tc.empty() ? e.title_tc : e.title_en);
    row.set("starts_at", e.starts_at ? when(*e.starts_at) : std::string());
    row.set("status",
            label_or_code(kit_, lang, e.status, domain::parse_enrolment_status, domain::enrolment_status_label));
    row.set("attended", e.attended ? kit_.t(lang, *e.attended ? N_("Attended") : N_("Absent")) : std::string());
    enrolments.push_back(row);
  }
  content.set("enrolments", enrolments);
  content.set("has_enrolments", !view.enrolments.empty());

  auto study = list();
  for (const auto& a : view.study_applications) {
    data row;
    row.set("period", lang == Language::kTraditionalChinese && !a.period_tc.empty() ? a.period_tc : a.period_en);
    row.set("session", std::to_string(a.session_number));
    row.set("outcome", label_or_code(kit_, lang, a.outcome, domain::parse_study_outcome, domain::study_outcome_label));
    row.set("applied_at", when(a.applied_at));
    study.push_back(row);
  }
  content.set("study_applications", study);
  content.set("has_study_applications", !view.study_applications.empty());

  auto history = list();
  for (const auto& event : view.history) {
    data row;
    row.set("at", when(event.at));
    row.set("staff", event.staff_name.empty() ? kit_.t(lang, "The reader or the system") : event.staff_name);
    row.set("action", event.action);
    row.set("detail", event.detail);
    history.push_back(row);
  }
  content.set("history", history);
  content.set("has_history", !view.history.empty());
  content.set("can_circulate", domain::role_allows(p.session->user.role, domain::Permission::kCirculation));
  const auto role = p.session->user.role;
  content.set("can_edit", domain::role_allows(role, domain::Permission::kEditReaders));
  content.set("can_merge", domain::role_allows(role, domain::Permission::kMergeReaders));
  content.set("can_audit", domain::role_allows(role, domain::Permission::kReadAudit));

  // What staff put on the reader (blocks and notes) and who stands behind a minor, kept by reader care.
  auto blocks = list();
  for (const auto& b : view.blocks_in_force) {
    data row;
    row.set("reason", kit_.t(lang, domain::block_reason_label(b.block.reason)));
    row.set("since", day(b.block.starts_on));
    row.set("until", b.block.ends_on ? day(*b.block.ends_on) : kit_.t(lang, "Until lifted"));
    row.set("note", b.note);
    row.set("by", b.created_by_name);
    blocks.push_back(row);
  }
  content.set("has_blocks", !view.blocks_in_force.empty());
  content.set("blocks", blocks);
  auto notes = list();
  for (const auto& n : view.notes) {
    data row;
    row.set("kind", kit_.t(lang, n.kind == app::NoteKind::kInternal ? N_("Internal") : N_("To the reader")));
    row.set("body", n.body);
    row.set("by", n.created_by_name);
    row.set("at", when(n.created_at));
    row.set("acknowledged", n.acknowledged_at ? when(*n.acknowledged_at) : std::string());
    notes.push_back(row);
  }
  content.set("has_notes", !view.notes.empty());
  content.set("notes", notes);
  if (const auto& guarantor = view.guarantor) {
    content.set("guarantor_name", guarantor->name);
    content.set("guarantor_relationship",
                kit_.t(lang, guarantor->relationship == "parent" ? N_("Parent") : N_("Guardian")));
    content.set("guarantor_phone", guarantor->phone);
  }

  p.switch_path = "/" + lang_code(lang) + "/staff/readers/" + percent_encode(s.card_number);
  return kit_.page(p, "staff_reader", kit_.tf(lang, "Reader {card}", {{"card", s.card_number}}), content);
}

}  // namespace shelfmark::web
