#include "domain/two_factor.h"

#include <gtest/gtest.h>

#include "core/otp.h"

namespace shelfmark::domain {
namespace {

const std::string kSecret = "12345678901234567890";

Instant at(std::int64_t unix) { return instant_from_unix(unix); }

TEST(TwoFactor, AcceptsTheCodeOfNowAndOneStepEitherSide) {
  // RFC 6238: at 1111111109 (step 37037036) the code is 081804.
  EXPECT_EQ(accepted_totp_step(kSecret, "081804", at(1111111109), std::nullopt), 37037036);
  EXPECT_EQ(accepted_totp_step(kSecret, "081 804", at(1111111109), std::nullopt), 37037036);
  EXPECT_EQ(accepted_totp_step(kSecret, "081804", at(1111111109 + 30), std::nullopt), 37037036);
  EXPECT_EQ(accepted_totp_step(kSecret, "081804", at(1111111109 - 30), std::nullopt), 37037036);
  EXPECT_FALSE(accepted_totp_step(kSecret, "081804", at(1111111109 + 60), std::nullopt));
  EXPECT_FALSE(accepted_totp_step(kSecret, "081804", at(1111111109 - 60), std::nullopt));
}

TEST(TwoFactor, RefusesAStepAlreadyUsedAndEarlierOnes) {
  EXPECT_FALSE(accepted_totp_step(kSecret, "081804", at(1111111109), 37037036));
  EXPECT_FALSE(accepted_totp_step(kSecret, "081804", at(1111111109), 37037037));
  EXPECT_EQ(accepted_totp_step(kSecret, "081804", at(1111111109), 37037035), 37037036);
  // The next step's code is still accepted after this one was used.
  const auto next = otp::hotp(kSecret, 37037037);
  EXPECT_EQ(accepted_totp_step(kSecret, next, at(1111111109 + 30), 37037036), 37037037);
}

TEST(TwoFactor, RefusesWhatIsNotSixDigits) {
  EXPECT_FALSE(accepted_totp_step(kSecret, "", at(1111111109), std::nullopt));
  EXPECT_FALSE(accepted_totp_step(kSecret, "07081804", at(1111111109), std::nullopt));
  EXPECT_FALSE(accepted_totp_step(kSecret, "08180a", at(1111111109), std::nullopt));
  EXPECT_FALSE(accepted_totp_step(kSecret, "000000", at(1111111109), std::nullopt));
  EXPECT_TRUE(looks_like_totp_code("123 456"));
  EXPECT_FALSE(looks_like_totp_code("abcd-efgh-ijkl"));
  EXPECT_FALSE(looks_like_totp_code("12345"));
}

TEST(TwoFactor, RecoveryCodesAreReadableAndTypedAnyWay) {
  EXPECT_EQ(format_recovery_code("abcdefghijkl"), "abcd-efgh-ijkl");
  EXPECT_EQ(normal_recovery_code(" ABCD-efgh ijkl "), "abcdefghijkl");
}

TEST(TwoFactor, OtpauthUriNamesTheIssuerAndAccount) {
  EXPECT_EQ(otpauth_uri("Shelfmark", "chan.tm", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/Shelfmark:chan.tm?secret=JBSWY3DPEHPK3PXP&issuer=Shelfmark");
  EXPECT_EQ(otpauth_uri("Shelfmark", "a b", "X"), "otpauth://totp/Shelfmark:a%20b?secret=X&issuer=Shelfmark");
}

TEST(TwoFactor, RolesRequireItOnlyWhenSet) {
  std::map<Role, bool> policies{{Role::kAdministrator, true}, {Role::kCounter, false}};
  EXPECT_TRUE(role_requires_two_factor(policies, Role::kAdministrator));
  EXPECT_FALSE(role_requires_two_factor(policies, Role::kCounter));
  EXPECT_FALSE(role_requires_two_factor(policies, Role::kEditor));
}

}  // namespace
}  // namespace shelfmark::domain
