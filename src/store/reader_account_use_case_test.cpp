// My Account's use cases against the real store, on both backends: signing in with card and password, the
// session's timeouts, and the account view's answers to "can this be renewed, and if not, why?".
#include "app/reader_account.h"
#include "app/terminals.h"
#include "security/sodium.h"
#include "store/store_test_support.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using store::testing_support::BackendTest;

class ReaderAccount : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    zone = TimeZone::load("Asia/Hong_Kong");
    clock = std::make_unique<FixedClock>(zone->to_instant({*parse_iso_date("2026-11-23"), 600}));
    context = std::make_unique<Context>(Context{*store, *clock, *zone, hasher, tokens});
    store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
      domain::Library library;
      library.code = "CL";
      library.name = {"CL", "CL"};
      library.kind = domain::LibraryKind::kCentral;
      library.address = {"x", "x"};
      for (int day = 0; day < 8; ++day) library.hours.days[day] = {{540, 1200}};
      central = repos.libraries.insert(library);
      repos.circulation.insert_reader({0, "R1", "Reader One", domain::ReaderCategory::kAdult,
                                       domain::ReaderStatus::kActive, *parse_iso_date("2030-12-31")},
                                      clock->now());
      repos.circulation.insert_reader({0, "R2", "Reader Two", domain::ReaderCategory::kAdult,
                                       domain::ReaderStatus::kActive, *parse_iso_date("2030-12-31")},
                                      clock->now());
      for (const char* barcode : {"B1", "B2"}) {
        ItemRecord item;
        item.barcode = barcode;
        item.title = std::string("Title ") + barcode;
        item.title_key = std::string("t:") + barcode;
        item.facts = {domain::ItemType::kBook, domain::Collection::kAdult, central};
        item.current_library_id = central;
        repos.circulation.insert_item(item);
      }
    });
    ASSERT_TRUE(set_reader_pin(*context, "R1", "2468"));  // for terminals only (ADR 0018)
    const auto hash = hasher.hash("river walk 2468");
    store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
      repos.registrations.set_reader_password(repos.circulation.reader_by_card("R1")->id, hash);
    });
  }

  std::shared_ptr<const TimeZone> zone;
  std::unique_ptr<FixedClock> clock;
  security::Argon2Hasher hasher{security::test_cost(), 1};
  security::SodiumTokens tokens{std::string(32, 'c')};
  std::unique_ptr<Context> context;
  NetworkCache network;
  long long central = 0;
};

TEST_P(ReaderAccount, SignsInWithCardAndPasswordAndTimesOut) {
  EXPECT_EQ(reader_log_in(*context, "R1", "river walk 1111", "10.0.0.1").error().code, ErrorCode::kInvalidCredentials);
  EXPECT_EQ(reader_log_in(*context, "NOBODY", "river walk 2468", "10.0.0.1").error().code,
            ErrorCode::kInvalidCredentials);
  EXPECT_EQ(reader_log_in(*context, "R2", "", "10.0.0.1").error().code, ErrorCode::kInvalidCredentials);
  auto login = reader_log_in(*context, "R1", "river walk 2468", "10.0.0.1");
  ASSERT_TRUE(login);
  const ReaderSessionPolicy policy;
  auto resumed = resume_reader_session(*context, policy, login->session_token);
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->reader.card_number, "R1");
  EXPECT_EQ(resumed->csrf_token, login->csrf_token);
  EXPECT_FALSE(resume_reader_session(*context, policy, "not-a-token-of-anyone-at-all"));
  clock->set(clock->now() + std::chrono::minutes(16));  // idle longer than 15 minutes
  EXPECT_FALSE(resume_reader_session(*context, policy, login->session_token));
  auto again = reader_log_in(*context, "R1", "river walk 2468", "10.0.0.1");
  ASSERT_TRUE(again);
  reader_log_out(*context, again->session_token);
  EXPECT_FALSE(resume_reader_session(*context, policy, again->session_token));
}

TEST_P(ReaderAccount, WrongPasswordsAreThrottled) {
  for (int i = 0; i < 5; ++i) reader_log_in(*context, "R1", "guess " + std::to_string(i), "10.0.0.9");
  EXPECT_EQ(reader_log_in(*context, "R1", "river walk 2468", "10.0.0.9").error().code, ErrorCode::kTooManyAttempts);
}

// Retry keys are kept 30 days and failed sign-ins 2 days; a retried request within its month is still
// answered from its key.
TEST_P(ReaderAccount, RequestRecordsAreForgottenAfterTheirTime) {
  const auto now = clock->now();
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    repos.circulation.save_idempotent_result("old", "check_out", "{}", now - std::chrono::days(31));
    repos.circulation.save_idempotent_result("recent", "check_out", "{}", now - std::chrono::days(29));
    repos.auth_failures.record("someone", now - std::chrono::days(3));
    repos.auth_failures.record("someone-else", now - std::chrono::hours(20));
  });
  const auto forgotten = forget_request_records(*context);
  EXPECT_EQ(forgotten.retry_keys, 1);
  EXPECT_EQ(forgotten.sign_in_failures, 1);
  store->transact(Store::Mode::kRead, [&](Repositories& repos) {
    EXPECT_FALSE(repos.circulation.idempotent_result("old"));
    EXPECT_TRUE(repos.circulation.idempotent_result("recent"));
    EXPECT_TRUE(repos.auth_failures.since("someone", now - std::chrono::days(7)).empty());
    EXPECT_EQ(repos.auth_failures.since("someone-else", now - std::chrono::days(1)).size(), 1u);
  });
  EXPECT_EQ(forget_request_records(*context).retry_keys, 0);
}

TEST_P(ReaderAccount, TheAccountSaysWhetherEachLoanCanBeRenewed) {
  ASSERT_TRUE(check_out(*context, network, {"R1", "B1", central, Channel::kCounter, "", std::nullopt}));
  ASSERT_TRUE(check_out(*context, network, {"R1", "B2", central, Channel::kCounter, "", std::nullopt}));
  ASSERT_TRUE(place_reservation(*context, network, {"R2", "B2", false, "CL", ""}));
  long long reader_id = 0;
  store->transact(Store::Mode::kRead,
                  [&](Repositories& repos) { reader_id = repos.circulation.reader_by_card("R1")->id; });
  auto view = account_view(*context, network, reader_id);
  ASSERT_TRUE(view);
  ASSERT_EQ(view->loans.size(), 2u);
  const auto& free = view->loans[0].barcode == "B1" ? view->loans[0] : view->loans[1];
  const auto& wanted = view->loans[0].barcode == "B2" ? view->loans[0] : view->loans[1];
  EXPECT_TRUE(free.renewal.empty());
  ASSERT_EQ(wanted.renewal.size(), 1u);
  EXPECT_EQ(wanted.renewal[0].code, ErrorCode::kReservedByAnother);
  // Overdue: it stands out with the fine so far, and blocks renewing.
  clock->set(zone->to_instant({*parse_iso_date("2026-12-10"), 600}));
  view = account_view(*context, network, reader_id);
  const auto& late = view->loans[0].barcode == "B1" ? view->loans[0] : view->loans[1];
  EXPECT_TRUE(late.overdue);
  EXPECT_EQ(late.fine_so_far.cents, 3 * 150);  // due 7 Dec, three days at HK$1.50
  EXPECT_FALSE(late.renewal.empty());
}

SHELFMARK_ON_BOTH_BACKENDS(ReaderAccount);

}  // namespace
}  // namespace shelfmark::app
