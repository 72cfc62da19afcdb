#include "domain/staff.h"

#include <gtest/gtest.h>

namespace shelfmark::domain {
namespace {

TEST(Staff, RolesHaveLeastPrivilege) {
  for (auto role : {Role::kAdministrator, Role::kCounter, Role::kVerifier})
    EXPECT_TRUE(role_allows(role, Permission::kFindReaders));
  for (auto role : {Role::kEditor, Role::kCataloguer, Role::kReference})
    EXPECT_FALSE(role_allows(role, Permission::kFindReaders));
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
  EXPECT_TRUE(role_allows(Role::kAdministrator, Permission::kMergeReaders));
  for (auto role : {Role::kEditor, Role::kCounter, Role::kVerifier, Role::kCataloguer, Role::kReference})
    EXPECT_FALSE(role_allows(role, Permission::kMergeReaders));
  EXPECT_TRUE(role_allows(Role::kAdministrator, Permission::kEditReaders));
  EXPECT_TRUE(role_allows(Role::kCounter, Permission::kEditReaders));
  for (auto role : {Role::kEditor, Role::kVerifier, Role::kCataloguer, Role::kReference})
    EXPECT_FALSE(role_allows(role, Permission::kEditReaders));
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

TEST(Staff, LockedUntilCountsRecentFailures) {
  const auto now = instant_from_unix(100000);
  std::vector<Instant> failures;
  for (int i = 0; i < 4; ++i) failures.push_back(now - std::chrono::minutes(i));
  EXPECT_FALSE(locked_until(failures, now, LoginThrottle::kMaxFailuresPerPair));
  failures.push_back(now - std::chrono::minutes(20));  // too old to count
  EXPECT_FALSE(locked_until(failures, now, LoginThrottle::kMaxFailuresPerPair));
  failures.push_back(now - std::chrono::minutes(5));
  auto until = locked_until(failures, now, LoginThrottle::kMaxFailuresPerPair);
  ASSERT_TRUE(until);
  EXPECT_EQ(*until, now + std::chrono::minutes(15));
  EXPECT_FALSE(locked_until(failures, now + std::chrono::minutes(16), LoginThrottle::kMaxFailuresPerPair));
  EXPECT_FALSE(locked_until(failures, now, LoginThrottle::kMaxFailuresPerAddress));
}

TEST(Staff, AccountDelayGrowsAndIsCapped) {
  const struct {
    int failures;
    long long seconds;
  } cases[] = {{0, 0}, {4, 0}, {5, 2}, {6, 4}, {7, 8}, {8, 16}, {9, 32}, {10, 60}, {11, 60}, {40, 60}, {100000, 60}};
  for (const auto& c : cases) EXPECT_EQ(account_delay(c.failures).count(), c.seconds) << c.failures;
}

// n failures at `now - seconds_ago` each.
std::vector<Instant> times(int n, Instant now, int seconds_ago) {
  return std::vector<Instant>(static_cast<std::size_t>(n), now - std::chrono::seconds(seconds_ago));
}

TEST(Staff, LoginRefusalKeepsTheOwnerIn) {
  const auto now = instant_from_unix(100000);
  const struct {
    const char* name;
    LoginFailures failures;
    std::optional<long long> refused_for;  // seconds from now
    bool hard;
  } cases[] = {
      {"nothing failed", {}, std::nullopt, false},
      // An attacker hammered the account from elsewhere: the owner's address has no failures and is not delayed.
      {"account hammered, clean address", {times(3, now, 1), {}, times(500, now, 1)}, std::nullopt, false},
      // The owner mistyped once 10 s ago while the account is under attack: waits out at most the cap.
      {"account hammered, owner mistyped", {times(1, now, 10), times(1, now, 10), times(500, now, 1)}, 50, false},
      {"owner waited the delay", {times(1, now, 60), times(1, now, 60), times(500, now, 1)}, std::nullopt, false},
      {"few account failures, no delay", {times(2, now, 1), times(2, now, 1), times(4, now, 1)}, std::nullopt, false},
      {"fifth account failure: 2 s", {times(1, now, 1), times(1, now, 1), times(5, now, 1)}, 1, false},
      {"seventh account failure: 8 s", {times(1, now, 3), times(1, now, 3), times(7, now, 1)}, 5, false},
      // Hard limits: five failures of one pair, thirty of one address (per channel), within 15 minutes.
      {"pair limit", {times(5, now, 60), times(5, now, 60), times(5, now, 60)}, 840, true},
      {"pair limit over", {times(5, now, 901), times(5, now, 901), times(5, now, 901)}, std::nullopt, false},
      {"address limit", {times(30, now, 0), {}, {}}, 900, true},
      {"address limit wins over delay", {times(30, now, 0), times(1, now, 0), times(9, now, 0)}, 900, true},
      {"old failures ignored",
       {times(100, now, 1000), times(100, now, 1000), times(100, now, 1000)},
       std::nullopt,
       false},
  };
  for (const auto& c : cases) {
    const auto refusal = login_refusal(c.failures, now);
    ASSERT_EQ(refusal.has_value(), c.refused_for.has_value()) << c.name;
    if (!refusal) continue;
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(refusal->until - now).count(), *c.refused_for) << c.name;
    EXPECT_EQ(refusal->hard, c.hard) << c.name;
  }
}

TEST(Staff, AlertOncePerDay) {
  const auto now = instant_from_unix(1000000);
  EXPECT_FALSE(should_alert(LoginThrottle::kFailuresToAlert - 1, {}, now));
  EXPECT_TRUE(should_alert(LoginThrottle::kFailuresToAlert, {}, now));
  EXPECT_FALSE(should_alert(LoginThrottle::kFailuresToAlert + 5, {now - std::chrono::hours(23)}, now));
  EXPECT_TRUE(should_alert(LoginThrottle::kFailuresToAlert + 5, {now - std::chrono::hours(25)}, now));
}

TEST(LastAdministrator, AnotherEnabledAdministratorKeepsOne) {
  const std::vector<StaffUser> staff{{1, "a", "A", Role::kAdministrator, false},
                                     {2, "b", "B", Role::kAdministrator, false},
                                     {3, "c", "C", Role::kCounter, false}};
  EXPECT_TRUE(keeps_an_administrator(staff, 1, Role::kAdministrator, false));
  EXPECT_TRUE(keeps_an_administrator(staff, 1, Role::kEditor, true));
  EXPECT_TRUE(keeps_an_administrator(staff, 3, Role::kAdministrator, true));
}

TEST(LastAdministrator, TheLastOneCannotBeDisabledOrDemoted) {
  const std::vector<StaffUser> staff{{1, "a", "A", Role::kAdministrator, false},
                                     {2, "b", "B", Role::kAdministrator, true},
                                     {3, "c", "C", Role::kCounter, false}};
  EXPECT_FALSE(keeps_an_administrator(staff, 1, Role::kAdministrator, false));
  EXPECT_FALSE(keeps_an_administrator(staff, 1, Role::kCounter, true));
  EXPECT_TRUE(keeps_an_administrator(staff, 1, Role::kAdministrator, true));
  // Re-enabling the disabled administrator gives a second one.
  EXPECT_TRUE(keeps_an_administrator(staff, 2, Role::kAdministrator, true));
  EXPECT_FALSE(keeps_an_administrator({}, 1, Role::kCounter, true));
}

}  // namespace
}  // namespace shelfmark::domain
