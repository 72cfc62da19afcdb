#include "core/time.h"

#include <fmt/format.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <charconv>

namespace shelfmark {
namespace {

bool parse_int(std::string_view text, int& out) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

class IcuTimeZone final : public TimeZone {
 public:
  IcuTimeZone(std::string name, std::unique_ptr<icu::TimeZone> zone) : name_(std::move(name)), zone_(std::move(zone)) {}
  const std::string& name() const override { return name_; }

  LocalDateTime to_local(Instant instant) const override {
    const auto offset = offset_seconds(unix_seconds(instant) * 1000.0, false);
    const auto local_seconds = std::chrono::sys_seconds(instant.time_since_epoch() + std::chrono::seconds(offset));
    const auto date = std::chrono::floor<std::chrono::days>(local_seconds);
    const auto minute = std::chrono::duration_cast<std::chrono::minutes>(local_seconds - date).count();
    return {date, static_cast<MinuteOfDay>(minute)};
  }

  Instant to_instant(const LocalDateTime& local) const override {
    const auto local_seconds = std::chrono::sys_seconds(local.date) + std::chrono::minutes(local.minute);
    const auto offset = offset_seconds(unix_seconds(local_seconds) * 1000.0, true);
    return local_seconds - std::chrono::seconds(offset);
  }

 private:
  long long offset_seconds(double millis, bool millis_are_local) const {
    int32_t raw = 0, dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    zone_->getOffset(millis, millis_are_local, raw, dst, status);
    if (U_FAILURE(status)) return 0;
    return (static_cast<long long>(raw) + dst) / 1000;
  }

  std::string name_;
  std::unique_ptr<icu::TimeZone> zone_;
};

}  // namespace

int iso_weekday(Date date) { return static_cast<int>(std::chrono::weekday(date).iso_encoding()); }

std::optional<Date> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  if (!parse_int(text.substr(0, 4), y) || !parse_int(text.substr(5, 2), m) || !parse_int(text.substr(8, 2), d))
    return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
  if (!ymd.ok() || y < 1900 || y > 2999) return std::nullopt;
  return Date(ymd);
}

std::string format_iso_date(Date date) {
  const std::chrono::year_month_day ymd(date);
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

std::optional<MinuteOfDay> parse_time_of_day(std::string_view text) {
  if (text.size() == 4 && text[1] == ':') return parse_time_of_day("0" + std::string(text));
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  int h = 0, m = 0;
  if (!parse_int(text.substr(0, 2), h) || !parse_int(text.substr(3, 2), m)) return std::nullopt;
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

std::string format_time_of_day(MinuteOfDay minute) { return fmt::format("{:02}:{:02}", minute / 60, minute % 60); }

std::optional<LocalDateTime> parse_local_date_time(std::string_view text) {
  if (text.size() < 16 || (text[10] != 'T' && text[10] != ' ')) return std::nullopt;
  auto date = parse_iso_date(text.substr(0, 10));
  // Browsers may send seconds ("...T09:30:00"); they are ignored.
  if (text.size() != 16 && !(text.size() == 19 && text[16] == ':')) return std::nullopt;
  auto minute = parse_time_of_day(text.substr(11, 5));
  if (!date || !minute || *minute == kEndOfDay) return std::nullopt;
  return LocalDateTime{*date, *minute};
}

std::string format_local_date_time(const LocalDateTime& value) {
  return format_iso_date(value.date) + "T" + format_time_of_day(value.minute);
}

Instant instant_from_unix(long long seconds) { return Instant(std::chrono::seconds(seconds)); }
long long unix_seconds(Instant instant) { return instant.time_since_epoch().count(); }

std::shared_ptr<const TimeZone> TimeZone::load(const std::string& iana_name) {
  std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(iana_name)));
  if (!zone || *zone == icu::TimeZone::getUnknown()) return nullptr;
  return std::make_shared<IcuTimeZone>(iana_name, std::move(zone));
}

Instant SystemClock::now() const { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

}  // namespace shelfmark
