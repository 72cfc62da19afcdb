// Translations through Boost.Locale and gettext catalogues (po/zh_HK.po, compiled by msgfmt and carried in
// the binary). English is the source language: msgids are the English texts.
//
// Thread safety: immutable after construction; share one Translator.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/time.h"
#include "domain/errors.h"
#include "domain/library.h"

namespace shelfmark::web {

using domain::Language;

// Marks an English text for extraction into the catalogue where it is not passed straight to translate().
constexpr const char* N_(const char* text) { return text; }

class Translator {
 public:
  Translator();
  ~Translator();
  std::string translate(Language language, std::string_view msgid) const;
  // Translates, then replaces {name} placeholders with the given values.
  std::string format(Language language, std::string_view msgid, const std::map<std::string, std::string>& values) const;
  std::string error_message(Language language, const domain::FieldError& error) const;
  std::string error_message(Language language, domain::ErrorCode code) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string substitute(std::string text, const std::map<std::string, std::string>& values);

// Dates and times the way each language writes them: "Monday 23 November 2026" / "2026年11月23日（星期一）".
std::string format_date(const Translator& translator, Language language, Date date, bool with_weekday = true);
std::string format_weekday(const Translator& translator, Language language, int iso_weekday);
std::string format_date_time(const Translator& translator, Language language, const LocalDateTime& value);
std::string format_time(MinuteOfDay minute);
std::string format_count(long long value);  // "1,234" (both languages group by thousands)

}  // namespace shelfmark::web
