// Finding a reader at the staff desk: what one search box's text means (a card or E-Account number, an HKID
// in any common spelling, an email, a Hong Kong mobile number, or a name), and the name keys a reader's names
// are found by. Pure functions; the store keeps the keys (ADR 0020).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/errors.h"

namespace shelfmark::domain {

enum class ReaderQueryKind { kCard, kHkid, kEmail, kMobile, kName };

struct ReaderQuery {
  ReaderQueryKind kind = ReaderQueryKind::kName;
  // kCard: the card or E-Account number as typed, upper-cased ("E1234567890", "2100000042"). A number that
  // is also a Hong Kong mobile number sets `mobile` too: the card is tried first, then the mobile.
  std::string card;
  std::string hkid;    // kHkid: the normal form ("A1234563"); never logged or stored, only digested
  std::string email;   // kEmail: lower-cased
  std::string mobile;  // kMobile (or with kCard): eight digits, without +852
  // kName: folded prefixes that must each begin one of the reader's name keys, in any order. Latin words are
  // prefixes of words; a run of Chinese characters is a prefix of a key that is a suffix of the Chinese name,
  // so that it matches anywhere inside it.
  std::vector<std::string> prefixes;
  // kName: the Latin word typed last, the one most likely unfinished; the words before it are usually whole
  // words, which the pair keys below find fast (ADR 0020).
  std::string last_word;
};

// Characters, after folding; a single Chinese character (a surname: 陳) is enough.
inline constexpr std::size_t kReaderQueryMinLength = 2;
inline constexpr std::size_t kReaderQueryMaxLength = 100;

// Nullopt-free: a failure is kRequired (nothing typed), kTooShort ({min}), kTooLong or kHkidCheckDigit (an HKID
// with the wrong check character, so that a typing slip is not searched for as a name).
Outcome<ReaderQuery> classify_reader_query(std::string_view text);

// Case and width folded text: full-width forms to ASCII, ASCII letters to lower case, the ideographic space
// to a space. Other characters unchanged.
std::string fold_case_and_width(std::string_view text);

// The keys a reader with these names is found by: each Latin word of either name (punctuation and hyphens
// separate words: "CHAN, Tai-man" -> chan, tai, man), every suffix of each run of Chinese characters
// (陳大文 -> 陳大文, 大文, 文), and for each ordered pair of different Latin words of one name a pair key
// (pair_key("chan", "tai")). Sorted, without duplicates.
std::vector<std::string> reader_name_keys(std::string_view name, std::string_view name_zh);
// The key of two words of one name, whole word first: "\x1Fchan\x1Ftai". A query "chan ta" scans the keys
// beginning with pair_key("chan", "ta"). The leading separator keeps pair keys apart from word keys.
std::string pair_key(std::string_view whole_word, std::string_view second);
// The key of three words of one name, two whole words first: "\x1Echan\x1Ftai\x1Fman". Names of up to five
// words have one for every ordered triple of different words, so that a whole name typed is one short range.
std::string triple_key(std::string_view first, std::string_view second, std::string_view third);

}  // namespace shelfmark::domain
