#include "domain/activity.h"

#include <gtest/gtest.h>

namespace shelfmark::domain {
namespace {

Instant at(long long seconds) { return instant_from_unix(seconds); }
constexpr long long kStart = 1'800'000'000;

Activity workshop(int quota, int taken) {
  Activity a;
  a.type = ActivityType::kWorkshop;
  a.status = ActivityStatus::kPublished;
  a.enrolment_required = true;
  a.quota = quota;
  a.places_taken = taken;
  a.starts_at = at(kStart);
  a.ends_at = at(kStart + 7200);
  return a;
}

ActivityInput talk_input() {
  ActivityInput in;
  in.title_en = "  Reading with children  ";
  in.title_tc = "親子閱讀";
  in.type = "talk";
  in.audience = "families";
  in.delivery_language = "cantonese";
  in.status = "published";
  in.starts_at = "2026-12-05T14:30";
  in.ends_at = "2026-12-05T16:00";
  in.library_code = "CL";
  in.enquiry_phone = "2921 0222";
  return in;
}

bool has_error(const Failure& failure, const std::string& field, ErrorCode code) {
  for (const auto& e : failure.fields)
    if (e.field == field && e.code == code) return true;
  return false;
}

TEST(Activity, CodesRoundTripAndUnknownCodesAreRefused) {
  for (auto type : kAllActivityTypes) EXPECT_EQ(parse_activity_type(activity_type_code(type)), type);
  for (auto audience : kAllActivityAudiences)
    EXPECT_EQ(parse_activity_audience(activity_audience_code(audience)), audience);
  for (auto language : kAllDeliveryLanguages)
    EXPECT_EQ(parse_delivery_language(delivery_language_code(language)), language);
  EXPECT_FALSE(parse_activity_type("party"));
  EXPECT_EQ(parse_enrolment_status("waitlisted"), EnrolmentStatus::kWaitlisted);
}

TEST(Activity, ValidTalkIsCleaned) {
  auto draft = validate_activity(talk_input());
  ASSERT_TRUE(draft) << static_cast<int>(draft.error().code);
  EXPECT_EQ(draft->title.en, "Reading with children");
  EXPECT_EQ(draft->type, ActivityType::kTalk);
  EXPECT_EQ(draft->audience, ActivityAudience::kFamilies);
  EXPECT_EQ(format_local_date_time(*draft->starts_at), "2026-12-05T14:30");
  EXPECT_FALSE(draft->enrolment_required);
}

TEST(Activity, FormErrorsNameTheirFields) {
  ActivityInput in;
  in.type = "party";
  in.audience = "";
  in.delivery_language = "klingon";
  in.status = "live";
  in.starts_at = "5 Dec";
  in.ends_at = "";
  in.enquiry_phone = "call me";
  auto draft = validate_activity(in);
  ASSERT_FALSE(draft);
  const auto& f = draft.error();
  EXPECT_TRUE(has_error(f, "title_en", ErrorCode::kTitleInOneLanguage));
  EXPECT_TRUE(has_error(f, "type", ErrorCode::kInvalidChoice));
  EXPECT_TRUE(has_error(f, "audience", ErrorCode::kInvalidChoice));
  EXPECT_TRUE(has_error(f, "delivery_language", ErrorCode::kInvalidChoice));
  EXPECT_TRUE(has_error(f, "status", ErrorCode::kInvalidChoice));
  EXPECT_TRUE(has_error(f, "starts_at", ErrorCode::kInvalidDateTime));
  EXPECT_TRUE(has_error(f, "ends_at", ErrorCode::kRequired));
  EXPECT_TRUE(has_error(f, "enquiry_phone", ErrorCode::kInvalidPhone));
}

TEST(Activity, EndMustFollowStartAndEnrolmentMustCloseBeforeIt) {
  auto in = talk_input();
  in.ends_at = "2026-12-05T14:30";
  EXPECT_TRUE(has_error(validate_activity(in).error(), "ends_at", ErrorCode::kEndNotAfterStart));
  in = talk_input();
  in.enrolment_required = true;
  in.quota = "30";
  in.enrolment_closes_at = "2026-12-05T15:00";
  EXPECT_TRUE(has_error(validate_activity(in).error(), "enrolment_closes_at", ErrorCode::kEnrolmentClosesAfterStart));
  in.enrolment_closes_at = "2026-12-04T18:00";
  in.enrolment_opens_at = "2026-12-05T09:00";
  EXPECT_TRUE(has_error(validate_activity(in).error(), "enrolment_closes_at", ErrorCode::kEndNotAfterStart));
  in.enrolment_opens_at = "2026-11-20T09:00";
  auto draft = validate_activity(in);
  ASSERT_TRUE(draft);
  EXPECT_EQ(draft->quota, 30);
  EXPECT_TRUE(draft->enrolment_required);
}

TEST(Activity, QuotaMustBeAWholeNumberInRange) {
  auto in = talk_input();
  in.enrolment_required = true;
  for (const char* bad : {"0", "-1", "5001", "12.5", "ten", "1e3"}) {
    in.quota = bad;
    EXPECT_TRUE(has_error(validate_activity(in).error(), "quota", ErrorCode::kNumberOutOfRange)) << bad;
  }
  in.quota = "";
  EXPECT_TRUE(has_error(validate_activity(in).error(), "quota", ErrorCode::kRequired));
  in.quota = "5000";
  EXPECT_TRUE(validate_activity(in));
}

TEST(Activity, RecordingNeedsAViewingTimeAndAnHttpsLinkAndNoEnrolment) {
  auto in = talk_input();
  in.type = "video_recording";
  in.starts_at = in.ends_at = "";
  EXPECT_TRUE(has_error(validate_activity(in).error(), "available_from", ErrorCode::kRequired));
  EXPECT_TRUE(has_error(validate_activity(in).error(), "video_url", ErrorCode::kRequired));
  in.available_from = "2026-12-01T10:00";
  for (const char* bad : {"http://example.org/v", "javascript:alert(1)", "https://a b.org/x", "https://\"x"}) {
    in.video_url = bad;
    EXPECT_TRUE(has_error(validate_activity(in).error(), "video_url", ErrorCode::kUrlInvalid)) << bad;
  }
  in.video_url = "https://video.example.org/talk-42";
  in.enrolment_required = true;
  EXPECT_TRUE(has_error(validate_activity(in).error(), "enrolment_required", ErrorCode::kRecordingNoEnrolment));
  in.enrolment_required = false;
  auto draft = validate_activity(in);
  ASSERT_TRUE(draft);
  EXPECT_FALSE(draft->starts_at);
}

TEST(Activity, VideoLinkShowsFromItsViewingTimeOnly) {
  Activity a;
  a.type = ActivityType::kVideoRecording;
  a.status = ActivityStatus::kPublished;
  a.available_from = at(kStart);
  a.video_url = "https://video.example.org/x";
  EXPECT_FALSE(video_link_visible(a, at(kStart - 1)));
  EXPECT_TRUE(video_link_visible(a, at(kStart)));
  a.status = ActivityStatus::kCancelled;
  EXPECT_FALSE(video_link_visible(a, at(kStart + 1)));
  EXPECT_FALSE(activity_is_over(a, at(kStart + 999999)));  // recordings stay listed
}

TEST(Enrolment, PlacesThenWaitingListThenFull) {
  const auto now = at(kStart - 86400);
  EXPECT_EQ(decide_enrolment(workshop(2, 0), now, ReaderStatus::kActive, false, 0).value(),
            EnrolmentStatus::kConfirmed);
  EXPECT_EQ(decide_enrolment(workshop(2, 1), now, ReaderStatus::kActive, false, 0).value(),
            EnrolmentStatus::kConfirmed);
  EXPECT_EQ(decide_enrolment(workshop(2, 2), now, ReaderStatus::kActive, false, 0).value(),
            EnrolmentStatus::kWaitlisted);
  // The waiting list holds at least kMinimumWaitingList, else as many as the quota.
  EXPECT_EQ(decide_enrolment(workshop(2, 2), now, ReaderStatus::kActive, false, 4).value(),
            EnrolmentStatus::kWaitlisted);
  EXPECT_EQ(decide_enrolment(workshop(2, 2), now, ReaderStatus::kActive, false, 5).error().code,
            ErrorCode::kActivityFull);
  EXPECT_EQ(decide_enrolment(workshop(20, 20), now, ReaderStatus::kActive, false, 19).value(),
            EnrolmentStatus::kWaitlisted);
  EXPECT_EQ(decide_enrolment(workshop(20, 20), now, ReaderStatus::kActive, false, 20).error().code,
            ErrorCode::kActivityFull);
}

TEST(Enrolment, WindowStatusAndDuplicatesAreRefusedWithTheirReasons) {
  auto a = workshop(10, 0);
  const auto now = at(kStart - 86400);
  EXPECT_EQ(decide_enrolment(a, now, ReaderStatus::kActive, true, 0).error().code, ErrorCode::kAlreadyEnrolled);
  EXPECT_EQ(decide_enrolment(a, now, ReaderStatus::kSuspended, false, 0).error().code, ErrorCode::kReaderNotActive);
  EXPECT_EQ(decide_enrolment(a, now, ReaderStatus::kExpired, false, 0).error().code, ErrorCode::kReaderExpired);
  EXPECT_EQ(decide_enrolment(a, now, ReaderStatus::kCardReportedLost, false, 0).error().code,
            ErrorCode::kCardReportedLost);
  EXPECT_EQ(decide_enrolment(a, at(kStart), ReaderStatus::kActive, false, 0).error().code, ErrorCode::kEnrolmentClosed);
  a.enrolment_closes_at = at(kStart - 3600);
  EXPECT_EQ(decide_enrolment(a, at(kStart - 3600), ReaderStatus::kActive, false, 0).error().code,
            ErrorCode::kEnrolmentClosed);
  a.enrolment_opens_at = at(kStart - 7 * 86400);
  EXPECT_EQ(decide_enrolment(a, at(kStart - 8 * 86400), ReaderStatus::kActive, false, 0).error().code,
            ErrorCode::kEnrolmentNotYetOpen);
  a.status = ActivityStatus::kCancelled;
  EXPECT_EQ(decide_enrolment(a, now, ReaderStatus::kActive, false, 0).error().code, ErrorCode::kActivityNotOpen);
  auto free_talk = workshop(10, 0);
  free_talk.enrolment_required = false;
  EXPECT_EQ(decide_enrolment(free_talk, now, ReaderStatus::kActive, false, 0).error().code,
            ErrorCode::kActivityNotOpen);
}

TEST(Enrolment, FreedPlacesGoToTheWaitingListUntilTheStart) {
  auto a = workshop(10, 9);
  EXPECT_EQ(places_to_offer(a, at(kStart - 60), 3), 1);
  EXPECT_EQ(places_to_offer(a, at(kStart - 60), 0), 0);
  EXPECT_EQ(places_to_offer(a, at(kStart), 3), 0);
  a.places_taken = 4;  // the quota was raised
  EXPECT_EQ(places_to_offer(a, at(kStart - 60), 3), 3);
  EXPECT_EQ(places_to_offer(a, at(kStart - 60), 10), 6);
  EXPECT_EQ(check_cancellation(a, at(kStart - 1)), std::nullopt);
  EXPECT_EQ(check_cancellation(a, at(kStart)), ErrorCode::kActivityStarted);
  EXPECT_TRUE(check_quota_change(4, 4) == std::nullopt);
  EXPECT_EQ(check_quota_change(3, 4)->code, ErrorCode::kQuotaBelowEnrolled);
}

TEST(Enrolment, TheWindowRunsFromOpeningOrPublicationToClosingOrTheStart) {
  auto a = workshop(10, 0);
  EXPECT_EQ(enrolment_window(a, at(kStart - 999999)), EnrolmentWindow::kOpen);
  EXPECT_EQ(enrolment_window(a, at(kStart)), EnrolmentWindow::kClosed);
  a.enrolment_opens_at = at(kStart - 7200);
  a.enrolment_closes_at = at(kStart - 3600);
  EXPECT_EQ(enrolment_window(a, at(kStart - 7201)), EnrolmentWindow::kNotYetOpen);
  EXPECT_EQ(enrolment_window(a, at(kStart - 7200)), EnrolmentWindow::kOpen);
  EXPECT_EQ(enrolment_window(a, at(kStart - 3600)), EnrolmentWindow::kClosed);
}

TEST(Enrolment, FullMeansPlacesAndWaitingListBothTaken) {
  auto a = workshop(2, 1);
  EXPECT_FALSE(enrolment_full(a));
  a.places_taken = 2;
  a.waiting = 4;
  EXPECT_FALSE(enrolment_full(a));
  a.waiting = 5;
  EXPECT_TRUE(enrolment_full(a));
}

TEST(Enrolment, AttendanceFromAnHourBeforeTheStart) {
  const auto a = workshop(10, 3);
  EXPECT_FALSE(attendance_can_be_marked(a, at(kStart - 3601)));
  EXPECT_TRUE(attendance_can_be_marked(a, at(kStart - 3600)));
}

}  // namespace
}  // namespace shelfmark::domain
