#include "domain/library.h"

#include <algorithm>

#include "core/text.h"

namespace shelfmark::domain {
namespace {

template <class Enum>
struct Entry {
  Enum value;
  std::string_view code;
  std::string_view label;
};

constexpr Entry<LibraryKind> kKinds[] = {
    {LibraryKind::kCentral, "central", "Central Library"},
    {LibraryKind::kMajor, "major", "Major library"},
    {LibraryKind::kDistrict, "district", "District library"},
    {LibraryKind::kSmall, "small", "Small library"},
    {LibraryKind::kMobile, "mobile", "Mobile library"},
    {LibraryKind::kSelfService, "self_service", "Self-service library station"},
};

constexpr Entry<District> kDistricts[] = {
    {District::kCentralWestern, "central_western", "Central and Western"},
    {District::kWanChai, "wan_chai", "Wan Chai"},
    {District::kEastern, "eastern", "Eastern"},
    {District::kSouthern, "southern", "Southern"},
    {District::kYauTsimMong, "yau_tsim_mong", "Yau Tsim Mong"},
    {District::kShamShuiPo, "sham_shui_po", "Sham Shui Po"},
    {District::kKowloonCity, "kowloon_city", "Kowloon City"},
    {District::kWongTaiSin, "wong_tai_sin", "Wong Tai Sin"},
    {District::kKwunTong, "kwun_tong", "Kwun Tong"},
    {District::kKwaiTsing, "kwai_tsing", "Kwai Tsing"},
    {District::kTsuenWan, "tsuen_wan", "Tsuen Wan"},
    {District::kTuenMun, "tuen_mun", "Tuen Mun"},
    {District::kYuenLong, "yuen_long", "Yuen Long"},
    {District::kNorth, "north", "North"},
    {District::kTaiPo, "tai_po", "Tai Po"},
    {District::kShaTin, "sha_tin", "Sha Tin"},
    {District::kSaiKung, "sai_kung", "Sai Kung"},
    {District::kIslands, "islands", "Islands"},
};

constexpr Entry<Facility> kFacilities[] = {
    {Facility::kWifi, "wifi", "Free Wi-Fi"},
    {Facility::kComputers, "computers", "Computer and information services"},
    {Facility::kNewspapers, "newspapers", "Newspapers and periodicals"},
    {Facility::kStudyRoom, "study_room", "Students' study room"},
    {Facility::kChildrensLibrary, "childrens_library", "Children's library"},
    {Facility::kToyLibrary, "toy_library", "Toy library"},
    {Facility::kMultimedia, "multimedia", "Multimedia library"},
    {Facility::kReference, "reference", "Reference library"},
    {Facility::kAccessible, "accessible", "Barrier-free facilities"},
    {Facility::kSelfCharging, "self_charging", "Self-charging terminals"},
    {Facility::kBookDrop, "book_drop", "Book drop"},
    {Facility::kReservationLockers, "reservation_lockers", "Reservation pick-up lockers"},
    {Facility::kExhibitionArea, "exhibition_area", "Exhibition area"},
    {Facility::kLectureTheatre, "lecture_theatre", "Lecture theatre"},
};

template <class Enum, std::size_t N>
const Entry<Enum>& entry_for(const Entry<Enum> (&table)[N], Enum value) {
  for (const auto& entry : table)
    if (entry.value == value) return entry;
  return table[0];
}

template <class Enum, std::size_t N>
std::optional<Enum> parse_code(const Entry<Enum> (&table)[N], std::string_view code) {
  for (const auto& entry : table)
    if (entry.code == code) return entry.value;
  return std::nullopt;
}

}  // namespace

std::string_view language_code(Language language) { return language == Language::kEnglish ? "en" : "tc"; }
std::optional<Language> parse_language_code(std::string_view code) {
  if (code == "en") return Language::kEnglish;
  if (code == "tc") return Language::kTraditionalChinese;
  return std::nullopt;
}

std::string_view library_kind_code(LibraryKind kind) { return entry_for(kKinds, kind).code; }
std::string_view library_kind_label(LibraryKind kind) { return entry_for(kKinds, kind).label; }
std::optional<LibraryKind> parse_library_kind(std::string_view code) { return parse_code(kKinds, code); }

const std::vector<District>& all_districts() {
  static const std::vector<District> kAll = [] {
    std::vector<District> all;
    for (const auto& entry : kDistricts) all.push_back(entry.value);
    return all;
  }();
  return kAll;
}
std::string_view district_code(District district) { return entry_for(kDistricts, district).code; }
std::string_view district_label(District district) { return entry_for(kDistricts, district).label; }
std::optional<District> parse_district(std::string_view code) { return parse_code(kDistricts, code); }

const std::vector<Facility>& all_facilities() {
  static const std::vector<Facility> kAll = [] {
    std::vector<Facility> all;
    for (const auto& entry : kFacilities) all.push_back(entry.value);
    return all;
  }();
  return kAll;
}
std::string_view facility_code(Facility facility) { return entry_for(kFacilities, facility).code; }
std::string_view facility_label(Facility facility) { return entry_for(kFacilities, facility).label; }
std::optional<Facility> parse_facility(std::string_view code) { return parse_code(kFacilities, code); }

const Holiday* HolidayCalendar::find(Date date) const {
  auto it = std::lower_bound(holidays.begin(), holidays.end(), date,
                             [](const Holiday& holiday, Date value) { return holiday.date < value; });
  return it != holidays.end() && it->date == date ? &*it : nullptr;
}

void check_text(std::vector<FieldError>& errors, const std::string& field, std::string_view value,
                std::size_t max_length, bool required) {
  if (!is_valid_utf8(value)) {
    errors.push_back({field, ErrorCode::kInvalidText, {}});
  } else if (required && trim(value).empty()) {
    errors.push_back({field, ErrorCode::kRequired, {}});
  } else if (utf8_length(value) > max_length) {
    errors.push_back({field, ErrorCode::kTooLong, {{"max", std::to_string(max_length)}}});
  }
}

Outcome<LibraryDetails> validate_library_details(const LibraryDetailsInput& input) {
  std::vector<FieldError> errors;
  check_text(errors, "name_en", input.name_en, 120, true);
  check_text(errors, "name_tc", input.name_tc, 60, true);
  check_text(errors, "address_en", input.address_en, 300, true);
  check_text(errors, "address_tc", input.address_tc, 150, true);
  const auto phone = trim(input.phone);
  bool phone_ok = phone.size() <= 30;
  for (std::size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    if (!((c >= '0' && c <= '9') || c == ' ' || (c == '+' && i == 0))) phone_ok = false;
  }
  if (!phone_ok) errors.push_back({"phone", ErrorCode::kInvalidPhone, {}});
  const auto district = parse_district(input.district);
  if (!district) errors.push_back({"district", ErrorCode::kInvalidChoice, {}});
  const auto kind = parse_library_kind(input.kind);
  if (!kind) errors.push_back({"kind", ErrorCode::kInvalidChoice, {}});
  std::vector<Facility> facilities;
  for (const auto& code : input.facilities) {
    if (auto facility = parse_facility(code)) {
      if (std::find(facilities.begin(), facilities.end(), *facility) == facilities.end())
        facilities.push_back(*facility);
    } else {
      errors.push_back({"facilities", ErrorCode::kInvalidChoice, {}});
      break;
    }
  }
  if (!errors.empty()) return invalid(std::move(errors));
  std::sort(facilities.begin(), facilities.end());
  return LibraryDetails{{std::string(trim(input.name_en)), std::string(trim(input.name_tc))},
                        {clean_single_line_text(input.address_en), clean_single_line_text(input.address_tc)},
                        std::string(phone),
                        *district,
                        *kind,
                        std::move(facilities)};
}

Outcome<MobileStop> validate_mobile_stop(const MobileStopInput& input) {
  std::vector<FieldError> errors;
  check_text(errors, "stop_name_en", input.name_en, 120, true);
  check_text(errors, "stop_name_tc", input.name_tc, 60, true);
  check_text(errors, "stop_address_en", input.address_en, 300, true);
  check_text(errors, "stop_address_tc", input.address_tc, 150, true);
  const auto district = parse_district(input.district);
  if (!district) errors.push_back({"stop_district", ErrorCode::kInvalidChoice, {}});
  const auto weekday = trim(input.weekday);
  const bool weekday_ok = weekday.size() == 1 && weekday[0] >= '1' && weekday[0] <= '7';
  if (!weekday_ok) errors.push_back({"stop_weekday", ErrorCode::kInvalidChoice, {}});
  auto ranges = parse_time_ranges(input.hours);
  if (!ranges)
    errors.push_back({"stop_hours", ranges.error().code, {}});
  else if (ranges->size() != 1)
    errors.push_back({"stop_hours", ErrorCode::kInvalidTime, {}});
  if (!errors.empty()) return invalid(std::move(errors));
  return MobileStop{0,
                    {clean_single_line_text(input.name_en), clean_single_line_text(input.name_tc)},
                    *district,
                    {clean_single_line_text(input.address_en), clean_single_line_text(input.address_tc)},
                    weekday[0] - '0',
                    ranges->front()};
}

std::optional<ErrorCode> normalise_time_ranges(std::vector<TimeRange>& ranges) {
  for (const auto& range : ranges)
    if (range.opens < 0 || range.closes > kEndOfDay || range.opens >= range.closes) return ErrorCode::kTimeRangeInvalid;
  std::sort(ranges.begin(), ranges.end(), [](const TimeRange& a, const TimeRange& b) { return a.opens < b.opens; });
  for (std::size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i].opens < ranges[i - 1].closes) return ErrorCode::kTimeRangesOverlap;
  return std::nullopt;
}

Outcome<std::vector<TimeRange>> parse_time_ranges(std::string_view text) {
  std::vector<TimeRange> ranges;
  const auto trimmed = trim(text);
  if (trimmed.empty()) return ranges;
  for (auto part : split(trimmed, ',')) {
    part = trim(part);
    // Accept the en dash and full-width forms people paste from notices.
    std::string normal;
    for (std::size_t i = 0; i < part.size(); ++i) {
      if (part.substr(i, 3) == "\xE2\x80\x93" || part.substr(i, 3) == "\xEF\xBC\x8D") {
        normal.push_back('-');
        i += 2;
      } else if (part.substr(i, 3) == "\xEF\xBC\x9A") {
        normal.push_back(':');
        i += 2;
      } else if (part[i] != ' ') {
        normal.push_back(part[i]);
      }
    }
    const auto dash = normal.find('-');
    if (dash == std::string::npos) return failure(ErrorCode::kInvalidTime);
    const auto opens = parse_time_of_day(std::string_view(normal).substr(0, dash));
    const auto closes = parse_time_of_day(std::string_view(normal).substr(dash + 1));
    if (!opens || !closes) return failure(ErrorCode::kInvalidTime);
    ranges.push_back({*opens, *closes});
  }
  if (auto error = normalise_time_ranges(ranges)) return failure(*error);
  return ranges;
}

std::string format_time_ranges(const std::vector<TimeRange>& ranges) {
  std::string out;
  for (const auto& range : ranges) {
    if (!out.empty()) out += ", ";
    out += format_time_of_day(range.opens) + "-" + format_time_of_day(range.closes);
  }
  return out;
}

}  // namespace shelfmark::domain
