// Hardening issue, item 12 (ADR 0018): the web takes the reader's password only. A PIN (4 to 8 digits, made
// for a keypad beside the card in hand) opens terminals and nothing on the web: typed at the sign-in it gets
// the answer of any wrong password, and My Account's changes ask for the password, never the PIN.
#include "app/reader_account.h"
#include "app/sign_in_throttle.h"
#include "app/terminals.h"
#include "security/sodium.h"
#include "store/store_test_support.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using store::testing_support::BackendTest;

constexpr const char* kPassword = "river walk 2468";
constexpr const char* kPin = "2468";

class WebPassword : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    zone = TimeZone::load("Asia/Hong_Kong");
    clock = std::make_unique<FixedClock>(zone->to_instant({*parse_iso_date("2026-11-23"), 600}));
    context = std::make_unique<Context>(Context{*store, *clock, *zone, hasher, tokens});
    const auto hash = hasher.hash(kPassword);
    store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
      for (const char* card : {"R1", "R2"})
        repos.circulation.insert_reader({0, card, "Reader", domain::ReaderCategory::kAdult,
                                         domain::ReaderStatus::kActive, *parse_iso_date("2030-12-31")},
                                        clock->now());
      r1 = repos.circulation.reader_by_card("R1")->id;
      repos.registrations.set_reader_password(r1, hash);
    });
    // R1 has a password and a PIN; R2 a PIN only.
    ASSERT_TRUE(set_reader_pin(*context, "R1", kPin));
    ASSERT_TRUE(set_reader_pin(*context, "R2", kPin));
  }

  static std::string answer(const domain::Outcome<ReaderLogin>& outcome) {
    if (outcome) return "signed in";
    std::string text(domain::error_info(outcome.error().code).name);
    for (const auto& field : outcome.error().fields) text += " " + field.field;
    return text;
  }

  std::shared_ptr<const TimeZone> zone;
  std::unique_ptr<FixedClock> clock;
  security::Argon2Hasher hasher{security::test_cost(), 1};
  security::SodiumTokens tokens{std::string(32, 'c')};
  std::unique_ptr<Context> context;
  long long r1 = 0;
};

TEST_P(WebPassword, APinOnTheWebSignInIsAnsweredLikeAnyWrongPassword) {
  EXPECT_EQ(answer(reader_log_in(*context, "R1", kPin, "10.0.0.1")), "invalid_credentials");
  EXPECT_EQ(answer(reader_log_in(*context, "R1", "wrong password", "10.0.0.2")), "invalid_credentials");
  EXPECT_EQ(answer(reader_log_in(*context, "R2", kPin, "10.0.0.3")), "invalid_credentials");  // a PIN only
  EXPECT_EQ(answer(reader_log_in(*context, "R9", kPin, "10.0.0.4")), "invalid_credentials");  // no such card
  EXPECT_FALSE(check_reader_credentials(*context, "R1", kPin, "10.0.0.5"));
  // Counted as a failed web sign-in, like a wrong password: five PINs from one address and that address waits.
  for (int i = 0; i < 5; ++i) reader_log_in(*context, "R1", kPin, "10.0.0.6");
  EXPECT_TRUE(is_throttled(reader_log_in(*context, "R1", kPassword, "10.0.0.6").error().code));

  EXPECT_EQ(answer(reader_log_in(*context, "R1", kPassword, "10.0.0.7")), "signed in");
  // The PIN still opens the terminals (SIP2's checks are counted apart from the web's).
  EXPECT_TRUE(check_reader_pin(*context, "R1", kPin, "10.0.0.6"));
  EXPECT_TRUE(check_reader_pin(*context, "R2", kPin, "10.0.0.6"));
}

TEST_P(WebPassword, MyAccountAsksForThePasswordNeverThePin) {
  // Changing the PIN: the PIN itself does not confirm it.
  auto by_pin = change_reader_pin(*context, "R1", kPin, "1357", "1357", "10.0.1.1");
  ASSERT_FALSE(by_pin);
  EXPECT_EQ(by_pin.error().fields.front().field, "pin_password");
  EXPECT_EQ(by_pin.error().fields.front().code, ErrorCode::kInvalidCredentials);
  EXPECT_FALSE(check_reader_pin(*context, "R1", "1357", "10.0.1.1"));
  ASSERT_TRUE(change_reader_pin(*context, "R1", kPassword, "1357", "1357", "10.0.1.1"));
  EXPECT_TRUE(check_reader_pin(*context, "R1", "1357", "10.0.1.1"));

  // Contact details and the password: the PIN confirms neither.
  auto contact = change_reader_contact(*context, r1, {"1357", "new@example.com", "", ""}, "10.0.1.2");
  ASSERT_FALSE(contact);
  EXPECT_EQ(contact.error().fields.front().field, "contact_secret");
  ASSERT_TRUE(change_reader_contact(*context, r1, {kPassword, "new@example.com", "", ""}, "10.0.1.2"));
  auto password = change_reader_password(*context, r1, "", "1357", "a new river walk", "a new river walk", "10.0.1.3");
  ASSERT_FALSE(password);
  EXPECT_EQ(password.error().fields.front().field, "current_password");
  EXPECT_TRUE(change_reader_password(*context, r1, "", kPassword, "a new river walk", "a new river walk", "10.0.1.3"));
}

SHELFMARK_ON_BOTH_BACKENDS(WebPassword);

}  // namespace
}  // namespace shelfmark::app
