#include "domain/fines.h"

#include <algorithm>

#include "core/text.h"

namespace shelfmark::domain {
namespace {

template <class T>
bool contains(const std::vector<T>& values, const T& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

Outcome<FineSuspension> validate_fine_suspension(const FineSuspensionInput& input) {
  std::vector<FieldError> errors;
  FineSuspension suspension;
  const auto first = parse_iso_date(input.first_day);
  const auto last = parse_iso_date(input.last_day);
  if (!first) errors.push_back({"first_day", ErrorCode::kInvalidDate, {}});
  if (!last) errors.push_back({"last_day", ErrorCode::kInvalidDate, {}});
  if (first && last && *last < *first) errors.push_back({"last_day", ErrorCode::kDateRangeInvalid, {}});
  if (!input.borrowed_before.empty()) {
    suspension.borrowed_before = parse_iso_date(input.borrowed_before);
    if (!suspension.borrowed_before) errors.push_back({"borrowed_before", ErrorCode::kInvalidDate, {}});
  }
  for (const auto* list : {&input.library_kinds, &input.excluded_kinds})
    for (const auto& code : *list) {
      const auto kind = parse_library_kind(code);
      if (!kind) {
        errors.push_back(
            {list == &input.library_kinds ? "library_kinds" : "excluded_kinds", ErrorCode::kInvalidChoice, {}});
        break;
      }
      (list == &input.library_kinds ? suspension.library_kinds : suspension.excluded_kinds).push_back(*kind);
    }
  check_text(errors, "reason_en", input.reason_en, 300, true);
  check_text(errors, "reason_tc", input.reason_tc, 300, true);
  if (!errors.empty()) return invalid(std::move(errors));
  suspension.first_day = *first;
  suspension.last_day = *last;
  suspension.library_ids = input.library_ids;
  suspension.reason = {std::string(trim(input.reason_en)), std::string(trim(input.reason_tc))};
  return suspension;
}

bool suspension_covers(const FineSuspension& suspension, const LoanForFine& loan) {
  if (!suspension.library_ids.empty() && !contains(suspension.library_ids, loan.library_id)) return false;
  if (!suspension.library_kinds.empty() && !contains(suspension.library_kinds, loan.library_kind)) return false;
  if (contains(suspension.excluded_kinds, loan.library_kind)) return false;
  if (suspension.borrowed_before && !(loan.borrowed_on < *suspension.borrowed_before)) return false;
  return true;
}

FineExplanation overdue_fine(const LoanForFine& loan, Date until, const std::vector<FineSuspension>& suspensions) {
  FineExplanation fine;
  fine.rate = loan.fine_per_day;
  if (until <= loan.due_on) return fine;
  const Date first_overdue = loan.due_on + std::chrono::days(1);
  fine.days_overdue = static_cast<int>((until - loan.due_on).count());
  // A day covered by two suspensions is counted once, for the first that covers it.
  std::vector<char> suspended(fine.days_overdue, 0);
  for (const auto& suspension : suspensions) {
    if (!suspension_covers(suspension, loan)) continue;
    const Date from = std::max(first_overdue, suspension.first_day);
    const Date to = std::min(until, suspension.last_day);
    if (to < from) continue;
    int days = 0;
    for (Date day = from; day <= to; day += std::chrono::days(1)) {
      auto& flag = suspended[(day - first_overdue).count()];
      if (!flag) {
        flag = 1;
        ++days;
      }
    }
    if (days > 0) fine.suspensions.push_back({suspension.id, from, to, days, &suspension.reason});
  }
  fine.days_suspended = static_cast<int>(std::count(suspended.begin(), suspended.end(), 1));
  fine.days_charged = fine.days_overdue - fine.days_suspended;
  fine.amount = loan.fine_per_day * fine.days_charged;
  return fine;
}

}  // namespace shelfmark::domain
