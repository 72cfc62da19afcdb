#include "domain/circulation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

namespace shelfmark::domain {
namespace {

Date d(std::string_view iso) { return *parse_iso_date(iso); }
const Date kToday = *parse_iso_date("2026-11-23");

ReaderSnapshot reader() {
  ReaderSnapshot r;
  r.id = 1;
  r.expires_on = d("2030-01-01");
  return r;
}

ItemSnapshot item(ItemType type = ItemType::kBook, Collection collection = Collection::kAdult) {
  ItemSnapshot i;
  i.id = 10;
  i.facts = {type, collection, 3};
  return i;
}

std::vector<ErrorCode> codes(const Decision& decision) {
  std::vector<ErrorCode> out;
  for (const auto& refusal : decision.refusals) out.push_back(refusal.code);
  return out;
}

const LendingPolicies kPolicies = default_policies();
LoanPolicy policy_for(const ReaderSnapshot& r, const ItemSnapshot& i) {
  return resolve_policy(kPolicies, r.category, i.facts, 3);
}

TEST(CheckOut, TableOfRefusals) {
  struct Case {
    const char* name;
    std::function<void(ReaderSnapshot&, ItemSnapshot&)> setup;
    std::vector<ErrorCode> expected;
    bool overridable;
  };
  const std::vector<Case> cases = {
      {"an ordinary loan", [](auto&, auto&) {}, {}, true},
      {"card reported lost",
       [](auto& r, auto&) { r.status = ReaderStatus::kCardReportedLost; },
       {ErrorCode::kCardReportedLost},
       false},
      {"pending registration",
       [](auto& r, auto&) { r.status = ReaderStatus::kPending; },
       {ErrorCode::kReaderNotActive},
       false},
      {"card past its expiry date",
       [](auto& r, auto&) { r.expires_on = d("2026-11-22"); },
       {ErrorCode::kReaderExpired},
       true},
      {"card expires today still works", [](auto& r, auto&) { r.expires_on = d("2026-11-23"); }, {}, true},
      {"E-Account and a printed book",
       [](auto& r, auto&) { r.category = ReaderCategory::kEAccount; },
       {ErrorCode::kEResourcesOnly},
       false},
      {"E-Account and an e-book",
       [](auto& r, auto& i) {
         r.category = ReaderCategory::kEAccount;
         i.facts.type = ItemType::kEBook;
       },
       {},
       true},
      {"reference item",
       [](auto&, auto& i) { i.facts.collection = Collection::kReference; },
       {ErrorCode::kItemNotLoanable},
       false},
      {"already on loan to someone",
       [](auto&, auto& i) {
         i.status = ItemStatus::kOnLoan;
         i.on_loan_to = 99;
       },
       {ErrorCode::kItemNotAvailable},
       false},
      {"already on loan to this reader",
       [](auto&, auto& i) {
         i.status = ItemStatus::kOnLoan;
         i.on_loan_to = 1;
       },
       {ErrorCode::kAlreadyOnLoanToReader},
       false},
      {"on the hold shelf for another reader",
       [](auto&, auto& i) {
         i.status = ItemStatus::kOnHoldShelf;
         i.held_for = 2;
       },
       {ErrorCode::kItemHeldForAnother},
       false},
      {"on the hold shelf for this reader",
       [](auto&, auto& i) {
         i.status = ItemStatus::kOnHoldShelf;
         i.held_for = 1;
       },
       {},
       true},
      {"nine loans: the tenth is fine", [](auto& r, auto&) { r.loans = 9; }, {}, true},
      {"ten loans: quota reached", [](auto& r, auto&) { r.loans = 10; }, {ErrorCode::kLoanQuotaReached}, true},
      {"accompanying material beyond the quota",
       [](auto& r, auto& i) {
         r.loans = 10;
         i.facts.type = ItemType::kAccompanyingMaterial;
       },
       {},
       true},
      {"periodicals have their own quota of 20",
       [](auto& r, auto& i) {
         r.loans = 10;
         r.periodical_loans = 19;
         i.facts.type = ItemType::kPeriodicalBackIssue;
       },
       {},
       true},
      {"periodical quota reached",
       [](auto& r, auto& i) {
         r.periodical_loans = 20;
         i.facts.type = ItemType::kPeriodicalBackIssue;
       },
       {ErrorCode::kPeriodicalQuotaReached},
       true},
      {"an overdue loan blocks", [](auto& r, auto&) { r.has_overdue = true; }, {ErrorCode::kReaderHasOverdue}, true},
      {"charges at the ceiling block",
       [](auto& r, auto&) { r.charges_outstanding = Money{13000}; },
       {ErrorCode::kFinesCeilingReached},
       true},
      {"charges just under the ceiling", [](auto& r, auto&) { r.charges_outstanding = Money{12999}; }, {}, true},
      {"several refusals at once",
       [](auto& r, auto& i) {
         r.loans = 10;
         r.has_overdue = true;
         i.facts.collection = Collection::kReference;
       },
       {ErrorCode::kItemNotLoanable, ErrorCode::kReaderHasOverdue, ErrorCode::kLoanQuotaReached},
       false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = reader();
    auto i = item();
    c.setup(r, i);
    const auto decision = check_out_decision(r, i, policy_for(r, i), kPolicies.limits, kToday);
    EXPECT_EQ(codes(decision), c.expected);
    EXPECT_EQ(decision.allowed(), c.expected.empty());
    if (!c.expected.empty()) EXPECT_EQ(decision.overridable(), c.overridable);
  }
}

TEST(CheckOut, RefusalsCarryTheirParameters) {
  auto r = reader();
  r.loans = 10;
  r.charges_outstanding = Money{20000};
  const auto decision = check_out_decision(r, item(), policy_for(r, item()), kPolicies.limits, kToday);
  ASSERT_EQ(decision.refusals.size(), 2u);
  EXPECT_EQ(decision.refusals[0].params.at("ceiling"), "HK$130.00");
  EXPECT_EQ(decision.refusals[1].params.at("max"), "10");
}

TEST(Renew, TableOfRefusals) {
  const auto policy = policy_for(reader(), item());
  const LoanState fresh{0, d("2026-11-30")};
  EXPECT_TRUE(renew_decision(reader(), fresh, policy, kPolicies.limits, false, kToday).allowed());
  EXPECT_TRUE(renew_decision(reader(), {4, d("2026-11-30")}, policy, kPolicies.limits, false, kToday).allowed());
  auto decision = renew_decision(reader(), {5, d("2026-11-30")}, policy, kPolicies.limits, false, kToday);
  EXPECT_EQ(codes(decision), std::vector{ErrorCode::kRenewalLimitReached});
  EXPECT_EQ(decision.refusals[0].params.at("max"), "5");
  EXPECT_TRUE(decision.overridable());
  decision = renew_decision(reader(), fresh, policy, kPolicies.limits, true, kToday);
  EXPECT_EQ(codes(decision), std::vector{ErrorCode::kReservedByAnother});
  EXPECT_FALSE(decision.overridable());
  auto overdue = reader();
  overdue.has_overdue = true;
  EXPECT_EQ(codes(renew_decision(overdue, fresh, policy, kPolicies.limits, false, kToday)),
            std::vector{ErrorCode::kReaderHasOverdue});
}

TEST(Reserve, TableOfRefusals) {
  const auto policy = policy_for(reader(), item());
  EXPECT_TRUE(reserve_decision(reader(), policy, kPolicies.limits, false, false, kToday).allowed());
  auto full = reader();
  full.reservations = 10;
  EXPECT_EQ(codes(reserve_decision(full, policy, kPolicies.limits, false, false, kToday)),
            std::vector{ErrorCode::kReservationQuotaReached});
  EXPECT_EQ(codes(reserve_decision(reader(), policy_for(reader(), item(ItemType::kAudioVisual)), kPolicies.limits,
                                   false, false, kToday)),
            std::vector{ErrorCode::kNotReservable});
  EXPECT_EQ(codes(reserve_decision(reader(), policy_for(reader(), item(ItemType::kBook, Collection::kReference)),
                                   kPolicies.limits, false, false, kToday)),
            std::vector{ErrorCode::kNotReservable});
  EXPECT_EQ(codes(reserve_decision(reader(), policy, kPolicies.limits, true, true, kToday)),
            (std::vector{ErrorCode::kAlreadyOnLoanToReader, ErrorCode::kAlreadyReserved}));
  auto expired = reader();
  expired.expires_on = d("2026-11-01");
  EXPECT_EQ(codes(reserve_decision(expired, policy, kPolicies.limits, false, false, kToday)),
            std::vector{ErrorCode::kReaderExpired});
  auto fined = reader();
  fined.charges_outstanding = Money{13000};
  EXPECT_EQ(codes(reserve_decision(fined, policy, kPolicies.limits, false, false, kToday)),
            std::vector{ErrorCode::kFinesCeilingReached});
}

Library district_library() {
  Library library;
  library.kind = LibraryKind::kDistrict;
  for (int day : {0, 1, 3, 4, 5, 6}) library.hours.days[day] = {{570, 1200}};  // closed on Wednesdays
  library.hours.days[kHolidayIndex] = {};                                      // and on public holidays
  return library;
}

// The standing is what every channel reads (checkout, renewal, reservation, the counter, My Account, SIP2).
TEST(Standing, TableOfReaderStates) {
  struct Case {
    const char* name;
    std::function<void(ReaderSnapshot&, ReaderLimits&)> setup;
    std::vector<ErrorCode> status;
    std::vector<ErrorCode> blocks;
    bool loans_at_quota;
    bool reservations_at_quota;
  };
  const auto codes_of = [](const std::vector<Refusal>& refusals) {
    std::vector<ErrorCode> out;
    for (const auto& refusal : refusals) out.push_back(refusal.code);
    return out;
  };
  const std::vector<Case> cases = {
      {"in good standing", [](auto&, auto&) {}, {}, {}, false, false},
      {"card reported lost",
       [](auto& r, auto&) { r.status = ReaderStatus::kCardReportedLost; },
       {ErrorCode::kCardReportedLost},
       {},
       false,
       false},
      {"pending",
       [](auto& r, auto&) { r.status = ReaderStatus::kPending; },
       {ErrorCode::kReaderNotActive},
       {},
       false,
       false},
      {"suspended",
       [](auto& r, auto&) { r.status = ReaderStatus::kSuspended; },
       {ErrorCode::kReaderNotActive},
       {},
       false,
       false},
      {"expired by status",
       [](auto& r, auto&) { r.status = ReaderStatus::kExpired; },
       {ErrorCode::kReaderExpired},
       {},
       false,
       false},
      {"expired by date",
       [](auto& r, auto&) { r.expires_on = d("2026-11-22"); },
       {ErrorCode::kReaderExpired},
       {},
       false,
       false},
      {"overdue, blocking",
       [](auto& r, auto&) { r.has_overdue = true; },
       {},
       {ErrorCode::kReaderHasOverdue},
       false,
       false},
      {"overdue, not blocking",
       [](auto& r, auto& l) {
         r.has_overdue = true;
         l.block_when_overdue = false;
       },
       {},
       {},
       false,
       false},
      {"charges at the ceiling",
       [](auto& r, auto&) { r.charges_outstanding = Money{13000}; },
       {},
       {ErrorCode::kFinesCeilingReached},
       false,
       false},
      {"charges just under the ceiling",
       [](auto& r, auto&) { r.charges_outstanding = Money{12999}; },
       {},
       {},
       false,
       false},
      {"a ceiling of zero is no ceiling",
       [](auto& r, auto& l) {
         r.charges_outstanding = Money{50000};
         l.fines_ceiling = Money{0};
       },
       {},
       {},
       false,
       false},
      {"loans at the quota", [](auto& r, auto&) { r.loans = 10; }, {}, {}, true, false},
      {"reservations at the quota", [](auto& r, auto&) { r.reservations = 10; }, {}, {}, false, true},
      {"lost card and overdue: both said",
       [](auto& r, auto&) {
         r.status = ReaderStatus::kCardReportedLost;
         r.has_overdue = true;
       },
       {ErrorCode::kCardReportedLost},
       {ErrorCode::kReaderHasOverdue},
       false,
       false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = reader();
    auto limits = kPolicies.limits;
    c.setup(r, limits);
    const auto standing = reader_standing(r, limits, kToday);
    EXPECT_EQ(codes_of(standing.status), c.status);
    EXPECT_EQ(codes_of(standing.blocks), c.blocks);
    EXPECT_EQ(standing.blocked(), !c.status.empty() || !c.blocks.empty());
    EXPECT_EQ(standing.loans_at_quota, c.loans_at_quota);
    EXPECT_EQ(standing.reservations_at_quota, c.reservations_at_quota);
    // The limits reached are the same refusals, with the same limits, that the decisions give.
    std::vector<ErrorCode> limits_reached;
    if (c.loans_at_quota) limits_reached.push_back(ErrorCode::kLoanQuotaReached);
    if (standing.periodical_loans_at_quota) limits_reached.push_back(ErrorCode::kPeriodicalQuotaReached);
    if (c.reservations_at_quota) limits_reached.push_back(ErrorCode::kReservationQuotaReached);
    EXPECT_EQ(codes_of(standing.limits_reached), limits_reached);
    // The decisions refuse for exactly the standing's reasons when nothing about the item or loan refuses.
    const auto book = item();
    const auto policy = policy_for(r, book);
    auto expected = codes_of(standing.refusals());
    EXPECT_EQ(codes(renew_decision(r, {0, kToday}, policy, limits, false, kToday)), expected);
    auto with_quota = expected;
    if (c.loans_at_quota) with_quota.push_back(ErrorCode::kLoanQuotaReached);
    EXPECT_EQ(codes(check_out_decision(r, book, policy, limits, kToday)), with_quota);
    auto reserve_expected = codes_of(standing.status);
    if (c.reservations_at_quota) reserve_expected.push_back(ErrorCode::kReservationQuotaReached);
    for (const auto& block : standing.blocks) reserve_expected.push_back(block.code);
    EXPECT_EQ(codes(reserve_decision(r, policy, limits, false, false, kToday)), reserve_expected);
    for (auto code : expected) EXPECT_TRUE(standing.has(code));
  }
}

TEST(Standing, AccompanyingMaterialNeverCountsTowardTheQuota) {
  auto r = reader();
  r.loans = 9;  // what snapshot_of counts: accompanying material is left out there
  const auto limits = kPolicies.limits;
  EXPECT_FALSE(reader_standing(r, limits, kToday).loans_at_quota);
  const auto disc = item(ItemType::kAccompanyingMaterial);
  r.loans = 10;
  EXPECT_TRUE(reader_standing(r, limits, kToday).loans_at_quota);
  EXPECT_TRUE(check_out_decision(r, disc, policy_for(r, disc), limits, kToday).allowed());
}

TEST(Standing, LimitsReachedCarryTheLimitsTheDecisionsSay) {
  auto r = reader();
  auto limits = kPolicies.limits;
  r.loans = limits.max_loans;
  r.periodical_loans = limits.max_periodical_loans;
  r.reservations = limits.max_reservations;
  const auto standing = reader_standing(r, limits, kToday);
  ASSERT_EQ(standing.limits_reached.size(), 3u);
  EXPECT_EQ(standing.limits_reached[0].code, ErrorCode::kLoanQuotaReached);
  EXPECT_EQ(standing.limits_reached[0].params.at("max"), std::to_string(limits.max_loans));
  EXPECT_EQ(standing.limits_reached[1].code, ErrorCode::kPeriodicalQuotaReached);
  EXPECT_EQ(standing.limits_reached[1].params.at("max"), std::to_string(limits.max_periodical_loans));
  EXPECT_EQ(standing.limits_reached[2].code, ErrorCode::kReservationQuotaReached);
  EXPECT_EQ(standing.limits_reached[2].params.at("max"), std::to_string(limits.max_reservations));
  // A checkout at the quota refuses with the same refusal, the same limit included.
  const auto book = item();
  const auto refused = check_out_decision(r, book, policy_for(r, book), limits, kToday);
  EXPECT_NE(std::find(refused.refusals.begin(), refused.refusals.end(), standing.limits_reached[0]),
            refused.refusals.end());
  EXPECT_TRUE(reader_standing(reader(), limits, kToday).limits_reached.empty());
}

TEST(DueDate, MovesToTheNextOpenDay) {
  const auto library = district_library();
  HolidayCalendar holidays{{{d("2026-12-24"), {"Holiday", "假期"}}}};
  // Monday 23 Nov + 14 = Monday 7 Dec: open.
  EXPECT_EQ(due_date(d("2026-11-23"), 14, library, holidays), d("2026-12-07"));
  // Wednesday 25 Nov + 14 = Wednesday 9 Dec: closed, so Thursday 10 Dec.
  EXPECT_EQ(due_date(d("2026-11-25"), 14, library, holidays), d("2026-12-10"));
  // Thursday 10 Dec + 14 = Thursday 24 Dec, a holiday: Friday 25 Dec.
  EXPECT_EQ(due_date(d("2026-12-10"), 14, library, holidays), d("2026-12-25"));
  auto closed = library;
  closed.closures.push_back({1, d("2026-12-01"), d("2026-12-31"), {"Renovation", "翻新"}});
  EXPECT_EQ(due_date(d("2026-11-23"), 14, closed, holidays), d("2027-01-01"));
  closed.closures.push_back({2, d("2027-01-01"), d("2027-12-31"), {"Closed", "關閉"}});
  EXPECT_EQ(due_date(d("2026-11-23"), 14, closed, holidays), d("2026-12-07"));  // no open day within 60 days
}

TEST(Reservations, FirstComeFirstServedWithinWhatACopyCanFill) {
  const std::vector<QueuedReservation> queue = {
      {1, 11, instant_from_unix(300), 3, std::nullopt, d("2026-12-31")},
      {2, 12, instant_from_unix(100), 3, 77, d("2026-12-31")},  // copy-level, another copy
      {3, 13, instant_from_unix(200), 5, std::nullopt, d("2026-12-31")},
      {4, 14, instant_from_unix(50), 3, std::nullopt, d("2026-11-01")},  // expired
  };
  EXPECT_EQ(next_reservation_to_fill(queue, 10, kToday), 2u);
  EXPECT_EQ(next_reservation_to_fill(queue, 77, kToday), 1u);
  EXPECT_FALSE(next_reservation_to_fill({}, 10, kToday));
  EXPECT_FALSE(next_reservation_to_fill({queue[3]}, 10, kToday));
}

TEST(PullList, TheNearestCopyIsPulled) {
  const QueuedReservation title_level{1, 11, instant_from_unix(1), 3, std::nullopt, d("2026-12-31")};
  const std::vector<AvailableCopy> copies = {{20, 9, District::kIslands},
                                             {21, 8, District::kKwunTong},
                                             {22, 3, District::kKwunTong},
                                             {19, 7, District::kIslands}};
  EXPECT_EQ(nearest_copy(title_level, District::kKwunTong, copies), 2u);  // at the pick-up library
  EXPECT_EQ(nearest_copy(title_level, District::kKwunTong, {copies[0], copies[1], copies[3]}), 1u);  // same district
  EXPECT_EQ(nearest_copy(title_level, District::kShaTin, {copies[0], copies[3]}), 1u);  // anywhere: lowest id
  QueuedReservation copy_level = title_level;
  copy_level.item_id = 20;
  EXPECT_EQ(nearest_copy(copy_level, District::kKwunTong, copies), 0u);
  copy_level.item_id = 99;
  EXPECT_FALSE(nearest_copy(copy_level, District::kKwunTong, copies));
}

TEST(Routing, ReturnedItemsGoWhereTheyAreNeeded) {
  const QueuedReservation here{1, 11, instant_from_unix(1), 3, std::nullopt, d("2026-12-31")};
  const QueuedReservation elsewhere{2, 12, instant_from_unix(1), 5, std::nullopt, d("2026-12-31")};
  auto routing = route_returned_item(3, 3, here);
  EXPECT_EQ(routing.routing, Routing::kHoldShelf);
  EXPECT_EQ(routing.reservation_id, 1);
  routing = route_returned_item(3, 3, elsewhere);
  EXPECT_EQ(routing.routing, Routing::kTransit);
  EXPECT_EQ(routing.to_library_id, 5);
  routing = route_returned_item(3, 9, std::nullopt);
  EXPECT_EQ(routing.routing, Routing::kTransit);
  EXPECT_EQ(routing.to_library_id, 3);
  EXPECT_EQ(route_returned_item(3, 3, std::nullopt).routing, Routing::kShelf);
}

TEST(Circulation, EBooksAreLentOnlineAndBooksAtLibraries) {
  EXPECT_TRUE(lending_channel_decision(ItemType::kEBook, true).allowed());
  EXPECT_TRUE(lending_channel_decision(ItemType::kBook, false).allowed());
  EXPECT_TRUE(lending_channel_decision(ItemType::kAudioVisual, false).allowed());
  const auto offline_ebook = lending_channel_decision(ItemType::kEBook, false);
  EXPECT_TRUE(offline_ebook.has(ErrorCode::kEBookOnlineOnly));
  EXPECT_FALSE(offline_ebook.overridable());
  const auto online_book = lending_channel_decision(ItemType::kPeriodicalBackIssue, true);
  EXPECT_TRUE(online_book.has(ErrorCode::kBorrowAtLibrary));
  EXPECT_FALSE(online_book.overridable());
}

TEST(Circulation, ReaderStatusCodesRoundTrip) {
  for (auto status : {ReaderStatus::kActive, ReaderStatus::kPending, ReaderStatus::kSuspended,
                      ReaderStatus::kCardReportedLost, ReaderStatus::kExpired})
    EXPECT_EQ(parse_reader_status(reader_status_code(status)), status);
  EXPECT_EQ(reader_status_code(ReaderStatus::kCardReportedLost), "card_reported_lost");
  EXPECT_FALSE(parse_reader_status("lost"));
}

}  // namespace
}  // namespace shelfmark::domain
