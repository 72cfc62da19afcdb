#include "domain/study_room.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace shelfmark::domain {
namespace {

StudyPeriodForm good_form() {
  StudyPeriodForm f;
  f.title_en = "HKDSE examination season";
  f.title_tc = "香港中學文憑考試期間";
  f.library_code = "CL";
  f.opens_at = "2027-02-10T09:00";
  f.closes_at = "2027-02-24T17:00";
  f.valid_from = "2027-03-01";
  f.valid_until = "2027-05-31";
  f.places = "40";
  f.priority = "exam_candidates_first";
  const char* times[3][4] = {
      {"08:00", "12:30", "08:00", "12:30"}, {"12:45", "17:15", "12:45", "17:15"}, {"17:30", "22:00", "17:30", "21:30"}};
  for (int i = 0; i < 3; ++i) {
    f.weekday_start[i] = times[i][0];
    f.weekday_end[i] = times[i][1];
    f.weekend_start[i] = times[i][2];
    f.weekend_end[i] = times[i][3];
  }
  return f;
}

std::set<std::string> error_fields(const Outcome<StudyPeriodDetails>& outcome) {
  std::set<std::string> fields;
  for (const auto& error : outcome.error().fields)
    fields.insert(error.field + ":" + std::string(error_info(error.code).name));
  return fields;
}

TEST(StudyPeriod, AcceptsTheExamSeasonWithShorterWeekendEvenings) {
  const auto outcome = validate_study_period(good_form());
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->sessions.size(), 3u);
  EXPECT_EQ(outcome->places, 40);
  EXPECT_EQ(outcome->priority, PriorityRule::kExamCandidatesFirst);
  EXPECT_EQ(study_session_times(outcome->sessions[2], false), "17:30-22:00");
  EXPECT_EQ(study_session_times(outcome->sessions[2], true), "17:30-21:30");
  EXPECT_EQ(outcome->sessions[1].number, 2);
}

TEST(StudyPeriod, NamesEveryBadField) {
  StudyPeriodForm f;
  f.places = "0";
  f.priority = "loudest_first";
  f.weekday_start[0] = "8am";
  const auto outcome = validate_study_period(f);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(error_fields(outcome),
            (std::set<std::string>{"title_en:required", "title_tc:required", "library_code:required",
                                   "opens_at:required", "closes_at:required", "valid_from:required",
                                   "valid_until:required", "places:number_out_of_range", "priority:invalid_choice",
                                   "session1_weekday_start:invalid_time", "session1_weekday_end:required",
                                   "session1_weekend_start:required", "session1_weekend_end:required"}));
}

TEST(StudyPeriod, WindowValidityAndSessionOrder) {
  auto f = good_form();
  f.closes_at = "2027-02-10T09:00";  // not after opening
  f.valid_until = "2027-02-28";      // before valid_from
  f.weekday_start[1] = "12:00";      // overlaps session 1 (ends 12:30)
  f.weekend_end[2] = "17:00";        // ends before it starts
  EXPECT_EQ(error_fields(validate_study_period(f)),
            (std::set<std::string>{"closes_at:study_window_invalid", "valid_until:date_range_invalid",
                                   "session2_weekday_start:study_sessions_overlap",
                                   "session3_weekend_end:time_range_invalid"}));
  f = good_form();
  f.valid_from = "2027-02-24";  // the day applications close: results could not be out
  EXPECT_EQ(error_fields(validate_study_period(f)),
            (std::set<std::string>{"valid_from:study_cards_valid_before_close"}));
}

TEST(StudyPeriod, NeedsAtLeastOneSessionAndSkipsBlankRows) {
  auto f = good_form();
  for (int i = 0; i < 3; ++i) f.weekday_start[i] = f.weekday_end[i] = f.weekend_start[i] = f.weekend_end[i] = "";
  EXPECT_EQ(error_fields(validate_study_period(f)),
            (std::set<std::string>{"session1_weekday_start:study_session_required"}));
  f = good_form();
  f.weekday_start[1] = f.weekday_end[1] = f.weekend_start[1] = f.weekend_end[1] = "";
  const auto outcome = validate_study_period(f);
  ASSERT_TRUE(outcome);
  ASSERT_EQ(outcome->sessions.size(), 2u);
  EXPECT_EQ(outcome->sessions[1].number, 2);  // numbered in order, without gaps
  EXPECT_EQ(outcome->sessions[1].weekday_start, 17 * 60 + 30);
}

TEST(StudyPeriod, PlacesMustBeAWholeNumberInRange) {
  for (const char* bad : {"-1", "501", "4.5", "forty", "99999"}) {
    auto f = good_form();
    f.places = bad;
    EXPECT_EQ(error_fields(validate_study_period(f)), (std::set<std::string>{"places:number_out_of_range"})) << bad;
  }
  auto f = good_form();
  f.places = "500";
  EXPECT_TRUE(validate_study_period(f));
}

TEST(StudyPeriod, Phases) {
  const auto at = [](const char* text) { return *parse_local_date_time(text); };
  const auto opens = at("2027-02-10T09:00");
  const auto closes = at("2027-02-24T17:00");
  EXPECT_EQ(study_period_phase(at("2027-02-10T08:59"), opens, closes, false, false), StudyPeriodPhase::kNotYetOpen);
  EXPECT_EQ(study_period_phase(opens, opens, closes, false, false), StudyPeriodPhase::kOpen);
  EXPECT_EQ(study_period_phase(closes, opens, closes, false, false), StudyPeriodPhase::kClosed);
  EXPECT_EQ(study_period_phase(closes, opens, closes, true, false), StudyPeriodPhase::kAllocated);
  EXPECT_EQ(study_period_phase(closes, opens, closes, true, true), StudyPeriodPhase::kPublished);
  EXPECT_TRUE(study_applications_open(opens, opens, closes));
  EXPECT_FALSE(study_applications_open(closes, opens, closes));
}

TEST(StudyApplication, OneSessionAndTheCandidateFacts) {
  auto school = validate_study_application({"2", "yes", "school", "  St. Paul's College "}, 3);
  ASSERT_TRUE(school);
  EXPECT_EQ(school->session, 2);
  EXPECT_TRUE(school->exam_candidate);
  EXPECT_FALSE(school->private_candidate);
  EXPECT_EQ(school->school_name, "St. Paul's College");
  auto private_candidate = validate_study_application({"1", "yes", "private", "ignored"}, 3);
  ASSERT_TRUE(private_candidate);
  EXPECT_TRUE(private_candidate->private_candidate);
  EXPECT_EQ(private_candidate->school_name, "");
  EXPECT_TRUE(validate_study_application({"3", "no", "", ""}, 3));

  const auto fields = [](const StudyApplicationForm& form, int sessions) {
    std::set<std::string> out;
    const auto outcome = validate_study_application(form, sessions);
    for (const auto& e : outcome.error().fields) out.insert(e.field + ":" + std::string(error_info(e.code).name));
    return out;
  };
  EXPECT_EQ(fields({"", "", "", ""}, 3), (std::set<std::string>{"session:required", "exam_candidate:required"}));
  EXPECT_EQ(fields({"3", "yes", "", ""}, 2),
            (std::set<std::string>{"session:invalid_choice", "candidate_type:required"}));
  EXPECT_EQ(fields({"1", "yes", "school", ""}, 3), (std::set<std::string>{"school_name:required"}));
  EXPECT_EQ(fields({"1", "maybe", "", ""}, 3), (std::set<std::string>{"exam_candidate:invalid_choice"}));
  EXPECT_EQ(fields({"1", "yes", "school", std::string(121, 'x')}, 3), (std::set<std::string>{"school_name:too_long"}));
}

// The published reference vector of SplitMix64 (seed 1234567), as in Vigna's splitmix64.c and Java's
// SplittableRandom: the generator here is that generator.
TEST(StudyDraw, SplitMix64MatchesTheReferenceVector) {
  SplitMix64 generator(1234567);
  EXPECT_EQ(generator.next(), 6457827717110365317ULL);
  EXPECT_EQ(generator.next(), 3203168211198807973ULL);
  EXPECT_EQ(generator.next(), 9817491932198370423ULL);
  EXPECT_EQ(generator.next(), 4593380528125082431ULL);
  EXPECT_EQ(generator.next(), 16408922859458223821ULL);
}

TEST(StudyDraw, SeedsRoundTripAsSixteenHexDigits) {
  EXPECT_EQ(format_draw_seed(0x00c0ffee12345678ULL), "00c0ffee12345678");
  EXPECT_EQ(parse_draw_seed("00c0ffee12345678"), 0x00c0ffee12345678ULL);
  EXPECT_FALSE(parse_draw_seed("00C0FFEE12345678"));
  EXPECT_FALSE(parse_draw_seed("c0ffee"));
  EXPECT_FALSE(parse_draw_seed("00c0ffee1234567g"));
}

std::vector<long long> order(const std::vector<StudyAllocation>& allocations, int session) {
  std::vector<long long> ids;
  for (const auto& a : allocations)
    if (a.session == session) ids.push_back(a.application_id);
  return ids;
}

// Pins the exact output for a fixed seed: a change to the algorithm must change ADR 0014 and kStudyDrawAlgorithm.
TEST(StudyDraw, PinnedOrderForAFixedSeed) {
  const std::uint64_t seed = *parse_draw_seed("5eed00005eed0001");
  EXPECT_EQ(study_draw_key(seed, 1), 4657473848923483468ULL);
  std::vector<StudyApplicant> applicants;
  for (long long id = 1; id <= 10; ++id) applicants.push_back({id, 1, false});
  const auto allocations = allocate_study_places(applicants, 4, PriorityRule::kExamCandidatesFirst, seed);
  EXPECT_EQ(order(allocations, 1), (std::vector<long long>{6, 1, 4, 9, 10, 3, 8, 7, 2, 5}));
  for (const auto& a : allocations) EXPECT_EQ(a.successful, a.draw_position <= 4);
  // The same seed and list give the same result, whatever order the list comes in.
  auto reversed = applicants;
  std::reverse(reversed.begin(), reversed.end());
  EXPECT_EQ(order(allocate_study_places(reversed, 4, PriorityRule::kExamCandidatesFirst, seed), 1),
            order(allocations, 1));
  // Another seed gives another order.
  EXPECT_NE(order(allocate_study_places(applicants, 4, PriorityRule::kExamCandidatesFirst, seed + 1), 1),
            order(allocations, 1));
}

TEST(StudyDraw, PriorityGroupFirstPerSessionUpToThePlaces) {
  const std::uint64_t seed = 42;
  std::vector<StudyApplicant> applicants = {{1, 1, false}, {2, 1, true}, {3, 1, false}, {4, 1, true},
                                            {5, 2, false}, {6, 2, true}, {7, 1, false}, {8, 2, false}};
  const auto allocations = allocate_study_places(applicants, 2, PriorityRule::kExamCandidatesFirst, seed);
  ASSERT_EQ(allocations.size(), applicants.size());
  // Session 1: both candidates take the two places, whatever the draw says about the others.
  const auto first = order(allocations, 1);
  ASSERT_EQ(first.size(), 5u);
  EXPECT_EQ(std::set<long long>(first.begin(), first.begin() + 2), (std::set<long long>{2, 4}));
  int successful_in_1 = 0;
  for (const auto& a : allocations) {
    if (a.session == 1 && a.successful) ++successful_in_1;
    EXPECT_EQ(a.priority, a.application_id == 2 || a.application_id == 4 || a.application_id == 6);
  }
  EXPECT_EQ(successful_in_1, 2);
  // Session 2 is drawn on its own: the candidate first, then one more place.
  const auto second = order(allocations, 2);
  ASSERT_EQ(second.size(), 3u);
  EXPECT_EQ(second[0], 6);
  // Without the priority rule everyone is in one draw, in key order.
  const auto flat = allocate_study_places(applicants, 2, PriorityRule::kNone, seed);
  for (const auto& a : flat) EXPECT_FALSE(a.priority);
  const auto flat_first = order(flat, 1);
  for (std::size_t i = 1; i < flat_first.size(); ++i)
    EXPECT_LT(study_draw_key(seed, flat_first[i - 1]), study_draw_key(seed, flat_first[i]));
}

TEST(StudyDraw, FewerApplicantsThanPlacesAllSucceedAndNobodyWaits) {
  std::vector<StudyApplicant> applicants = {{10, 3, false}, {11, 3, true}};
  const auto allocations = allocate_study_places(applicants, 40, PriorityRule::kExamCandidatesFirst, 7);
  ASSERT_EQ(allocations.size(), 2u);
  for (const auto& a : allocations) EXPECT_TRUE(a.successful);
  EXPECT_EQ(allocations[0].application_id, 11);
  EXPECT_EQ(allocations[0].draw_position, 1);
  EXPECT_EQ(allocations[1].draw_position, 2);
  EXPECT_TRUE(allocate_study_places({}, 40, PriorityRule::kNone, 7).empty());
}

TEST(StudyDraw, ExactlyThePlacesWhenEveryoneIsInThePriorityGroup) {
  std::vector<StudyApplicant> applicants;
  for (long long id = 1; id <= 5; ++id) applicants.push_back({id, 1, true});
  const auto allocations = allocate_study_places(applicants, 5, PriorityRule::kExamCandidatesFirst, 9);
  for (const auto& a : allocations) EXPECT_TRUE(a.successful);
  const auto waiting = allocate_study_places(applicants, 4, PriorityRule::kExamCandidatesFirst, 9);
  int successful = 0;
  for (const auto& a : waiting) successful += a.successful ? 1 : 0;
  EXPECT_EQ(successful, 4);
  EXPECT_FALSE(waiting.back().successful);
  EXPECT_EQ(waiting.back().draw_position, 5);
}

TEST(StudyCard, NumbersValidityAndMasking) {
  EXPECT_EQ(study_card_number(12, 2, 7), "SR-000012-2-007");
  const auto from = *parse_iso_date("2027-03-01");
  const auto until = *parse_iso_date("2027-05-31");
  EXPECT_TRUE(study_card_valid_on(from, from, until));
  EXPECT_TRUE(study_card_valid_on(until, from, until));
  EXPECT_FALSE(study_card_valid_on(*parse_iso_date("2027-06-01"), from, until));
  EXPECT_FALSE(study_card_valid_on(*parse_iso_date("2027-02-28"), from, until));
  EXPECT_EQ(mask_reader_card("2100012345678"), "*********5678");
  EXPECT_EQ(mask_reader_card("123"), "***");
}

TEST(StudyOutcomes, CodesRoundTrip) {
  for (auto outcome : {StudyOutcome::kPending, StudyOutcome::kSuccessful, StudyOutcome::kWaiting,
                       StudyOutcome::kDeclined, StudyOutcome::kWithdrawn})
    EXPECT_EQ(parse_study_outcome(study_outcome_code(outcome)), outcome);
  EXPECT_EQ(parse_priority_rule("none"), PriorityRule::kNone);
  EXPECT_FALSE(parse_priority_rule("first_come"));
}

}  // namespace
}  // namespace shelfmark::domain
