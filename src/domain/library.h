// The library network: libraries (branches) with their kind, district, facilities, opening hours, special
// hours, temporary closures and, for mobile libraries, their stops. Plain values; see opening_hours.h for
// the rules that answer "is it open now?".
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "domain/errors.h"

namespace shelfmark::domain {

enum class Language { kEnglish, kTraditionalChinese };
std::string_view language_code(Language language);  // "en", "tc"
std::optional<Language> parse_language_code(std::string_view code);

// A text held in both of the library's languages.
struct Localized {
  std::string en;
  std::string tc;
  const std::string& in(Language language) const { return language == Language::kEnglish ? en : tc; }
  friend bool operator==(const Localized&, const Localized&) = default;
};

enum class LibraryKind { kCentral, kMajor, kDistrict, kSmall, kMobile, kSelfService };
inline constexpr std::array kAllLibraryKinds = {LibraryKind::kCentral, LibraryKind::kMajor,  LibraryKind::kDistrict,
                                                LibraryKind::kSmall,   LibraryKind::kMobile, LibraryKind::kSelfService};
std::string_view library_kind_code(LibraryKind kind);   // "central", "self_service"
std::string_view library_kind_label(LibraryKind kind);  // English label, a gettext msgid
std::optional<LibraryKind> parse_library_kind(std::string_view code);

// Hong Kong's 18 districts.
enum class District {
  kCentralWestern,
  kWanChai,
  kEastern,
  kSouthern,
  kYauTsimMong,
  kShamShuiPo,
  kKowloonCity,
  kWongTaiSin,
  kKwunTong,
  kKwaiTsing,
  kTsuenWan,
  kTuenMun,
  kYuenLong,
  kNorth,
  kTaiPo,
  kShaTin,
  kSaiKung,
  kIslands,
};
const std::vector<District>& all_districts();
std::string_view district_code(District district);
std::string_view district_label(District district);  // English name, a gettext msgid
std::optional<District> parse_district(std::string_view code);

enum class Facility {
  kWifi,
  kComputers,
  kNewspapers,
  kStudyRoom,
  kChildrensLibrary,
  kToyLibrary,
  kMultimedia,
  kReference,
  kAccessible,
  kSelfCharging,
  kBookDrop,
  kReservationLockers,
  kExhibitionArea,
  kLectureTheatre,
};
const std::vector<Facility>& all_facilities();
std::string_view facility_code(Facility facility);
std::string_view facility_label(Facility facility);  // English label, a gettext msgid
std::optional<Facility> parse_facility(std::string_view code);

// One opening period within a day, [opens, closes) in minutes since midnight; closes may be 24:00.
struct TimeRange {
  MinuteOfDay opens = 0;
  MinuteOfDay closes = 0;
  friend bool operator==(const TimeRange&, const TimeRange&) = default;
};

// Index 0..6 are Monday..Sunday, index 7 is a public holiday (which replaces the weekday's hours).
inline constexpr int kHolidayIndex = 7;
struct WeeklyHours {
  std::array<std::vector<TimeRange>, 8> days;
  friend bool operator==(const WeeklyHours&, const WeeklyHours&) = default;
};

// Hours for one date that replace the usual ones; no ranges means closed that day.
struct SpecialHours {
  long long id = 0;
  Date date;
  std::vector<TimeRange> ranges;
  Localized note;
};

// Closed for whole days, first_day..last_day inclusive (renovation, typhoon, an event).
struct Closure {
  long long id = 0;
  Date first_day;
  Date last_day;
  Localized reason;
};

// A mobile library's weekly stop.
struct MobileStop {
  long long id = 0;
  Localized name;
  District district = District::kCentralWestern;
  Localized address;
  int weekday = 1;  // ISO, 1 = Monday
  TimeRange time;
};

struct Library {
  long long id = 0;
  std::string code;
  Localized name;
  LibraryKind kind = LibraryKind::kDistrict;
  District district = District::kCentralWestern;
  Localized address;
  std::string phone;
  std::vector<Facility> facilities;
  WeeklyHours hours;
  std::vector<SpecialHours> special_hours;  // sorted by date
  std::vector<Closure> closures;            // sorted by first day
  std::vector<MobileStop> stops;            // sorted by weekday then time
  long long version = 1;                    // bumped on every edit, for optimistic locking
};

struct Holiday {
  Date date;
  Localized name;
};

// The network's public holidays, sorted by date.
struct HolidayCalendar {
  std::vector<Holiday> holidays;
  const Holiday* find(Date date) const;
};

// The editable details of a library, as typed by staff.
struct LibraryDetailsInput {
  std::string name_en, name_tc, address_en, address_tc, phone, district, kind;
  std::vector<std::string> facilities;
};
struct LibraryDetails {
  Localized name;
  Localized address;
  std::string phone;
  District district;
  LibraryKind kind;
  std::vector<Facility> facilities;
};
Outcome<LibraryDetails> validate_library_details(const LibraryDetailsInput& input);

// A mobile library stop as typed by staff; weekday is "1" (Monday) .. "7", hours one period "10:00-13:00".
struct MobileStopInput {
  std::string name_en, name_tc, district, address_en, address_tc, weekday, hours;
};
Outcome<MobileStop> validate_mobile_stop(const MobileStopInput& input);

// Checks one day's periods: each opens before it closes and they do not overlap. Sorts them.
[[nodiscard]] std::optional<ErrorCode> normalise_time_ranges(std::vector<TimeRange>& ranges);

// Reads "09:30-13:00, 14:00-17:00" (or an empty string for closed) as typed into the hours form.
Outcome<std::vector<TimeRange>> parse_time_ranges(std::string_view text);
std::string format_time_ranges(const std::vector<TimeRange>& ranges);

// Field-level helpers shared by every validator: required, length-limited, valid UTF-8 text.
void check_text(std::vector<FieldError>& errors, const std::string& field, std::string_view value,
                std::size_t max_length, bool required);

}  // namespace shelfmark::domain
