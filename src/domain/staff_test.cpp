#include "domain/staff.h"

#include <gtest/gtest.h>

namespace shelfmark::domain {
namespace {

TEST(Staff, RolesHaveLeastPrivilege) {
  EXPECT_TRUE(role_allows(Role::kAdministrator, Permission::kManageStaff));
  EXPECT_TRUE(role_allows(Role::kEditor, Permission::kManageNotices));
  EXPECT_FALSE(role_allows(Role::kEditor, Permission::kManageStaff));
  EXPECT_FALSE(role_allows(Role::kCounter, Permission::kManageNotices));
  EXPECT_FALSE(role_allows(Role::kCataloguer, Permission::kManageLibraries));
  EXPECT_TRUE(role_allows(Role::kVerifier, Permission::kVerifyRegistrations));
  EXPECT_FALSE(role_allows(Role::kCounter, Permission::kVerifyRegistrations));
  EXPECT_TRUE(role_allows(Role::kCounter, Permission::kCompleteRegistrations));
  EXPECT_FALSE(role_allows(Role::kCataloguer, Permission::kCompleteRegistrations));
  EXPECT_FALSE(role_allows(Role::kEditor, Permission::kVerifyRegistrations));
  EXPECT_TRUE(role_allows(Role::kVerifier, Permission::kViewStaffPages));
  EXPECT_TRUE(role_allows(Role::kCounter, Permission::kCirculation));
  EXPECT_FALSE(role_allows(Role::kEditor, Permission::kCirculation));
  EXPECT_FALSE(role_allows(Role::kCataloguer, Permission::kCirculation));
  EXPECT_TRUE(role_allows(Role::kEditor, Permission::kManageActivities));
  EXPECT_FALSE(role_allows(Role::kCounter, Permission::kManageActivities));
  EXPECT_TRUE(role_allows(Role::kCounter, Permission::kRunActivities));
  EXPECT_FALSE(role_allows(Role::kReference, Permission::kRunActivities));
  EXPECT_TRUE(role_allows(Role::kEditor, Permission::kManageStudyRooms));
  EXPECT_FALSE(role_allows(Role::kCounter, Permission::kManageStudyRooms));
  EXPECT_TRUE(role_allows(Role::kCounter, Permission::kCheckAdmissionCards));
  EXPECT_TRUE(role_allows(Role::kReference, Permission::kAnswerEnquiries));
  EXPECT_FALSE(role_allows(Role::kEditor, Permission::kAnswerEnquiries));
  EXPECT_FALSE(role_allows(Role::kReference, Permission::kCirculation));
  EXPECT_EQ(parse_role("reference"), Role::kReference);
  for (auto code : {"administrator", "editor", "counter", "verifier", "cataloguer"})
    EXPECT_EQ(role_code(*parse_role(code)), code);
  EXPECT_FALSE(parse_role("root"));
}

TEST(Staff, UsernameRules) {
  EXPECT_FALSE(check_username("chan.tai-man_2"));
  EXPECT_TRUE(check_username("ab"));
  EXPECT_TRUE(check_username("Admin"));
  EXPECT_TRUE(check_username("a b c"));
  EXPECT_TRUE(check_username(std::string(33, 'a')));
}

TEST(Staff, PasswordRules) {
  EXPECT_FALSE(check_password("correct horse battery", "admin", kStaffPasswordMin));
  EXPECT_FALSE(check_password("圖書館的密碼很長很長很長很長很長", "admin", kStaffPasswordMin));  // 16 characters
  EXPECT_EQ(check_password("short", "admin", kStaffPasswordMin)->code, ErrorCode::kPasswordTooShort);
  EXPECT_EQ(check_password("圖書館密碼", "admin", kStaffPasswordMin)->code, ErrorCode::kPasswordTooShort);
  EXPECT_EQ(check_password(std::string(257, 'x'), "admin", kStaffPasswordMin)->code, ErrorCode::kPasswordTooLong);
  EXPECT_EQ(check_password("PasswordPassword", "admin", kStaffPasswordMin)->code, ErrorCode::kPasswordTooCommon);
  EXPECT_EQ(check_password("my name is chantaiman", "chantaiman", kStaffPasswordMin)->code,
            ErrorCode::kPasswordContainsUsername);
  EXPECT_EQ(check_password("\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF", "a", 15)->code,
            ErrorCode::kInvalidText);
}

TEST(Staff, ThrottleLocksAfterFiveRecentFailures) {
  const auto now = instant_from_unix(100000);
  std::vector<Instant> failures;
  for (int i = 0; i < 4; ++i) failures.push_back(now - std::chrono::minutes(i));
  EXPECT_FALSE(locked_until(failures, now, LoginThrottle::kMaxFailuresPerAccount));
  failures.push_back(now - std::chrono::minutes(20));  // too old to count
  EXPECT_FALSE(locked_until(failures, now, LoginThrottle::kMaxFailuresPerAccount));
  failures.push_back(now - std::chrono::minutes(5));
  auto until = locked_until(failures, now, LoginThrottle::kMaxFailuresPerAccount);
  ASSERT_TRUE(until);
  EXPECT_EQ(*until, now + std::chrono::minutes(15));
  EXPECT_FALSE(locked_until(failures, now + std::chrono::minutes(16), LoginThrottle::kMaxFailuresPerAccount));
  EXPECT_FALSE(locked_until(failures, now, LoginThrottle::kMaxFailuresPerAddress));
}

}  // namespace
}  // namespace shelfmark::domain
