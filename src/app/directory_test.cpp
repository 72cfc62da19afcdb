// Use cases of the app layer, run against the real store on both backends.
#include "app/directory.h"

#include <atomic>
#include <thread>

#include "app/library_admin.h"
#include "app/notices.h"
#include "app/staff_auth.h"
#include "app/testing/use_case_test.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using testing::UseCaseTest;

class UseCases : public UseCaseTest {
 protected:
  UseCases() : UseCaseTest({.hasher_in_flight = 2}) {}
  void SetUp() override {
    auto library = testing::library("CL", domain::LibraryKind::kCentral);
    library.name = {"Hong Kong Central Library", "香港中央圖書館"};
    library.district = domain::District::kWanChai;
    library.address = {"66 Causeway Road", "高士威道66號"};
    library.phone = "2921 0208";
    for (int day = 0; day < 7; ++day) library.hours.days[day] = {{600, 1260}};
    new_library(library);
  }

  domain::NoticeInput notice_input(std::string title) {
    return {title, "通告" + title, "Body.", "內文。", false, {}, "", ""};
  }

  Actor editor{1, domain::Role::kEditor};
  Actor counter{2, domain::Role::kCounter};
};

TEST_P(UseCases, DirectoryComputesOpenStatusInHongKongTime) {
  NetworkCache cache;
  auto view = list_libraries(*context, cache, {});
  ASSERT_EQ(view.libraries.size(), 1u);
  EXPECT_EQ(view.libraries[0].status.state, domain::OpenStatus::State::kOpen);
  EXPECT_EQ(view.now.minute, 600);
  clock->set(clock->now() + std::chrono::hours(12));  // 22:00
  view = list_libraries(*context, cache, {});
  EXPECT_EQ(view.libraries[0].status.state, domain::OpenStatus::State::kClosed);
  EXPECT_EQ(format_local_date_time(*view.libraries[0].status.next_opening), "2026-11-24T10:00");
  view = list_libraries(*context, cache, {domain::District::kIslands, std::nullopt});
  EXPECT_TRUE(view.libraries.empty());
}

TEST_P(UseCases, NetworkCacheReloadsOnlyAfterAChange) {
  NetworkCache cache;
  auto first = list_libraries(*context, cache, {}).network;
  auto second = list_libraries(*context, cache, {}).network;
  EXPECT_EQ(first.get(), second.get());
  auto result = add_closure(*context, editor, "CL", {"2026-11-23", "2026-11-24", "Typhoon", "颱風"});
  ASSERT_TRUE(result);
  auto third = list_libraries(*context, cache, {});
  EXPECT_NE(first.get(), third.network.get());
  EXPECT_EQ(third.libraries[0].status.today, domain::DayKind::kClosure);
}

TEST_P(UseCases, LibraryPageShowsItsNoticesAndTwoWeeks) {
  NetworkCache cache;
  ASSERT_TRUE(create_notice(*context, editor, notice_input("network")));
  auto page = library_page(*context, cache, "CL");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->coming_days.size(), 14u);
  ASSERT_EQ(page->notices.size(), 1u);
  EXPECT_EQ(library_page(*context, cache, "NOPE").error().code, ErrorCode::kNotFound);
}

TEST_P(UseCases, OnlyEditorsManageNotices) {
  EXPECT_EQ(create_notice(*context, counter, notice_input("x")).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(staff_notices(*context, counter, 1, 10).total, 0);
  auto created = create_notice(*context, editor, notice_input("x"));
  ASSERT_TRUE(created);
  EXPECT_EQ(expire_notice(*context, counter, created->id).error().code, ErrorCode::kPermissionDenied);
}

TEST_P(UseCases, NoticeLifecycleScheduledPublishedExpired) {
  auto input = notice_input("Typhoon signal No. 8");
  input.important = true;
  input.library_codes = {"CL"};
  input.publish_at = "2026-11-23T12:00";  // two hours from now, local time
  auto created = create_notice(*context, editor, input);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->library_ids.size(), 1u);
  BannerCache banners;
  EXPECT_TRUE(banner_notices(*context, banners).empty());
  EXPECT_EQ(public_notice(*context, created->id).error().code, ErrorCode::kNotFound);
  clock->set(clock->now() + std::chrono::hours(3));
  EXPECT_EQ(banner_notices(*context, banners).size(), 1u);
  EXPECT_TRUE(public_notice(*context, created->id));
  EXPECT_EQ(public_notices(*context, 1, 10).total, 1);
  auto expired = expire_notice(*context, editor, created->id);
  ASSERT_TRUE(expired);
  EXPECT_TRUE(banner_notices(*context, banners).empty());
  EXPECT_EQ(public_notices(*context, 1, 10).total, 0);
  EXPECT_EQ(staff_notices(*context, editor, 1, 10).total, 1);
}

TEST_P(UseCases, NoticeEditsRefuseStaleVersionsAndUnknownLibraries) {
  auto created = create_notice(*context, editor, notice_input("a"));
  ASSERT_TRUE(created);
  auto input = notice_input("b");
  EXPECT_TRUE(update_notice(*context, editor, created->id, 1, input));
  EXPECT_EQ(update_notice(*context, editor, created->id, 1, input).error().code, ErrorCode::kEditConflict);
  EXPECT_EQ(update_notice(*context, editor, 999, 1, input).error().code, ErrorCode::kNotFound);
  input.library_codes = {"ATLANTIS"};
  auto refused = update_notice(*context, editor, created->id, 2, input);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().fields.at(0).field, "libraries");
}

TEST_P(UseCases, LibraryEditsAreValidatedVersionedAndAudited) {
  std::array<std::string, 8> hours{"09:30-20:00", "09:30-20:00", "13:00-20:00", "09:30-20:00",
                                   "09:30-20:00", "09:30-20:00", "09:30-17:00", "09:30-17:00"};
  EXPECT_EQ(set_weekly_hours(*context, counter, "CL", 1, hours).error().code, ErrorCode::kPermissionDenied);
  ASSERT_TRUE(set_weekly_hours(*context, editor, "CL", 1, hours));
  EXPECT_EQ(set_weekly_hours(*context, editor, "CL", 1, hours).error().code, ErrorCode::kEditConflict);
  hours[2] = "20:00-13:00";
  auto refused = set_weekly_hours(*context, editor, "CL", 2, hours);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().fields.at(0).field, "hours_wed");
  ASSERT_TRUE(add_special_hours(*context, editor, "CL", {"2026-12-24", "10:00-17:00", "Christmas Eve", "平安夜"}));
  ASSERT_TRUE(add_special_hours(*context, editor, "CL", {"2026-12-24", "", "Closed", "休館"}));  // replaces
  auto library = library_for_staff(*context, editor, "CL");
  ASSERT_EQ(library->special_hours.size(), 1u);
  EXPECT_TRUE(library->special_hours[0].ranges.empty());
  EXPECT_TRUE(remove_special_hours(*context, editor, "CL", library->special_hours[0].id));
  EXPECT_EQ(remove_special_hours(*context, editor, "CL", 12345).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(add_closure(*context, editor, "CL", {"2026-12-02", "2026-12-01", "x", "y"}).error().fields.at(0).code,
            ErrorCode::kDateRangeInvalid);
  ASSERT_TRUE(update_library_details(*context, editor, "CL", 2,
                                     {"Hong Kong Central Library",
                                      "香港中央圖書館",
                                      "66 Causeway Road",
                                      "銅鑼灣高士威道66號",
                                      "2921 0500",
                                      "wan_chai",
                                      "central",
                                      {"wifi"}}));
  std::vector<AuditEntry> audit;
  store->transact(Store::Mode::kRead, [&](Repositories& repos) { audit = repos.audit.recent(10); });
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit[0].action, "library.details");
  EXPECT_EQ(audit[0].subject, "library:CL");
}

TEST_P(UseCases, MobileStopsAreEditedOnlyOnMobileLibraries) {
  domain::MobileStopInput stop{"Tai O", "大澳", "islands", "Bus terminus", "巴士總站", "5", "10:00-13:00"};
  auto refused = add_mobile_stop(*context, editor, "CL", stop);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidChoice);
  domain::Library mobile;
  mobile.code = "MB1";
  mobile.name = {"Mobile Library No. 1", "流動圖書館第1號"};
  mobile.kind = domain::LibraryKind::kMobile;
  mobile.district = domain::District::kIslands;
  mobile.address = {"Various stops", "各站"};
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) { repos.libraries.insert(mobile); });
  EXPECT_EQ(add_mobile_stop(*context, counter, "MB1", stop).error().code, ErrorCode::kPermissionDenied);
  ASSERT_TRUE(add_mobile_stop(*context, editor, "MB1", stop));
  stop.hours = "12:00-14:00";
  EXPECT_EQ(add_mobile_stop(*context, editor, "MB1", stop).error().fields.at(0).code, ErrorCode::kTimeRangesOverlap);
  auto library = library_for_staff(*context, editor, "MB1");
  ASSERT_EQ(library->stops.size(), 1u);
  EXPECT_EQ(library->stops[0].name.tc, "大澳");
  // Friday 2026-11-27 11:00: at the stop.
  clock->set(zone->to_instant({*parse_iso_date("2026-11-27"), 660}));
  NetworkCache cache;
  auto page = library_page(*context, cache, "MB1");
  EXPECT_EQ(page->status.state, domain::OpenStatus::State::kOpen);
  ASSERT_TRUE(remove_mobile_stop(*context, editor, "MB1", library->stops[0].id));
  EXPECT_EQ(remove_mobile_stop(*context, editor, "MB1", library->stops[0].id).error().code, ErrorCode::kNotFound);
}

TEST_P(UseCases, PublicHolidaysChangeOpeningHours) {
  EXPECT_EQ(add_holiday(*context, counter, {"2026-11-23", "Test Day", "測試日"}).error().code,
            ErrorCode::kPermissionDenied);
  ASSERT_TRUE(add_holiday(*context, editor, {"2026-11-23", "Test Day", "測試日"}));
  EXPECT_EQ(add_holiday(*context, editor, {"2026-11-23", "Again", "再"}).error().fields.at(0).code,
            ErrorCode::kDateTaken);
  EXPECT_EQ(add_holiday(*context, editor, {"23/11/2026", "", ""}).error().fields.size(), 3u);
  NetworkCache cache;
  auto view = list_libraries(*context, cache, {});
  // The test library has no holiday hours: closed today.
  EXPECT_EQ(view.libraries[0].status.state, domain::OpenStatus::State::kClosed);
  EXPECT_EQ(view.libraries[0].status.today, domain::DayKind::kPublicHoliday);
  EXPECT_EQ(holidays_for_staff(*context, editor)->holidays.size(), 1u);
  ASSERT_TRUE(remove_holiday(*context, editor, "2026-11-23"));
  EXPECT_EQ(remove_holiday(*context, editor, "2026-11-23").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(list_libraries(*context, cache, {}).libraries[0].status.state, domain::OpenStatus::State::kOpen);
}

TEST_P(UseCases, StaffAccountsLoginThrottleAndSessions) {
  auto created = add_staff(*context, {"Chan.TM", "Chan Tai Man", "editor", "a long enough passphrase"});
  ASSERT_TRUE(created);
  EXPECT_EQ(created->username, "chan.tm");
  auto duplicate = add_staff(*context, {"chan.tm", "", "counter", "another long passphrase"});
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().fields.at(0).code, ErrorCode::kUsernameTaken);
  EXPECT_EQ(add_staff(*context, {"x", "", "root", "short"}).error().fields.size(), 3u);

  auto login = log_in(*context, "CHAN.TM", "a long enough passphrase", "127.0.0.1");
  ASSERT_TRUE(login);
  SessionPolicy policy;
  auto session = resume_session(*context, policy, login->session_token);
  ASSERT_TRUE(session);
  EXPECT_EQ(session->user.role, domain::Role::kEditor);
  EXPECT_EQ(session->csrf_token, login->csrf_token);
  EXPECT_FALSE(resume_session(*context, policy, "forged-token"));

  // Idle timeout: 31 minutes later the session is gone.
  clock->set(clock->now() + std::chrono::minutes(31));
  EXPECT_FALSE(resume_session(*context, policy, login->session_token));

  // Five failures lock the account out of that address for 15 minutes, even with the right password; another
  // address still gets in (ADR 0017).
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(log_in(*context, "chan.tm", "wrong password!", "10.0.0.1").error().code, ErrorCode::kInvalidCredentials);
  auto locked = log_in(*context, "chan.tm", "a long enough passphrase", "10.0.0.1");
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code, ErrorCode::kTooManyAttempts);
  EXPECT_EQ(locked.error().fields.at(0).params.at("minutes"), "15");
  EXPECT_TRUE(log_in(*context, "chan.tm", "a long enough passphrase", "10.0.0.2"));
  clock->set(clock->now() + std::chrono::minutes(16));
  auto again = log_in(*context, "chan.tm", "a long enough passphrase", "10.0.0.1");
  ASSERT_TRUE(again);
  log_out(*context, again->session_token);
  EXPECT_FALSE(resume_session(*context, policy, again->session_token));
}

TEST_P(UseCases, ExpiringANoticePublishedThisSecondWorks) {
  auto created = create_notice(*context, editor, notice_input("now"));
  ASSERT_TRUE(created);
  auto expired = expire_notice(*context, editor, created->id);
  ASSERT_TRUE(expired);
  EXPECT_EQ(public_notice(*context, created->id).error().code, ErrorCode::kNotFound);
}

TEST_P(UseCases, ManyFailuresFromOneAddressLockItForEveryAccount) {
  for (int i = 0; i < domain::LoginThrottle::kMaxFailuresPerAddress; ++i)
    (void)log_in(*context, "user" + std::to_string(i), "wrong password!", "192.0.2.7");  // failing is the point
  EXPECT_EQ(log_in(*context, "someone.else", "wrong password!", "192.0.2.7").error().code, ErrorCode::kTooManyAttempts);
  EXPECT_EQ(log_in(*context, "someone.else", "wrong password!", "192.0.2.8").error().code,
            ErrorCode::kInvalidCredentials);
}

TEST_P(UseCases, UnknownUsersFailLikeWrongPasswords) {
  EXPECT_EQ(log_in(*context, "nobody", "whatever password", "1.2.3.4").error().code, ErrorCode::kInvalidCredentials);
}

TEST_P(UseCases, ConcurrentStaffCreationOfOneUsernameExactlyOneWins) {
  std::atomic<int> wins{0}, taken{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      auto result = add_staff(*context, {"same.name", "", "counter", "a long enough passphrase"});
      if (result)
        ++wins;
      else if (result.error().fields.at(0).code == ErrorCode::kUsernameTaken)
        ++taken;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(taken, 7);
}

SHELFMARK_ON_BOTH_BACKENDS(UseCases);

}  // namespace
}  // namespace shelfmark::app
