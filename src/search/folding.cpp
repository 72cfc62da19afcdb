#include "search/folding.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include <memory>
#include <mutex>
#include <opencc/SimpleConverter.hpp>
#include <stdexcept>

namespace shelfmark::search {
namespace {

// Chinese folds to Simplified: Traditional -> Simplified is a function (several Traditional characters can
// share one Simplified form), while the other way needs guesses from context. Hong Kong variant forms are
// folded with them. OpenCC's Convert is const and its dictionaries are read-only, so one converter serves
// every thread.
const opencc::SimpleConverter& chinese() {
  static const auto converter = [] {
    try {
      return std::make_unique<opencc::SimpleConverter>("hk2s.json");
    } catch (const std::exception& error) {
      throw std::runtime_error(std::string("cannot load OpenCC's hk2s.json (install libopencc-data): ") + error.what());
    }
  }();
  return *converter;
}

bool drops_marks(UScriptCode script) {
  return script == USCRIPT_LATIN || script == USCRIPT_GREEK || script == USCRIPT_CYRILLIC;
}

}  // namespace

std::string fold(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const auto* nfkd = icu::Normalizer2::getNFKDInstance(status);
  const auto* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU normalisation data missing");
  const auto input = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  auto decomposed = nfkd->normalize(input, status);
  // Drop combining marks that follow Latin, Greek or Cyrillic letters only: a Japanese voicing mark or a
  // Devanagari vowel sign is part of the letter, not an accent.
  icu::UnicodeString stripped;
  UScriptCode base = USCRIPT_COMMON;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) {
      if (drops_marks(base)) continue;
    } else {
      UErrorCode script_status = U_ZERO_ERROR;
      base = uscript_getScript(c, &script_status);
    }
    stripped.append(c);
  }
  const auto composed = nfc->normalize(stripped, status);
  if (U_FAILURE(status)) return std::string();
  std::string utf8;
  composed.toUTF8String(utf8);
  return chinese().Convert(utf8);
}

}  // namespace shelfmark::search
