// The audit trail's rules: which actions are reads of personal data, the filters of the audit page checked
// as typed, and the page cursor. Pure: looking up the staff member and the card is app/'s work.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"
#include "domain/errors.h"

namespace shelfmark::domain {

// Reads of personal data are the actions ending in ".view" ("reader.view", "registration.view",
// "document.view"); they are kept for their own retention period and listed in the reader's data download.
bool is_view_action(std::string_view action);

// The actions the audit page offers in its select, in the order shown; prefixes (ending in ".") select a
// whole family. Rows of other actions are still found by typing nothing there and filtering otherwise.
const std::vector<std::string_view>& known_audit_actions();

// The audit page's filters as typed (each may be empty).
struct AuditFilterText {
  std::string staff;    // a username
  std::string card;     // a reader's card number
  std::string action;   // an action, or a prefix ending in "."
  std::string subject;  // "reader:12", "application:3" ...
  std::string from;     // YYYY-MM-DD, a Hong Kong date, inclusive
  std::string to;       // YYYY-MM-DD, inclusive
};
struct AuditFilter {
  std::string staff;
  std::string card;
  std::string action;
  std::string subject;
  std::optional<Date> from;
  std::optional<Date> to;
};
// The filters trimmed and parsed, and an error for each that is malformed: a date that is not a date
// (invalid_date), an end before the start (date_range_invalid on "to"), an action or subject that cannot be
// one (invalid_choice, invalid_text), text too long (too_long).
std::pair<AuditFilter, std::vector<FieldError>> check_audit_filter(const AuditFilterText& text);

// The keyset cursor of the next page: the (time, id) of the last row shown, written "UNIXSECONDS-ID".
std::string audit_cursor(Instant at, long long id);
std::optional<std::pair<Instant, long long>> parse_audit_cursor(std::string_view text);

}  // namespace shelfmark::domain
