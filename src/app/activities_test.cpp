// Activities and enrolment against the real store, on both backends: the quota, the waiting list and who
// moves up, the race for the last place, staff changes, attendance and My Information.
#include "app/activities.h"

#include <atomic>
#include <thread>

#include "app/testing/use_case_test.h"

namespace shelfmark::app {
namespace {

using domain::EnrolmentStatus;
using domain::ErrorCode;
using testing::UseCaseTest;

class Activities : public UseCaseTest {
 protected:
  void SetUp() override {
    for (auto [code, district] :
         {std::pair{"CL", domain::District::kWanChai}, {"KLN", domain::District::kKowloonCity}}) {
      auto library = testing::library(code, domain::LibraryKind::kMajor);
      library.name = {std::string(code) + " Library", std::string(code) + " 圖書館"};
      library.district = district;
      library.hours = testing::open_every_day(540, 1200);
      (code == std::string("CL") ? central : kowloon) = new_library(library);
    }
    editor = new_staff({"editor", "Editor", domain::Role::kEditor});
    counter = new_staff({"counter", "Counter", domain::Role::kCounter});
    for (int i = 0; i < 30; ++i)
      readers.push_back(
          new_reader({.card = "R" + std::to_string(100 + i),
                      .name = "Reader " + std::to_string(i),
                      .status = i == 29 ? domain::ReaderStatus::kSuspended : domain::ReaderStatus::kActive,
                      .email = "reader" + std::to_string(i) + "@example.org",
                      .channel = i == 1 ? "none" : "email",
                      .language = i % 2 ? domain::Language::kTraditionalChinese : domain::Language::kEnglish}));
  }

  domain::ActivityInput workshop(const std::string& quota, const std::string& start = "2026-12-05T14:30") {
    domain::ActivityInput in;
    in.title_en = "Bookbinding workshop";
    in.title_tc = "書籍裝訂工作坊";
    in.type = "workshop";
    in.audience = "adults";
    in.delivery_language = "cantonese";
    in.status = "published";
    in.starts_at = start;
    in.ends_at = start.substr(0, 11) + "16:30";
    in.library_code = "CL";
    in.venue_en = "Activity Room";
    in.enrolment_required = true;
    in.quota = quota;
    return in;
  }
  long long publish(const domain::ActivityInput& input) {
    auto id = save_activity(*context, editor, std::nullopt, 0, input);
    EXPECT_TRUE(id) << domain::error_info(id.error().code).name;
    return id ? id.value() : 0;
  }
  domain::Activity stored(long long id) { return staff_activity(*context, editor, id).value(); }

  long long central = 0, kowloon = 0;
  std::vector<long long> readers;
  Actor editor{0, domain::Role::kEditor};
  Actor counter{0, domain::Role::kCounter};
};

TEST_P(Activities, PublishedActivitiesAreListedAndFilteredDraftsAndEndedOnesAreNot) {
  publish(workshop("10"));
  auto talk = workshop("");
  talk.enrolment_required = false;
  talk.type = "talk";
  talk.audience = "seniors";
  talk.library_code = "KLN";
  talk.starts_at = "2026-12-20T10:00";
  talk.ends_at = "2026-12-20T11:00";
  publish(talk);
  auto draft = workshop("5");
  draft.status = "draft";
  publish(draft);
  auto past = workshop("5", "2026-11-01T10:00");
  publish(past);

  EXPECT_EQ(public_activities(*context, {}).total, 2);
  PublicActivityFilter by_type;
  by_type.type = domain::ActivityType::kTalk;
  EXPECT_EQ(public_activities(*context, by_type).activities.at(0).library_id, kowloon);
  PublicActivityFilter by_district;
  by_district.district = domain::District::kWanChai;
  EXPECT_EQ(public_activities(*context, by_district).total, 1);
  by_district.district = domain::District::kIslands;  // no library there
  EXPECT_EQ(public_activities(*context, by_district).total, 0);
  PublicActivityFilter by_date;
  by_date.from = *parse_iso_date("2026-12-06");
  EXPECT_EQ(public_activities(*context, by_date).total, 1);
  by_date.until = *parse_iso_date("2026-12-19");
  EXPECT_EQ(public_activities(*context, by_date).total, 0);
  PublicActivityFilter by_audience;
  by_audience.audience = domain::ActivityAudience::kSeniors;
  EXPECT_EQ(public_activities(*context, by_audience).total, 1);
  EXPECT_EQ(staff_activities(*context, editor, 1, 50).total, 4);
  EXPECT_EQ(staff_activities(*context, Actor{3, domain::Role::kCataloguer}, 1, 50).total, 0);
}

TEST_P(Activities, PlacesThenTheWaitingListThenFullAndEachReaderIsTold) {
  const auto id = publish(workshop("2"));
  const auto first = enrol(*context, readers[0], id);
  EXPECT_EQ(first->status, EnrolmentStatus::kConfirmed);
  EXPECT_TRUE(first->told);
  EXPECT_EQ(enrol(*context, readers[0], id).error().code, ErrorCode::kAlreadyEnrolled);
  EXPECT_EQ(enrol(*context, readers[2], id)->status, EnrolmentStatus::kConfirmed);
  for (int i = 3; i < 8; ++i) {
    auto waiting = enrol(*context, readers[i], id);
    ASSERT_TRUE(waiting);
    EXPECT_EQ(waiting->status, EnrolmentStatus::kWaitlisted);
    EXPECT_EQ(waiting->waiting_position, i - 2);
  }
  EXPECT_EQ(enrol(*context, readers[8], id).error().code, ErrorCode::kActivityFull);
  EXPECT_EQ(enrol(*context, readers[29], id).error().code, ErrorCode::kReaderNotActive);
  EXPECT_EQ(stored(id).places_taken, 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages WHERE kind = 'activity_enrolled'"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages WHERE kind = 'activity_waitlisted'"), 5);
  EXPECT_EQ(reader_enrolment(*context, id, readers[5])->waiting_position, 3);
  EXPECT_FALSE(reader_enrolment(*context, id, readers[9]));
}

TEST_P(Activities, AFreedPlaceGoesToTheFirstOnTheWaitingList) {
  const auto id = publish(workshop("1"));
  ASSERT_TRUE(enrol(*context, readers[0], id));
  ASSERT_TRUE(enrol(*context, readers[2], id));
  ASSERT_TRUE(enrol(*context, readers[3], id));
  EXPECT_EQ(cancel_enrolment(*context, readers[9], id).error().code, ErrorCode::kNotEnrolled);
  ASSERT_TRUE(cancel_enrolment(*context, readers[0], id));
  EXPECT_EQ(reader_enrolment(*context, id, readers[2])->status, EnrolmentStatus::kConfirmed);
  EXPECT_EQ(reader_enrolment(*context, id, readers[3])->waiting_position, 1);
  EXPECT_EQ(stored(id).places_taken, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages WHERE kind = 'activity_place_offered' AND recipient = "
                  "'reader2@example.org'"),
            1);
  // A waiting reader who gives up frees nothing.
  ASSERT_TRUE(cancel_enrolment(*context, readers[3], id));
  EXPECT_EQ(stored(id).places_taken, 1);
  // They may enrol again: the cancelled enrolment does not count.
  EXPECT_EQ(enrol(*context, readers[3], id)->status, EnrolmentStatus::kWaitlisted);
  // Once it has started, nobody can cancel and nobody moves up.
  clock->set(zone->to_instant({*parse_iso_date("2026-12-05"), 14 * 60 + 30}));
  EXPECT_EQ(cancel_enrolment(*context, readers[2], id).error().code, ErrorCode::kActivityStarted);
  EXPECT_EQ(enrol(*context, readers[4], id).error().code, ErrorCode::kEnrolmentClosed);
}

TEST_P(Activities, ReadersWhoChoseNoNoticesAreNotSentOne) {
  const auto id = publish(workshop("5"));
  const auto enrolled = enrol(*context, readers[1], id);  // channel "none"
  ASSERT_TRUE(enrolled);
  EXPECT_FALSE(enrolled->told);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages"), 0);
}

TEST_P(Activities, TwentyReadersRacingForTheLastPlaceExactlyOneGetsIt) {
  const auto id = publish(workshop("1"));
  std::atomic<int> confirmed{0}, waiting{0}, full{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i)
    threads.emplace_back([&, i] {
      auto result = enrol(*context, readers[i], id);
      if (result && result->status == EnrolmentStatus::kConfirmed)
        ++confirmed;
      else if (result)
        ++waiting;
      else if (result.error().code == ErrorCode::kActivityFull)
        ++full;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(confirmed, 1);
  EXPECT_EQ(waiting, domain::kMinimumWaitingList);
  EXPECT_EQ(full, 20 - 1 - domain::kMinimumWaitingList);
  EXPECT_EQ(stored(id).places_taken, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM activity_enrolments WHERE status = 'confirmed'"), 1);
}

TEST_P(Activities, OneReaderEnrollingTenTimesAtOnceHoldsOnePlace) {
  const auto id = publish(workshop("5"));
  std::atomic<int> ok{0}, duplicate{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 10; ++i)
    threads.emplace_back([&] {
      auto result = enrol(*context, readers[0], id);
      if (result)
        ++ok;
      else if (result.error().code == ErrorCode::kAlreadyEnrolled)
        ++duplicate;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(duplicate, 9);
  EXPECT_EQ(stored(id).places_taken, 1);
}

TEST_P(Activities, StaffChangesKeepPromisesAndTellReaders) {
  auto input = workshop("1");
  const auto id = publish(input);
  EXPECT_EQ(save_activity(*context, counter, std::nullopt, 0, input).error().code, ErrorCode::kPermissionDenied);
  ASSERT_TRUE(enrol(*context, readers[0], id));
  ASSERT_TRUE(enrol(*context, readers[2], id));
  ASSERT_TRUE(enrol(*context, readers[3], id));
  auto version = stored(id).version;
  // The quota cannot fall below the readers holding a place, nor enrolment be switched off under them.
  input.quota = "0";
  EXPECT_EQ(save_activity(*context, editor, id, version, input).error().code, ErrorCode::kNumberOutOfRange);
  input.enrolment_required = false;
  EXPECT_EQ(save_activity(*context, editor, id, version, input).error().fields.at(0).code,
            ErrorCode::kQuotaBelowEnrolled);
  // Raising it gives the new places to the waiting list, in order.
  input.enrolment_required = true;
  input.quota = "2";
  ASSERT_TRUE(save_activity(*context, editor, id, version, input));
  EXPECT_EQ(reader_enrolment(*context, id, readers[2])->status, EnrolmentStatus::kConfirmed);
  EXPECT_EQ(reader_enrolment(*context, id, readers[3])->status, EnrolmentStatus::kWaitlisted);
  EXPECT_EQ(save_activity(*context, editor, id, version, input).error().code, ErrorCode::kEditConflict);
  // Published activities are cancelled, never made drafts again; cancelling tells everyone enrolled.
  version = stored(id).version;
  input.status = "draft";
  EXPECT_FALSE(save_activity(*context, editor, id, version, input));
  input.status = "cancelled";
  ASSERT_TRUE(save_activity(*context, editor, id, version, input));
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages WHERE kind = 'activity_cancelled'"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM activity_enrolments WHERE status <> 'cancelled'"), 3);  // kept, shown cancelled
  EXPECT_EQ(enrol(*context, readers[4], id).error().code, ErrorCode::kActivityNotOpen);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'activity.%'"), 6);  // saves refused are not
}

TEST_P(Activities, AttendanceIsMarkedForThisActivitysConfirmedReadersOnly) {
  const auto id = publish(workshop("1"));
  const auto other = publish(workshop("5", "2026-12-06T10:00"));
  ASSERT_TRUE(enrol(*context, readers[0], id));
  ASSERT_TRUE(enrol(*context, readers[2], id));  // waiting
  ASSERT_TRUE(enrol(*context, readers[3], other));
  const auto list = enrolment_list(*context, counter, id);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->rows.size(), 2u);
  EXPECT_EQ(list->rows[0].card_number, "R100");
  EXPECT_EQ(list->rows[1].waiting_position, 1);
  EXPECT_EQ(enrolment_list(*context, Actor{4, domain::Role::kReference}, id).error().code,
            ErrorCode::kPermissionDenied);
  const auto confirmed = list->rows[0].enrolment.id;
  EXPECT_EQ(mark_attendance(*context, counter, id, {{confirmed, true}}).error().code, ErrorCode::kAttendanceTooEarly);
  clock->set(zone->to_instant({*parse_iso_date("2026-12-05"), 14 * 60}));
  const auto foreign = enrolment_list(*context, counter, other)->rows[0].enrolment.id;
  EXPECT_EQ(mark_attendance(*context, counter, id, {{confirmed, true}, {foreign, true}}).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(mark_attendance(*context, counter, id, {{list->rows[1].enrolment.id, true}}).error().code,
            ErrorCode::kNotFound);  // waiting-list readers did not have a place
  EXPECT_EQ(count("SELECT COUNT(*) FROM activity_enrolments WHERE attended IS NOT NULL"), 0);
  EXPECT_EQ(mark_attendance(*context, counter, id, {{confirmed, true}}).value(), 1);
  EXPECT_EQ(mark_attendance(*context, counter, id, {{confirmed, true}}).value(), 0);
  EXPECT_EQ(enrolment_list(*context, counter, id)->rows[0].enrolment.attended, true);
}

TEST_P(Activities, MyInformationShowsTheReadersActivitiesAndNewsOfTheirLibraries) {
  const auto id = publish(workshop("1"));
  ASSERT_TRUE(enrol(*context, readers[0], id));
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    for (auto [library, title] : {std::pair{central, "Central news"}, {kowloon, "Kowloon news"}}) {
      domain::Notice notice;
      notice.title = {title, title};
      notice.body = {"b", "b"};
      notice.library_ids = {library};
      notice.publish_at = clock->now() - std::chrono::hours(1);
      notice.updated_at = notice.publish_at;
      repos.notices.insert(notice);
    }
  });
  const auto mine = my_information(*context, readers[0]);
  ASSERT_EQ(mine.activities.size(), 1u);
  EXPECT_EQ(mine.activities[0].activity.id, id);
  ASSERT_EQ(mine.library_news.size(), 1u);
  EXPECT_EQ(mine.library_news[0].notice.title.en, "Central news");
  const auto someone_else = my_information(*context, readers[2]);
  EXPECT_TRUE(someone_else.activities.empty());
  EXPECT_TRUE(someone_else.library_news.empty());
}

TEST_P(Activities, EnrolmentsAreForgottenAYearAfterTheActivityWithItsCountsKept) {
  const auto id = publish(workshop("2"));
  ASSERT_TRUE(enrol(*context, readers[0], id));
  ASSERT_TRUE(enrol(*context, readers[2], id));
  clock->set(zone->to_instant({*parse_iso_date("2026-12-05"), 15 * 60}));
  const auto list = enrolment_list(*context, counter, id);
  ASSERT_TRUE(mark_attendance(*context, counter, id, {{list->rows[0].enrolment.id, true}}));
  clock->set(zone->to_instant({*parse_iso_date("2027-12-01"), 0}));
  EXPECT_EQ(forget_old_enrolments(*context), 0);
  clock->set(zone->to_instant({*parse_iso_date("2027-12-06"), 0}));
  EXPECT_EQ(forget_old_enrolments(*context), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM activity_enrolments"), 0);
  EXPECT_EQ(count("SELECT enrolled_count * 10 + attended_count FROM activities"), 21);
}

TEST_P(Activities, ExpiredAccountsAndLostCardsCannotEnrol) {
  const auto id = publish(workshop("5"));
  long long expired = 0;
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    expired = repos.circulation.insert_reader({0, "R900", "Expired", domain::ReaderCategory::kTemporary,
                                               domain::ReaderStatus::kActive, *parse_iso_date("2026-11-22")},
                                              clock->now());
    repos.circulation.set_reader_status(readers[3], domain::ReaderStatus::kCardReportedLost);
  });
  EXPECT_EQ(enrol(*context, expired, id).error().code, ErrorCode::kReaderExpired);
  EXPECT_EQ(enrol(*context, readers[3], id).error().code, ErrorCode::kCardReportedLost);
  EXPECT_EQ(stored(id).places_taken, 0);
}

TEST_P(Activities, ANewTimeOrPlaceIsToldAndAWithdrawnAccountGivesUpItsPlace) {
  auto input = workshop("1");
  const auto id = publish(input);
  ASSERT_TRUE(enrol(*context, readers[0], id));
  ASSERT_TRUE(enrol(*context, readers[2], id));  // waiting
  input.remarks_en = "Bring scissors";
  ASSERT_TRUE(save_activity(*context, editor, id, stored(id).version, input));
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages WHERE kind = 'activity_changed'"), 0);  // not time or place
  input.starts_at = "2026-12-05T15:00";
  ASSERT_TRUE(save_activity(*context, editor, id, stored(id).version, input));
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages WHERE kind = 'activity_changed'"), 2);
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    release_enrolments_of_reader(*context, repos, readers[0], clock->now());
  });
  EXPECT_EQ(reader_enrolment(*context, id, readers[2])->status, EnrolmentStatus::kConfirmed);
  EXPECT_FALSE(reader_enrolment(*context, id, readers[0]));
  EXPECT_EQ(stored(id).places_taken, 1);
}

SHELFMARK_ON_BOTH_BACKENDS(Activities);

}  // namespace
}  // namespace shelfmark::app
