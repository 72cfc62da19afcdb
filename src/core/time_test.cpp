#include "core/time.h"

#include <gtest/gtest.h>

namespace shelfmark {
namespace {

using namespace std::chrono;

TEST(Time, ParsesAndFormatsIsoDates) {
  auto date = parse_iso_date("2026-03-05");
  ASSERT_TRUE(date);
  EXPECT_EQ(format_iso_date(*date), "2026-03-05");
  EXPECT_EQ(iso_weekday(*date), 4);  // Thursday
  EXPECT_FALSE(parse_iso_date("2026-02-30"));
  EXPECT_FALSE(parse_iso_date("2026-3-5"));
  EXPECT_FALSE(parse_iso_date("２０２６-03-05"));
  EXPECT_FALSE(parse_iso_date(""));
}

TEST(Time, ParsesTimesOfDayIncludingEndOfDay) {
  EXPECT_EQ(parse_time_of_day("09:30"), 570);
  EXPECT_EQ(parse_time_of_day("9:30"), 570);
  EXPECT_EQ(parse_time_of_day("24:00"), kEndOfDay);
  EXPECT_FALSE(parse_time_of_day("24:01"));
  EXPECT_FALSE(parse_time_of_day("12:60"));
  EXPECT_FALSE(parse_time_of_day("ab:cd"));
  EXPECT_EQ(format_time_of_day(570), "09:30");
}

TEST(Time, ParsesDateTimeLocalInput) {
  auto value = parse_local_date_time("2026-11-22T18:05");
  ASSERT_TRUE(value);
  EXPECT_EQ(format_local_date_time(*value), "2026-11-22T18:05");
  EXPECT_TRUE(parse_local_date_time("2026-11-22T18:05:00"));
  EXPECT_FALSE(parse_local_date_time("2026-11-22T24:00"));
  EXPECT_FALSE(parse_local_date_time("2026-11-22"));
}

TEST(TimeZone, HongKongIsEightHoursAheadOfUtcAllYear) {
  auto zone = TimeZone::load("Asia/Hong_Kong");
  ASSERT_TRUE(zone);
  // 2026-11-22 16:30 UTC is 2026-11-23 00:30 in Hong Kong: the local date rolls over.
  const auto instant = sys_days(2026y / November / 22) + 16h + 30min;
  const auto local = zone->to_local(floor<seconds>(instant));
  EXPECT_EQ(format_iso_date(local.date), "2026-11-23");
  EXPECT_EQ(local.minute, 30);
  EXPECT_EQ(zone->to_instant(local), floor<seconds>(instant));
  const auto summer = zone->to_local(floor<seconds>(sys_days(2026y / July / 1) + 0h));
  EXPECT_EQ(summer.minute, 8 * 60);
}

TEST(TimeZone, HandlesDaylightSavingZones) {
  auto zone = TimeZone::load("Europe/London");
  ASSERT_TRUE(zone);
  EXPECT_EQ(zone->to_local(floor<seconds>(sys_days(2026y / July / 1) + 12h)).minute, 13 * 60);
  EXPECT_EQ(zone->to_local(floor<seconds>(sys_days(2026y / January / 1) + 12h)).minute, 12 * 60);
}

TEST(TimeZone, RejectsUnknownNames) {
  EXPECT_FALSE(TimeZone::load("Mars/Olympus_Mons"));
  EXPECT_FALSE(TimeZone::load(""));
}

}  // namespace
}  // namespace shelfmark
