// My Account's use cases against the real store, on both backends: signing in with card and password, the
// session's timeouts, and the account view's answers to "can this be renewed, and if not, why?".
#include "app/reader_account.h"

#include "app/terminals.h"
#include "app/testing/use_case_test.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using testing::UseCaseTest;

class ReaderAccount : public UseCaseTest {
 protected:
  void SetUp() override {
    auto library = testing::library("CL", domain::LibraryKind::kCentral);
    library.hours = testing::open_every_day(540, 1200);
    central = new_library(library);
    new_reader(
        {.card = "R1", .name = "Reader One", .pin = "2468", .password = "river walk 2468"});  // PIN: terminals only
    new_reader({.card = "R2", .name = "Reader Two"});
    for (const char* barcode : {"B1", "B2"}) new_item({.barcode = barcode, .library_id = central});
  }

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
  for (int i = 0; i < 5; ++i)
    (void)reader_log_in(*context, "R1", "guess " + std::to_string(i), "10.0.0.9");  // wrong on purpose
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
