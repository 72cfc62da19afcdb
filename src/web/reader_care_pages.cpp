#include "web/reader_care_pages.h"

#include "core/text.h"
#include "web/views.h"

namespace shelfmark::web {
namespace {

using domain::ErrorCode;
using mustache::data;

std::string typed_or(const Fields& typed, const std::string& field, const std::string& fallback) {
  auto it = typed.find(field);
  return it == typed.end() ? fallback : it->second;
}

std::string base_path(Language lang, const std::string& card) {
  return "/" + lang_code(lang) + "/staff/readers/" + percent_encode(card);
}

// The tabs of the group, the current one marked.
data tabs(const PageKit& kit, Language lang, const std::string& card, const std::string& current) {
  static const std::pair<const char*, const char*> kTabs[] = {
      {"edit", N_("Edit details")}, {"membership", N_("Membership")},
      {"blocks", N_("Blocks")},     {"notes", N_("Notes")},
      {"pin", N_("Set a PIN")},     {"password-reset", N_("Send a password-reset link")}};
  auto out = list();
  for (const auto& [page, label] : kTabs) {
    data tab;
    tab.set("href", base_path(lang, card) + "/" + page);
    tab.set("label", kit.t(lang, label));
    tab.set("current", current == page);
    out.push_back(tab);
  }
  return out;
}

std::string date_or_none(const PageKit& kit, Language lang, const std::optional<Date>& day) {
  return day ? format_date(kit.translations(), lang, *day, false) : kit.t(lang, "None");
}

}  // namespace

void ReaderCarePages::add_routes(RouteTable& routes) {
  const auto carers = Access::staff({domain::Permission::kEditReaders});
  const std::string base = "/{lang}/staff/readers/{card}";
  routes.get(base + "/edit", carers, [this](Page& p, const RouteParams& r) { return edit(p, r.text(0)); });
  routes.post(base + "/edit", carers, [this](Page& p, const RouteParams& r) { return edit_post(p, r.text(0)); });
  routes.get(base + "/membership", carers, [this](Page& p, const RouteParams& r) { return membership(p, r.text(0)); });
  routes.post(base + "/membership", carers,
              [this](Page& p, const RouteParams& r) { return membership_post(p, r.text(0)); });
  routes.get(base + "/blocks", carers, [this](Page& p, const RouteParams& r) { return blocks(p, r.text(0)); });
  routes.post(base + "/blocks", carers, [this](Page& p, const RouteParams& r) { return block_post(p, r.text(0)); });
  routes.post(base + "/blocks/{id}/lift", carers,
              [this](Page& p, const RouteParams& r) { return lift_post(p, r.text(0), r.number(1)); });
  routes.get(base + "/notes", carers, [this](Page& p, const RouteParams& r) { return notes(p, r.text(0)); });
  routes.post(base + "/notes", carers, [this](Page& p, const RouteParams& r) { return note_post(p, r.text(0)); });
  routes.post(base + "/notes/{id}/acknowledge", carers,
              [this](Page& p, const RouteParams& r) { return acknowledge_post(p, r.text(0), r.number(1)); });
  // The reader's own acknowledgement, from My Account.
  routes.post("/{lang}/account/notes/{id}/acknowledge", Access::reader(), [this](Page& p, const RouteParams& r) {
    auto done = app::acknowledge_own_note(kit_.app_context(), p.reader->reader.id, r.number(0));
    if (!done) return kit_.failure_page(p, done.error());
    return redirect("/" + lang_code(p.lang) + "/account");
  });
  routes.get(base + "/pin", carers, [this](Page& p, const RouteParams& r) { return pin(p, r.text(0)); });
  routes.post(base + "/pin", carers, [this](Page& p, const RouteParams& r) { return pin_post(p, r.text(0)); });
  routes.get(base + "/password-reset", carers, [this](Page& p, const RouteParams& r) { return reset(p, r.text(0)); });
  routes.post(base + "/password-reset", carers,
              [this](Page& p, const RouteParams& r) { return reset_post(p, r.text(0)); });
}

std::optional<Response> ReaderCarePages::start(Page& p, const std::string& card, const std::string& page,
                                               std::optional<app::ReaderProfile>& profile, data& content) {
  p.nav = "staff";
  const auto lang = p.lang;
  auto found = app::reader_for_care(kit_.app_context(), p.session->actor(), card);
  if (!found) return kit_.failure_page(p, found.error());
  profile = found.value();
  content.set("card", profile->card_number);
  content.set("card_path", percent_encode(profile->card_number));
  content.set("reader_name", profile->details.name_en);
  content.set("reader_name_zh", profile->details.name_zh);
  content.set("reader_status", kit_.t(lang, reader_status_label(profile->status)));
  content.set("reader_category", kit_.t(lang, domain::reader_category_label(profile->category)));
  content.set("version", std::to_string(profile->version));
  content.set("tabs", tabs(kit_, lang, profile->card_number, page));
  add_flash(kit_.translations(), lang, content, p.request);
  return std::nullopt;
}

Response ReaderCarePages::show(Page& p, const std::string& card, const std::string& page, const std::string& title,
                               data& content, const Failure& failure) {
  if (failure) kit_.add_failure(p.lang, content, *failure);
  p.switch_path = base_path(p.lang, card) + "/" + page;
  return kit_.page(p, "reader_care_" + std::string(page == "password-reset" ? "reset" : page), title, content,
                   failure ? PageKit::form_status(*failure) : 200);
}

// ----- details -----

Response ReaderCarePages::edit(Page& p, const std::string& card, const Fields& typed, const Failure& failure) {
  const auto lang = p.lang;
  data content;
  std::optional<app::ReaderProfile> profile;
  if (auto error = start(p, card, "edit", profile, content)) return *error;
  // After a conflict the form shows the reader as they are now, with the explanation.
  const bool conflict = failure && failure->code == ErrorCode::kEditConflict;
  const auto& shown = conflict ? Fields{} : typed;
  const auto& d = profile->details;
  content.set("name_en", typed_or(shown, "name_en", d.name_en));
  content.set("name_zh", typed_or(shown, "name_zh", d.name_zh));
  content.set("date_of_birth",
              typed_or(shown, "date_of_birth", d.date_of_birth ? format_iso_date(*d.date_of_birth) : ""));
  content.set("email", typed_or(shown, "email", d.email));
  content.set("mobile", typed_or(shown, "mobile", d.mobile));
  content.set("address", typed_or(shown, "address", d.address));
  content.set("reason", typed_or(shown, "reason", ""));
  const auto language = typed_or(shown, "language", std::string(domain::language_code(d.language)));
  content.set("language_en", language == "en");
  content.set("language_tc", language == "tc");
  const auto channel = typed_or(shown, "channel", d.channel);
  content.set("channel_email", channel == "email");
  content.set("channel_sms", channel == "sms");
  content.set("channel_none", channel == "none");
  content.set("verified", app::identity_verified(*profile));
  // A reader registered under 18: who stands guarantor for them, and how to reach them.
  if (const auto guarantor = app::reader_guarantor(kit_.app_context(), profile->id)) {
    content.set("has_guarantor", true);
    content.set("guarantor_name", guarantor->name);
    content.set("guarantor_relationship",
                kit_.t(lang, guarantor->relationship == "parent" ? N_("Parent") : N_("Guardian")));
    content.set("guarantor_phone", guarantor->phone);
  }
  return show(p, profile->card_number, "edit",
              kit_.tf(lang, "Edit details: {name}", {{"name", profile->details.name_en}}), content, failure);
}

Response ReaderCarePages::edit_post(Page& p, const std::string& card) {
  const auto& form = p.request;
  app::DetailsEdit edit_input{{form.form_value("name_en"), form.form_value("name_zh"), form.form_value("date_of_birth"),
                               form.form_value("email"), form.form_value("mobile"), form.form_value("address"),
                               form.form_value("language"), form.form_value("channel")},
                              form.form_value("reason")};
  auto saved = app::edit_reader_details(kit_.app_context(), p.session->actor(), card,
                                        parse_id(form.form_value("version")), edit_input);
  if (!saved) {
    if (auto refused = kit_.refusal_page(p, saved.error())) return *refused;
    return edit(p, card, form.form, saved.error());
  }
  return redirect(base_path(p.lang, saved->card_number) + "/edit?saved=1");
}

// ----- membership -----

Response ReaderCarePages::membership(Page& p, const std::string& card, const Failure& failure) {
  const auto lang = p.lang;
  data content;
  std::optional<app::ReaderProfile> profile;
  if (auto error = start(p, card, "membership", profile, content)) return *error;
  const auto today = kit_.app_context().zone.to_local(kit_.app_context().clock.now()).date;
  content.set("expires_on", date_or_none(kit_, lang, profile->expires_on));
  content.set("expired", profile->status == domain::ReaderStatus::kExpired ||
                             (profile->expires_on && *profile->expires_on < today));
  content.set("renewed_expiry",
              format_date(kit_.translations(), lang,
                          domain::renewed_expiry(profile->category, profile->expires_on, today), false));
  content.set("years", std::to_string(domain::membership_years(profile->category)));
  auto history = list();
  const auto changes = app::reader_status_history(kit_.app_context(), profile->id);
  for (const auto& change : changes) {
    data row;
    row.set("at", format_date_time(kit_.translations(), lang, kit_.app_context().zone.to_local(change.at)));
    row.set("from", kit_.t(lang, reader_status_label(change.from)));
    row.set("to", kit_.t(lang, reader_status_label(change.to)));
    row.set("reason", change.reason);
    row.set("by", change.staff_name);
    history.push_back(row);
  }
  content.set("history", history);
  content.set("has_history", !changes.empty());
  return show(p, profile->card_number, "membership",
              kit_.tf(lang, "Membership: {name}", {{"name", profile->details.name_en}}), content, failure);
}

Response ReaderCarePages::membership_post(Page& p, const std::string& card) {
  auto renewed =
      app::renew_membership(kit_.app_context(), p.session->actor(), card, parse_id(p.request.form_value("version")));
  if (!renewed) {
    if (auto refused = kit_.refusal_page(p, renewed.error())) return *refused;
    return membership(p, card, renewed.error());
  }
  return redirect(base_path(p.lang, renewed->card_number) + "/membership?saved=1");
}

// ----- blocks -----

Response ReaderCarePages::blocks(Page& p, const std::string& card, const Fields& typed, const Failure& failure) {
  const auto lang = p.lang;
  data content;
  std::optional<app::ReaderProfile> profile;
  if (auto error = start(p, card, "blocks", profile, content)) return *error;
  const auto& context = kit_.app_context();
  const auto today = context.zone.to_local(context.clock.now()).date;
  const auto reason = typed_or(typed, "reason", "unpaid_replacement");
  auto options = list();
  for (auto r : domain::all_block_reasons()) {
    data option;
    option.set("code", std::string(domain::block_reason_code(r)));
    option.set("label", kit_.t(lang, domain::block_reason_label(r)));
    option.set("selected", domain::block_reason_code(r) == reason);
    options.push_back(option);
  }
  content.set("reason_options", options);
  content.set("note", typed_or(typed, "note", ""));
  content.set("ends_on", typed_or(typed, "ends_on", ""));
  auto rows = list();
  const auto all = app::reader_blocks(context, profile->id);
  for (const auto& block : all) {
    data row;
    row.set("id", std::to_string(block.block.id));
    row.set("reason", kit_.t(lang, domain::block_reason_label(block.block.reason)));
    row.set("note", block.note);
    row.set("starts_on", format_date(kit_.translations(), lang, block.block.starts_on, false));
    row.set("ends_on", block.block.ends_on ? format_date(kit_.translations(), lang, *block.block.ends_on, false)
                                           : kit_.t(lang, "Until lifted"));
    row.set("by", block.created_by_name);
    const bool lifted = block.lifted_at.has_value();
    const bool active = app::block_in_force(block, today);
    row.set("state", lifted   ? kit_.tf(lang, "Lifted by {name}", {{"name", block.lifted_by_name}})
                     : active ? kit_.t(lang, "In force")
                              : kit_.t(lang, "Ended"));
    row.set("can_lift", !lifted && (!block.block.ends_on || *block.block.ends_on >= today));
    rows.push_back(row);
  }
  content.set("blocks", rows);
  content.set("has_blocks", !all.empty());
  return show(p, profile->card_number, "blocks", kit_.tf(lang, "Blocks: {name}", {{"name", profile->details.name_en}}),
              content, failure);
}

Response ReaderCarePages::block_post(Page& p, const std::string& card) {
  const auto& form = p.request;
  auto blocked = app::block_reader(kit_.app_context(), p.session->actor(), card,
                                   {form.form_value("reason"), form.form_value("note"), form.form_value("ends_on")});
  if (!blocked) {
    if (auto refused = kit_.refusal_page(p, blocked.error())) return *refused;
    return blocks(p, card, form.form, blocked.error());
  }
  return redirect(base_path(p.lang, card) + "/blocks?saved=1");
}

Response ReaderCarePages::lift_post(Page& p, const std::string& card, long long block_id) {
  auto lifted = app::lift_block(kit_.app_context(), p.session->actor(), card, block_id);
  if (!lifted) return kit_.failure_page(p, lifted.error());
  return redirect(base_path(p.lang, card) + "/blocks?saved=1");
}

// ----- notes -----

Response ReaderCarePages::notes(Page& p, const std::string& card, const Fields& typed, const Failure& failure) {
  const auto lang = p.lang;
  data content;
  std::optional<app::ReaderProfile> profile;
  if (auto error = start(p, card, "notes", profile, content)) return *error;
  const auto& context = kit_.app_context();
  const auto kind = typed_or(typed, "kind", "internal");
  content.set("kind_internal", kind != "to_reader");
  content.set("kind_to_reader", kind == "to_reader");
  content.set("body", typed_or(typed, "body", ""));
  auto rows = list();
  const auto all = app::reader_notes(context, profile->id);
  for (const auto& note : all) {
    data row;
    row.set("id", std::to_string(note.id));
    row.set("body", note.body);
    row.set("to_reader", note.kind == app::NoteKind::kToReader);
    row.set("kind", note.kind == app::NoteKind::kToReader ? kit_.t(lang, "To the reader") : kit_.t(lang, "Internal"));
    row.set("at", format_date_time(kit_.translations(), lang, context.zone.to_local(note.created_at)));
    row.set("by", note.created_by_name);
    row.set("acknowledged", note.acknowledged_at ? format_date_time(kit_.translations(), lang,
                                                                    context.zone.to_local(*note.acknowledged_at))
                                                 : std::string());
    row.set("open", note.kind == app::NoteKind::kToReader && !note.acknowledged_at);
    rows.push_back(row);
  }
  content.set("notes", rows);
  content.set("has_notes", !all.empty());
  return show(p, profile->card_number, "notes", kit_.tf(lang, "Notes: {name}", {{"name", profile->details.name_en}}),
              content, failure);
}

Response ReaderCarePages::note_post(Page& p, const std::string& card) {
  const auto& form = p.request;
  auto added =
      app::add_note(kit_.app_context(), p.session->actor(), card, form.form_value("kind"), form.form_value("body"));
  if (!added) {
    if (auto refused = kit_.refusal_page(p, added.error())) return *refused;
    return notes(p, card, form.form, added.error());
  }
  return redirect(base_path(p.lang, card) + "/notes?saved=1");
}

Response ReaderCarePages::acknowledge_post(Page& p, const std::string& card, long long note_id) {
  auto done = app::acknowledge_note(kit_.app_context(), p.session->actor(), card, note_id);
  if (!done) return kit_.failure_page(p, done.error());
  if (p.request.form_value("back") == "counter")
    return redirect("/" + lang_code(p.lang) + "/staff/counter?card=" + percent_encode(card));
  return redirect(base_path(p.lang, card) + "/notes?saved=1");
}

// ----- PIN -----

Response ReaderCarePages::pin(Page& p, const std::string& card, const Failure& failure) {
  const auto lang = p.lang;
  data content;
  std::optional<app::ReaderProfile> profile;
  if (auto error = start(p, card, "pin", profile, content)) return *error;
  // The PIN fields are never filled again: what the reader typed is theirs alone.
  return show(p, profile->card_number, "pin", kit_.tf(lang, "Set a PIN: {name}", {{"name", profile->details.name_en}}),
              content, failure);
}

Response ReaderCarePages::pin_post(Page& p, const std::string& card) {
  const auto& form = p.request;
  auto set = app::set_pin_in_person(kit_.app_context(), p.session->actor(), card, form.form_value("pin"),
                                    form.form_value("repeated_pin"));
  if (!set) {
    if (auto refused = kit_.refusal_page(p, set.error())) return *refused;
    return pin(p, card, set.error());
  }
  return redirect(base_path(p.lang, card) + "/pin?saved=1");
}

// ----- password reset -----

Response ReaderCarePages::reset(Page& p, const std::string& card, const Failure& failure) {
  const auto lang = p.lang;
  data content;
  std::optional<app::ReaderProfile> profile;
  if (auto error = start(p, card, "password-reset", profile, content)) return *error;
  content.set("has_email", !profile->details.email.empty());
  if (p.request.query_value("sent") == "1")
    content.set("flash", kit_.t(lang, "The reset link has been sent to the reader's email address."));
  return show(p, profile->card_number, "password-reset",
              kit_.tf(lang, "Password reset: {name}", {{"name", profile->details.name_en}}), content, failure);
}

Response ReaderCarePages::reset_post(Page& p, const std::string& card) {
  auto sent = app::send_password_reset(kit_.app_context(), p.session->actor(), card);
  if (!sent) {
    if (auto refused = kit_.refusal_page(p, sent.error())) return *refused;
    return reset(p, card, sent.error());
  }
  return redirect(base_path(p.lang, card) + "/password-reset?sent=1");
}

}  // namespace shelfmark::web
