// Catalogue records: the MARC21 record as data, and the fields readers need, drawn from it. Pure: the MARC
// adapter (src/marc, YAZ) turns bytes into a MarcRecord; extract_bibliographic() decides what a reader sees.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shelfmark::domain {

struct MarcSubfield {
  char code = 'a';
  std::string value;  // UTF-8
  friend bool operator==(const MarcSubfield&, const MarcSubfield&) = default;
};

struct MarcField {
  std::string tag;    // "001", "245", "880"
  std::string value;  // control fields (tags 001-009) only
  char ind1 = ' ', ind2 = ' ';
  std::vector<MarcSubfield> subfields;
  bool is_control() const { return tag.size() == 3 && tag < "010"; }
  // The first value of a subfield, or empty.
  std::string subfield(char code) const;
  std::vector<std::string> subfields_of(char code) const;
  friend bool operator==(const MarcField&, const MarcField&) = default;
};

struct MarcRecord {
  std::string leader;  // 24 characters
  std::vector<MarcField> fields;
  const MarcField* first(std::string_view tag) const;
  std::vector<const MarcField*> all(std::string_view tag) const;
  friend bool operator==(const MarcRecord&, const MarcRecord&) = default;
};

enum class Format { kBook, kPeriodical, kAudioVisual, kMusicScore, kMap, kEBook, kOther };
std::string_view format_code(Format format);  // "book", "periodical", ...
std::optional<Format> parse_format(std::string_view code);
std::string_view format_label(Format format);  // English, the gettext msgid
std::vector<Format> all_formats();

enum class Audience { kAdult, kYoungAdult, kChildren, kUnknown };
std::string_view audience_code(Audience audience);
std::optional<Audience> parse_audience(std::string_view code);
std::string_view audience_label(Audience audience);  // English, the gettext msgid

// ISBNs as typed in 020 $a ("0-394-50288-4 (pbk.)", "9780394502885 :"): the leading digits and X, without
// hyphens or spaces, X upper case. Empty when the text does not start with an ISBN-like token.
std::string normalise_isbn(std::string_view text);
// True for a 10-character ISBN with a valid mod-11 check digit, or a 13-digit 978/979 ISBN with a valid
// EAN-13 check digit (input already normalised).
bool is_valid_isbn(std::string_view isbn);
// The ISBN-13 of a valid ISBN-10 (or the ISBN-13 itself); empty when invalid. Lets search match either form.
std::string isbn13_of(std::string_view isbn);

// 880 linkage ($6 "245-01/$1"): the linked tag ("245") and occurrence ("01"); occurrence "00" means the
// 880 has no romanised counterpart.
struct Linkage {
  std::string tag;
  std::string occurrence;
};
std::optional<Linkage> parse_linkage(std::string_view subfield6);

// Removes trailing ISBD punctuation (" /", " :", " ;", " =", ",", ".", and their full-width forms) and spaces.
// A final "." after an initial ("Smith, John A.") or in an ellipsis is kept.
std::string trim_isbd(std::string_view text);

// A title in the record's romanised/Latin form and, where an 880 field is linked to it through $6, in its
// vernacular script (Chinese, Japanese ...).
struct LinkedText {
  std::string text;
  std::string vernacular;
  friend bool operator==(const LinkedText&, const LinkedText&) = default;
};

// What readers see of a record, and what search indexes.
struct Bibliographic {
  std::string control_number;  // 001 as given (re-importing a record with the same 001 updates it)
  LinkedText title;            // 245 $a $b $n $p, trailing ISBD punctuation removed
  LinkedText responsibility;   // 245 $c
  // Multi-valued fields: an 880 with no romanised counterpart ($6 "700-00", or an occurrence no field
  // links to) becomes an entry of its own with `text` holding the vernacular and `vernacular` empty.
  std::vector<LinkedText> authors;         // 100, 110, 111, 700, 710, 711 ($a $b $c $d $q)
  std::vector<LinkedText> subjects;        // 600, 610, 611, 630, 650, 651 (subdivisions joined with " -- ")
  std::vector<LinkedText> series;          // 490 $a, 830 $a
  std::string edition;                     // 250 $a
  LinkedText publisher;                    // 264 (ind2 1) or 260: $b
  std::string place;                       // $a of the same field
  std::optional<int> year;                 // 008/07-10, else the first 4 digits of 264/260 $c
  std::vector<std::string> isbns;          // 020 $a, normalised (digits and X), valid ones first, then invalid ones
                                           // ($z, cancelled/invalid ISBNs, is not used)
  std::vector<std::string> issns;          // 022 $a, as NNNN-NNNC
  std::string language;                    // 008/35-37, else 041 $a: MARC language code ("eng", "chi")
  std::string physical_description;        // 300 $a $b $c $e
  std::vector<std::string> notes;          // 5XX $a
  Format format = Format::kBook;           // from leader/06-07, 007, 008 (see bibliographic.cpp)
  Audience audience = Audience::kUnknown;  // 008/22 (books, music, visual materials, computer files)
  std::string call_number;                 // 050/082/090/099, the first present in that order ($a $b joined)
  friend bool operator==(const Bibliographic&, const Bibliographic&) = default;
};

Bibliographic extract_bibliographic(const MarcRecord& record);

// The one-line title of a copy (loans, receipts, hold shelf): the vernacular form where the record has one
// (a Chinese title in Chinese), else the romanised form, else "[no title] <control number>".
std::string display_title(const Bibliographic& bibliographic);

}  // namespace shelfmark::domain
