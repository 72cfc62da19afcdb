// Staff edits to the library directory: details, weekly hours, special hours and temporary closures.
// Each edit is one transaction, checked against the version the editor saw, and audited.
#pragma once

#include <array>

#include "app/notices.h"
#include "app/ports.h"

namespace shelfmark::app {

domain::Outcome<domain::Library> library_for_staff(const Context& context, const Actor& actor, const std::string& code);

domain::Outcome<domain::Done> update_library_details(const Context& context, const Actor& actor,
                                                     const std::string& code, long long expected_version,
                                                     const domain::LibraryDetailsInput& input);

// Hours as typed: index 0..6 Monday..Sunday, 7 public holidays; "09:30-13:00, 14:00-17:00" or "" for closed.
domain::Outcome<domain::Done> set_weekly_hours(const Context& context, const Actor& actor, const std::string& code,
                                               long long expected_version, const std::array<std::string, 8>& typed);

struct SpecialHoursInput {
  std::string date;   // "2026-12-24"
  std::string hours;  // "" closed, or ranges
  std::string note_en, note_tc;
};
domain::Outcome<domain::Done> add_special_hours(const Context& context, const Actor& actor, const std::string& code,
                                                const SpecialHoursInput& input);
domain::Outcome<domain::Done> remove_special_hours(const Context& context, const Actor& actor, const std::string& code,
                                                   long long id);

struct ClosureInput {
  std::string first_day, last_day;
  std::string reason_en, reason_tc;
};
domain::Outcome<domain::Done> add_closure(const Context& context, const Actor& actor, const std::string& code,
                                          const ClosureInput& input);
domain::Outcome<domain::Done> remove_closure(const Context& context, const Actor& actor, const std::string& code,
                                             long long id);

// Mobile libraries only: their weekly stops.
domain::Outcome<domain::Done> add_mobile_stop(const Context& context, const Actor& actor, const std::string& code,
                                              const domain::MobileStopInput& input);
domain::Outcome<domain::Done> remove_mobile_stop(const Context& context, const Actor& actor, const std::string& code,
                                                 long long id);

// The network's public holidays (libraries open with their holiday hours; mobile libraries do not run).
domain::Outcome<domain::HolidayCalendar> holidays_for_staff(const Context& context, const Actor& actor);
struct HolidayInput {
  std::string date, name_en, name_tc;
};
domain::Outcome<domain::Done> add_holiday(const Context& context, const Actor& actor, const HolidayInput& input);
domain::Outcome<domain::Done> remove_holiday(const Context& context, const Actor& actor, const std::string& date);

}  // namespace shelfmark::app
