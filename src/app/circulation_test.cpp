// Circulation use cases against the real store, on both backends.
#include "app/circulation.h"

#include <atomic>
#include <regex>
#include <thread>

#include "app/jobs.h"
#include "app/testing/use_case_test.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using testing::ItemSpec;
using testing::UseCaseTest;

class Circulation : public UseCaseTest {
 protected:
  void SetUp() override {
    auto hours = testing::open_every_day(540, 1200);
    hours.days[2] = {};  // closed on Wednesdays
    auto cl = testing::library("CL", domain::LibraryKind::kCentral);
    cl.hours = hours;
    central = new_library(cl);
    auto kt = testing::library("KT", domain::LibraryKind::kDistrict);
    kt.hours = hours;
    district = new_library(kt);
    for (int i = 0; i < 60; ++i)
      new_reader({.card = "R" + std::to_string(1000 + i), .name = "Reader " + std::to_string(i)});
    for (int i = 0; i < 15; ++i) new_item(book("B" + std::to_string(100 + i)));
    new_item(book("REF1", domain::Collection::kReference));
  }

  ItemSpec book(const std::string& barcode, domain::Collection collection = domain::Collection::kAdult) {
    return {.barcode = barcode,
            .title = "Title of " + barcode + " 書名",
            .title_key = "title:" + barcode,
            .collection = collection,
            .library_id = central};
  }

  domain::Outcome<CheckOutResult> lend(const std::string& card, const std::string& barcode, std::string key = "",
                                       std::optional<Override> override_refusals = std::nullopt) {
    return check_out(*context, network, {card, barcode, central, Channel::kCounter, key, override_refusals});
  }

  long long central = 0, district = 0;
};

TEST_P(Circulation, LendsAndRefusesWithReasons) {
  auto loan = lend("R1000", "B100");
  ASSERT_TRUE(loan);
  // Monday 23 Nov + 14 days = Monday 7 Dec (open).
  EXPECT_EQ(format_iso_date(loan->due_on), "2026-12-07");
  EXPECT_EQ(loan->title, "Title of B100 書名");
  EXPECT_EQ(lend("R1001", "B100").error().code, ErrorCode::kItemNotAvailable);
  EXPECT_EQ(lend("R1000", "B100").error().code, ErrorCode::kAlreadyOnLoanToReader);
  EXPECT_EQ(lend("R1000", "REF1").error().code, ErrorCode::kItemNotLoanable);
  auto unknown = lend("NOBODY", "B101");
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().fields.at(0).field, "card");
  EXPECT_EQ(lend("R1000", "NOPE").error().fields.at(0).field, "barcode");
}

TEST_P(Circulation, DueDatesSkipClosedDays) {
  clock->set(zone->to_instant({*parse_iso_date("2026-11-25"), 600}));  // Wednesday + 14 = Wednesday (closed)
  auto loan = lend("R1000", "B100");
  ASSERT_TRUE(loan);
  EXPECT_EQ(format_iso_date(loan->due_on), "2026-12-10");
}

TEST_P(Circulation, QuotaRefusedUnlessStaffOverrideWithAReason) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(lend("R1000", "B" + std::to_string(100 + i)));
  auto refused = lend("R1000", "B110");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kLoanQuotaReached);
  EXPECT_EQ(refused.error().fields.at(0).params.at("max"), "10");
  EXPECT_TRUE(staff_may_override(refused.error()));
  EXPECT_FALSE(staff_may_override(lend("R1000", "REF1").error()));
  EXPECT_FALSE(staff_may_override(lend("NOBODY", "B110").error()));
  EXPECT_FALSE(lend("R1000", "B110", "", Override{7, ""}));  // no reason, no override
  ASSERT_TRUE(lend("R1000", "B110", "", Override{7, "Reader is a teacher preparing a class"}));
  std::vector<AuditEntry> audit;
  store->transact(Store::Mode::kRead, [&](Repositories& repos) { audit = repos.audit.recent(1); });
  EXPECT_EQ(audit.at(0).action, "circulation.override");
  EXPECT_NE(audit.at(0).detail.find("loan_quota_reached"), std::string::npos);
  // A refusal staff may not override stays refused.
  EXPECT_EQ(lend("R1000", "REF1", "", Override{7, "please"}).error().code, ErrorCode::kItemNotLoanable);
}

TEST_P(Circulation, ResentCheckoutIsAppliedOnce) {
  auto first = lend("R1000", "B100", "terminal-7:seq-42");
  ASSERT_TRUE(first);
  auto again = lend("R1000", "B100", "terminal-7:seq-42");
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->loan_id, first->loan_id);
  EXPECT_EQ(count("SELECT COUNT(*) FROM loans"), 1);
}

TEST_P(Circulation, AReplayedAnswerCannotBeForgedByATitle) {
  // A title is catalogue data from outside (MARC): its newlines and '=' must not become fields of the stored
  // answer that a resent request gets back.
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    ItemRecord item;
    item.barcode = "FORGE1";
    item.title = "Forged\nloan_id=999999\ndue_on=2000-01-01\\=";
    item.title_key = "title:FORGE1";
    item.facts = {domain::ItemType::kBook, domain::Collection::kAdult, central};
    item.current_library_id = central;
    repos.circulation.insert_item(item);
  });
  auto first = lend("R1000", "FORGE1", "terminal-7:seq-43");
  ASSERT_TRUE(first);
  auto again = lend("R1000", "FORGE1", "terminal-7:seq-43");
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->loan_id, first->loan_id);
  EXPECT_EQ(again->due_on, first->due_on);
  EXPECT_EQ(again->title, first->title);
}

TEST_P(Circulation, FiftyConcurrentCheckoutsOfOneItemExactlyOneWins) {
  std::atomic<int> wins{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i)
    threads.emplace_back([&, i] {
      auto result = lend("R" + std::to_string(1000 + i), "B100");
      if (result)
        ++wins;
      else if (result.error().code == ErrorCode::kItemNotAvailable)
        ++refused;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(refused, 49);
  EXPECT_EQ(count("SELECT COUNT(*) FROM loans WHERE returned_at IS NULL"), 1);
}

TEST_P(Circulation, ConcurrentRetriesOfOneRequestAllGetTheSameAnswer) {
  std::atomic<int> same{0};
  std::atomic<long long> loan_id{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 12; ++i)
    threads.emplace_back([&] {
      auto result = lend("R1000", "B100", "same-key");
      if (!result) return;
      long long expected = 0;
      if (loan_id.compare_exchange_strong(expected, result->loan_id) || expected == result->loan_id) ++same;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(same, 12);
  EXPECT_EQ(count("SELECT COUNT(*) FROM loans"), 1);
}

TEST_P(Circulation, LateReturnChargesAFineThatExplainsItself) {
  ASSERT_TRUE(lend("R1000", "B100"));  // due 7 Dec
  clock->set(zone->to_instant({*parse_iso_date("2026-12-10"), 600}));
  auto returned = check_in(*context, network, {"B100", central, Channel::kCounter, std::nullopt, ""});
  ASSERT_TRUE(returned);
  EXPECT_TRUE(returned->was_on_loan);
  EXPECT_EQ(returned->fine.cents, 450);  // 3 days x HK$1.50
  EXPECT_EQ(returned->routing.routing, domain::Routing::kShelf);
  const auto explanation = sql().query("SELECT explanation FROM charges").at(0).text(0);
  EXPECT_NE(explanation.find("\"days_charged\":3"), std::string::npos) << explanation;
  EXPECT_NE(explanation.find("\"rate_cents\":150"), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM loans WHERE returned_at IS NULL"), 0);
  ASSERT_TRUE(lend("R1001", "B100"));  // back on the shelf, lendable again
}

TEST_P(Circulation, BookDropIsDatedToTheDropAndSuspensionsApply) {
  ASSERT_TRUE(lend("R1000", "B100"));  // due 7 Dec
  ASSERT_TRUE(lend("R1000", "B101"));
  clock->set(zone->to_instant({*parse_iso_date("2026-12-14"), 600}));
  // Dropped on the evening of 7 December, processed a week later: no fine.
  auto dropped =
      check_in(*context, network,
               {"B100", central, Channel::kBookDrop, zone->to_instant({*parse_iso_date("2026-12-07"), 1300}), ""});
  ASSERT_TRUE(dropped);
  EXPECT_EQ(dropped->fine.cents, 0);
  // A typhoon suspended fines at the central library on 8 to 10 December.
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    domain::FineSuspension typhoon;
    typhoon.first_day = *parse_iso_date("2026-12-08");
    typhoon.last_day = *parse_iso_date("2026-12-10");
    typhoon.library_ids = {central};
    typhoon.reason = {"Typhoon", "颱風"};
    repos.circulation.add_fine_suspension(typhoon);
  });
  auto late = check_in(*context, network, {"B101", district, Channel::kCounter, std::nullopt, ""});
  ASSERT_TRUE(late);
  EXPECT_EQ(late->fine.cents, 4 * 150);  // 8..14 December is 7 days, 3 suspended
  // Returned at another library: in transit home.
  EXPECT_EQ(late->routing.routing, domain::Routing::kTransit);
  EXPECT_EQ(late->routing.to_library_id, central);
}

TEST_P(Circulation, ResentCheckInIsAppliedOnce) {
  ASSERT_TRUE(lend("R1000", "B100"));
  ASSERT_TRUE(place_reservation(*context, network, {"R1001", "B100", false, "KT", ""}));
  clock->set(zone->to_instant({*parse_iso_date("2026-12-12"), 600}));
  auto first = check_in(*context, network, {"B100", central, Channel::kSip2, std::nullopt, "drop-1"});
  auto again = check_in(*context, network, {"B100", central, Channel::kSip2, std::nullopt, "drop-1"});
  ASSERT_TRUE(first);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->fine.cents, first->fine.cents);
  // The replay says what the first answer said: in transit to KT, for that reservation.
  EXPECT_EQ(first->routing.routing, domain::Routing::kTransit);
  EXPECT_EQ(again->routing.routing, first->routing.routing);
  EXPECT_EQ(again->routing.to_library_id, first->routing.to_library_id);
  ASSERT_TRUE(first->routing.reservation_id);
  EXPECT_EQ(again->routing.reservation_id, first->routing.reservation_id);
  EXPECT_EQ(count("SELECT COUNT(*) FROM charges"), 1);
}

TEST_P(Circulation, RenewalsGiveReferenceNumbersUntilTheLimit) {
  ASSERT_TRUE(lend("R1000", "B100"));
  const std::regex reference(R"(R\d{8,})");
  for (int i = 1; i <= 5; ++i) {
    clock->set(clock->now() + std::chrono::hours(24));
    auto renewed = renew(*context, network, {"R1000", "B100", Channel::kWeb, "", std::nullopt});
    ASSERT_TRUE(renewed) << i;
    EXPECT_TRUE(std::regex_match(renewed->reference, reference)) << renewed->reference;
  }
  auto refused = renew(*context, network, {"R1000", "B100", Channel::kWeb, "", std::nullopt});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kRenewalLimitReached);
  EXPECT_EQ(count("SELECT times_renewed FROM loans"), 5);
  // Someone else's loan is "not found", never "someone has it".
  EXPECT_EQ(renew(*context, network, {"R1001", "B100", Channel::kWeb, "", std::nullopt}).error().code,
            ErrorCode::kNotFound);
}

TEST_P(Circulation, ResentRenewalIsAppliedOnceAndOverdueBlocks) {
  ASSERT_TRUE(lend("R1000", "B100"));
  auto first = renew(*context, network, {"R1000", "B100", Channel::kWeb, "form-123", std::nullopt});
  auto again = renew(*context, network, {"R1000", "B100", Channel::kWeb, "form-123", std::nullopt});
  ASSERT_TRUE(first);
  ASSERT_TRUE(again);
  EXPECT_EQ(first->reference, again->reference);
  EXPECT_EQ(count("SELECT times_renewed FROM loans"), 1);
  clock->set(clock->now() + std::chrono::days(40));  // now overdue
  auto refused = renew(*context, network, {"R1000", "B100", Channel::kWeb, "", std::nullopt});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kReaderHasOverdue);
}

TEST_P(Circulation, RenewAllAnswersEachLoan) {
  ASSERT_TRUE(lend("R1000", "B100"));
  ASSERT_TRUE(lend("R1000", "B101"));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(renew(*context, network, {"R1000", "B101", Channel::kWeb, "", std::nullopt}));
  auto all = renew_all(*context, network, "R1000", Channel::kWeb);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  int renewed = 0, refused = 0;
  for (const auto& item : all.value()) (item.outcome ? renewed : refused)++;
  EXPECT_EQ(renewed, 1);
  EXPECT_EQ(refused, 1);
  EXPECT_EQ(renew_all(*context, network, "NOBODY", Channel::kWeb).error().code, ErrorCode::kNotFound);
}

TEST_P(Circulation, ReservationIsFilledOnReturnCollectedWithItsFee) {
  ASSERT_TRUE(lend("R1000", "B100"));
  auto placed = place_reservation(*context, network, {"R1001", "B100", false, "KT", ""});
  ASSERT_TRUE(placed);
  EXPECT_EQ(placed->reference.substr(0, 1), "H");
  EXPECT_EQ(placed->position, 1);
  EXPECT_EQ(format_iso_date(placed->expires_on), "2027-11-23");
  auto second = place_reservation(*context, network, {"R1002", "B100", false, "CL", ""});
  ASSERT_TRUE(second);
  EXPECT_EQ(second->position, 2);
  EXPECT_EQ(place_reservation(*context, network, {"R1001", "B100", false, "KT", ""}).error().code,
            ErrorCode::kAlreadyReserved);
  EXPECT_EQ(place_reservation(*context, network, {"R1000", "B100", false, "KT", ""}).error().code,
            ErrorCode::kAlreadyOnLoanToReader);
  // Someone waits: no renewal.
  EXPECT_EQ(renew(*context, network, {"R1000", "B100", Channel::kWeb, "", std::nullopt}).error().code,
            ErrorCode::kReservedByAnother);
  // Returned at the central library: in transit to Kwun Tong for the first reader in the queue.
  auto back = check_in(*context, network, {"B100", central, Channel::kCounter, std::nullopt, ""});
  ASSERT_TRUE(back);
  EXPECT_EQ(back->routing.routing, domain::Routing::kTransit);
  EXPECT_EQ(back->routing.to_library_id, district);
  EXPECT_EQ(back->routing.reservation_id, placed->id);
  // Nobody else may borrow it meanwhile.
  EXPECT_EQ(lend("R1003", "B100").error().code, ErrorCode::kItemHeldForAnother);
  // Arrives at Kwun Tong: on the hold shelf, ready to collect for 7 days.
  auto arrived = check_in(*context, network, {"B100", district, Channel::kCounter, std::nullopt, ""});
  ASSERT_TRUE(arrived);
  EXPECT_EQ(arrived->routing.routing, domain::Routing::kHoldShelf);
  auto shelf = hold_shelf(*context, district);
  ASSERT_EQ(shelf.size(), 1u);
  EXPECT_EQ(shelf[0].card_number, "R1001");
  EXPECT_EQ(format_iso_date(shelf[0].collect_by), "2026-11-30");
  EXPECT_EQ(change_pickup_library(*context, network, "R1001", placed->id, "CL").error().code,
            ErrorCode::kReservationNotChangeable);
  // Collected: lent at Kwun Tong, the HK$3.30 fee charged.
  auto collected = check_out(*context, network, {"R1001", "B100", district, Channel::kCounter, "", std::nullopt});
  ASSERT_TRUE(collected);
  EXPECT_EQ(count("SELECT COUNT(*) FROM charges WHERE kind = 'reservation_fee' AND amount_cents = 330"), 1);
  EXPECT_TRUE(hold_shelf(*context, district).empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM reservations WHERE status = 'collected'"), 1);
}

TEST_P(Circulation, ReservationRulesAndChanges) {
  EXPECT_EQ(place_reservation(*context, network, {"R1000", "REF1", false, "CL", ""}).error().code,
            ErrorCode::kNotReservable);
  EXPECT_EQ(place_reservation(*context, network, {"R1000", "B100", false, "NOWHERE", ""}).error().fields.at(0).field,
            "pickup_library");
  EXPECT_EQ(
      place_reservation(*context, network, {"R1000", "B100", false, "CL", "2026-11-01"}).error().fields.at(0).field,
      "expires_on");
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(place_reservation(*context, network, {"R1000", "B10" + std::to_string(i), false, "CL", ""}));
  EXPECT_EQ(place_reservation(*context, network, {"R1000", "B110", false, "CL", ""}).error().code,
            ErrorCode::kReservationQuotaReached);
  std::vector<ReservationRecord> mine;
  store->transact(Store::Mode::kRead, [&](Repositories& repos) {
    mine = repos.circulation.active_reservations_of_reader(repos.circulation.reader_by_card("R1000")->id);
  });
  ASSERT_EQ(mine.size(), 10u);
  ASSERT_TRUE(change_pickup_library(*context, network, "R1000", mine[0].id, "KT"));
  EXPECT_EQ(cancel_reservation(*context, network, "R1001", mine[0].id).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(cancel_reservation(*context, network, "R1000", mine[0].id));
  EXPECT_EQ(cancel_reservation(*context, network, "R1000", mine[0].id).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(place_reservation(*context, network, {"R1000", "B110", false, "CL", ""}));
}

TEST_P(Circulation, UncollectedReservationsExpireAndTheCopyMovesOn) {
  ASSERT_TRUE(place_reservation(*context, network, {"R1001", "B100", false, "CL", ""}));
  ASSERT_TRUE(place_reservation(*context, network, {"R1002", "B100", false, "CL", ""}));
  ASSERT_TRUE(place_reservation(*context, network, {"R1003", "B101", false, "CL", "2026-11-30"}));
  // Staff pull the copy from the shelf and scan it: it fills the first reservation at once.
  auto pulled = check_in(*context, network, {"B100", central, Channel::kCounter, std::nullopt, ""});
  ASSERT_TRUE(pulled);
  EXPECT_EQ(pulled->routing.routing, domain::Routing::kHoldShelf);
  clock->set(clock->now() + std::chrono::days(8));  // past the 7 days to collect, and past B101's expiry
  auto report = expire_reservations(*context, network);
  EXPECT_EQ(report.uncollected_expired, 1);
  EXPECT_EQ(report.waiting_expired, 1);
  auto shelf = hold_shelf(*context, central);
  ASSERT_EQ(shelf.size(), 1u);
  EXPECT_EQ(shelf[0].card_number, "R1002");
  EXPECT_EQ(expire_reservations(*context, network).uncollected_expired, 0);
}

TEST_P(Circulation, ConcurrentReservationsOfOneTitleByOneReaderOnlyOneCounts) {
  std::atomic<int> placed{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 10; ++i)
    threads.emplace_back([&] {
      auto result = place_reservation(*context, network, {"R1000", "B100", false, "CL", ""});
      (result ? placed : refused)++;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(placed, 1);
  EXPECT_EQ(refused, 9);
  EXPECT_EQ(count("SELECT COUNT(*) FROM reservations"), 1);
}

TEST_P(Circulation, ALostCardIsBlockedAtOnce) {
  ASSERT_TRUE(lend("R1000", "B100"));
  ASSERT_TRUE(report_card_lost(*context, "R1000", std::nullopt));
  EXPECT_EQ(lend("R1000", "B101").error().code, ErrorCode::kCardReportedLost);
  EXPECT_EQ(renew(*context, network, {"R1000", "B100", Channel::kWeb, "", std::nullopt}).error().code,
            ErrorCode::kCardReportedLost);
  EXPECT_TRUE(report_card_lost(*context, "R1000", 3));  // reporting again changes nothing
  EXPECT_EQ(report_card_lost(*context, "NOBODY", std::nullopt).error().code, ErrorCode::kNotFound);
  // Returns still work: the items are the library's.
  EXPECT_TRUE(check_in(*context, network, {"B100", central, Channel::kBookDrop, std::nullopt, ""}));
}

TEST_P(Circulation, ChargesArePaidOldestFirstAndWaivedWithAReason) {
  ASSERT_TRUE(lend("R1000", "B100"));
  ASSERT_TRUE(lend("R1000", "B101"));
  clock->set(zone->to_instant({*parse_iso_date("2026-12-10"), 600}));  // 3 days late
  ASSERT_TRUE(check_in(*context, network, {"B100", central, Channel::kCounter, std::nullopt, ""}));
  clock->set(zone->to_instant({*parse_iso_date("2026-12-12"), 600}));  // 5 days late
  ASSERT_TRUE(check_in(*context, network, {"B101", central, Channel::kCounter, std::nullopt, ""}));
  auto charges = reader_charges(*context, "R1000");
  ASSERT_TRUE(charges);
  ASSERT_EQ(charges->size(), 2u);
  EXPECT_EQ(charges.value()[0].days_charged, 3);
  EXPECT_EQ(charges.value()[0].rate.cents, 150);
  EXPECT_EQ(charges.value()[1].outstanding.cents, 750);
  EXPECT_EQ(charges.value()[0].title, "Title of B100 書名");

  EXPECT_EQ(pay_charges(*context, {"R1000", "20.00", "cash", 7, ""}).error().fields.at(0).params.at("max"), "HK$12.00");
  EXPECT_EQ(pay_charges(*context, {"R1000", "abc", "cash", 7, ""}).error().code, ErrorCode::kAmountInvalid);
  EXPECT_EQ(pay_charges(*context, {"R1000", "1", "gold", 7, ""}).error().code, ErrorCode::kInvalidChoice);
  auto paid = pay_charges(*context, {"R1000", "5.50", "octopus", 7, "till-1"});
  ASSERT_TRUE(paid);
  EXPECT_EQ(paid->receipt.substr(0, 1), "P");
  EXPECT_EQ(paid->still_owed.cents, 650);
  auto again = pay_charges(*context, {"R1000", "5.50", "octopus", 7, "till-1"});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->receipt, paid->receipt);
  EXPECT_TRUE(again->replayed);
  charges = reader_charges(*context, "R1000");
  EXPECT_EQ(charges.value()[0].outstanding.cents, 0);    // the oldest, HK$4.50, settled
  EXPECT_EQ(charges.value()[1].outstanding.cents, 650);  // HK$1.00 of the next
  EXPECT_EQ(waive_charge(*context, "R1000", charges.value()[1].id, "", 7).error().fields.at(0).field, "reason");
  auto waived = waive_charge(*context, "R1000", charges.value()[1].id, "Reader was in hospital", 7);
  ASSERT_TRUE(waived);
  EXPECT_EQ(waived->receipt.substr(0, 1), "W");
  EXPECT_EQ(waived->still_owed.cents, 0);
  EXPECT_EQ(waive_charge(*context, "R1000", charges.value()[1].id, "twice", 7).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(count("SELECT COUNT(*) FROM charges WHERE settled_cents > amount_cents"), 0);
}

TEST_P(Circulation, RacingPaymentsNeverSettleMoreThanOwed) {
  ASSERT_TRUE(lend("R1000", "B100"));
  clock->set(zone->to_instant({*parse_iso_date("2026-12-17"), 600}));  // 10 days late: HK$15.00
  ASSERT_TRUE(check_in(*context, network, {"B100", central, Channel::kCounter, std::nullopt, ""}));
  std::atomic<int> paid{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] {
      if (pay_charges(*context, {"R1000", "10.00", "cash", 7, ""})) ++paid;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(paid, 1);
  EXPECT_EQ(count("SELECT settled_cents FROM charges"), 1000);
}

TEST_P(Circulation, PullListsSendTheNearestCopy) {
  // Another copy of B100's title at Kwun Tong.
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    ItemRecord copy;
    copy.barcode = "B100-2";
    copy.title = "Second copy";
    copy.title_key = "title:B100";
    copy.facts = {domain::ItemType::kBook, domain::Collection::kAdult, district};
    copy.current_library_id = district;
    repos.circulation.insert_item(copy);
  });
  ASSERT_TRUE(place_reservation(*context, network, {"R1000", "B100", false, "KT", ""}));
  ASSERT_TRUE(place_reservation(*context, network, {"R1001", "B100", false, "KT", ""}));
  ASSERT_TRUE(place_reservation(*context, network, {"R1002", "B100", false, "KT", ""}));
  auto at_kwun_tong = pull_list(*context, network, district);
  auto at_central = pull_list(*context, network, central);
  ASSERT_EQ(at_kwun_tong.size(), 1u);  // the first reader gets the copy already at the pick-up library
  EXPECT_EQ(at_kwun_tong[0].barcode, "B100-2");
  ASSERT_EQ(at_central.size(), 1u);  // the second gets the central library's copy; the third waits
  EXPECT_EQ(at_central[0].barcode, "B100");
  EXPECT_EQ(at_central[0].pickup_library_code, "KT");
  // Scanned at Returns: the Kwun Tong copy goes straight to the hold shelf.
  auto scanned = check_in(*context, network, {"B100-2", district, Channel::kCounter, std::nullopt, ""});
  ASSERT_TRUE(scanned);
  EXPECT_EQ(scanned->routing.routing, domain::Routing::kHoldShelf);
  EXPECT_TRUE(pull_list(*context, network, district).empty());
}

TEST_P(Circulation, ConcurrentReturnsOfOneItemChargeOnce) {
  ASSERT_TRUE(lend("R1000", "B100"));
  clock->set(zone->to_instant({*parse_iso_date("2026-12-10"), 600}));
  std::vector<std::thread> threads;
  std::atomic<int> returned{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      auto result = check_in(*context, network, {"B100", central, Channel::kBookDrop, std::nullopt, ""});
      if (result && result->was_on_loan) ++returned;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(returned, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM charges"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM loan_events WHERE kind = 'check_in'"), 1);
}

TEST_P(Circulation, TwoCopiesRacingFillOneReservationOnce) {
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    ItemRecord copy;
    copy.barcode = "B100-2";
    copy.title = "Second copy";
    copy.title_key = "title:B100";
    copy.facts = {domain::ItemType::kBook, domain::Collection::kAdult, central};
    copy.current_library_id = central;
    repos.circulation.insert_item(copy);
  });
  ASSERT_TRUE(place_reservation(*context, network, {"R1001", "B100", false, "CL", ""}));
  std::thread first([&] {
    ASSERT_TRUE(check_in(*context, network, {"B100", central, Channel::kCounter, std::nullopt, ""}));
  });
  std::thread second([&] {
    ASSERT_TRUE(check_in(*context, network, {"B100-2", central, Channel::kCounter, std::nullopt, ""}));
  });
  first.join();
  second.join();
  EXPECT_EQ(count("SELECT COUNT(*) FROM items WHERE status = 'on_hold_shelf'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM reservations WHERE status = 'ready'"), 1);
  EXPECT_EQ(hold_shelf(*context, central).size(), 1u);
}

SHELFMARK_ON_BOTH_BACKENDS(Circulation);

TEST_P(Circulation, StoredLendingRulesStartAsThePublishedDefaults) {
  domain::LendingPolicies stored;
  store->transact(Store::Mode::kRead, [&](Repositories& repos) { stored = repos.circulation.lending_policies(); });
  const auto defaults = domain::default_policies();
  ASSERT_EQ(stored.rules.size(), defaults.rules.size());
  for (std::size_t i = 0; i < stored.rules.size(); ++i) {
    EXPECT_TRUE(stored.rules[i].same_match(defaults.rules[i])) << i;
    EXPECT_EQ(stored.rules[i].policy, defaults.rules[i].policy) << i;
  }
  EXPECT_EQ(stored.limits.max_loans, defaults.limits.max_loans);
  EXPECT_EQ(stored.limits.max_periodical_loans, defaults.limits.max_periodical_loans);
  EXPECT_EQ(stored.limits.max_reservations, defaults.limits.max_reservations);
  EXPECT_EQ(stored.limits.reservation_fee, defaults.limits.reservation_fee);
  EXPECT_EQ(stored.limits.hold_shelf_days, defaults.limits.hold_shelf_days);
  EXPECT_EQ(stored.limits.max_reservation_days, defaults.limits.max_reservation_days);
  EXPECT_EQ(stored.limits.fines_ceiling, defaults.limits.fines_ceiling);
  EXPECT_EQ(stored.limits.block_when_overdue, defaults.limits.block_when_overdue);
}

TEST_P(Circulation, AdministratorsChangeLendingRulesAndLoansFollowAtOnce) {
  const Actor admin{1, domain::Role::kAdministrator};
  const Actor counter{2, domain::Role::kCounter};
  LendingRuleForm form{{"adult", "book", "", std::nullopt, true, true, "21", "2", "7", "2.00"}, "CL"};
  EXPECT_EQ(save_lending_rule(*context, network, counter, std::nullopt, form).error().code,
            ErrorCode::kPermissionDenied);
  auto rule = save_lending_rule(*context, network, admin, std::nullopt, form);
  ASSERT_TRUE(rule) << domain::error_info(rule.error().code).name;
  // The same network cache is used: the change must reach it without a restart.
  auto loan = lend("R1000", "B100");
  ASSERT_TRUE(loan);
  EXPECT_EQ(format_iso_date(loan->due_on), "2026-12-14");  // Monday + 21 days
  EXPECT_EQ(save_lending_rule(*context, network, admin, std::nullopt, form).error().code, ErrorCode::kRuleExists);
  form.library_code = "NOWHERE";
  EXPECT_EQ(save_lending_rule(*context, network, admin, std::nullopt, form).error().fields.at(0).field, "library");
  form.library_code = "CL";
  form.input.loan_days = "0";
  EXPECT_EQ(save_lending_rule(*context, network, admin, rule->id, form).error().fields.at(0).field, "loan_days");
  form.input.loan_days = "28";
  ASSERT_TRUE(save_lending_rule(*context, network, admin, rule->id, form));
  EXPECT_EQ(format_iso_date(lend("R1001", "B101")->due_on), "2026-12-21");
  EXPECT_EQ(save_lending_rule(*context, network, admin, 999999, form).error().code, ErrorCode::kNotFound);

  // The catch-all rule can be changed but neither narrowed nor removed.
  const auto catch_all = lending_rules(*context, network, admin)->rules.front();
  ASSERT_TRUE(catch_all.is_catch_all());
  EXPECT_EQ(remove_lending_rule(*context, network, admin, catch_all.id).error().code, ErrorCode::kCatchAllRuleRequired);
  LendingRuleForm narrowed{{"child", "", "", std::nullopt, true, true, "14", "5", "14", "1.50"}, ""};
  EXPECT_EQ(save_lending_rule(*context, network, admin, catch_all.id, narrowed).error().code,
            ErrorCode::kCatchAllRuleRequired);

  ASSERT_TRUE(remove_lending_rule(*context, network, admin, rule->id));
  EXPECT_EQ(remove_lending_rule(*context, network, admin, rule->id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(format_iso_date(lend("R1002", "B102")->due_on), "2026-12-07");  // back to 14 days
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'policy.lending_rule.%'"), 3);
}

TEST_P(Circulation, ReaderLimitsAreEditable) {
  const Actor admin{1, domain::Role::kAdministrator};
  domain::ReaderLimitsInput input{"2", "20", "10", "3.30", "7", "365", "130", true};
  ASSERT_TRUE(save_reader_limits(*context, admin, input));
  ASSERT_TRUE(lend("R1000", "B100"));
  ASSERT_TRUE(lend("R1000", "B101"));
  auto refused = lend("R1000", "B102");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kLoanQuotaReached);
  EXPECT_EQ(refused.error().fields.at(0).params.at("max"), "2");
  input.max_loans = "lots";
  EXPECT_EQ(save_reader_limits(*context, admin, input).error().fields.at(0).field, "max_loans");
  EXPECT_EQ(save_reader_limits(*context, Actor{2, domain::Role::kCounter}, input).error().code,
            ErrorCode::kPermissionDenied);
}

TEST_P(Circulation, EBooksAreBorrowedOnlineReturnedEarlyAndEndByThemselves) {
  auto ebook = book("E1");
  ebook.type = domain::ItemType::kEBook;
  new_item(ebook);
  auto online = [&](const std::string& card, const std::string& barcode) {
    return check_out(*context, network, {card, barcode, 0, Channel::kWeb, "", std::nullopt});
  };
  EXPECT_EQ(lend("R1000", "E1").error().code, ErrorCode::kEBookOnlineOnly);
  EXPECT_FALSE(staff_may_override(lend("R1000", "E1").error()));
  EXPECT_EQ(online("R1000", "B100").error().code, ErrorCode::kBorrowAtLibrary);
  auto loan = online("R1000", "E1");
  ASSERT_TRUE(loan);
  EXPECT_EQ(format_iso_date(loan->due_on), "2026-12-07");
  // All copies out: another reader reserves it; while a copy is free, reserving is refused.
  auto reservation = place_reservation(*context, network, {"R1001", "E1", false, "", ""});
  ASSERT_TRUE(reservation) << domain::error_info(reservation.error().code).name;
  EXPECT_EQ(return_ebook(*context, network, "R1001", "E1").error().code, ErrorCode::kNotOnLoanToReader);
  EXPECT_EQ(return_ebook(*context, network, "R1000", "B101").error().code, ErrorCode::kBorrowAtLibrary);
  auto returned = return_ebook(*context, network, "R1000", "E1");
  ASSERT_TRUE(returned);
  EXPECT_EQ(returned->routing.routing, domain::Routing::kHoldShelf);  // straight to the reader waiting
  EXPECT_EQ(online("R1002", "E1").error().code, ErrorCode::kItemHeldForAnother);
  auto collected = online("R1001", "E1");
  ASSERT_TRUE(collected);
  EXPECT_EQ(count("SELECT COUNT(*) FROM charges"), 0);  // no reservation fee for an e-book
  EXPECT_EQ(count("SELECT COUNT(*) FROM reservations WHERE status = 'collected'"), 1);
  // The loan ends by itself after its due date, with no fine, and the copy is free again.
  clock->set(zone->to_instant({*parse_iso_date("2026-12-07"), 23 * 60}));
  EXPECT_EQ(end_expired_ebook_loans(*context, network), 0);  // still the due date
  clock->set(zone->to_instant({*parse_iso_date("2026-12-08"), 1}));
  EXPECT_EQ(end_expired_ebook_loans(*context, network), 1);
  EXPECT_EQ(end_expired_ebook_loans(*context, network), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM charges"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM loans WHERE returned_at IS NULL"), 0);
  EXPECT_EQ(place_reservation(*context, network, {"R1003", "E1", false, "", ""}).error().code,
            ErrorCode::kCopyAvailableNow);
  EXPECT_TRUE(online("R1003", "E1"));
}

TEST_P(Circulation, EachDueJobRunsOnceAmongManyNodes) {
  std::atomic<int> runs{0};
  std::vector<JobDefinition> jobs = {{"count", std::chrono::hours(1), [&](const Context&, NetworkCache&) {
                                        ++runs;
                                        return std::string("counted");
                                      }}};
  std::vector<std::thread> nodes;
  for (int i = 0; i < 8; ++i)
    nodes.emplace_back([&] {
      NetworkCache own;
      run_due_jobs(*context, own, jobs);
    });
  for (auto& node : nodes) node.join();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_TRUE(run_due_jobs(*context, network, jobs).empty());  // not due again until the next hour
  clock->set(clock->now() + std::chrono::hours(1));
  auto again = run_due_jobs(*context, network, jobs);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].summary, "counted");
  // A failing job is tried again in a few minutes, and says why.
  jobs[0].run = [](const Context&, NetworkCache&) -> std::string { throw std::runtime_error("disk full"); };
  clock->set(clock->now() + std::chrono::hours(1));
  auto failed = run_due_jobs(*context, network, jobs);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_FALSE(failed[0].ok);
  EXPECT_EQ(failed[0].summary, "disk full");
  clock->set(clock->now() + std::chrono::minutes(6));
  EXPECT_EQ(run_due_jobs(*context, network, jobs).size(), 1u);
  // The standard jobs run against the real use cases.
  // Every standard job is due at first, so each runs once (features add jobs: count them, not a number).
  auto standard = run_due_jobs(*context, network, standard_jobs());
  ASSERT_EQ(standard.size(), standard_jobs().size());
  ASSERT_GE(standard.size(), 5u);
  for (const auto& run : standard) EXPECT_TRUE(run.ok) << run.name << ": " << run.summary;
}

}  // namespace
}  // namespace shelfmark::app
