#include "domain/opening_hours.h"

#include <algorithm>

namespace shelfmark::domain {
namespace {

constexpr int kLookAheadDays = 60;
// A library open around the clock for this many days in a row is shown as "open 24 hours".
constexpr int kAlwaysOpenDays = 8;

}  // namespace

DaySchedule schedule_on(const Library& library, const HolidayCalendar& holidays, Date date) {
  DaySchedule day{date, DayKind::kRegular, {}, nullptr};
  for (const auto& closure : library.closures) {
    if (closure.first_day <= date && date <= closure.last_day) {
      day.kind = DayKind::kClosure;
      day.note = &closure.reason;
      return day;
    }
  }
  for (const auto& special : library.special_hours) {
    if (special.date == date) {
      day.kind = DayKind::kSpecial;
      day.note = &special.note;
      for (const auto& range : special.ranges) day.sessions.push_back({range, std::nullopt});
      return day;
    }
  }
  const Holiday* holiday = holidays.find(date);
  if (holiday) {
    day.kind = DayKind::kPublicHoliday;
    day.note = &holiday->name;
  }
  if (library.kind == LibraryKind::kMobile) {
    if (holiday) return day;
    const int weekday = iso_weekday(date);
    for (std::size_t i = 0; i < library.stops.size(); ++i)
      if (library.stops[i].weekday == weekday) day.sessions.push_back({library.stops[i].time, i});
    std::sort(day.sessions.begin(), day.sessions.end(),
              [](const Session& a, const Session& b) { return a.time.opens < b.time.opens; });
    return day;
  }
  const auto& ranges = library.hours.days[holiday ? kHolidayIndex : iso_weekday(date) - 1];
  for (const auto& range : ranges) day.sessions.push_back({range, std::nullopt});
  return day;
}

OpenStatus status_at(const Library& library, const HolidayCalendar& holidays, LocalDateTime now) {
  OpenStatus status;
  const auto today = schedule_on(library, holidays, now.date);
  status.today = today.kind;
  status.today_note = today.note;
  for (const auto& session : today.sessions) {
    if (session.time.opens <= now.minute && now.minute < session.time.closes) {
      status.state = OpenStatus::State::kOpen;
      status.stop_index = session.stop_index;
      // Follow the opening across midnight while the next day opens at 00:00.
      LocalDateTime closes{now.date, session.time.closes};
      int days = 0;
      while (closes.minute == kEndOfDay && days < kAlwaysOpenDays) {
        const auto next = schedule_on(library, holidays, closes.date + std::chrono::days(1));
        if (next.sessions.empty() || next.sessions.front().time.opens != 0) break;
        closes = {next.date, next.sessions.front().time.closes};
        ++days;
      }
      if (days >= kAlwaysOpenDays) {
        status.state = OpenStatus::State::kAlwaysOpen;
      } else if (closes.minute == kEndOfDay) {
        status.closes_at = LocalDateTime{closes.date + std::chrono::days(1), 0};
      } else {
        status.closes_at = closes;
      }
      return status;
    }
  }
  for (int offset = 0; offset <= kLookAheadDays; ++offset) {
    const auto day = offset == 0 ? today : schedule_on(library, holidays, now.date + std::chrono::days(offset));
    for (const auto& session : day.sessions) {
      if (offset == 0 && session.time.opens <= now.minute) continue;
      status.next_opening = LocalDateTime{day.date, session.time.opens};
      status.stop_index = session.stop_index;
      return status;
    }
  }
  return status;
}

std::vector<DaySchedule> schedules_from(const Library& library, const HolidayCalendar& holidays, Date from, int days) {
  std::vector<DaySchedule> result;
  for (int i = 0; i < days; ++i) result.push_back(schedule_on(library, holidays, from + std::chrono::days(i)));
  return result;
}

}  // namespace shelfmark::domain
