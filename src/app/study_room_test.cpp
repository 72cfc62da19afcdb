// Study room admission cards against the real store, on both backends: opening a period, applying (once per
// period, also with 20 simultaneous submissions), withdrawing, the allocation and its re-run, publication with
// cards and messages, releasing a place to the waiting list, the reader's view and checking a card.
#include "app/study_room.h"

#include <atomic>
#include <thread>

#include "app/testing/use_case_test.h"
#include "core/text.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::StudyOutcome;
using testing::UseCaseTest;

class StudyRoom : public UseCaseTest {
 protected:
  StudyRoom() : UseCaseTest({.hasher_in_flight = 2}) {}
  void SetUp() override {
    at("2027-02-15T10:00");
    auto library = testing::library("CL", domain::LibraryKind::kCentral);
    library.name = {"Central Library", "中央圖書館"};
    new_library(library);
    manager = new_staff({"editor", "Editor", domain::Role::kEditor});
    counter = new_staff({"counter", "Counter", domain::Role::kCounter});
    for (int i = 1; i <= 6; ++i)
      readers.push_back(
          new_reader({.card = "2100000000" + std::to_string(i),
                      .name = "Reader " + std::to_string(i),
                      .email = "reader" + std::to_string(i) + "@example.com",
                      .language = i % 2 ? domain::Language::kTraditionalChinese : domain::Language::kEnglish}));
  }

  domain::StudyPeriodForm form(const std::string& places = "2") {
    domain::StudyPeriodForm f;
    f.title_en = "HKDSE examination season";
    f.title_tc = "中學文憑試期間";
    f.library_code = "CL";
    f.opens_at = "2027-02-10T09:00";
    f.closes_at = "2027-02-24T17:00";
    f.valid_from = "2027-03-01";
    f.valid_until = "2027-05-31";
    f.places = places;
    f.priority = "exam_candidates_first";
    f.weekday_start[0] = f.weekend_start[0] = "08:00";
    f.weekday_end[0] = f.weekend_end[0] = "12:30";
    f.weekday_start[1] = f.weekend_start[1] = "17:30";
    f.weekday_end[1] = "22:00";
    f.weekend_end[1] = "21:30";
    return f;
  }

  long long open_period(const std::string& places = "2") {
    auto id = open_study_period(*context, manager, form(places));
    EXPECT_TRUE(id);
    return id ? id.value() : 0;
  }

  std::vector<OutboundMessage> messages_to(int reader_index) {
    std::vector<OutboundMessage> out;
    store->transact(Store::Mode::kRead, [&](Repositories& repos) {
      out = repos.outbox.to_recipient("reader" + std::to_string(reader_index) + "@example.com");
    });
    return out;
  }

  Actor manager{0, domain::Role::kEditor};
  Actor counter{0, domain::Role::kCounter};
  std::vector<long long> readers;
};

TEST_P(StudyRoom, StaffOpenAPeriodWithItsSessions) {
  const auto id = open_period();
  const auto period = study_period(*context, id);
  ASSERT_TRUE(period);
  EXPECT_EQ(period->library_code, "CL");
  ASSERT_EQ(period->sessions.size(), 2u);
  EXPECT_EQ(domain::study_session_times(period->sessions[1], true), "17:30-21:30");
  EXPECT_EQ(study_phase(*context, *period), domain::StudyPeriodPhase::kOpen);
  // A counter cannot; an unknown library is a field error.
  EXPECT_EQ(open_study_period(*context, counter, form()).error().code, ErrorCode::kPermissionDenied);
  auto bad = form();
  bad.library_code = "NOPE";
  const auto refused = open_study_period(*context, manager, bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().fields.at(0).field, "library_code");
}

TEST_P(StudyRoom, OneApplicationPerReaderAndPeriodAndWithdrawal) {
  const auto id = open_period();
  const auto first = apply_for_study_room(*context, readers[0], id, {"1", "yes", "school", "Queen's College"});
  ASSERT_TRUE(first);
  EXPECT_EQ(apply_for_study_room(*context, readers[0], id, {"2", "no", "", ""}).error().code,
            ErrorCode::kStudyAlreadyApplied);
  const auto bad = apply_for_study_room(*context, readers[1], id, {"3", "", "", ""});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().fields.size(), 2u);  // session 3 does not exist; candidate answer missing
  // Reader B cannot withdraw reader A's application.
  EXPECT_EQ(withdraw_study_application(*context, readers[1], first.value()).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(withdraw_study_application(*context, readers[0], first.value()));
  EXPECT_EQ(withdraw_study_application(*context, readers[0], first.value()).error().code, ErrorCode::kNotFound);
  // After withdrawing the reader may apply again.
  const auto again = apply_for_study_room(*context, readers[0], id, {"2", "no", "", ""});
  ASSERT_TRUE(again);
  // Not after the deadline: neither applying nor withdrawing.
  at("2027-02-24T17:00");
  EXPECT_EQ(apply_for_study_room(*context, readers[2], id, {"1", "no", "", ""}).error().code,
            ErrorCode::kStudyApplicationsClosed);
  EXPECT_EQ(withdraw_study_application(*context, readers[0], again.value()).error().code,
            ErrorCode::kStudyCannotWithdraw);
  at("2027-02-01T10:00");
  EXPECT_EQ(apply_for_study_room(*context, readers[2], id, {"1", "no", "", ""}).error().code,
            ErrorCode::kStudyApplicationsClosed);
  const auto mine = reader_study_applications(*context, readers[0]);
  ASSERT_EQ(mine.size(), 2u);  // the withdrawn one stays in the reader's list
  EXPECT_EQ(mine[0].application.outcome, StudyOutcome::kPending);
  EXPECT_EQ(mine[1].application.outcome, StudyOutcome::kWithdrawn);
}

TEST_P(StudyRoom, OnlyReadersInGoodStatusMayApply) {
  const auto id = open_period();
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    repos.circulation.set_reader_status(readers[1], domain::ReaderStatus::kPending);
    repos.circulation.set_reader_status(readers[2], domain::ReaderStatus::kSuspended);
    repos.circulation.mark_card_lost(readers[3]);
    repos.circulation.set_reader_status(readers[4], domain::ReaderStatus::kExpired);
  });
  const domain::StudyApplicationForm form{"1", "no", "", ""};
  EXPECT_EQ(apply_for_study_room(*context, readers[1], id, form).error().code, ErrorCode::kReaderNotActive);
  EXPECT_EQ(apply_for_study_room(*context, readers[2], id, form).error().code, ErrorCode::kReaderNotActive);
  EXPECT_EQ(apply_for_study_room(*context, readers[3], id, form).error().code, ErrorCode::kCardReportedLost);
  EXPECT_EQ(apply_for_study_room(*context, readers[4], id, form).error().code, ErrorCode::kReaderExpired);
  // Past the expiry date, whatever the status says.
  at("2027-02-20T10:00");
  long long lapsed = 0;
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    lapsed = repos.circulation.insert_reader({0, "2100000099", "Expired by date", domain::ReaderCategory::kAdult,
                                              domain::ReaderStatus::kActive, *parse_iso_date("2027-02-19")},
                                             clock->now());
  });
  EXPECT_EQ(apply_for_study_room(*context, lapsed, id, form).error().code, ErrorCode::kReaderExpired);
  EXPECT_TRUE(apply_for_study_room(*context, readers[0], id, form));
  EXPECT_EQ(reader_study_applications(*context, readers[1]).size(), 0u);
  EXPECT_EQ(reader_study_applications(*context, readers[0]).size(), 1u);
}

TEST_P(StudyRoom, SimultaneousApplicationsMakeOne) {
  const auto id = open_period();
  std::atomic<int> accepted{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i)
    threads.emplace_back([&, i] {
      const auto result = apply_for_study_room(*context, readers[0], id, {std::to_string(1 + i % 2), "no", "", ""});
      if (result)
        ++accepted;
      else if (result.error().code == ErrorCode::kStudyAlreadyApplied)
        ++refused;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(refused.load(), 19);
  long long count = -1;
  store->transact(Store::Mode::kRead, [&](Repositories& repos) {
    count = static_cast<long long>(repos.study_rooms.applications_of_period(id).size());
  });
  EXPECT_EQ(count, 1);
}

TEST_P(StudyRoom, AllocationRerunPublicationCardsAndMessages) {
  const auto id = open_period("2");
  std::vector<long long> applications;
  // Session 1: readers 1-4, reader 4 a private exam candidate; session 2: reader 5 alone.
  for (int i = 0; i < 4; ++i)
    applications.push_back(
        apply_for_study_room(*context, readers[i], id, {"1", i == 3 ? "yes" : "no", i == 3 ? "private" : "", ""})
            .value());
  applications.push_back(apply_for_study_room(*context, readers[4], id, {"2", "no", "", ""}).value());

  EXPECT_EQ(run_study_allocation(*context, manager, id).error().code, ErrorCode::kStudyDeadlineNotPassed);
  EXPECT_EQ(publish_study_results(*context, manager, id).error().code, ErrorCode::kStudyNotAllocated);
  at("2027-02-25T09:00");
  EXPECT_EQ(run_study_allocation(*context, counter, id).error().code, ErrorCode::kPermissionDenied);
  const auto seed = run_study_allocation(*context, manager, id, 0x5eed00005eed0001ULL);
  ASSERT_TRUE(seed);
  EXPECT_EQ(seed.value(), "5eed00005eed0001");

  // The stored result is what the domain draw gives for the recorded seed and list: anyone can re-run it.
  const auto result = study_period_applications(*context, manager, id);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->period.draw_seed, "5eed00005eed0001");
  EXPECT_EQ(result->period.draw_algorithm, "splitmix64-key-v1");
  std::vector<domain::StudyApplicant> list;
  for (const auto& a : result->applications) list.push_back({a.id, a.session, a.exam_candidate});
  const auto again = domain::allocate_study_places(list, 2, domain::PriorityRule::kExamCandidatesFirst,
                                                   *domain::parse_draw_seed(result->period.draw_seed));
  ASSERT_EQ(again.size(), result->applications.size());
  for (std::size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(again[i].application_id, result->applications[i].id);
    EXPECT_EQ(again[i].draw_position, result->applications[i].draw_position);
    EXPECT_EQ(again[i].successful, result->applications[i].outcome == StudyOutcome::kSuccessful);
  }
  // The exam candidate is first in session 1; the lone session 2 applicant succeeds.
  EXPECT_EQ(result->applications[0].id, applications[3]);
  EXPECT_TRUE(result->applications[0].in_priority_group);
  EXPECT_EQ(result->applications.back().id, applications[4]);
  EXPECT_EQ(result->applications.back().outcome, StudyOutcome::kSuccessful);
  // Nobody is told anything, and readers see "waiting for the results", until publication.
  EXPECT_TRUE(messages_to(1).empty());
  EXPECT_EQ(reader_study_applications(*context, readers[0])[0].application.outcome, StudyOutcome::kPending);

  // Re-running before publication is allowed (another seed), and recorded.
  const auto rerun = run_study_allocation(*context, manager, id, 0x0123456789abcdefULL);
  ASSERT_TRUE(rerun);
  EXPECT_EQ(study_period(*context, id)->draw_seed, "0123456789abcdef");

  ASSERT_TRUE(publish_study_results(*context, manager, id));
  EXPECT_EQ(publish_study_results(*context, manager, id).error().code, ErrorCode::kStudyAlreadyPublished);
  EXPECT_EQ(run_study_allocation(*context, manager, id).error().code, ErrorCode::kStudyAlreadyPublished);

  int successful = 0;
  int waiting = 0;
  for (int i = 0; i < 5; ++i) {
    const auto mine = reader_study_applications(*context, readers[i]);
    ASSERT_EQ(mine.size(), 1u);
    const auto messages = messages_to(i + 1);
    ASSERT_EQ(messages.size(), 1u) << i;
    if (mine[0].application.outcome == StudyOutcome::kSuccessful) {
      ++successful;
      EXPECT_EQ(messages[0].kind, "study_room_successful");
      EXPECT_EQ(messages[0].language, i % 2 ? domain::Language::kEnglish : domain::Language::kTraditionalChinese);
      const auto card = admission_card(*context, readers[i], mine[0].application.id);
      ASSERT_TRUE(card);
      EXPECT_EQ(decode_fields(messages[0].params)["card"], card->application.card_number);
      // Another reader cannot open it.
      EXPECT_EQ(admission_card(*context, readers[(i + 1) % 5], mine[0].application.id).error().code,
                ErrorCode::kNotFound);
      // Staff with the permission check it by the token in the QR code; valid only within its dates.
      EXPECT_EQ(check_admission_card(*context, Actor{0, domain::Role::kVerifier}, card->check_path_token).error().code,
                ErrorCode::kPermissionDenied);
      auto check = check_admission_card(*context, counter, card->check_path_token);
      ASSERT_TRUE(check);
      EXPECT_FALSE(check->valid_today);  // 25 February: the cards are valid from 1 March
      at("2027-03-01T08:00");
      check = check_admission_card(*context, counter, card->check_path_token);
      EXPECT_TRUE(check->valid_today);
      EXPECT_EQ(check->application.reader_name, "Reader " + std::to_string(i + 1));
      EXPECT_EQ(check->masked_reader_card, "*******000" + std::to_string(i + 1));
      at("2027-02-25T09:00");
    } else {
      ++waiting;
      EXPECT_EQ(mine[0].application.outcome, StudyOutcome::kWaiting);
      EXPECT_EQ(messages[0].kind, "study_room_waiting");
      EXPECT_EQ(admission_card(*context, readers[i], mine[0].application.id).error().code, ErrorCode::kNotFound);
    }
  }
  EXPECT_EQ(successful, 3);  // two places in session 1, one in session 2
  EXPECT_EQ(waiting, 2);
  EXPECT_EQ(check_admission_card(*context, counter, "not-a-token").error().code, ErrorCode::kNotFound);
}

TEST_P(StudyRoom, ADeclinedPlaceGoesToTheFirstOnTheWaitingList) {
  const auto id = open_period("1");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(apply_for_study_room(*context, readers[i], id, {"1", "no", "", ""}));
  at("2027-02-25T09:00");
  ASSERT_TRUE(run_study_allocation(*context, manager, id, 99));
  EXPECT_EQ(release_study_place(*context, manager, 1).error().code, ErrorCode::kNotFound);  // not yet published
  ASSERT_TRUE(publish_study_results(*context, manager, id));
  const auto before = study_period_applications(*context, manager, id)->applications;
  ASSERT_EQ(before.size(), 3u);
  ASSERT_EQ(before[0].outcome, StudyOutcome::kSuccessful);
  const auto offered = release_study_place(*context, manager, before[0].id);
  ASSERT_TRUE(offered);
  EXPECT_EQ(offered->period_id, id);
  ASSERT_TRUE(offered->offered_to.has_value());
  EXPECT_EQ(*offered->offered_to, before[1].id);  // the first on the waiting list, in draw order
  const auto after = study_period_applications(*context, manager, id)->applications;
  EXPECT_EQ(after[0].outcome, StudyOutcome::kDeclined);
  EXPECT_EQ(after[1].outcome, StudyOutcome::kSuccessful);
  EXPECT_FALSE(after[1].card_number.empty());
  EXPECT_EQ(after[2].outcome, StudyOutcome::kWaiting);
  // The declined card no longer checks as valid.
  at("2027-03-02T09:00");
  std::string old_token = tokens.digest("study-room-card/" + before[0].card_number);
  EXPECT_FALSE(check_admission_card(*context, counter, old_token)->valid_today);
  // The offered reader was told.
  std::size_t reader_index = 0;
  for (std::size_t i = 0; i < readers.size(); ++i)
    if (readers[i] == after[1].reader_id) reader_index = i + 1;
  const auto messages = messages_to(static_cast<int>(reader_index));
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages.back().kind, "study_room_offered");
}

TEST_P(StudyRoom, ApplicationsAreForgottenAYearAfterTheCardsExpireWithCountsKept) {
  const auto id = open_period("1");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(apply_for_study_room(*context, readers[i], id, {"1", "no", "", ""}));
  at("2027-02-25T09:00");
  ASSERT_TRUE(run_study_allocation(*context, manager, id, 1));
  ASSERT_TRUE(publish_study_results(*context, manager, id));
  at("2028-05-30T09:00");  // cards valid until 2027-05-31: not yet a year
  EXPECT_EQ(forget_old_study_applications(*context), 0);
  at("2028-06-01T09:00");
  EXPECT_EQ(forget_old_study_applications(*context), 3);
  EXPECT_TRUE(reader_study_applications(*context, readers[0]).empty());
  const auto counts = sql().query("SELECT applications_count, successful_count FROM study_room_periods");
  EXPECT_EQ(counts.at(0).integer(0), 3);
  EXPECT_EQ(counts.at(0).integer(1), 1);
  EXPECT_EQ(forget_old_study_applications(*context), 0);
}

SHELFMARK_ON_BOTH_BACKENDS(StudyRoom);

}  // namespace
}  // namespace shelfmark::app
