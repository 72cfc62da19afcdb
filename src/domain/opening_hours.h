// When a library is open. Precedence for a date: a temporary closure, then special hours, then public
// holiday hours, then the weekday's usual hours. Mobile libraries take their hours from their weekly stops
// and do not run on public holidays. All times are local to the library's time zone.
#pragma once

#include <optional>
#include <vector>

#include "domain/library.h"

namespace shelfmark::domain {

enum class DayKind { kRegular, kPublicHoliday, kSpecial, kClosure };

struct Session {
  TimeRange time;
  std::optional<std::size_t> stop_index;  // mobile libraries: which stop (index into Library::stops)
};

struct DaySchedule {
  Date date;
  DayKind kind = DayKind::kRegular;
  std::vector<Session> sessions;    // empty: closed all day
  const Localized* note = nullptr;  // closure reason, special-hours note or holiday name; points into inputs
};

DaySchedule schedule_on(const Library& library, const HolidayCalendar& holidays, Date date);

struct OpenStatus {
  enum class State { kOpen, kAlwaysOpen, kClosed };
  State state = State::kClosed;
  std::optional<LocalDateTime> closes_at;     // when open: when it next closes
  std::optional<LocalDateTime> next_opening;  // when closed: when it next opens (within 60 days), if ever
  std::optional<std::size_t> stop_index;      // mobile: the stop it is at now, or the next stop
  DayKind today = DayKind::kRegular;
  const Localized* today_note = nullptr;
};

OpenStatus status_at(const Library& library, const HolidayCalendar& holidays, LocalDateTime now);

// The next `days` days' schedules starting at `from`, for a library's timetable.
std::vector<DaySchedule> schedules_from(const Library& library, const HolidayCalendar& holidays, Date from, int days);

}  // namespace shelfmark::domain
