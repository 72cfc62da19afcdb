// Hardening issue, item 12 (ADR 0019): the web takes the reader's password only. A PIN (4 to 8 digits, made
// for a keypad beside the card in hand) opens terminals and nothing on the web: typed at the sign-in it gets
// the answer of any wrong password, and My Account's changes ask for the password, never the PIN.
#include "app/reader_account.h"
#include "app/sign_in_throttle.h"
#include "app/terminals.h"
#include "app/testing/use_case_test.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using testing::UseCaseTest;

constexpr const char* kPassword = "river walk 2468";
constexpr const char* kPin = "2468";

class WebPassword : public UseCaseTest {
 protected:
  void SetUp() override {
    // R1 has a password and a PIN; R2 a PIN only.
    r1 = new_reader({.card = "R1", .name = "Reader", .pin = kPin, .password = kPassword});
    new_reader({.card = "R2", .name = "Reader", .pin = kPin});
  }

  static std::string answer(const domain::Outcome<ReaderLogin>& outcome) {
    if (outcome) return "signed in";
    std::string text(domain::error_info(outcome.error().code).name);
    for (const auto& field : outcome.error().fields) text += " " + field.field;
    return text;
  }

  long long r1 = 0;
};

TEST_P(WebPassword, APinOnTheWebSignInIsAnsweredLikeAnyWrongPassword) {
  EXPECT_EQ(answer(reader_log_in(*context, "R1", kPin, "10.0.0.1")), "invalid_credentials");
  EXPECT_EQ(answer(reader_log_in(*context, "R1", "wrong password", "10.0.0.2")), "invalid_credentials");
  EXPECT_EQ(answer(reader_log_in(*context, "R2", kPin, "10.0.0.3")), "invalid_credentials");  // a PIN only
  EXPECT_EQ(answer(reader_log_in(*context, "R9", kPin, "10.0.0.4")), "invalid_credentials");  // no such card
  EXPECT_FALSE(check_reader_credentials(*context, "R1", kPin, "10.0.0.5"));
  // Counted as a failed web sign-in, like a wrong password: five PINs from one address and that address waits.
  for (int i = 0; i < 5; ++i) (void)reader_log_in(*context, "R1", kPin, "10.0.0.6");  // refused on purpose
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
