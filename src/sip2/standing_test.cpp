// One matrix of reader states through every channel that says whether a reader may borrow: the counter's
// checkout, renewal and reservation (app/circulation.h), the counter's view of the reader, My Account, and a
// self-check terminal's patron status flags (SIP2 23/24). Each channel must give the same answer, because
// each reads the one decision, domain::reader_standing; a channel that re-decided would drift (the SIP2
// flags once treated a fines ceiling of 0 as "everyone is blocked" and counted accompanying material).
// On SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <functional>

#include "app/circulation.h"
#include "app/reader_account.h"
#include "app/reader_care_ports.h"
#include "app/terminals.h"
#include "security/sodium.h"
#include "sip2/session.h"
#include "store/store_test_support.h"

namespace shelfmark::sip2 {
namespace {

using domain::ErrorCode;
using store::testing_support::BackendTest;

const std::string kNow = "20261123    100000";
const Date kToday = *parse_iso_date("2026-11-23");

// What each channel answered for one reader.
struct Answers {
  bool checkout = false;  // app::check_out of an available book at the counter
  bool renew = false;     // app::renew of the reader's loan
  bool reserve = false;   // app::place_reservation of another title
  bool counter_blocked = false;
  bool account_blocked = false;
  char sip_charge = ' ';   // 24's patron status, position 0: charge privileges denied
  char sip_renew = ' ';    // position 1: renewal privileges denied
  char sip_hold = ' ';     // position 3: hold privileges denied
  char sip_lost = ' ';     // position 4: card reported lost
  char sip_quota = ' ';    // position 5: too many items charged
  char sip_overdue = ' ';  // position 6: too many items overdue
  char sip_fines = ' ';    // position 10: excessive outstanding fines
  std::vector<ErrorCode> checkout_refusals;
};

class ReaderStandingChannels : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    zone = TimeZone::load("Asia/Hong_Kong");
    clock = std::make_unique<FixedClock>(zone->to_instant({kToday, 600}));
    context = std::make_unique<app::Context>(app::Context{*store, *clock, *zone, hasher, tokens});
    store->transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
      domain::Library library;
      library.code = "CL";
      library.name = {"Central Library", "中央圖書館"};
      library.kind = domain::LibraryKind::kDistrict;
      library.address = {"x", "x"};
      for (int day = 0; day < 8; ++day) library.hours.days[day] = {{540, 1200}};
      central = repos.libraries.insert(library);
    });
    // A terminal that asks for no PIN, so the flags are all that differ between readers.
    ASSERT_TRUE(app::add_sip_account(*context, {"sc09", "CL", "terminal-secret-9", {}, false, false}));
  }

  void add_item(const std::string& barcode, domain::ItemType type = domain::ItemType::kBook) {
    store->transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
      app::ItemRecord item;
      item.barcode = barcode;
      item.title = "Title of " + barcode;
      item.title_key = "title:" + barcode;
      item.facts = {type, domain::Collection::kAdult, central};
      item.current_library_id = central;
      repos.circulation.insert_item(item);
    });
  }

  // A reader with one loan (of `loan_type`) and the items the probes use: "<card>-C" to borrow, "<card>-H"
  // to reserve.
  long long reader_with_loan(const std::string& card, Date expires_on = *parse_iso_date("2030-12-31"),
                             domain::ItemType loan_type = domain::ItemType::kBook) {
    long long id = 0;
    store->transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
      id = repos.circulation.insert_reader(
          {0, card, "Reader " + card, domain::ReaderCategory::kAdult, domain::ReaderStatus::kActive, expires_on},
          clock->now());
    });
    add_item(card + "-L", loan_type);
    add_item(card + "-C");
    add_item(card + "-H");
    app::CheckOutInput input{card, card + "-L", central};
    EXPECT_TRUE(app::check_out(*context, network, input)) << card;
    return id;
  }

  void set_status(long long reader_id, domain::ReaderStatus status) {
    store->transact(app::Store::Mode::kWrite,
                    [&](app::Repositories& repos) { repos.circulation.set_reader_status(reader_id, status); });
  }
  void charge(long long reader_id, long long cents) {
    store->transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
      repos.circulation.add_charge({reader_id, std::nullopt, "overdue", {cents}, "{}", clock->now()});
    });
  }
  void set_limits(const std::function<void(domain::ReaderLimits&)>& change) {
    store->transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
      auto limits = repos.circulation.lending_policies().limits;
      change(limits);
      repos.circulation.set_reader_limits(limits);
    });
  }

  // Asks every channel, the read-only ones first: the probes that succeed change the reader's state.
  Answers ask(const std::string& card, long long reader_id) {
    Answers a;
    Session session(*context, network, "127.0.0.1", SessionOptions{});
    EXPECT_EQ(session.handle({"9300CNsc09|COterminal-secret-9|CPCL|", Terminator::kCr}), "941\r");
    const auto status = session.handle({"23001" + kNow + "AOCL|AA" + card + "|AC|", Terminator::kCr});
    EXPECT_EQ(status.substr(0, 2), "24") << status;
    const auto flags = status.substr(2, 14);
    a.sip_charge = flags[0];
    a.sip_renew = flags[1];
    a.sip_hold = flags[3];
    a.sip_lost = flags[4];
    a.sip_quota = flags[5];
    a.sip_overdue = flags[6];
    a.sip_fines = flags[10];
    a.counter_blocked = app::reader_at_counter(*context, card)->standing.blocked();
    a.account_blocked = app::account_view(*context, network, reader_id)->standing.blocked();
    a.renew = app::renew(*context, network, {card, card + "-L", app::Channel::kCounter}).ok();
    a.reserve = app::place_reservation(*context, network, {card, card + "-H", false, "CL", ""}).ok();
    auto lent = app::check_out(*context, network, {card, card + "-C", central});
    a.checkout = lent.ok();
    if (!lent)
      for (const auto& field : lent.error().fields) a.checkout_refusals.push_back(field.code);
    return a;
  }

  // The channels agree with each other; `borrow`, `renew` and `reserve` say what they should all answer.
  void expect_agreement(const std::string& name, const Answers& a, bool borrow, bool renew, bool reserve) {
    SCOPED_TRACE(name);
    EXPECT_EQ(a.checkout, borrow);
    EXPECT_EQ(a.renew, renew);
    EXPECT_EQ(a.reserve, reserve);
    EXPECT_EQ(a.sip_charge == 'Y', !a.checkout) << "SIP2 charge privileges against the counter's checkout";
    EXPECT_EQ(a.sip_renew == 'Y', !a.renew) << "SIP2 renewal privileges against renewal";
    EXPECT_EQ(a.sip_hold == 'Y', !a.reserve) << "SIP2 hold privileges against reservation";
    // In this matrix renewal is refused only for the reader's standing, so the views must agree with it.
    EXPECT_EQ(a.counter_blocked, !a.renew) << "the counter's view";
    EXPECT_EQ(a.account_blocked, !a.renew) << "My Account";
  }

  std::shared_ptr<const TimeZone> zone;
  std::unique_ptr<FixedClock> clock;
  security::Argon2Hasher hasher{security::test_cost(), 2};
  security::SodiumTokens tokens{std::string(32, 's')};
  std::unique_ptr<app::Context> context;
  app::NetworkCache network;
  long long central = 0;
};

TEST_P(ReaderStandingChannels, EveryChannelGivesTheSameAnswer) {
  {
    const auto id = reader_with_loan("OK");
    const auto a = ask("OK", id);
    expect_agreement("an active reader with one loan", a, true, true, true);
    EXPECT_EQ(std::string() + a.sip_lost + a.sip_quota + a.sip_overdue + a.sip_fines, "    ");
  }
  {
    const auto id = reader_with_loan("LOST");
    ASSERT_TRUE(app::report_card_lost(*context, "LOST", std::nullopt));
    const auto a = ask("LOST", id);
    expect_agreement("card reported lost", a, false, false, false);
    EXPECT_EQ(a.sip_lost, 'Y');
    EXPECT_EQ(a.checkout_refusals, std::vector<ErrorCode>{ErrorCode::kCardReportedLost});
  }
  for (const auto& [card, status, code] :
       {std::tuple{"PENDING", domain::ReaderStatus::kPending, ErrorCode::kReaderNotActive},
        std::tuple{"SUSPENDED", domain::ReaderStatus::kSuspended, ErrorCode::kReaderNotActive},
        std::tuple{"EXPIRED", domain::ReaderStatus::kExpired, ErrorCode::kReaderExpired}}) {
    const auto id = reader_with_loan(card);
    set_status(id, status);
    const auto a = ask(card, id);
    expect_agreement(card, a, false, false, false);
    EXPECT_EQ(a.checkout_refusals, std::vector<ErrorCode>{code});
  }
  {
    const auto id = reader_with_loan("OWES");
    charge(id, 13000);  // HK$130, the published ceiling
    const auto a = ask("OWES", id);
    expect_agreement("charges at the fines ceiling", a, false, false, false);
    EXPECT_EQ(a.sip_fines, 'Y');
  }
  {
    // A block staff put on the account (app/reader_care.h) is in the one standing: every channel refuses
    // with its reason, and SIP2's charge, renewal and hold privileges are denied.
    const auto id = reader_with_loan("BLOCKED");
    store->transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
      app::BlockRecord block;
      block.reader_id = id;
      block.block = {0, domain::BlockReason::kUnpaidReplacement, kToday, kToday};
      block.created_at = clock->now();
      repos.reader_care.add_block(block);
    });
    const auto a = ask("BLOCKED", id);
    expect_agreement("blocked by staff through today", a, false, false, false);
    EXPECT_EQ(a.checkout_refusals, std::vector<ErrorCode>{ErrorCode::kBlockedUnpaidReplacement});
    EXPECT_EQ(std::string() + a.sip_charge + a.sip_renew + a.sip_hold, "YYY");
  }
  {
    // The same block the day after its last day has lifted itself.
    const auto id = reader_with_loan("ENDED");
    store->transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
      app::BlockRecord block;
      block.reader_id = id;
      block.block = {0, domain::BlockReason::kMisconduct, kToday - std::chrono::days(10),
                     kToday - std::chrono::days(1)};
      block.created_at = clock->now();
      repos.reader_care.add_block(block);
    });
    expect_agreement("a block that ended yesterday", ask("ENDED", id), true, true, true);
  }
  {
    // Two loans allowed; the one on loan is accompanying material, which never counts toward the quota.
    set_limits([](domain::ReaderLimits& l) { l.max_loans = 1; });
    const auto id = reader_with_loan("DISC", *parse_iso_date("2030-12-31"), domain::ItemType::kAccompanyingMaterial);
    const auto a = ask("DISC", id);
    expect_agreement("accompanying material on loan, quota of one", a, true, true, true);
    EXPECT_EQ(a.sip_quota, ' ');
  }
  {
    const auto id = reader_with_loan("FULL");  // quota of one, one book: may renew and reserve, not borrow
    const auto a = ask("FULL", id);
    EXPECT_EQ(a.checkout_refusals, std::vector<ErrorCode>{ErrorCode::kLoanQuotaReached});
    EXPECT_EQ(a.sip_quota, 'Y');
    EXPECT_EQ(a.sip_charge, 'Y');
    EXPECT_FALSE(a.checkout);
    EXPECT_TRUE(a.renew);
    EXPECT_TRUE(a.reserve);
    EXPECT_EQ(a.sip_renew, ' ');
    EXPECT_EQ(a.sip_hold, ' ');
    EXPECT_FALSE(a.counter_blocked);
    EXPECT_FALSE(a.account_blocked);
    set_limits([](domain::ReaderLimits& l) { l.max_loans = 10; });
  }
  {
    // A fines ceiling of 0 is no ceiling: the lending-rules form accepts it, and no channel may then block.
    set_limits([](domain::ReaderLimits& l) { l.fines_ceiling = {0}; });
    const auto id = reader_with_loan("NOCEILING");
    charge(id, 50000);
    const auto a = ask("NOCEILING", id);
    expect_agreement("no fines ceiling, HK$500 owed", a, true, true, true);
    EXPECT_EQ(a.sip_fines, ' ');
    set_limits([](domain::ReaderLimits& l) { l.fines_ceiling = {13000}; });
  }
  {
    // One reservation allowed and one held: reservation and the hold flag refuse; borrowing does not.
    set_limits([](domain::ReaderLimits& l) { l.max_reservations = 1; });
    const auto id = reader_with_loan("HOLDS");
    add_item("HOLDS-X");
    ASSERT_TRUE(app::place_reservation(*context, network, {"HOLDS", "HOLDS-X", false, "CL", ""}));
    const auto a = ask("HOLDS", id);
    EXPECT_FALSE(a.reserve);
    EXPECT_EQ(a.sip_hold, 'Y');
    EXPECT_TRUE(a.checkout);
    EXPECT_EQ(a.sip_charge, ' ');
    EXPECT_TRUE(a.renew);
    set_limits([](domain::ReaderLimits& l) { l.max_reservations = 10; });
  }
  {
    // Twenty days on, the loan is overdue (14-day loans), and another reader's card has passed its date.
    const auto overdue = reader_with_loan("LATE");
    const auto expiring = reader_with_loan("EXPIRING", kToday + std::chrono::days(10));
    clock->set(zone->to_instant({kToday + std::chrono::days(20), 600}));
    const auto a = ask("LATE", overdue);
    expect_agreement("an overdue loan", a, false, false, false);
    EXPECT_EQ(a.sip_overdue, 'Y');
    EXPECT_EQ(a.checkout_refusals, std::vector<ErrorCode>{ErrorCode::kReaderHasOverdue});
    set_limits([](domain::ReaderLimits& l) { l.block_when_overdue = false; });
    const auto b = ask("EXPIRING", expiring);
    expect_agreement("a card past its expiry date", b, false, false, false);
    EXPECT_EQ(b.checkout_refusals, std::vector<ErrorCode>{ErrorCode::kReaderExpired});
    EXPECT_EQ(b.sip_overdue, ' ');
  }
}

SHELFMARK_ON_BOTH_BACKENDS(ReaderStandingChannels);

}  // namespace
}  // namespace shelfmark::sip2
