#include "domain/fines.h"

#include <algorithm>

namespace shelfmark::domain {
namespace {

template <class T>
bool contains(const std::vector<T>& values, const T& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

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
