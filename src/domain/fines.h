// Overdue fines that can explain themselves. A fine is charged per day or part of a day that a loan is
// kept past its due date, except on days covered by a fine suspension period that applies to the loan.
// Suspension periods are data: "overdue fines resume from 5 March for items borrowed before the reopening,
// except those borrowed from the mobile libraries" is one FineSuspension, not code.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/errors.h"
#include "domain/library.h"
#include "domain/policy.h"

namespace shelfmark::domain {

struct FineSuspension {
  long long id = 0;
  Date first_day;  // no fine is counted for days first_day..last_day inclusive
  Date last_day;
  std::vector<long long> library_ids;       // empty: every library
  std::vector<LibraryKind> library_kinds;   // empty: every kind
  std::vector<LibraryKind> excluded_kinds;  // loans from these kinds are not covered (e.g. mobile libraries)
  std::optional<Date> borrowed_before;      // only loans checked out before this day
  Localized reason;
};

struct LoanForFine {
  Date borrowed_on;
  Date due_on;           // the loan is due by the end of this day
  long long library_id;  // where it was borrowed
  LibraryKind library_kind;
  Money fine_per_day;
};

struct SuspendedDays {
  long long suspension_id;
  Date first_day;
  Date last_day;
  int days;
  const Localized* reason;  // points into the suspensions given
};

struct FineExplanation {
  int days_overdue = 0;    // days after the due date up to and including the day returned (or today)
  int days_suspended = 0;  // of those, days not charged
  int days_charged = 0;
  Money rate;
  Money amount;
  std::vector<SuspendedDays> suspensions;
};

// What an administrator types to declare a suspension period.
struct FineSuspensionInput {
  std::string first_day, last_day;          // "YYYY-MM-DD"
  std::vector<long long> library_ids;       // resolved by the caller from codes
  std::vector<std::string> library_kinds;   // codes; empty: every kind
  std::vector<std::string> excluded_kinds;  // codes
  std::string borrowed_before;              // "YYYY-MM-DD" or empty
  std::string reason_en, reason_tc;
};
Outcome<FineSuspension> validate_fine_suspension(const FineSuspensionInput& input);

bool suspension_covers(const FineSuspension& suspension, const LoanForFine& loan);

// `until` is the day the item came back, or today for a loan still out.
FineExplanation overdue_fine(const LoanForFine& loan, Date until, const std::vector<FineSuspension>& suspensions);

}  // namespace shelfmark::domain
