#include "domain/opening_hours.h"

#include <gtest/gtest.h>

namespace shelfmark::domain {
namespace {

using namespace std::chrono;

Date date(std::string_view iso) { return *parse_iso_date(iso); }
LocalDateTime at(std::string_view iso_date, std::string_view time) {
  return {date(iso_date), *parse_time_of_day(time)};
}

// A district library: Mon, Tue, Thu-Sat 09:30-20:00; Wed 13:00-20:00; Sun and holidays 09:30-17:00.
Library district_library() {
  Library library;
  library.code = "KTPL";
  library.kind = LibraryKind::kDistrict;
  for (int day : {0, 1, 3, 4, 5}) library.hours.days[day] = {{570, 1200}};
  library.hours.days[2] = {{780, 1200}};
  library.hours.days[6] = {{570, 1020}};
  library.hours.days[kHolidayIndex] = {{570, 1020}};
  return library;
}

HolidayCalendar christmas() {
  return {
      {{date("2026-12-25"), {"Christmas Day", "聖誕節"}}, {date("2026-12-26"), {"Boxing Day", "聖誕節後第一個周日"}}}};
}

struct StatusCase {
  const char* name;
  const char* day;
  const char* time;
  OpenStatus::State state;
  const char* boundary;  // closes_at or next_opening, "YYYY-MM-DDTHH:MM"
};

TEST(OpeningHours, StatusAtTableOfMoments) {
  const auto library = district_library();
  const auto holidays = christmas();
  const StatusCase cases[] = {
      {"Monday morning before opening", "2026-11-23", "08:00", OpenStatus::State::kClosed, "2026-11-23T09:30"},
      {"Monday at opening minute", "2026-11-23", "09:30", OpenStatus::State::kOpen, "2026-11-23T20:00"},
      {"Monday last minute", "2026-11-23", "19:59", OpenStatus::State::kOpen, "2026-11-23T20:00"},
      {"Monday at closing minute", "2026-11-23", "20:00", OpenStatus::State::kClosed, "2026-11-24T09:30"},
      {"Tuesday night opens Wednesday afternoon", "2026-11-24", "21:00", OpenStatus::State::kClosed,
       "2026-11-25T13:00"},
      {"Sunday short hours", "2026-11-22", "17:30", OpenStatus::State::kClosed, "2026-11-23T09:30"},
      {"Christmas Day (Friday) uses holiday hours", "2026-12-25", "18:00", OpenStatus::State::kClosed,
       "2026-12-26T09:30"},
      {"Christmas Day morning", "2026-12-25", "10:00", OpenStatus::State::kOpen, "2026-12-25T17:00"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto status = status_at(library, holidays, at(c.day, c.time));
    EXPECT_EQ(status.state, c.state);
    const auto& boundary = c.state == OpenStatus::State::kOpen ? status.closes_at : status.next_opening;
    ASSERT_TRUE(boundary);
    EXPECT_EQ(format_local_date_time(*boundary), c.boundary);
  }
}

TEST(OpeningHours, HolidayNoteIsReported) {
  const auto holidays = christmas();
  const auto status = status_at(district_library(), holidays, at("2026-12-25", "10:00"));
  EXPECT_EQ(status.today, DayKind::kPublicHoliday);
  ASSERT_TRUE(status.today_note);
  EXPECT_EQ(status.today_note->en, "Christmas Day");
}

TEST(OpeningHours, SpecialHoursOverrideHolidayAndWeekday) {
  auto library = district_library();
  library.special_hours.push_back({1, date("2026-12-24"), {{570, 1020}}, {"Christmas Eve", "平安夜"}});
  library.special_hours.push_back({2, date("2026-12-25"), {}, {"Closed", "休館"}});
  const auto holidays = christmas();
  auto status = status_at(library, holidays, at("2026-12-24", "18:00"));
  EXPECT_EQ(status.state, OpenStatus::State::kClosed);
  EXPECT_EQ(status.today, DayKind::kSpecial);
  // Christmas Day is closed by special hours, so the next opening is Boxing Day (holiday hours).
  ASSERT_TRUE(status.next_opening);
  EXPECT_EQ(format_local_date_time(*status.next_opening), "2026-12-26T09:30");
}

TEST(OpeningHours, ClosureWinsOverEverything) {
  auto library = district_library();
  library.closures.push_back({1, date("2026-11-23"), date("2026-11-30"), {"Renovation", "翻新"}});
  library.special_hours.push_back({1, date("2026-11-24"), {{0, 1440}}, {"Extended", "延長"}});
  const auto status = status_at(library, {}, at("2026-11-24", "12:00"));
  EXPECT_EQ(status.state, OpenStatus::State::kClosed);
  EXPECT_EQ(status.today, DayKind::kClosure);
  ASSERT_TRUE(status.next_opening);
  EXPECT_EQ(format_local_date_time(*status.next_opening), "2026-12-01T09:30");
}

TEST(OpeningHours, ClosedIndefinitelyHasNoNextOpening) {
  auto library = district_library();
  library.closures.push_back({1, date("2026-01-01"), date("2030-12-31"), {"Closed", "關閉"}});
  const auto status = status_at(library, {}, at("2026-11-24", "12:00"));
  EXPECT_EQ(status.state, OpenStatus::State::kClosed);
  EXPECT_FALSE(status.next_opening);
}

TEST(OpeningHours, LunchBreakIsClosed) {
  Library library;
  library.kind = LibraryKind::kSmall;
  library.hours.days[0] = {{570, 780}, {840, 1020}};
  auto status = status_at(library, {}, at("2026-11-23", "13:30"));
  EXPECT_EQ(status.state, OpenStatus::State::kClosed);
  EXPECT_EQ(format_local_date_time(*status.next_opening), "2026-11-23T14:00");
}

TEST(OpeningHours, TwentyFourHourStationIsAlwaysOpen) {
  Library station;
  station.kind = LibraryKind::kSelfService;
  for (auto& day : station.hours.days) day = {{0, kEndOfDay}};
  auto status = status_at(station, christmas(), at("2026-11-22", "03:00"));
  EXPECT_EQ(status.state, OpenStatus::State::kAlwaysOpen);
  // Closed for a typhoon in three days: open now, closes at that midnight.
  station.closures.push_back({1, date("2026-11-25"), date("2026-11-25"), {"Typhoon", "颱風"}});
  status = status_at(station, {}, at("2026-11-22", "03:00"));
  EXPECT_EQ(status.state, OpenStatus::State::kOpen);
  EXPECT_EQ(format_local_date_time(*status.closes_at), "2026-11-25T00:00");
}

TEST(OpeningHours, MobileLibraryFollowsItsStopsAndSkipsHolidays) {
  Library mobile;
  mobile.kind = LibraryKind::kMobile;
  mobile.stops.push_back({1, {"Tai O", "大澳"}, District::kIslands, {"Bus terminus", "巴士總站"}, 5, {600, 780}});
  mobile.stops.push_back({2, {"Mui Wo", "梅窩"}, District::kIslands, {"Ferry pier", "碼頭"}, 5, {840, 1020}});
  // Friday 2026-11-27 at 14:30: at the second stop.
  auto status = status_at(mobile, {}, at("2026-11-27", "14:30"));
  EXPECT_EQ(status.state, OpenStatus::State::kOpen);
  EXPECT_EQ(status.stop_index, 1u);
  // Thursday: next stop is Friday's first.
  status = status_at(mobile, {}, at("2026-11-26", "12:00"));
  EXPECT_EQ(status.state, OpenStatus::State::kClosed);
  EXPECT_EQ(status.stop_index, 0u);
  EXPECT_EQ(format_local_date_time(*status.next_opening), "2026-11-27T10:00");
  // Christmas Day 2026 is a Friday and a holiday: no stops; next is the Friday after.
  status = status_at(mobile, christmas(), at("2026-12-25", "10:30"));
  EXPECT_EQ(status.state, OpenStatus::State::kClosed);
  EXPECT_EQ(format_local_date_time(*status.next_opening), "2027-01-01T10:00");
}

TEST(OpeningHours, SchedulesFromListsEachDay) {
  const auto days = schedules_from(district_library(), christmas(), date("2026-12-21"), 7);
  ASSERT_EQ(days.size(), 7u);
  EXPECT_EQ(days[2].sessions.front().time.opens, 780);  // Wednesday
  EXPECT_EQ(days[4].kind, DayKind::kPublicHoliday);     // Friday 25th
}

}  // namespace
}  // namespace shelfmark::domain
