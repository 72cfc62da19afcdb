// Two-factor sign-in for staff: enrolment confirmed with a code, signing in with a code or a recovery code
// (once only), a code's step never accepted twice, wrong codes counted by the throttle, a role that requires
// it sending its staff to enrol, and an administrator's reset after a lost phone.
#include "app/staff_two_factor.h"

#include "app/staff_accounts.h"
#include "app/testing/use_case_test.h"
#include "core/otp.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::Role;
using testing::UseCaseTest;

constexpr const char* kPassword = "a long enough passphrase";

class StaffTwoFactor : public UseCaseTest {
 protected:
  void SetUp() override {
    admin = new_staff({"boss", "Boss", Role::kAdministrator, "the administrator's passphrase"});
    counter = new_staff({"chan.tm", "Chan Tai Man", Role::kCounter, kPassword});
  }
  long long now_unix() const { return unix_seconds(clock->now()); }
  // The code an authenticator app shows for the enrolment's secret, `steps` steps from now.
  std::string code_of(const Enrolment& enrolment, int steps = 0) const {
    return otp::totp(*otp::base32_decode(enrolment.secret_base32), now_unix() + steps * otp::kStepSeconds);
  }
  std::pair<Enrolment, std::vector<std::string>> enrol(long long staff_id) {
    auto enrolment = begin_enrolment(*context, *sealer, staff_id);
    EXPECT_TRUE(enrolment);
    auto codes = confirm_enrolment(*context, *sealer, staff_id, code_of(enrolment.value()));
    EXPECT_TRUE(codes);
    return {enrolment.value(), codes ? codes.value() : std::vector<std::string>{}};
  }
  // Signs in with the password; the challenge token of the code step.
  std::string challenge(const std::string& address = "10.0.0.1") {
    auto login = log_in(*context, "chan.tm", kPassword, address);
    EXPECT_TRUE(login);
    EXPECT_TRUE(login->session_token.empty());
    return login ? login->challenge_token : std::string();
  }
  long long audits(const std::string& action) {
    return count("SELECT COUNT(*) FROM audit_log WHERE action = '" + action + "'");
  }
  std::unique_ptr<Sealer> sealer = testing::test_sealer();
  Actor admin;
  Actor counter;
};

TEST_P(StaffTwoFactor, EnrolmentShowsOneSecretUntilConfirmedWithACode) {
  auto first = begin_enrolment(*context, *sealer, counter.staff_id);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->otpauth_uri,
            "otpauth://totp/Shelfmark:chan.tm?secret=" + first->secret_base32 + "&issuer=Shelfmark");
  EXPECT_EQ(otp::base32_decode(first->secret_base32)->size(), 32u);
  // Reloading the page shows the same secret; it is stored sealed, never as the text shown.
  EXPECT_EQ(begin_enrolment(*context, *sealer, counter.staff_id)->secret_base32, first->secret_base32);
  auto stored = sql().query("SELECT secret_ciphertext FROM staff_totp WHERE staff_id = ?", {counter.staff_id});
  EXPECT_EQ(stored.at(0).text(0).find(first->secret_base32), std::string::npos);
  // Not enrolled until confirmed: signing in still takes only the password.
  EXPECT_FALSE(two_factor_status(*context, counter.staff_id).enrolled);
  EXPECT_FALSE(log_in(*context, "chan.tm", kPassword, "10.0.0.1")->session_token.empty());

  auto wrong =
      confirm_enrolment(*context, *sealer, counter.staff_id, "000000" == code_of(first.value()) ? "111111" : "000000");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().fields.at(0).field, "code");
  EXPECT_EQ(wrong.error().code, ErrorCode::kTwoFactorCodeWrong);
  auto codes = confirm_enrolment(*context, *sealer, counter.staff_id, code_of(first.value()));
  ASSERT_TRUE(codes);
  ASSERT_EQ(codes->size(), 10u);
  EXPECT_EQ(codes->at(0).size(), 14u);  // abcd-efgh-ijkl
  EXPECT_EQ(count("SELECT COUNT(*) FROM staff_recovery_codes WHERE staff_id = " + std::to_string(counter.staff_id)),
            10);
  EXPECT_EQ(count("SELECT COUNT(*) FROM staff_recovery_codes WHERE code_digest = '" + codes->at(0) + "'"), 0);
  const auto status = two_factor_status(*context, counter.staff_id);
  EXPECT_TRUE(status.enrolled);
  EXPECT_EQ(status.recovery_codes_left, 10);
  EXPECT_EQ(audits("staff.totp_enrolled"), 1);
  // Enrolled: starting again is refused until it is turned off.
  EXPECT_EQ(begin_enrolment(*context, *sealer, counter.staff_id).error().code, ErrorCode::kEditConflict);
}

TEST_P(StaffTwoFactor, SignInTakesTheCodeAfterThePasswordAndNeverTheSameStepTwice) {
  const auto enrolled = enrol(counter.staff_id);
  const auto& enrolment = enrolled.first;
  const auto token = challenge();
  ASSERT_FALSE(token.empty());
  EXPECT_TRUE(challenge_pending(*context, token));
  // The challenge is no session.
  EXPECT_FALSE(resume_session(*context, SessionPolicy{}, token));
  // The step used to confirm enrolment is used up; the next step's code is accepted (one step of drift).
  EXPECT_EQ(complete_sign_in(*context, *sealer, token, code_of(enrolment), "10.0.0.1").error().code,
            ErrorCode::kTwoFactorCodeWrong);
  auto signed_in = complete_sign_in(*context, *sealer, token, code_of(enrolment, 1), "10.0.0.1");
  ASSERT_TRUE(signed_in);
  ASSERT_TRUE(resume_session(*context, SessionPolicy{}, signed_in->session_token));
  EXPECT_FALSE(challenge_pending(*context, token));
  // A challenge is used once.
  EXPECT_EQ(complete_sign_in(*context, *sealer, token, code_of(enrolment, 1), "10.0.0.1").error().code,
            ErrorCode::kTwoFactorExpired);
  // The same code again, on a new sign-in: a replay, refused.
  const auto again = challenge();
  EXPECT_EQ(complete_sign_in(*context, *sealer, again, code_of(enrolment, 1), "10.0.0.1").error().code,
            ErrorCode::kTwoFactorCodeWrong);
  // Two steps later (a minute on) a new code works.
  clock->set(clock->now() + std::chrono::seconds(60));
  EXPECT_TRUE(complete_sign_in(*context, *sealer, again, code_of(enrolment), "10.0.0.1"));
}

TEST_P(StaffTwoFactor, AChallengeExpiresAfterFiveMinutes) {
  const auto enrolment = enrol(counter.staff_id).first;
  const auto token = challenge();
  clock->set(clock->now() + std::chrono::minutes(6));
  EXPECT_FALSE(challenge_pending(*context, token));
  EXPECT_EQ(complete_sign_in(*context, *sealer, token, code_of(enrolment), "10.0.0.1").error().code,
            ErrorCode::kTwoFactorExpired);
  EXPECT_EQ(complete_sign_in(*context, *sealer, "not a token", "123456", "10.0.0.1").error().code,
            ErrorCode::kTwoFactorExpired);
}

TEST_P(StaffTwoFactor, ARecoveryCodeSignsInOnceOnly) {
  const auto codes = enrol(counter.staff_id).second;
  auto typed = codes.at(3);
  for (auto& c : typed) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto signed_in = complete_sign_in(*context, *sealer, challenge(), typed, "10.0.0.1");
  ASSERT_TRUE(signed_in);
  EXPECT_EQ(audits("staff.recovery_code_used"), 1);
  EXPECT_EQ(two_factor_status(*context, counter.staff_id).recovery_codes_left, 9);
  EXPECT_EQ(complete_sign_in(*context, *sealer, challenge(), codes.at(3), "10.0.0.1").error().code,
            ErrorCode::kTwoFactorCodeWrong);
  // Renewing replaces every code: the old unused ones stop working.
  auto renewed = renew_recovery_codes(*context, counter.staff_id);
  ASSERT_TRUE(renewed);
  EXPECT_EQ(complete_sign_in(*context, *sealer, challenge(), codes.at(4), "10.0.0.1").error().code,
            ErrorCode::kTwoFactorCodeWrong);
  EXPECT_TRUE(complete_sign_in(*context, *sealer, challenge(), renewed->at(0), "10.0.0.1"));
}

TEST_P(StaffTwoFactor, WrongCodesCountAsFailedSignIns) {
  const auto enrolment = enrol(counter.staff_id).first;
  const auto token = challenge("192.0.2.9");
  const auto wrong = code_of(enrolment, 1) == "123456" ? "654321" : "123456";
  for (int i = 0; i < domain::LoginThrottle::kMaxFailuresPerPair; ++i)
    EXPECT_EQ(complete_sign_in(*context, *sealer, token, wrong, "192.0.2.9").error().code,
              ErrorCode::kTwoFactorCodeWrong);
  // The pair (account, address) is now locked: even the right code is not checked.
  EXPECT_EQ(complete_sign_in(*context, *sealer, token, code_of(enrolment, 1), "192.0.2.9").error().code,
            ErrorCode::kTooManyAttempts);
  EXPECT_EQ(log_in(*context, "chan.tm", kPassword, "192.0.2.9").error().code, ErrorCode::kTooManyAttempts);
  EXPECT_EQ(audits("staff.login_failed"), domain::LoginThrottle::kMaxFailuresPerPair);
}

TEST_P(StaffTwoFactor, ARoleThatRequiresItSendsItsStaffToEnrolAndKeepsItOn) {
  auto login = log_in(*context, "chan.tm", kPassword, "10.0.0.1");
  ASSERT_TRUE(login);
  EXPECT_FALSE(resume_session(*context, SessionPolicy{}, login->session_token)->must_enrol_two_factor);
  EXPECT_EQ(set_role_requires_two_factor(*context, counter, Role::kCounter, true).error().code,
            ErrorCode::kPermissionDenied);
  ASSERT_TRUE(set_role_requires_two_factor(*context, admin, Role::kCounter, true));
  EXPECT_TRUE(role_two_factor_policies(*context, admin)->at(Role::kCounter));
  EXPECT_EQ(audits("staff.role_policy"), 1);
  EXPECT_TRUE(resume_session(*context, SessionPolicy{}, login->session_token)->must_enrol_two_factor);
  EXPECT_TRUE(two_factor_status(*context, counter.staff_id).required);
  enrol(counter.staff_id);
  EXPECT_FALSE(resume_session(*context, SessionPolicy{}, login->session_token)->must_enrol_two_factor);
  EXPECT_EQ(turn_off_two_factor(*context, counter.staff_id).error().code, ErrorCode::kTwoFactorRequired);
  ASSERT_TRUE(set_role_requires_two_factor(*context, admin, Role::kCounter, false));
  ASSERT_TRUE(turn_off_two_factor(*context, counter.staff_id));
  EXPECT_FALSE(two_factor_status(*context, counter.staff_id).enrolled);
  EXPECT_FALSE(log_in(*context, "chan.tm", kPassword, "10.0.0.1")->session_token.empty());
  EXPECT_EQ(audits("staff.totp_disabled"), 1);
}

TEST_P(StaffTwoFactor, AnAdministratorResetsTwoFactorAfterALostPhone) {
  enrol(counter.staff_id);
  auto login = complete_sign_in(*context, *sealer, challenge(), "", "10.0.0.1");
  EXPECT_FALSE(login);
  EXPECT_EQ(staff_with_two_factor(*context, admin)->count(counter.staff_id), 1u);
  EXPECT_EQ(reset_two_factor(*context, counter, counter.staff_id).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(reset_two_factor(*context, admin, 999999).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(reset_two_factor(*context, admin, counter.staff_id));
  EXPECT_EQ(staff_with_two_factor(*context, admin)->count(counter.staff_id), 0u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM staff_recovery_codes"), 0);
  auto rows = sql().query("SELECT staff_id, subject FROM audit_log WHERE action = 'staff.totp_reset'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].integer(0), admin.staff_id);
  EXPECT_EQ(rows[0].text(1), "staff:" + std::to_string(counter.staff_id));
  EXPECT_FALSE(log_in(*context, "chan.tm", kPassword, "10.0.0.1")->session_token.empty());
}

SHELFMARK_ON_BOTH_BACKENDS(StaffTwoFactor);

}  // namespace
}  // namespace shelfmark::app
