#include "web/views.h"

#include "web/i18n.h"

namespace shelfmark::web {

using mustache::data;

std::string reader_cookie_name(const Request& request) { return request.tls ? "__Host-sm_reader" : "sm_reader"; }
std::string session_cookie_name(const Request& request) { return request.tls ? "__Host-sm_session" : "sm_session"; }
std::string csrf_cookie_name(const Request& request) { return request.tls ? "__Host-sm_csrf" : "sm_csrf"; }

data district_options(const Translator& translator, Language lang, std::optional<domain::District> selected) {
  auto options = list();
  for (auto district : domain::all_districts()) {
    data option;
    option.set("code", std::string(domain::district_code(district)));
    option.set("label", translator.translate(lang, domain::district_label(district)));
    option.set("selected", selected == district);
    options.push_back(option);
  }
  return options;
}

data kind_options(const Translator& translator, Language lang, std::optional<domain::LibraryKind> selected) {
  auto options = list();
  for (auto kind : domain::kAllLibraryKinds) {
    data option;
    option.set("code", std::string(domain::library_kind_code(kind)));
    option.set("label", translator.translate(lang, domain::library_kind_label(kind)));
    option.set("selected", selected == kind);
    options.push_back(option);
  }
  return options;
}

data library_options(Language lang, const app::NetworkSnapshot& network, const domain::Library* selected) {
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

void add_flash(const Translator& translator, Language lang, data& content, const Request& request) {
  const auto saved = request.query_value("saved");
  if (saved == "1") content.set("flash", translator.translate(lang, N_("Your changes have been saved.")));
  if (saved == "expired")
    content.set("flash", translator.translate(lang, N_("The notice has been ended and is no longer shown.")));
}

std::vector<std::string> refusal_texts(const Translator& translator, Language lang, const domain::Failure& failure) {
  std::vector<std::string> texts;
  for (const auto& field : failure.fields) texts.push_back(translator.error_message(lang, field));
  if (texts.empty()) texts.push_back(translator.error_message(lang, failure.code));
  return texts;
}

void set_refusals(const Translator& translator, Language lang, data& content, const domain::Failure& failure,
                  std::string_view heading) {
  auto refusals = list();
  for (const auto& text : refusal_texts(translator, lang, failure)) refusals.push_back(text);
  content.set("has_refusals", true);
  content.set("refusal_heading", translator.translate(lang, heading));
  content.set("refusals", refusals);
}

void set_standing(const Translator& translator, Language lang, data& content, const domain::Standing& standing,
                  std::string_view heading) {
  auto texts_of = [&](const std::vector<domain::Refusal>& refusals) {
    auto texts = list();
    for (const auto& refusal : refusals)
      texts.push_back(translator.error_message(lang, domain::FieldError{"", refusal.code, refusal.params}));
    return texts;
  };
  content.set("standing_blocked", standing.blocked());
  content.set("standing_heading", translator.translate(lang, heading));
  content.set("standing_reasons", texts_of(standing.refusals()));
  content.set("has_standing_limits", !standing.limits_reached.empty());
  content.set("standing_limits", texts_of(standing.limits_reached));
}

std::string reservation_state_text(const Translator& translator, Language lang,
                                   const app::ReservationView& reservation) {
  switch (reservation.status) {
    case domain::ReservationStatus::kWaiting:
      return translator.format(lang, N_("Waiting: number {position} in the queue"),
                               {{"position", format_count(reservation.position)}});
    case domain::ReservationStatus::kInTransit:
      return translator.translate(lang, N_("On its way to the pick-up library"));
    case domain::ReservationStatus::kReady:
      return translator.format(
          lang, N_("Ready: collect by {date}"),
          {{"date", reservation.collect_by ? format_date(translator, lang, *reservation.collect_by) : ""}});
    default:
      return translator.translate(lang, N_("Ended"));
  }
}

std::string_view reader_status_label(domain::ReaderStatus status) {
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

std::string plain_amount(domain::Money amount) {
  return std::to_string(amount.cents / 100) + "." + (amount.cents % 100 < 10 ? "0" : "") +
         std::to_string(amount.cents % 100);
}

}  // namespace shelfmark::web
