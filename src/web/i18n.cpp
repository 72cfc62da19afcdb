#include "web/i18n.h"

#include <fmt/format.h>

#include <boost/locale.hpp>

namespace shelfmark::resources::messages {
std::optional<std::string_view> find(std::string_view name);
}

namespace shelfmark::web {

struct Translator::Impl {
  std::locale traditional_chinese;
};

Translator::Translator() : impl_(std::make_unique<Impl>()) {
  // ICU explicitly: the machine may have no system locales but C/C.UTF-8/POSIX.
  auto backends = boost::locale::localization_backend_manager::global();
  backends.select("icu");
  boost::locale::generator generator(backends);
  generator.use_ansi_encoding(false);
  const std::locale base = generator("zh_HK.UTF-8");
  boost::locale::gnu_gettext::messages_info info;
  info.language = "zh";
  info.country = "HK";
  info.encoding = "UTF-8";
  info.domains.push_back(boost::locale::gnu_gettext::messages_info::domain("shelfmark"));
  info.paths.push_back("");
  // Catalogues come from the binary, not the file system.
  info.callback = [](const std::string& file_name, const std::string&) -> std::vector<char> {
    if (file_name.find("zh_HK/LC_MESSAGES/shelfmark.mo") == std::string::npos) return {};
    auto data = resources::messages::find("zh_HK.mo");
    if (!data) return {};
    return std::vector<char>(data->begin(), data->end());
  };
  impl_->traditional_chinese = std::locale(base, boost::locale::gnu_gettext::create_messages_facet<char>(info));
}

Translator::~Translator() = default;

std::string Translator::translate(Language language, std::string_view msgid) const {
  if (language == Language::kEnglish || msgid.empty()) return std::string(msgid);
  return boost::locale::translate(std::string(msgid)).str(impl_->traditional_chinese);
}

std::string substitute(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    const std::string placeholder = "{" + name + "}";
    for (std::size_t at = 0; (at = text.find(placeholder, at)) != std::string::npos; at += value.size())
      text.replace(at, placeholder.size(), value);
  }
  return text;
}

std::string Translator::format(Language language, std::string_view msgid,
                               const std::map<std::string, std::string>& values) const {
  return substitute(translate(language, msgid), values);
}

std::string Translator::error_message(Language language, const domain::FieldError& error) const {
  return format(language, domain::error_info(error.code).message, error.params);
}

std::string Translator::error_message(Language language, domain::ErrorCode code) const {
  return translate(language, domain::error_info(code).message);
}

std::string format_weekday(const Translator& translator, Language language, int iso_weekday) {
  static const char* kNames[] = {N_("Monday"), N_("Tuesday"),  N_("Wednesday"), N_("Thursday"),
                                 N_("Friday"), N_("Saturday"), N_("Sunday")};
  return translator.translate(language, kNames[(iso_weekday + 6) % 7]);
}

std::string format_date(const Translator& translator, Language language, Date date, bool with_weekday) {
  static const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                  "July",    "August",   "September", "October", "November", "December"};
  const std::chrono::year_month_day ymd(date);
  const int year = static_cast<int>(ymd.year());
  const unsigned month = static_cast<unsigned>(ymd.month());
  const unsigned day = static_cast<unsigned>(ymd.day());
  if (language == Language::kTraditionalChinese) {
    auto text = fmt::format("{}年{}月{}日", year, month, day);
    if (with_weekday) text += "（" + format_weekday(translator, language, iso_weekday(date)) + "）";
    return text;
  }
  auto text = fmt::format("{} {} {}", day, kMonths[month - 1], year);
  if (with_weekday) text = format_weekday(translator, language, iso_weekday(date)) + " " + text;
  return text;
}

std::string format_time(MinuteOfDay minute) { return format_time_of_day(minute); }

std::string format_date_time(const Translator& translator, Language language, const LocalDateTime& value) {
  return format_date(translator, language, value.date, false) + " " + format_time(value.minute);
}

std::string format_count(long long value) {
  auto digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return value < 0 ? "-" + out : out;
}

}  // namespace shelfmark::web
