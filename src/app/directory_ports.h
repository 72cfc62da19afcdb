// Ports of the library network: libraries (details, hours, closures, mobile stops, holidays) and notices.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/library.h"
#include "domain/notice.h"

namespace shelfmark::app {

class LibraryRepository {
 public:
  virtual ~LibraryRepository() = default;
  // Every library with hours, special hours, closures and stops, ordered by district then name.
  virtual std::vector<domain::Library> all() = 0;
  virtual std::optional<domain::Library> by_code(const std::string& code) = 0;
  virtual long long insert(const domain::Library& library) = 0;  // with everything it holds
  // False when the stored version is not `expected_version` (someone else edited it).
  virtual bool update_details(long long id, long long expected_version, const domain::LibraryDetails& details) = 0;
  virtual bool set_weekly_hours(long long id, long long expected_version, const domain::WeeklyHours& hours) = 0;
  virtual long long add_special_hours(long long library_id, const domain::SpecialHours& special) = 0;
  virtual bool remove_special_hours(long long library_id, long long special_id) = 0;
  virtual long long add_closure(long long library_id, const domain::Closure& closure) = 0;
  virtual bool remove_closure(long long library_id, long long closure_id) = 0;
  virtual long long add_stop(long long library_id, const domain::MobileStop& stop) = 0;
  virtual bool remove_stop(long long library_id, long long stop_id) = 0;
  virtual domain::HolidayCalendar holidays() = 0;
  // Throws StoreError(kUniqueViolation) when the date already has a holiday.
  virtual void add_holiday(const domain::Holiday& holiday) = 0;
  virtual bool remove_holiday(Date date) = 0;
  // A number that changes whenever anything above changes; lets every node cache the network.
  virtual long long network_version() = 0;
};

struct NoticePage {
  std::vector<domain::Notice> notices;
  long long total = 0;
};

class NoticeRepository {
 public:
  virtual ~NoticeRepository() = default;
  // Published at `now`, newest first; library_id limits to notices for that library (or for all).
  virtual NoticePage published(Instant now, std::optional<long long> library_id, int limit, int offset) = 0;
  // Important notices that have not expired at `now` (some may still be scheduled).
  virtual std::vector<domain::Notice> important_unexpired(Instant now) = 0;
  // Every notice, newest publication first, for staff.
  virtual NoticePage all(int limit, int offset) = 0;
  virtual std::optional<domain::Notice> by_id(long long id) = 0;
  virtual long long insert(const domain::Notice& notice) = 0;
  virtual bool update(const domain::Notice& notice, long long expected_version) = 0;
  virtual long long notices_version() = 0;
};

}  // namespace shelfmark::app
