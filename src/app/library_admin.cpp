#include "app/library_admin.h"

#include "core/text.h"

namespace shelfmark::app {
namespace {

using domain::Done;
using domain::ErrorCode;
using domain::failure;
using domain::Outcome;

bool allowed(const Actor& actor) { return domain::role_allows(actor.role, domain::Permission::kManageLibraries); }

// Runs `edit` on the library with `code` inside one write transaction, auditing it as `action`.
template <class Edit>
Outcome<Done> edit_library(const Context& context, const Actor& actor, const std::string& code,
                           const std::string& action, Edit edit) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<Done>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto library = repos.libraries.by_code(code);
    if (!library) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    result = edit(repos, *library);
    if (result->ok()) repos.audit.record({context.clock.now(), actor.staff_id, action, "library:" + code, ""});
  });
  return std::move(*result);
}

}  // namespace

Outcome<domain::Library> library_for_staff(const Context& context, const Actor& actor, const std::string& code) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<domain::Library> library;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { library = repos.libraries.by_code(code); });
  if (!library) return failure(ErrorCode::kNotFound);
  return std::move(*library);
}

Outcome<Done> update_library_details(const Context& context, const Actor& actor, const std::string& code,
                                     long long expected_version, const domain::LibraryDetailsInput& input) {
  auto details = domain::validate_library_details(input);
  if (!details) return details.error();
  return edit_library(context, actor, code, "library.details", [&](Repositories& repos, domain::Library& library) {
    if (!repos.libraries.update_details(library.id, expected_version, details.value()))
      return Outcome<Done>(failure(ErrorCode::kEditConflict));
    return Outcome<Done>(Done{});
  });
}

Outcome<Done> set_weekly_hours(const Context& context, const Actor& actor, const std::string& code,
                               long long expected_version, const std::array<std::string, 8>& typed) {
  static constexpr const char* kFields[8] = {"hours_mon", "hours_tue", "hours_wed", "hours_thu",
                                             "hours_fri", "hours_sat", "hours_sun", "hours_holiday"};
  domain::WeeklyHours hours;
  std::vector<domain::FieldError> errors;
  for (int day = 0; day < 8; ++day) {
    auto ranges = domain::parse_time_ranges(typed[day]);
    if (ranges)
      hours.days[day] = ranges.value();
    else
      errors.push_back({kFields[day], ranges.error().code, {}});
  }
  if (!errors.empty()) return domain::invalid(std::move(errors));
  return edit_library(context, actor, code, "library.hours", [&](Repositories& repos, domain::Library& library) {
    if (!repos.libraries.set_weekly_hours(library.id, expected_version, hours))
      return Outcome<Done>(failure(ErrorCode::kEditConflict));
    return Outcome<Done>(Done{});
  });
}

Outcome<Done> add_special_hours(const Context& context, const Actor& actor, const std::string& code,
                                const SpecialHoursInput& input) {
  std::vector<domain::FieldError> errors;
  domain::SpecialHours special;
  if (auto date = parse_iso_date(trim(input.date)))
    special.date = *date;
  else
    errors.push_back({"date", ErrorCode::kInvalidDate, {}});
  auto ranges = domain::parse_time_ranges(input.hours);
  if (ranges)
    special.ranges = ranges.value();
  else
    errors.push_back({"hours", ranges.error().code, {}});
  domain::check_text(errors, "note_en", input.note_en, 200, true);
  domain::check_text(errors, "note_tc", input.note_tc, 200, true);
  if (!errors.empty()) return domain::invalid(std::move(errors));
  special.note = {clean_single_line_text(input.note_en), clean_single_line_text(input.note_tc)};
  return edit_library(context, actor, code, "library.special_hours.add",
                      [&](Repositories& repos, domain::Library& library) {
                        // One entry per date: a new one replaces the old.
                        for (const auto& existing : library.special_hours)
                          if (existing.date == special.date)
                            repos.libraries.remove_special_hours(library.id, existing.id);
                        repos.libraries.add_special_hours(library.id, special);
                        return Outcome<Done>(Done{});
                      });
}

Outcome<Done> remove_special_hours(const Context& context, const Actor& actor, const std::string& code, long long id) {
  return edit_library(context, actor, code, "library.special_hours.remove",
                      [&](Repositories& repos, domain::Library& library) {
                        if (!repos.libraries.remove_special_hours(library.id, id))
                          return Outcome<Done>(failure(ErrorCode::kNotFound));
                        return Outcome<Done>(Done{});
                      });
}

Outcome<Done> add_closure(const Context& context, const Actor& actor, const std::string& code,
                          const ClosureInput& input) {
  std::vector<domain::FieldError> errors;
  domain::Closure closure;
  auto first = parse_iso_date(trim(input.first_day));
  auto last = parse_iso_date(trim(input.last_day));
  if (!first) errors.push_back({"first_day", ErrorCode::kInvalidDate, {}});
  if (!last) errors.push_back({"last_day", ErrorCode::kInvalidDate, {}});
  if (first && last && *last < *first) errors.push_back({"last_day", ErrorCode::kDateRangeInvalid, {}});
  domain::check_text(errors, "reason_en", input.reason_en, 300, true);
  domain::check_text(errors, "reason_tc", input.reason_tc, 300, true);
  if (!errors.empty()) return domain::invalid(std::move(errors));
  closure.first_day = *first;
  closure.last_day = *last;
  closure.reason = {clean_single_line_text(input.reason_en), clean_single_line_text(input.reason_tc)};
  return edit_library(context, actor, code, "library.closure.add", [&](Repositories& repos, domain::Library& library) {
    repos.libraries.add_closure(library.id, closure);
    return Outcome<Done>(Done{});
  });
}

Outcome<Done> remove_closure(const Context& context, const Actor& actor, const std::string& code, long long id) {
  return edit_library(context, actor, code, "library.closure.remove",
                      [&](Repositories& repos, domain::Library& library) {
                        if (!repos.libraries.remove_closure(library.id, id))
                          return Outcome<Done>(failure(ErrorCode::kNotFound));
                        return Outcome<Done>(Done{});
                      });
}

Outcome<Done> add_mobile_stop(const Context& context, const Actor& actor, const std::string& code,
                              const domain::MobileStopInput& input) {
  auto stop = domain::validate_mobile_stop(input);
  if (!stop) return stop.error();
  return edit_library(context, actor, code, "library.stop.add", [&](Repositories& repos, domain::Library& library) {
    if (library.kind != domain::LibraryKind::kMobile)
      return Outcome<Done>(domain::invalid({{"", ErrorCode::kInvalidChoice, {}}}));
    for (const auto& existing : library.stops)
      if (existing.weekday == stop->weekday && existing.time.opens < stop->time.closes &&
          stop->time.opens < existing.time.closes)
        return Outcome<Done>(domain::invalid({{"stop_hours", ErrorCode::kTimeRangesOverlap, {}}}));
    repos.libraries.add_stop(library.id, stop.value());
    return Outcome<Done>(Done{});
  });
}

Outcome<Done> remove_mobile_stop(const Context& context, const Actor& actor, const std::string& code, long long id) {
  return edit_library(context, actor, code, "library.stop.remove", [&](Repositories& repos, domain::Library& library) {
    if (!repos.libraries.remove_stop(library.id, id)) return Outcome<Done>(failure(ErrorCode::kNotFound));
    return Outcome<Done>(Done{});
  });
}

Outcome<domain::HolidayCalendar> holidays_for_staff(const Context& context, const Actor& actor) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  domain::HolidayCalendar calendar;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { calendar = repos.libraries.holidays(); });
  return calendar;
}

Outcome<Done> add_holiday(const Context& context, const Actor& actor, const HolidayInput& input) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::vector<domain::FieldError> errors;
  const auto date = parse_iso_date(trim(input.date));
  if (!date) errors.push_back({"date", ErrorCode::kInvalidDate, {}});
  domain::check_text(errors, "name_en", input.name_en, 120, true);
  domain::check_text(errors, "name_tc", input.name_tc, 60, true);
  if (!errors.empty()) return domain::invalid(std::move(errors));
  std::optional<Outcome<Done>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    if (repos.libraries.holidays().find(*date)) {
      result = domain::invalid({{"date", ErrorCode::kDateTaken, {}}});
      return;
    }
    repos.libraries.add_holiday(
        {*date, {clean_single_line_text(input.name_en), clean_single_line_text(input.name_tc)}});
    repos.audit.record({context.clock.now(), actor.staff_id, "holiday.add", "holiday:" + format_iso_date(*date), ""});
    result = Done{};
  });
  return std::move(*result);
}

Outcome<Done> remove_holiday(const Context& context, const Actor& actor, const std::string& date_text) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  const auto date = parse_iso_date(date_text);
  if (!date) return failure(ErrorCode::kNotFound);
  bool removed = false;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    removed = repos.libraries.remove_holiday(*date);
    if (removed)
      repos.audit.record({context.clock.now(), actor.staff_id, "holiday.remove", "holiday:" + date_text, ""});
  });
  if (!removed) return failure(ErrorCode::kNotFound);
  return Done{};
}

}  // namespace shelfmark::app
