// Time values used across Shelfmark, and the one seam through which the outside clock and the library's
// time zone enter. Rules never read the clock: they receive an Instant or a LocalDateTime as a value.
//
// Thread safety: the value types are plain data; TimeZone is immutable after loading and safe to share.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace shelfmark {

// A moment in time, UTC, to the second.
using Instant = std::chrono::sys_seconds;
// A calendar date as seen in the library's time zone (not a UTC day).
using Date = std::chrono::sys_days;

// Minutes since local midnight, 0..1440 (1440 means "24:00", the end of the day).
using MinuteOfDay = int;
inline constexpr MinuteOfDay kEndOfDay = 24 * 60;

struct LocalDateTime {
  Date date;
  MinuteOfDay minute = 0;  // 0..1439
  friend auto operator<=>(const LocalDateTime&, const LocalDateTime&) = default;
};

// ISO weekday: 1 = Monday .. 7 = Sunday.
int iso_weekday(Date date);

std::optional<Date> parse_iso_date(std::string_view text);  // "2026-03-05"
std::string format_iso_date(Date date);
std::optional<MinuteOfDay> parse_time_of_day(std::string_view text);  // "09:30", "24:00"
std::string format_time_of_day(MinuteOfDay minute);                   // "09:30"
// "2026-03-05T09:30" as typed into an <input type="datetime-local">.
std::optional<LocalDateTime> parse_local_date_time(std::string_view text);
std::string format_local_date_time(const LocalDateTime& value);

Instant instant_from_unix(long long seconds);
long long unix_seconds(Instant instant);

class TimeZone {
 public:
  // Loads an IANA zone such as "Asia/Hong_Kong"; nullopt if the name is unknown.
  static std::shared_ptr<const TimeZone> load(const std::string& iana_name);
  virtual ~TimeZone() = default;
  virtual const std::string& name() const = 0;
  virtual LocalDateTime to_local(Instant instant) const = 0;
  // For a local time that does not exist or is ambiguous (DST changes), the earlier reading is used.
  virtual Instant to_instant(const LocalDateTime& local) const = 0;
};

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Instant now() const override;
};

// A clock that tests set by hand.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(Instant now) : now_(now) {}
  Instant now() const override { return now_; }
  void set(Instant now) { now_ = now; }

 private:
  Instant now_;
};

}  // namespace shelfmark
