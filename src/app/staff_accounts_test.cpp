// Staff accounts administered on the web: creation with a temporary password, role and name changes with a
// version check, disabling (sessions end at once), the last administrator, and one's own password change.
#include "app/staff_accounts.h"

#include "app/testing/use_case_test.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::Role;
using testing::UseCaseTest;

constexpr const char* kAdminPassword = "the administrator's passphrase";
constexpr const char* kTemporary = "a temporary passphrase 1";

class StaffAccounts : public UseCaseTest {
 protected:
  void SetUp() override { admin = new_staff({"boss", "Boss", Role::kAdministrator, kAdminPassword}); }
  domain::StaffUser create_counter() {
    auto created = create_staff_account(*context, admin, {"Counter.One", "Counter One", "counter", kTemporary});
    EXPECT_TRUE(created);
    return created.value();
  }
  std::optional<ActiveSession> resume(const std::string& token) {
    return resume_session(*context, SessionPolicy{}, token);
  }
  Actor admin;
};

TEST_P(StaffAccounts, AnAdministratorCreatesAnAccountWhoseTemporaryPasswordMustBeChanged) {
  const auto user = create_counter();
  EXPECT_EQ(user.username, "counter.one");
  EXPECT_TRUE(user.must_change_password);
  auto login = log_in(*context, "counter.one", kTemporary, "10.0.0.1");
  ASSERT_TRUE(login);
  EXPECT_TRUE(login->user.must_change_password);
  ASSERT_TRUE(resume(login->session_token)->user.must_change_password);

  const Actor self{user.id, Role::kCounter};
  auto wrong = change_own_password(*context, user.id, login->session_token, "not it at all, no",
                                   "a brand new passphrase", "a brand new passphrase", "10.0.0.1");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().fields.at(0).field, "current_password");
  EXPECT_EQ(change_own_password(*context, user.id, login->session_token, kTemporary, kTemporary, kTemporary, "10.0.0.1")
                .error()
                .fields.at(0)
                .code,
            ErrorCode::kPasswordUnchanged);
  EXPECT_EQ(change_own_password(*context, user.id, login->session_token, kTemporary, "a brand new passphrase",
                                "a brand new passphrasf", "10.0.0.1")
                .error()
                .fields.at(0)
                .code,
            ErrorCode::kPasswordsDiffer);
  ASSERT_TRUE(change_own_password(*context, user.id, login->session_token, kTemporary, "a brand new passphrase",
                                  "a brand new passphrase", "10.0.0.1"));
  EXPECT_FALSE(resume(login->session_token)->user.must_change_password);
  EXPECT_FALSE(log_in(*context, "counter.one", kTemporary, "10.0.0.2"));
  EXPECT_TRUE(log_in(*context, "counter.one", "a brand new passphrase", "10.0.0.2"));
  // A success clears the failures before it; one after it is counted.
  EXPECT_FALSE(log_in(*context, "counter.one", "not the password at all", "10.0.0.9"));

  auto listed = staff_accounts(*context, admin);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  const auto& counter = listed->at(1);
  EXPECT_EQ(counter.user.username, "counter.one");
  EXPECT_TRUE(counter.user.last_sign_in_at);
  EXPECT_EQ(counter.failed_sign_ins, 1);
  EXPECT_FALSE(listed->at(0).user.last_sign_in_at);
}

TEST_P(StaffAccounts, OnlyAdministratorsManageAccounts) {
  const auto user = create_counter();
  const Actor counter{user.id, Role::kCounter};
  const Actor editor{99, Role::kEditor};
  for (const auto& actor : {counter, editor}) {
    EXPECT_EQ(staff_accounts(*context, actor).error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(staff_account(*context, actor, user.id).error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(create_staff_account(*context, actor, {"x.y.z", "", "administrator", kTemporary}).error().code,
              ErrorCode::kPermissionDenied);
    EXPECT_EQ(update_staff_account(*context, actor, user.id, 1, {"X", "administrator"}).error().code,
              ErrorCode::kPermissionDenied);
    EXPECT_EQ(set_staff_enabled(*context, actor, admin.staff_id, 1, false).error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(require_password_change(*context, actor, admin.staff_id, 1, "").error().code,
              ErrorCode::kPermissionDenied);
  }
  EXPECT_EQ(staff_account(*context, admin, 4242).error().code, ErrorCode::kNotFound);
}

TEST_P(StaffAccounts, ChangesAreValidatedAndVersionChecked) {
  const auto user = create_counter();
  auto invalid = update_staff_account(*context, admin, user.id, user.version, {"", "root"});
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().fields.size(), 2u);
  auto changed = update_staff_account(*context, admin, user.id, user.version, {"Counter Renamed", "verifier"});
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->role, Role::kVerifier);
  EXPECT_EQ(changed->version, user.version + 1);
  // A second administrator still holding the first version is told the account changed.
  EXPECT_EQ(update_staff_account(*context, admin, user.id, user.version, {"Other", "editor"}).error().code,
            ErrorCode::kEditConflict);
  EXPECT_EQ(set_staff_enabled(*context, admin, user.id, user.version, false).error().code, ErrorCode::kEditConflict);
  EXPECT_EQ(staff_account(*context, admin, user.id)->display_name, "Counter Renamed");
}

TEST_P(StaffAccounts, DisablingEndsSessionsAndRefusesSignIn) {
  const auto user = create_counter();
  auto login = log_in(*context, "counter.one", kTemporary, "10.0.0.1");
  ASSERT_TRUE(login);
  auto disabled = set_staff_enabled(*context, admin, user.id, user.version, false);
  ASSERT_TRUE(disabled);
  EXPECT_FALSE(resume(login->session_token));
  EXPECT_EQ(log_in(*context, "counter.one", kTemporary, "10.0.0.1").error().code, ErrorCode::kAccountDisabled);
  ASSERT_TRUE(set_staff_enabled(*context, admin, user.id, disabled->version, true));
  EXPECT_TRUE(log_in(*context, "counter.one", kTemporary, "10.0.0.1"));
}

TEST_P(StaffAccounts, TheLastAdministratorCanBeNeitherDisabledNorDemoted) {
  const auto self = staff_account(*context, admin, admin.staff_id).value();
  EXPECT_EQ(set_staff_enabled(*context, admin, admin.staff_id, self.version, false).error().code,
            ErrorCode::kLastAdministrator);
  EXPECT_EQ(update_staff_account(*context, admin, admin.staff_id, self.version, {"Admin", "editor"}).error().code,
            ErrorCode::kLastAdministrator);
  EXPECT_EQ(staff_account(*context, admin, admin.staff_id)->role, Role::kAdministrator);
  // With a second administrator, the first may step down.
  const auto user = create_counter();
  ASSERT_TRUE(update_staff_account(*context, admin, user.id, user.version, {"Second", "administrator"}));
  EXPECT_TRUE(update_staff_account(*context, admin, admin.staff_id, self.version, {"Admin", "editor"}));
}

TEST_P(StaffAccounts, AnAdministratorRequiresAPasswordChange) {
  const auto user = create_counter();
  auto login = log_in(*context, "counter.one", kTemporary, "10.0.0.1");
  ASSERT_TRUE(login);
  ASSERT_TRUE(change_own_password(*context, user.id, login->session_token, kTemporary, "a brand new passphrase",
                                  "a brand new passphrase", "10.0.0.1"));
  auto current = staff_account(*context, admin, user.id).value();
  EXPECT_FALSE(current.must_change_password);
  // Without a new password: the open session is sent to change it.
  auto forced = require_password_change(*context, admin, user.id, current.version, "");
  ASSERT_TRUE(forced);
  EXPECT_TRUE(resume(login->session_token)->user.must_change_password);
  // With a temporary password, too short: told next to the field.
  auto short_one = require_password_change(*context, admin, user.id, forced->version, "short");
  ASSERT_FALSE(short_one);
  EXPECT_EQ(short_one.error().fields.at(0).field, "temporary_password");
  // With a temporary one: the old password stops working and the session ends.
  ASSERT_TRUE(require_password_change(*context, admin, user.id, forced->version, "another temporary one"));
  EXPECT_FALSE(resume(login->session_token));
  EXPECT_FALSE(log_in(*context, "counter.one", "a brand new passphrase", "10.0.0.3"));
  auto again = log_in(*context, "counter.one", "another temporary one", "10.0.0.3");
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->user.must_change_password);
}

SHELFMARK_ON_BOTH_BACKENDS(StaffAccounts);

}  // namespace
}  // namespace shelfmark::app
