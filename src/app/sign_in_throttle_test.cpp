// The sign-in throttle (ADR 0017) against the real store, on both backends: an attacker cannot keep the owner
// out, unknown identifiers answer like known ones, the web and SIP2 terminals are counted apart, and the holder
// is told once.
#include <string>
#include <vector>

#include "app/reader_account.h"
#include "app/registration_ports.h"
#include "app/staff_auth.h"
#include "app/terminals.h"
#include "app/testing/use_case_test.h"

namespace shelfmark::app {
namespace {

// The attempts made only to fail are cast to (void): what they return is not the point, the throttle
// state they leave is.

using domain::ErrorCode;
using testing::UseCaseTest;

constexpr const char* kStaffPassword = "a long enough passphrase";
constexpr const char* kReaderPassword = "river walk 2468";

class Throttle : public UseCaseTest {
 protected:
  void SetUp() override {
    reader_id = new_reader({.card = "R1",
                            .name = "Reader One",
                            .pin = "2468",
                            .password = kReaderPassword,
                            .email = "r1@example.org",
                            .channel = "email"});
    new_staff({"admin", "Admin", domain::Role::kAdministrator, kStaffPassword});
  }

  // What an answer says: the code and its parameters (minutes or seconds).
  template <typename T>
  static std::string answer(const domain::Outcome<T>& outcome) {
    if (outcome) return "ok";
    std::string out(domain::error_info(outcome.error().code).name);
    for (const auto& field : outcome.error().fields)
      for (const auto& [name, value] : field.params) out += " " + name + "=" + value;
    return out;
  }

  long long reader_id = 0;
};

TEST_P(Throttle, AdminGetsInWhileAnAttackerHammersFromElsewhere) {
  // One address hammering, then a spread of addresses each trying a few: the account sees dozens of failures.
  for (int i = 0; i < 40; ++i) (void)log_in(*context, "admin", "wrong password " + std::to_string(i), "203.0.113.1");
  EXPECT_EQ(log_in(*context, "admin", "wrong password!", "203.0.113.1").error().code, ErrorCode::kTooManyAttempts);
  for (int a = 2; a < 12; ++a)
    for (int i = 0; i < 3; ++i) (void)log_in(*context, "admin", "wrong password!", "203.0.113." + std::to_string(a));
  // The owner, from an address that has not failed, gets in at once.
  EXPECT_TRUE(log_in(*context, "admin", kStaffPassword, "192.0.2.1"));
  // From the attacker's own address even the right password is refused (a hard limit of that pair).
  EXPECT_EQ(log_in(*context, "admin", kStaffPassword, "203.0.113.1").error().code, ErrorCode::kTooManyAttempts);
}

TEST_P(Throttle, AnOwnerWhoMistypedWaitsTheDelayThenGetsIn) {
  for (int a = 0; a < 20; ++a) (void)log_in(*context, "admin", "wrong password!", "203.0.113." + std::to_string(a));
  EXPECT_EQ(log_in(*context, "admin", "my passphrase typo", "192.0.2.1").error().code, ErrorCode::kInvalidCredentials);
  auto delayed = log_in(*context, "admin", kStaffPassword, "192.0.2.1");
  ASSERT_FALSE(delayed);
  EXPECT_EQ(delayed.error().code, ErrorCode::kSignInDelayed);
  const auto seconds = std::stoi(delayed.error().fields.at(0).params.at("seconds"));
  EXPECT_EQ(seconds, 60);
  clock->set(clock->now() + std::chrono::seconds(seconds));
  EXPECT_TRUE(log_in(*context, "admin", kStaffPassword, "192.0.2.1"));
}

TEST_P(Throttle, ReaderGetsInOnTheWebWhileAnAttackerHammers) {
  for (int i = 0; i < 40; ++i) (void)reader_log_in(*context, "R1", "guess " + std::to_string(i), "203.0.113.1");
  for (int a = 2; a < 12; ++a)
    for (int i = 0; i < 3; ++i) (void)reader_log_in(*context, "R1", "guess", "203.0.113." + std::to_string(a));
  EXPECT_TRUE(reader_log_in(*context, "R1", kReaderPassword, "192.0.2.1"));
}

TEST_P(Throttle, UnknownAndKnownIdentifiersGetTheSameAnswers) {
  for (int i = 0; i < 12; ++i) {
    const auto wrong = "wrong password " + std::to_string(i);
    EXPECT_EQ(answer(reader_log_in(*context, "R1", wrong, "203.0.113.1")),
              answer(reader_log_in(*context, "R999", wrong, "203.0.113.2")))
        << i;
    EXPECT_EQ(answer(log_in(*context, "admin", wrong, "203.0.113.3")),
              answer(log_in(*context, "nobody", wrong, "203.0.113.4")))
        << i;
  }
  // The sixth attempt is refused for both (the pair's limit), not only for the card that exists.
  EXPECT_EQ(answer(reader_log_in(*context, "R999", "again", "203.0.113.2")), "too_many_attempts minutes=15");
  // An HKID number nobody has is counted under its canonical form, as a known one is, whatever its spelling.
  for (int i = 0; i < 5; ++i) (void)reader_log_in(*context, i % 2 ? "A123456(3)" : "a1234563", "guess", "203.0.113.9");
  EXPECT_EQ(answer(reader_log_in(*context, "A 123456 (3)", "guess", "203.0.113.9")), "too_many_attempts minutes=15");
  // Spread over many addresses, both get the same delays.
  for (int a = 10; a < 30; ++a) {
    const auto address = "198.51.100." + std::to_string(a);
    EXPECT_EQ(answer(reader_log_in(*context, "R1", "guess", address)),
              answer(reader_log_in(*context, "R999", "guess", address)))
        << address;
    EXPECT_EQ(answer(reader_log_in(*context, "R1", "guess", address)),
              answer(reader_log_in(*context, "R999", "guess", address)))
        << address;
  }
}

TEST_P(Throttle, TerminalsAndTheWebAreCountedApart) {
  // A noisy terminal: wrong PINs for R1 and unknown cards, far past every limit of its address.
  for (int i = 0; i < 40; ++i) {
    (void)check_reader_pin(*context, "R1", "000" + std::to_string(i % 10), "10.0.0.5");
    (void)check_reader_pin(*context, "X" + std::to_string(i), "1234", "10.0.0.5");
  }
  EXPECT_EQ(check_reader_pin(*context, "R1", "2468", "10.0.0.5").error().code, ErrorCode::kTooManyAttempts);
  // The web, even behind the same address (a library's NAT), is not throttled by it.
  EXPECT_TRUE(reader_log_in(*context, "R1", kReaderPassword, "10.0.0.5"));
  EXPECT_TRUE(reader_log_in(*context, "R1", kReaderPassword, "192.0.2.1"));

  // And the other way: the web hammered from one address does not stop the PIN at a terminal there.
  for (int i = 0; i < 40; ++i) {
    (void)reader_log_in(*context, "R1", "guess " + std::to_string(i), "10.0.0.6");
    (void)reader_log_in(*context, "R" + std::to_string(100 + i), "guess", "10.0.0.6");
  }
  EXPECT_EQ(reader_log_in(*context, "R1", kReaderPassword, "10.0.0.6").error().code, ErrorCode::kTooManyAttempts);
  EXPECT_TRUE(check_reader_pin(*context, "R1", "2468", "10.0.0.6"));
}

TEST_P(Throttle, TheHolderIsToldOncePerDay) {
  for (int a = 0; a < 30; ++a) (void)reader_log_in(*context, "R1", "guess", "203.0.113." + std::to_string(a));
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages WHERE kind = 'sign_in_failures'"), 1);
  for (int a = 0; a < 30; ++a) (void)check_reader_pin(*context, "R1", "0000", "10.0.1." + std::to_string(a));
  // The terminal channel has its own alert.
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages WHERE kind = 'sign_in_failures'"), 2);
  clock->set(clock->now() + std::chrono::hours(25));
  for (int a = 0; a < 30; ++a) (void)reader_log_in(*context, "R1", "guess", "198.51.100." + std::to_string(a));
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages WHERE kind = 'sign_in_failures'"), 3);

  // Staff have no email address or telephone: the alert is in the audit log, once.
  for (int a = 0; a < 30; ++a) (void)log_in(*context, "admin", "wrong password!", "203.0.113." + std::to_string(a));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'staff.login_failures_alert'"), 1);
}

SHELFMARK_ON_BOTH_BACKENDS(Throttle);

}  // namespace
}  // namespace shelfmark::app
