#include "domain/fines.h"

#include <gtest/gtest.h>

namespace shelfmark::domain {
namespace {

Date d(std::string_view iso) { return *parse_iso_date(iso); }

LoanForFine loan(std::string_view borrowed, std::string_view due, LibraryKind kind = LibraryKind::kDistrict,
                 long long library = 3, long long rate = 150) {
  return {d(borrowed), d(due), library, kind, Money{rate}};
}

TEST(Fines, PerDayOrPartOfADayAfterTheDueDate) {
  struct Case {
    const char* returned;
    int days;
    long long cents;
  };
  const Case cases[] = {{"2026-03-01", 0, 0}, {"2026-03-10", 0, 0}, {"2026-03-11", 1, 150}, {"2026-03-20", 10, 1500}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.returned);
    const auto fine = overdue_fine(loan("2026-02-24", "2026-03-10"), d(c.returned), {});
    EXPECT_EQ(fine.days_overdue, c.days);
    EXPECT_EQ(fine.days_charged, c.days);
    EXPECT_EQ(fine.amount.cents, c.cents);
  }
  EXPECT_EQ(
      overdue_fine(loan("2026-02-24", "2026-03-10", LibraryKind::kDistrict, 3, 50), d("2026-03-14"), {}).amount.cents,
      200);
}

// "Overdue fines will resume from 5 March; they will be charged on items borrowed before the reopening and
// not returned or renewed before 5 March, except those borrowed from the mobile libraries."
FineSuspension reopening() {
  FineSuspension suspension;
  suspension.id = 1;
  suspension.first_day = d("2021-01-01");
  suspension.last_day = d("2021-03-04");
  suspension.excluded_kinds = {LibraryKind::kMobile};
  suspension.borrowed_before = d("2021-02-18");  // the day libraries reopened
  suspension.reason = {"Libraries closed; fines resume on 5 March", "圖書館暫停開放；3月5日起恢復計算罰款"};
  return suspension;
}

TEST(Fines, TheReopeningNoticeAsData) {
  const std::vector<FineSuspension> suspensions = {reopening()};
  // Borrowed before the closure, due during it, returned 10 March: only 5..10 March are charged.
  auto fine = overdue_fine(loan("2020-12-20", "2021-01-10"), d("2021-03-10"), suspensions);
  EXPECT_EQ(fine.days_overdue, 59);
  EXPECT_EQ(fine.days_suspended, 53);
  EXPECT_EQ(fine.days_charged, 6);
  EXPECT_EQ(fine.amount.cents, 900);
  ASSERT_EQ(fine.suspensions.size(), 1u);
  EXPECT_EQ(fine.suspensions[0].first_day, d("2021-01-11"));
  EXPECT_EQ(fine.suspensions[0].last_day, d("2021-03-04"));
  EXPECT_EQ(fine.suspensions[0].reason->en, "Libraries closed; fines resume on 5 March");
  // Returned on 4 March: nothing to pay.
  EXPECT_EQ(overdue_fine(loan("2020-12-20", "2021-01-10"), d("2021-03-04"), suspensions).amount.cents, 0);
  // Borrowed from a mobile library: charged for every day.
  fine = overdue_fine(loan("2020-12-20", "2021-01-10", LibraryKind::kMobile), d("2021-03-10"), suspensions);
  EXPECT_EQ(fine.days_charged, 59);
  EXPECT_TRUE(fine.suspensions.empty());
  // Borrowed after the reopening: the suspension does not apply.
  fine = overdue_fine(loan("2021-02-20", "2021-03-01"), d("2021-03-10"), suspensions);
  EXPECT_EQ(fine.days_charged, 9);
}

TEST(Fines, SuspensionsByLibraryAndKindAndOverlapsCountedOnce) {
  FineSuspension typhoon;
  typhoon.id = 2;
  typhoon.first_day = d("2026-09-01");
  typhoon.last_day = d("2026-09-03");
  typhoon.library_ids = {3};
  FineSuspension district_closure;
  district_closure.id = 3;
  district_closure.first_day = d("2026-09-02");
  district_closure.last_day = d("2026-09-05");
  district_closure.library_kinds = {LibraryKind::kDistrict};
  const auto fine = overdue_fine(loan("2026-08-10", "2026-08-31"), d("2026-09-10"), {typhoon, district_closure});
  EXPECT_EQ(fine.days_overdue, 10);
  EXPECT_EQ(fine.days_suspended, 5);  // 1..5 September
  ASSERT_EQ(fine.suspensions.size(), 2u);
  EXPECT_EQ(fine.suspensions[0].days, 3);
  EXPECT_EQ(fine.suspensions[1].days, 2);  // 4 and 5 September; 2 and 3 already counted
  // Another library of another kind: neither applies.
  EXPECT_EQ(overdue_fine(loan("2026-08-10", "2026-08-31", LibraryKind::kMajor, 9), d("2026-09-10"),
                         {typhoon, district_closure})
                .days_charged,
            10);
}

TEST(Fines, StillOnLoanCountsToToday) {
  const auto fine = overdue_fine(loan("2026-11-01", "2026-11-15"), d("2026-11-22"), {});
  EXPECT_EQ(fine.days_charged, 7);
  EXPECT_EQ(fine.amount.cents, 1050);
}

TEST(Fines, SuspensionsAreValidatedFromWhatStaffType) {
  FineSuspensionInput input{"2021-01-01", "2021-03-04", {}, {}, {"mobile"}, "2021-02-18", "Reopening", "重開"};
  auto suspension = validate_fine_suspension(input);
  ASSERT_TRUE(suspension);
  EXPECT_EQ(suspension->excluded_kinds, std::vector{LibraryKind::kMobile});
  EXPECT_EQ(suspension->borrowed_before, d("2021-02-18"));
  input = {"2021-03-04", "2021-01-01", {}, {"castle"}, {}, "soon", "", ""};
  auto refused = validate_fine_suspension(input);
  ASSERT_FALSE(refused);
  std::vector<std::string> fields;
  for (const auto& error : refused.error().fields) fields.push_back(error.field);
  EXPECT_EQ(fields,
            (std::vector<std::string>{"last_day", "borrowed_before", "library_kinds", "reason_en", "reason_tc"}));
}

}  // namespace
}  // namespace shelfmark::domain
