#include "domain/bibliographic.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>

namespace shelfmark::domain {
namespace {

template <class Enum>
struct Code {
  Enum value;
  std::string_view code;
  std::string_view label;  // English, the gettext msgid
};

constexpr Code<Format> kFormats[] = {
    {Format::kBook, "book", "Book"},
    {Format::kPeriodical, "periodical", "Periodical"},
    {Format::kAudioVisual, "audio_visual", "Audio-visual material"},
    {Format::kMusicScore, "music_score", "Music score"},
    {Format::kMap, "map", "Map"},
    {Format::kEBook, "e_book", "E-book"},
    {Format::kOther, "other", "Other material"},
};
constexpr Code<Audience> kAudiences[] = {
    {Audience::kAdult, "adult", "Adults"},
    {Audience::kYoungAdult, "young_adult", "Young adults"},
    {Audience::kChildren, "children", "Children"},
    {Audience::kUnknown, "unknown", "Any audience"},
};

template <class Enum, std::size_t N>
std::string_view code_of(const Code<Enum> (&table)[N], Enum value) {
  for (const auto& entry : table)
    if (entry.value == value) return entry.code;
  return table[0].code;
}
template <class Enum, std::size_t N>
std::string_view label_of(const Code<Enum> (&table)[N], Enum value) {
  for (const auto& entry : table)
    if (entry.value == value) return entry.label;
  return table[0].label;
}
template <class Enum, std::size_t N>
std::optional<Enum> parse_code(const Code<Enum> (&table)[N], std::string_view code) {
  for (const auto& entry : table)
    if (entry.code == code) return entry.value;
  return std::nullopt;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Full-width ISBD marks used in CJK cataloguing: ／ ： ； ， ＝ 。
constexpr std::array<std::string_view, 6> kWidePunctuation = {"\xEF\xBC\x8F", "\xEF\xBC\x9A", "\xEF\xBC\x9B",
                                                              "\xEF\xBC\x8C", "\xEF\xBC\x9D", "\xE3\x80\x82"};

// Characters of a control field, or ' ' when the field is shorter.
char at(const std::string& value, std::size_t position) { return position < value.size() ? value[position] : ' '; }

std::string join_subfields(const MarcField& field, std::string_view codes) {
  std::string out;
  for (const auto& subfield : field.subfields) {
    if (codes.find(subfield.code) == std::string_view::npos) continue;
    const auto value = trim_spaces(subfield.value);
    if (value.empty()) continue;
    if (!out.empty()) out += ' ';
    out += value;
  }
  return out;
}

// 245 $a $b $n $p: a $h (medium) between them is left out, but the ISBD mark it ended with (" :" before $b)
// is kept on the part before it.
std::string title_of(const MarcField& field) {
  std::string out;
  for (const auto& subfield : field.subfields) {
    const auto value = trim_spaces(subfield.value);
    if (subfield.code == 'h') {
      for (std::string_view mark : {":", "=", ";"})
        if (!out.empty() && ends_with(value, mark) && !ends_with(trim_spaces(out), mark))
          out += " " + std::string(mark);
      continue;
    }
    if (std::string_view("abnp").find(subfield.code) == std::string_view::npos || value.empty()) continue;
    if (!out.empty()) out += ' ';
    out += value;
  }
  return trim_isbd(out);
}

std::string subject_of(const MarcField& field) {
  std::string main;
  std::string out;
  for (const auto& subfield : field.subfields) {
    const auto value = trim_spaces(subfield.value);
    if (value.empty()) continue;
    if (std::string_view("vxyz").find(subfield.code) != std::string_view::npos) {
      if (out.empty()) out = trim_isbd(main);
      out += (out.empty() ? "" : " -- ") + trim_isbd(value);
    } else if (std::string_view("abcdfgklmnopqrst").find(subfield.code) != std::string_view::npos) {
      if (!out.empty()) {
        out += ' ';
        out += value;
      } else {
        main += (main.empty() ? "" : " ") + std::string(value);
      }
    }
  }
  if (out.empty()) out = trim_isbd(main);
  return trim_isbd(out);
}

using Extractor = std::string (*)(const MarcField&);

std::string author_text(const MarcField& field) { return trim_isbd(join_subfields(field, "abcdq")); }
std::string series_text(const MarcField& field) { return trim_isbd(join_subfields(field, "a")); }
std::string responsibility_text(const MarcField& field) { return trim_isbd(join_subfields(field, "c")); }
std::string publisher_text(const MarcField& field) { return trim_isbd(join_subfields(field, "b")); }

// The 880s of a record, by the tag and occurrence they link to.
class Vernaculars {
 public:
  explicit Vernaculars(const MarcRecord& record) {
    for (const auto& field : record.fields) {
      if (field.tag != "880") continue;
      auto linkage = parse_linkage(field.subfield('6'));
      if (!linkage) continue;
      entries_.push_back({std::move(*linkage), &field, false});
    }
  }

  // The 880 linked to this field through its $6 "880-NN", marked as used.
  const MarcField* linked_to(const MarcField& field) {
    auto linkage = parse_linkage(field.subfield('6'));
    if (!linkage || linkage->tag != "880" || linkage->occurrence == "00") return nullptr;
    for (auto& entry : entries_) {
      if (entry.linkage.tag == field.tag && entry.linkage.occurrence == linkage->occurrence) {
        entry.used = true;
        return entry.field;
      }
    }
    return nullptr;
  }

  // 880s for one of `tags` that no field has claimed (call after linked_to for every field of the tags).
  std::vector<const MarcField*> unlinked(std::initializer_list<std::string_view> tags) {
    std::vector<const MarcField*> out;
    for (auto& entry : entries_) {
      if (entry.used) continue;
      if (std::find(tags.begin(), tags.end(), entry.linkage.tag) == tags.end()) continue;
      entry.used = true;
      out.push_back(entry.field);
    }
    return out;
  }

 private:
  struct Entry {
    Linkage linkage;
    const MarcField* field;
    bool used;
  };
  std::vector<Entry> entries_;
};

LinkedText linked(Vernaculars& vernaculars, const MarcField& field, Extractor extract) {
  LinkedText text{extract(field), ""};
  if (const auto* vernacular = vernaculars.linked_to(field)) text.vernacular = extract(*vernacular);
  if (text.vernacular == text.text) text.vernacular.clear();
  return text;
}

void add_unique(std::vector<LinkedText>& list, LinkedText text) {
  if (text.text.empty() && text.vernacular.empty()) return;
  for (const auto& existing : list)
    if (existing.text == text.text && existing.vernacular == text.vernacular) return;
  list.push_back(std::move(text));
}

void collect(const MarcRecord& record, Vernaculars& vernaculars, std::initializer_list<std::string_view> tags,
             Extractor extract, std::vector<LinkedText>& out) {
  // Fields in record order (a 100 before its 700s, as catalogued).
  for (const auto& field : record.fields)
    if (std::find(tags.begin(), tags.end(), field.tag) != tags.end())
      add_unique(out, linked(vernaculars, field, extract));
  for (const auto* orphan : vernaculars.unlinked(tags)) add_unique(out, LinkedText{extract(*orphan), ""});
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int> first_year_in(std::string_view text) {
  for (std::size_t i = 0; i + 4 <= text.size(); ++i) {
    if (all_digits(text.substr(i, 4)) &&
        (i + 4 == text.size() || !std::isdigit(static_cast<unsigned char>(text[i + 4]))) &&
        (i == 0 || !std::isdigit(static_cast<unsigned char>(text[i - 1]))))
      return std::stoi(std::string(text.substr(i, 4)));
  }
  return std::nullopt;
}

const MarcField* publication_field(const MarcRecord& record) {
  for (const auto* field : record.all("264"))
    if (field->ind2 == '1') return field;
  return record.first("260");
}

std::string normalise_issn(std::string_view text) {
  std::string out;
  for (char c : trim_spaces(text)) {
    if (std::isdigit(static_cast<unsigned char>(c)) || c == 'X' || c == 'x')
      out += static_cast<char>(std::toupper(c));
    else if (c == '-' || c == ' ')
      continue;
    else
      break;
  }
  if (out.size() == 8) return out.substr(0, 4) + "-" + out.substr(4);
  return std::string(trim_isbd(text));
}

bool is_electronic_form(char c) { return c == 'o' || c == 'q' || c == 's'; }

Format format_of(const MarcRecord& record) {
  const char type = at(record.leader, 6);
  const char level = at(record.leader, 7);
  const auto* f008 = record.first("008");
  const std::string fixed = f008 ? f008->value : std::string();
  switch (type) {
    case 'a':
    case 't': {
      if (type == 'a' && (level == 's' || level == 'b' || level == 'i')) return Format::kPeriodical;
      bool electronic = is_electronic_form(at(fixed, 23));
      for (const auto* f007 : record.all("007"))
        if (at(f007->value, 0) == 'c') electronic = true;
      return electronic ? Format::kEBook : Format::kBook;
    }
    case 'c':
    case 'd':
      return Format::kMusicScore;
    case 'e':
    case 'f':
      return Format::kMap;
    case 'g':
    case 'i':
    case 'j':
    case 'k':
    case 'o':
    case 'r':
      return Format::kAudioVisual;
    default:
      return Format::kOther;
  }
}

Audience audience_of(const MarcRecord& record, Format format) {
  // 008/22 is target audience for books, computer files, music and visual materials; not for maps and
  // continuing resources, where the position means something else.
  if (format == Format::kMap || format == Format::kPeriodical) return Audience::kUnknown;
  const auto* f008 = record.first("008");
  if (!f008) return Audience::kUnknown;
  switch (at(f008->value, 22)) {
    case 'a':
    case 'b':
    case 'c':
    case 'j':
      return Audience::kChildren;
    case 'd':
      return Audience::kYoungAdult;
    case 'e':
    case 'f':
    case 'g':
      return Audience::kAdult;
    default:
      return Audience::kUnknown;
  }
}

std::string language_of(const MarcRecord& record) {
  if (const auto* f008 = record.first("008"); f008 && f008->value.size() >= 38) {
    const auto code = f008->value.substr(35, 3);
    if (std::all_of(code.begin(), code.end(), [](char c) { return c >= 'a' && c <= 'z'; })) return code;
  }
  if (const auto* f041 = record.first("041")) {
    const auto code = std::string(trim_spaces(f041->subfield('a')));
    if (code.size() >= 3 && std::all_of(code.begin(), code.begin() + 3, [](char c) { return c >= 'a' && c <= 'z'; }))
      return code.substr(0, 3);
  }
  return "";
}

std::string call_number_of(const MarcRecord& record) {
  for (std::string_view tag : {"050", "082", "090", "099"}) {
    for (const auto* field : record.all(tag)) {
      auto text = tag == "082" ? std::string(trim_spaces(field->subfield('a'))) : join_subfields(*field, "ab");
      if (!text.empty()) return text;
    }
  }
  return "";
}

}  // namespace

std::string MarcField::subfield(char code) const {
  for (const auto& subfield : subfields)
    if (subfield.code == code) return subfield.value;
  return "";
}

std::vector<std::string> MarcField::subfields_of(char code) const {
  std::vector<std::string> out;
  for (const auto& subfield : subfields)
    if (subfield.code == code) out.push_back(subfield.value);
  return out;
}

const MarcField* MarcRecord::first(std::string_view tag) const {
  for (const auto& field : fields)
    if (field.tag == tag) return &field;
  return nullptr;
}

std::vector<const MarcField*> MarcRecord::all(std::string_view tag) const {
  std::vector<const MarcField*> out;
  for (const auto& field : fields)
    if (field.tag == tag) out.push_back(&field);
  return out;
}

std::string_view format_code(Format format) { return code_of(kFormats, format); }
std::optional<Format> parse_format(std::string_view code) { return parse_code(kFormats, code); }
std::string_view format_label(Format format) { return label_of(kFormats, format); }
std::vector<Format> all_formats() {
  std::vector<Format> out;
  for (const auto& entry : kFormats) out.push_back(entry.value);
  return out;
}
std::string_view audience_code(Audience audience) { return code_of(kAudiences, audience); }
std::optional<Audience> parse_audience(std::string_view code) { return parse_code(kAudiences, code); }
std::string_view audience_label(Audience audience) { return label_of(kAudiences, audience); }

std::string normalise_isbn(std::string_view text) {
  std::string out;
  for (char c : trim_spaces(text)) {
    if (c >= '0' && c <= '9')
      out += c;
    else if ((c == 'X' || c == 'x') && out.size() == 9)
      out += 'X';
    else if (c == '-' || (c == ' ' && !out.empty() && out.size() < 10))
      continue;
    else
      break;
  }
  return out;
}

bool is_valid_isbn(std::string_view isbn) {
  if (isbn.size() == 10) {
    int sum = 0;
    for (int i = 0; i < 10; ++i) {
      const char c = isbn[i];
      int digit;
      if (c >= '0' && c <= '9')
        digit = c - '0';
      else if (c == 'X' && i == 9)
        digit = 10;
      else
        return false;
      sum += digit * (10 - i);
    }
    return sum % 11 == 0;
  }
  if (isbn.size() == 13 && all_digits(isbn) && (isbn.substr(0, 3) == "978" || isbn.substr(0, 3) == "979")) {
    int sum = 0;
    for (int i = 0; i < 13; ++i) sum += (isbn[i] - '0') * (i % 2 == 0 ? 1 : 3);
    return sum % 10 == 0;
  }
  return false;
}

std::string isbn13_of(std::string_view isbn) {
  if (!is_valid_isbn(isbn)) return "";
  if (isbn.size() == 13) return std::string(isbn);
  std::string out = "978" + std::string(isbn.substr(0, 9));
  int sum = 0;
  for (int i = 0; i < 12; ++i) sum += (out[i] - '0') * (i % 2 == 0 ? 1 : 3);
  out += static_cast<char>('0' + (10 - sum % 10) % 10);
  return out;
}

std::optional<Linkage> parse_linkage(std::string_view subfield6) {
  subfield6 = trim_spaces(subfield6);
  if (subfield6.size() < 6 || subfield6[3] != '-') return std::nullopt;
  const auto tag = subfield6.substr(0, 3);
  const auto occurrence = subfield6.substr(4, 2);
  if (!all_digits(tag) || !all_digits(occurrence)) return std::nullopt;
  if (subfield6.size() > 6 && subfield6[6] != '/') return std::nullopt;
  return Linkage{std::string(tag), std::string(occurrence)};
}

std::string trim_isbd(std::string_view text) {
  text = trim_spaces(text);
  for (bool changed = true; changed && !text.empty();) {
    changed = false;
    for (auto mark : kWidePunctuation) {
      if (ends_with(text, mark)) {
        text = trim_spaces(text.substr(0, text.size() - mark.size()));
        changed = true;
      }
    }
    if (text.empty()) break;
    const char last = text.back();
    if (last == '/' || last == ':' || last == ';' || last == '=' || last == ',') {
      text = trim_spaces(text.substr(0, text.size() - 1));
      changed = true;
    } else if (last == '.') {
      if (ends_with(text, "..")) break;  // an ellipsis, or "etc..." as typed
      // "Smith, John A." and "U.S.": a single letter before the full stop is an initial.
      const auto n = text.size();
      if (n >= 2 && std::isalpha(static_cast<unsigned char>(text[n - 2])) &&
          (n == 2 || text[n - 3] == ' ' || text[n - 3] == '.'))
        break;
      text = trim_spaces(text.substr(0, n - 1));
      changed = true;
    }
  }
  return std::string(text);
}

Bibliographic extract_bibliographic(const MarcRecord& record) {
  Bibliographic out;
  Vernaculars vernaculars(record);
  if (const auto* f001 = record.first("001")) out.control_number = std::string(trim_spaces(f001->value));

  if (const auto* f245 = record.first("245")) {
    out.title = linked(vernaculars, *f245, title_of);
    out.responsibility = LinkedText{responsibility_text(*f245), ""};
    if (const auto* vernacular = vernaculars.linked_to(*f245)) {
      out.responsibility.vernacular = responsibility_text(*vernacular);
      if (out.responsibility.vernacular == out.responsibility.text) out.responsibility.vernacular.clear();
    }
  }
  // A vernacular title with no romanised 245 linked to it still names the record.
  for (const auto* orphan : vernaculars.unlinked({"245"})) {
    if (out.title.vernacular.empty()) out.title.vernacular = title_of(*orphan);
    if (out.title.text.empty()) out.title.text = title_of(*orphan);
  }

  collect(record, vernaculars, {"100", "110", "111", "700", "710", "711"}, author_text, out.authors);
  collect(record, vernaculars, {"600", "610", "611", "630", "650", "651"}, subject_of, out.subjects);
  collect(record, vernaculars, {"490", "830"}, series_text, out.series);

  if (const auto* f250 = record.first("250")) {
    // "2nd ed." keeps its full stop: in an edition statement it ends an abbreviation.
    out.edition = trim_isbd(f250->subfield('a'));
    if (ends_with(trim_spaces(f250->subfield('a')), ".") && !ends_with(out.edition, ".")) out.edition += '.';
  }

  if (const auto* publication = publication_field(record)) {
    out.publisher = linked(vernaculars, *publication, publisher_text);
    out.place = trim_isbd(join_subfields(*publication, "a"));
  }

  if (const auto* f008 = record.first("008"); f008 && f008->value.size() >= 11) {
    const auto year = f008->value.substr(7, 4);
    if (all_digits(year) && year != "0000") out.year = std::stoi(year);
  }
  if (!out.year) {
    if (const auto* publication = publication_field(record)) out.year = first_year_in(publication->subfield('c'));
  }

  std::vector<std::string> invalid;
  for (const auto* field : record.all("020")) {
    for (const auto& value : field->subfields_of('a')) {
      auto isbn = normalise_isbn(value);
      if (isbn.empty()) continue;
      auto& list = is_valid_isbn(isbn) ? out.isbns : invalid;
      if (std::find(out.isbns.begin(), out.isbns.end(), isbn) == out.isbns.end() &&
          std::find(invalid.begin(), invalid.end(), isbn) == invalid.end())
        list.push_back(std::move(isbn));
    }
  }
  out.isbns.insert(out.isbns.end(), invalid.begin(), invalid.end());

  for (const auto* field : record.all("022")) {
    auto issn = normalise_issn(field->subfield('a'));
    if (!issn.empty() && std::find(out.issns.begin(), out.issns.end(), issn) == out.issns.end())
      out.issns.push_back(std::move(issn));
  }

  out.language = language_of(record);
  if (const auto* f300 = record.first("300")) out.physical_description = trim_isbd(join_subfields(*f300, "abce"));
  for (const auto& field : record.fields) {
    if (field.tag.size() != 3 || field.tag[0] != '5') continue;
    for (const auto& value : field.subfields_of('a')) {
      auto note = std::string(trim_spaces(value));
      if (!note.empty()) out.notes.push_back(std::move(note));
    }
  }
  out.format = format_of(record);
  out.audience = audience_of(record, out.format);
  out.call_number = call_number_of(record);
  return out;
}

std::string display_title(const Bibliographic& bibliographic) {
  if (!bibliographic.title.vernacular.empty()) return bibliographic.title.vernacular;
  if (!bibliographic.title.text.empty()) return bibliographic.title.text;
  return "[no title] " + bibliographic.control_number;
}

}  // namespace shelfmark::domain
