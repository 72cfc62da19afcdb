#include "domain/library.h"

#include <gtest/gtest.h>

#include <set>

namespace shelfmark::domain {
namespace {

TEST(Library, CodesRoundTrip) {
  for (auto kind : kAllLibraryKinds) EXPECT_EQ(parse_library_kind(library_kind_code(kind)), kind);
  EXPECT_EQ(all_districts().size(), 18u);
  for (auto district : all_districts()) EXPECT_EQ(parse_district(district_code(district)), district);
  for (auto facility : all_facilities()) EXPECT_EQ(parse_facility(facility_code(facility)), facility);
  EXPECT_FALSE(parse_district("atlantis"));
  EXPECT_EQ(parse_language_code("tc"), Language::kTraditionalChinese);
  EXPECT_FALSE(parse_language_code("sc"));
}

TEST(Library, ParsesTypedHours) {
  auto ranges = parse_time_ranges(" 14:00-17:00 , 09:30–13:00");
  ASSERT_TRUE(ranges);
  ASSERT_EQ(ranges->size(), 2u);
  EXPECT_EQ(ranges.value()[0], (TimeRange{570, 780}));
  EXPECT_EQ(format_time_ranges(ranges.value()), "09:30-13:00, 14:00-17:00");
  EXPECT_TRUE(parse_time_ranges("")->empty());
  EXPECT_TRUE(parse_time_ranges("00:00-24:00"));
  EXPECT_TRUE(parse_time_ranges("０９：３０－１２:００").ok() == false);  // full-width digits are not times
  EXPECT_EQ(parse_time_ranges("10:00-09:00").error().code, ErrorCode::kTimeRangeInvalid);
  EXPECT_EQ(parse_time_ranges("09:00-12:00, 11:00-13:00").error().code, ErrorCode::kTimeRangesOverlap);
  EXPECT_EQ(parse_time_ranges("9-12").error().code, ErrorCode::kInvalidTime);
}

TEST(Library, ValidatesDetails) {
  LibraryDetailsInput input{
      "Kowloon Public Library", "九龍公共圖書館", "5 Pui Ching Road",           "培正道5號", "2926 4055",
      "kowloon_city",           "major",          {"wifi", "computers", "wifi"}};
  auto details = validate_library_details(input);
  ASSERT_TRUE(details);
  EXPECT_EQ(details->facilities.size(), 2u);
  input.name_tc = "  ";
  input.phone = "call us";
  input.district = "nowhere";
  auto refused = validate_library_details(input);
  ASSERT_FALSE(refused);
  const auto& fields = refused.error().fields;
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0], (FieldError{"name_tc", ErrorCode::kRequired, {}}));
  EXPECT_EQ(fields[1].code, ErrorCode::kInvalidPhone);
  EXPECT_EQ(fields[2].field, "district");
}

TEST(Library, ValidatesMobileStops) {
  MobileStopInput input{"Tai O", "大澳", "islands", "Bus terminus", "巴士總站", "5", "10:00-13:00"};
  auto stop = validate_mobile_stop(input);
  ASSERT_TRUE(stop);
  EXPECT_EQ(stop->weekday, 5);
  EXPECT_EQ(stop->time, (TimeRange{600, 780}));
  input.weekday = "8";
  input.hours = "10:00-11:00, 12:00-13:00";
  input.district = "";
  auto refused = validate_mobile_stop(input);
  ASSERT_FALSE(refused);
  ASSERT_EQ(refused.error().fields.size(), 3u);
  EXPECT_EQ(refused.error().fields[2].field, "stop_hours");
  input = {"", "", "islands", "", "", "1", ""};
  EXPECT_EQ(validate_mobile_stop(input).error().fields.size(), 5u);
}

TEST(Library, RejectsOverlongAndInvalidText) {
  std::vector<FieldError> errors;
  check_text(errors, "x", std::string(121, 'a'), 120, true);
  check_text(errors, "y", "\xFF", 10, false);
  check_text(errors, "z", "圖書館", 3, true);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].code, ErrorCode::kTooLong);
  EXPECT_EQ(errors[0].params.at("max"), "120");
  EXPECT_EQ(errors[1].code, ErrorCode::kInvalidText);
}

TEST(Errors, CatalogueHasEveryCodeOnceWithAMessage) {
  std::set<std::string_view> names;
  for (const auto& info : all_errors()) {
    EXPECT_FALSE(info.message.empty());
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    EXPECT_EQ(error_info(info.code).name, info.name);
  }
  EXPECT_EQ(error_info(ErrorCode::kRoleUnknown).name, "role_unknown");
}

}  // namespace
}  // namespace shelfmark::domain
