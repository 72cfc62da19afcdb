#include "domain/reader_search.h"

#include <algorithm>
#include <set>

#include "core/text.h"
#include "domain/registration.h"

namespace shelfmark::domain {
namespace {

char32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto byte = static_cast<unsigned char>(text[i++]);
  if (byte < 0x80) return byte;
  const int extra = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : -1;
  if (extra < 0) return 0xFFFD;
  char32_t value = byte & (0x3F >> extra);
  for (int k = 0; k < extra; ++k) {
    if (i >= text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) return 0xFFFD;
    value = (value << 6) | (static_cast<unsigned char>(text[i++]) & 0x3F);
  }
  return value;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

char32_t fold(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full-width forms
  if (c == 0x3000) c = U' ';                    // ideographic space
  if (c >= U'A' && c <= U'Z') c += U'a' - U'A';
  return c;
}

bool is_cjk(char32_t c) {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0x20000 && c <= 0x3FFFF);
}

// Letters and digits of words; ASCII punctuation, general and CJK punctuation, and symbols separate words.
bool is_word_character(char32_t c) {
  if (c < 0x80) return (c >= U'a' && c <= U'z') || (c >= U'0' && c <= U'9') || (c >= U'A' && c <= U'Z');
  if (c <= 0xBF || c == 0xD7 || c == 0xF7) return false;
  if (c >= 0x2000 && c <= 0x2BFF) return false;  // punctuation, symbols, arrows, shapes
  if (c >= 0x3000 && c <= 0x303F) return false;  // CJK punctuation
  if (c == 0x30FB || (c >= 0xFE30 && c <= 0xFE6F) || (c >= 0xFF00 && c <= 0xFF65)) return false;
  if (c == 0xFFFD) return false;
  return !is_cjk(c);
}

// The pieces of folded text: Latin words, and runs of Chinese characters (other characters removed).
struct Pieces {
  std::vector<std::string> words;
  std::vector<std::u32string> cjk_runs;
};

Pieces pieces_of(std::string_view text) {
  Pieces pieces;
  std::string word;
  std::u32string run;
  auto end_word = [&] {
    if (!word.empty()) pieces.words.push_back(std::move(word));
    word.clear();
  };
  auto end_run = [&] {
    if (!run.empty()) pieces.cjk_runs.push_back(std::move(run));
    run.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    const char32_t c = fold(next_code_point(text, i));
    if (is_cjk(c)) {
      end_word();
      run += c;
    } else if (is_word_character(c)) {
      end_run();
      append_utf8(word, c);
    } else {
      end_word();
      // Spaces and punctuation inside a Chinese name ("陳 大文", "陳·大文") do not break it.
      if (c != U' ' && c != 0x00B7 && c != 0x30FB) end_run();
    }
  }
  end_word();
  end_run();
  return pieces;
}

std::string utf8_of(std::u32string_view text) {
  std::string out;
  for (char32_t c : text) append_utf8(out, c);
  return out;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "a1234563", "ab9876543": the shape of an HKID (letters, six digits, a check character), folded and compact.
bool hkid_shaped(std::string_view compact) {
  const std::size_t letters = compact.size() == 9 ? 2 : compact.size() == 8 ? 1 : 0;
  if (letters == 0) return false;
  for (std::size_t i = 0; i < letters; ++i)
    if (compact[i] < 'a' || compact[i] > 'z') return false;
  if (!all_digits(compact.substr(letters, 6))) return false;
  const char check = compact.back();
  return (check >= '0' && check <= '9') || check == 'a';
}

}  // namespace

std::string fold_case_and_width(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) append_utf8(out, fold(next_code_point(text, i)));
  return out;
}

Outcome<ReaderQuery> classify_reader_query(std::string_view text) {
  const auto trimmed = trim(text);
  if (trimmed.empty()) return invalid({{"q", ErrorCode::kRequired, {}}});
  if (utf8_length(trimmed) > kReaderQueryMaxLength)
    return invalid({{"q", ErrorCode::kTooLong, {{"max", std::to_string(kReaderQueryMaxLength)}}}});
  const auto folded = std::string(trim(fold_case_and_width(trimmed)));
  std::string compact;  // without spaces, hyphens and brackets: how numbers are often written
  for (char c : folded)
    if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '\t') compact += c;

  ReaderQuery query;
  if (folded.find('@') != std::string::npos) {
    query.kind = ReaderQueryKind::kEmail;
    query.email = to_lower_ascii(normalise_email(folded).value_or(folded));
    return query;
  }
  if (hkid_shaped(compact)) {
    auto hkid = parse_hkid(trimmed);
    if (!hkid) return invalid({{"q", hkid.error().code, {}}});
    query.kind = ReaderQueryKind::kHkid;
    query.hkid = hkid->normal;
    return query;
  }
  if (compact.size() == 11 && compact[0] == 'e' && all_digits(compact.substr(1))) {
    query.kind = ReaderQueryKind::kCard;
    query.card = "E" + compact.substr(1);
    return query;
  }
  const bool plus = !compact.empty() && compact[0] == '+';
  if (all_digits(plus ? std::string_view(compact).substr(1) : std::string_view(compact))) {
    if (compact.size() < kReaderQueryMinLength)
      return invalid({{"q", ErrorCode::kTooShort, {{"min", std::to_string(kReaderQueryMinLength)}}}});
    const auto mobile = normalise_hk_mobile(compact);
    if (plus || (compact.size() == 11 && compact.starts_with("852"))) {
      query.kind = ReaderQueryKind::kMobile;
      query.mobile = mobile.value_or(compact);
      return query;
    }
    query.kind = ReaderQueryKind::kCard;
    query.card = compact;
    if (mobile) query.mobile = *mobile;
    return query;
  }

  const auto pieces = pieces_of(folded);
  std::size_t characters = 0;
  for (const auto& word : pieces.words) {
    characters += utf8_length(word);
    query.prefixes.push_back(word);
  }
  if (!pieces.words.empty()) query.last_word = pieces.words.back();
  for (const auto& run : pieces.cjk_runs) {
    characters += kReaderQueryMinLength * run.size();
    query.prefixes.push_back(utf8_of(run));
  }
  if (characters < kReaderQueryMinLength)
    return invalid({{"q", ErrorCode::kTooShort, {{"min", std::to_string(kReaderQueryMinLength)}}}});
  // A word typed twice narrows nothing.
  std::sort(query.prefixes.begin(), query.prefixes.end());
  query.prefixes.erase(std::unique(query.prefixes.begin(), query.prefixes.end()), query.prefixes.end());
  query.kind = ReaderQueryKind::kName;
  return query;
}

std::string pair_key(std::string_view whole_word, std::string_view second) {
  std::string key = "\x1F";
  key.append(whole_word);
  key += '\x1F';
  key.append(second);
  return key;
}

std::string triple_key(std::string_view first, std::string_view second, std::string_view third) {
  std::string key = "\x1E";
  key.append(first);
  key += '\x1F';
  key.append(second);
  key += '\x1F';
  key.append(third);
  return key;
}

std::vector<std::string> reader_name_keys(std::string_view name, std::string_view name_zh) {
  std::set<std::string> keys;
  for (auto text : {name, name_zh}) {
    auto pieces = pieces_of(text);
    const std::set<std::string> words(pieces.words.begin(), pieces.words.end());
    if (words.size() <= 8)
      for (const auto& first : words)
        for (const auto& second : words)
          if (first != second) keys.insert(pair_key(first, second));
    if (words.size() >= 3 && words.size() <= 5)
      for (const auto& first : words)
        for (const auto& second : words)
          for (const auto& third : words)
            if (first != second && first != third && second != third) keys.insert(triple_key(first, second, third));
    for (auto& word : pieces.words) keys.insert(std::move(word));
    for (const auto& run : pieces.cjk_runs)
      for (std::size_t start = 0; start < run.size() && start < 20; ++start)
        keys.insert(utf8_of(std::u32string_view(run).substr(start)));
  }
  return {keys.begin(), keys.end()};
}

}  // namespace shelfmark::domain
