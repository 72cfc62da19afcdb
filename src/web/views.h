// Presenters more than one page group uses: option lists for forms, the refusals of a circulation request,
// a reservation's state, the "saved" flash, amounts as typed in forms, and the names of the sign-in cookies.
// Page groups include this, never each other.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/circulation.h"
#include "app/directory.h"
#include "web/page_kit.h"

namespace shelfmark::web {

// The session cookies and the sign-in forms' CSRF cookie; "__Host-" over TLS, so that no other site or
// path can set them.
std::string reader_cookie_name(const Request& request);
std::string session_cookie_name(const Request& request);
std::string csrf_cookie_name(const Request& request);

// <option>s of districts and library kinds, the selected one marked.
mustache::data district_options(const Translator& translator, Language lang, std::optional<domain::District> selected);
mustache::data kind_options(const Translator& translator, Language lang, std::optional<domain::LibraryKind> selected);
// <option>s of the libraries where a reader can be served (self-service stations left out).
mustache::data library_options(Language lang, const app::NetworkSnapshot& network, const domain::Library* selected);
// <option>s of a code table; `chosen` is the code of the selected one.
template <class Enum>
mustache::data choice_options(const Translator& translator, Language lang, const std::vector<Enum>& values,
                              std::string_view (*code)(Enum), std::string_view (*label)(Enum),
                              const std::string& chosen) {
  auto options = list();
  for (auto value : values) {
    mustache::data option;
    option.set("code", std::string(code(value)));
    option.set("label", translator.translate(lang, label(value)));
    option.set("selected", std::string(code(value)) == chosen);
    options.push_back(option);
  }
  return options;
}

// "Your changes have been saved." after a redirect with ?saved=1 (or the notice ended, ?saved=expired).
void add_flash(const Translator& translator, Language lang, mustache::data& content, const Request& request);

// Why a circulation request was refused: one text per field error, else the failure's own.
std::vector<std::string> refusal_texts(const Translator& translator, Language lang, const domain::Failure& failure);
void set_refusals(const Translator& translator, Language lang, mustache::data& content, const domain::Failure& failure,
                  std::string_view heading);

// The reader's standing as the counter and My Account show it before anyone tries a loan: why loans,
// renewals and reservations are refused whatever the item ("standing_blocked", "standing_reasons" under
// `heading`), and the quotas reached ("standing_limits"), each in the words the refusal itself would use.
void set_standing(const Translator& translator, Language lang, mustache::data& content,
                  const domain::Standing& standing, std::string_view heading);

std::string reservation_state_text(const Translator& translator, Language lang,
                                   const app::ReservationView& reservation);
std::string_view reader_status_label(domain::ReaderStatus status);

// An amount as a form field holds it: "12.50".
std::string plain_amount(domain::Money amount);

}  // namespace shelfmark::web
