#include "marc/marc_reader.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <yaz/yaz-iconv.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/text.h"

namespace shelfmark::marc {
namespace {

using domain::MarcField;
using domain::MarcRecord;
using domain::MarcSubfield;

constexpr char kRecordEnd = '\x1D';
constexpr char kFieldEnd = '\x1E';
constexpr char kSubfieldMark = '\x1F';
constexpr std::size_t kLeaderLength = 24;

bool is_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int number_of(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

bool is_tag(std::string_view tag) {
  return tag.size() == 3 && std::all_of(tag.begin(), tag.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
         });
}

bool is_control_tag(std::string_view tag) { return tag.size() == 3 && tag[0] == '0' && tag[1] == '0'; }

// Indicators are a digit, a lower-case letter or blank; '|' (no attempt to code) and '#' (blank, as some
// systems write it) are accepted too.
bool is_indicator(char c) {
  return c == ' ' || c == '|' || c == '#' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
}

bool is_subfield_code(char c) { return c > ' ' && c < 0x7F; }

std::string printable(char c) {
  if (c >= 0x20 && c < 0x7F) return std::string("'") + c + "'";
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%02X", static_cast<unsigned char>(c));
  return buffer;
}

std::string where(const std::string& tag, char code = 0) {
  return "field " + tag + (code ? std::string(" $") + code : std::string());
}

// C0 and C1 controls cannot be stored in MARCXML (C0) and have no meaning in text: they are dropped.
std::string without_controls(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) continue;
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      ++i;  // U+0080..U+009F
      continue;
    }
    out += text[i];
  }
  return out;
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// NFC, so that "é" typed as e + combining acute and as one character compare (and index) the same.
std::string nfc(std::string text) {
  if (is_ascii(text)) return text;
  UErrorCode status = U_ZERO_ERROR;
  const auto* normalizer = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return text;
  const auto unicode = icu::UnicodeString::fromUTF8(text);
  if (normalizer->isNormalized(unicode, status) && U_SUCCESS(status)) return text;
  status = U_ZERO_ERROR;
  const auto normal = normalizer->normalize(unicode, status);
  if (U_FAILURE(status)) return text;
  std::string out;
  normal.toUTF8String(out);
  return out;
}

// Bytes ≥ 0x80 that form valid UTF-8 with at least one multi-byte character, and no MARC-8 escape.
bool looks_like_utf8(std::string_view bytes) {
  if (bytes.find('\x1B') != std::string_view::npos || is_ascii(bytes)) return false;
  return is_valid_utf8(bytes);
}

class Marc8 {
 public:
  Marc8() : cd_(yaz_iconv_open("utf8", "marc8s")) {
    if (!cd_) throw std::runtime_error("YAZ cannot convert MARC-8 to UTF-8");
  }
  ~Marc8() { yaz_iconv_close(cd_); }
  Marc8(const Marc8&) = delete;
  Marc8& operator=(const Marc8&) = delete;

  // UTF-8, or nullopt when the bytes are not valid MARC-8.
  std::optional<std::string> convert(std::string_view input) {
    if (is_ascii(input) && input.find('\x1B') == std::string_view::npos) return std::string(input);
    std::string out(input.size() * 4 + 16, '\0');
    char* in = const_cast<char*>(input.data());
    std::size_t in_left = input.size();
    char* next = out.data();
    std::size_t out_left = out.size();
    const auto done = yaz_iconv(cd_, &in, &in_left, &next, &out_left);
    bool ok = done != static_cast<std::size_t>(-1);
    // Flush and reset the shift state for the next value.
    if (yaz_iconv(cd_, nullptr, nullptr, &next, &out_left) == static_cast<std::size_t>(-1)) ok = false;
    if (!ok) {
      yaz_iconv(cd_, nullptr, nullptr, nullptr, nullptr);
      return std::nullopt;
    }
    out.resize(out.size() - out_left);
    if (!is_valid_utf8(out)) return std::nullopt;
    return out;
  }

 private:
  yaz_iconv_t cd_;
};

Marc8& marc8() {
  thread_local Marc8 converter;
  return converter;
}

struct Text {
  bool utf8 = true;
  std::string error;
  // The value as UTF-8 NFC without control characters; sets error when it cannot be decoded.
  std::string decode(std::string_view raw, const std::string& tag, char code = 0) {
    std::string value;
    if (utf8) {
      if (!is_valid_utf8(raw)) {
        const auto bad = first_bad_utf8(raw);
        error = where(tag, code) + ": invalid UTF-8 at byte " + std::to_string(bad) + " of the value";
        return "";
      }
      value = std::string(raw);
    } else {
      auto converted = marc8().convert(raw);
      if (!converted) {
        error = where(tag, code) + ": invalid MARC-8 (a bad escape sequence or character)";
        return "";
      }
      value = std::move(*converted);
    }
    return nfc(without_controls(std::move(value)));
  }

  static std::size_t first_bad_utf8(std::string_view raw) {
    for (std::size_t end = 1; end <= raw.size(); ++end) {
      // The first prefix that cannot be completed; good enough for a message.
      if (!is_valid_utf8(raw.substr(0, end))) {
        bool completes = false;
        for (std::size_t more = end + 1; more <= std::min(raw.size(), end + 3); ++more)
          if (is_valid_utf8(raw.substr(0, more))) completes = true;
        if (!completes) return end - 1;
      }
    }
    return raw.size();
  }
};

std::optional<MarcField> field_from(const std::string& tag, std::string_view data, Text& text) {
  MarcField field;
  field.tag = tag;
  if (is_control_tag(tag)) {
    field.value = text.decode(data, tag);
    if (!text.error.empty()) return std::nullopt;
    return field;
  }
  if (data.size() < 2) {
    text.error = where(tag) + ": too short to hold its two indicators";
    return std::nullopt;
  }
  if (!is_indicator(data[0]) || !is_indicator(data[1])) {
    text.error = where(tag) + ": bad indicator " + printable(!is_indicator(data[0]) ? data[0] : data[1]);
    return std::nullopt;
  }
  field.ind1 = data[0] == '#' ? ' ' : data[0];
  field.ind2 = data[1] == '#' ? ' ' : data[1];
  data.remove_prefix(2);
  // Blanks between the indicators and the first subfield (an extra indicator space, as in nepali.marc).
  while (!data.empty() && data[0] == ' ') data.remove_prefix(1);
  if (data.empty()) return field;
  if (data[0] != kSubfieldMark) {
    text.error = where(tag) + ": data after the indicators does not start with a subfield";
    return std::nullopt;
  }
  std::size_t at = 0;
  while (at < data.size()) {
    auto end = data.find(kSubfieldMark, at + 1);
    if (end == std::string_view::npos) end = data.size();
    const auto chunk = data.substr(at + 1, end - at - 1);
    at = end;
    if (chunk.empty()) continue;  // an empty subfield mark
    if (!is_subfield_code(chunk[0])) {
      text.error = where(tag) + ": bad subfield code " + printable(chunk[0]);
      return std::nullopt;
    }
    auto value = text.decode(chunk.substr(1), tag, chunk[0]);
    if (!text.error.empty()) return std::nullopt;
    field.subfields.push_back({chunk[0], std::move(value)});
  }
  return field;
}

}  // namespace

std::optional<Encoding> parse_encoding(std::string_view text) {
  if (text == "auto") return Encoding::kAuto;
  if (text == "marc8" || text == "marc-8") return Encoding::kMarc8;
  if (text == "utf8" || text == "utf-8") return Encoding::kUtf8;
  return std::nullopt;
}

Decoded decode_iso2709(std::string_view bytes, Encoding encoding) {
  Decoded out;
  auto fail = [&](std::string reason) {
    out.error = std::move(reason);
    return out;
  };
  if (!bytes.empty() && bytes.back() == kRecordEnd) bytes.remove_suffix(1);
  if (bytes.size() < kLeaderLength + 1) return fail("record too short (" + std::to_string(bytes.size()) + " bytes)");
  const auto leader = bytes.substr(0, kLeaderLength);
  if (std::any_of(leader.begin(), leader.end(), [](char c) { return c < 0x20 || c > 0x7E; }))
    return fail("leader has non-ASCII or control characters");
  // The directory runs from byte 24 to the first field terminator; the data starts right after it. The
  // base address in the leader is often wrong, so it is not trusted.
  const auto directory_end = bytes.find(kFieldEnd, kLeaderLength);
  if (directory_end == std::string_view::npos) return fail("no end of directory (field terminator) found");
  const auto directory = bytes.substr(kLeaderLength, directory_end - kLeaderLength);
  if (directory.size() % 12 != 0)
    return fail("directory length " + std::to_string(directory.size()) + " is not a multiple of 12");
  const auto data = bytes.substr(directory_end + 1);

  struct Entry {
    std::string tag;
    std::size_t length, start;
  };
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < directory.size(); i += 12) {
    const auto entry = directory.substr(i, 12);
    const auto tag = entry.substr(0, 3);
    if (!is_tag(tag))
      return fail("directory entry " + std::to_string(i / 12 + 1) + " has a bad tag \"" +
                  without_controls(std::string(tag)) + "\"");
    if (!is_digits(entry.substr(3, 4)) || !is_digits(entry.substr(7, 5)))
      return fail("directory entry " + std::to_string(i / 12 + 1) + " (" + std::string(tag) +
                  ") has a non-numeric length or start");
    entries.push_back({std::string(tag), static_cast<std::size_t>(number_of(entry.substr(3, 4))),
                       static_cast<std::size_t>(number_of(entry.substr(7, 5)))});
  }

  // Field data by the directory; when its numbers do not fit (lengths counted in characters rather than
  // bytes, say), by the field terminators instead, provided there is one field per directory entry.
  std::vector<std::string_view> chunks;
  bool directory_fits = true;
  for (const auto& entry : entries) {
    if (entry.length == 0 || entry.start + entry.length > data.size() ||
        data[entry.start + entry.length - 1] != kFieldEnd) {
      directory_fits = false;
      break;
    }
    chunks.push_back(data.substr(entry.start, entry.length - 1));
  }
  if (!directory_fits) {
    chunks.clear();
    auto rest = data;
    while (!rest.empty()) {
      const auto end = rest.find(kFieldEnd);
      if (end == std::string_view::npos) {
        if (!trim(rest).empty()) chunks.push_back(rest);
        break;
      }
      chunks.push_back(rest.substr(0, end));
      rest.remove_prefix(end + 1);
    }
    if (chunks.size() != entries.size())
      return fail("the directory lists " + std::to_string(entries.size()) + " fields but the record holds " +
                  std::to_string(chunks.size()));
  }

  Text text;
  switch (encoding) {
    case Encoding::kUtf8:
      text.utf8 = true;
      break;
    case Encoding::kMarc8:
      text.utf8 = false;
      break;
    case Encoding::kAuto:
      text.utf8 = leader[9] == 'a';
      if (!text.utf8 && looks_like_utf8(data)) text.utf8 = out.utf8_guessed = true;
      break;
  }

  MarcRecord record;
  record.leader = std::string(leader);
  record.leader[9] = 'a';
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto field = field_from(entries[i].tag, chunks[i], text);
    if (!field) return fail(text.error);
    record.fields.push_back(std::move(*field));
  }
  out.record = std::move(record);
  return out;
}

namespace {

std::string local_name(const xmlNode* node) { return node->name ? reinterpret_cast<const char*>(node->name) : ""; }

std::string attribute(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (!value) return "";
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

std::string content(const xmlNode* node) {
  xmlChar* value = xmlNodeGetContent(node);
  if (!value) return "";
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

const xmlNode* find_record(const xmlNode* node) {
  for (; node; node = node->next) {
    if (node->type != XML_ELEMENT_NODE) continue;
    if (local_name(node) == "record") return node;
    if (const auto* inner = find_record(node->children)) return inner;
  }
  return nullptr;
}

struct FirstXmlError {
  std::string message;
  static void handle(void* self, xmlErrorPtr error) {
    auto* first = static_cast<FirstXmlError*>(self);
    if (!first->message.empty() || !error || error->level < XML_ERR_ERROR) return;
    std::string text = error->message ? error->message : "not well-formed XML";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    first->message = text + " (line " + std::to_string(error->line) + " of the record)";
  }
};

Decoded record_from_xml(const xmlNode* node) {
  Decoded out;
  MarcRecord record;
  bool has_leader = false;
  for (const xmlNode* child = node->children; child; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    const auto name = local_name(child);
    if (name == "leader") {
      record.leader = without_controls(content(child));
      has_leader = true;
    } else if (name == "controlfield") {
      MarcField field;
      field.tag = attribute(child, "tag");
      if (!is_tag(field.tag)) {
        out.error = "controlfield with a bad tag '" + field.tag + "'";
        return out;
      }
      // Found by fuzzing: a control field under a data field's tag (or the reverse) cannot be written as
      // ISO2709, which decides by the tag alone.
      if (!is_control_tag(field.tag)) {
        out.error = "controlfield with tag '" + field.tag + "': control fields are 001 to 009";
        return out;
      }
      field.value = nfc(without_controls(content(child)));
      record.fields.push_back(std::move(field));
    } else if (name == "datafield") {
      MarcField field;
      field.tag = attribute(child, "tag");
      if (!is_tag(field.tag)) {
        out.error = "datafield with a bad tag '" + field.tag + "'";
        return out;
      }
      if (is_control_tag(field.tag)) {
        out.error = "datafield with tag '" + field.tag + "': 001 to 009 are control fields";
        return out;
      }
      const auto ind1 = attribute(child, "ind1"), ind2 = attribute(child, "ind2");
      for (const auto& ind : {ind1, ind2}) {
        if (ind.size() > 1 || (ind.size() == 1 && !is_indicator(ind[0]))) {
          out.error = where(field.tag) + ": bad indicator '" + ind + "'";
          return out;
        }
      }
      field.ind1 = ind1.empty() || ind1 == "#" ? ' ' : ind1[0];
      field.ind2 = ind2.empty() || ind2 == "#" ? ' ' : ind2[0];
      for (const xmlNode* sub = child->children; sub; sub = sub->next) {
        if (sub->type != XML_ELEMENT_NODE || local_name(sub) != "subfield") continue;
        const auto code = attribute(sub, "code");
        if (code.size() != 1 || !is_subfield_code(code[0])) {
          out.error = where(field.tag) + ": bad subfield code '" + code + "'";
          return out;
        }
        field.subfields.push_back({code[0], nfc(without_controls(content(sub)))});
      }
      record.fields.push_back(std::move(field));
    }
  }
  if (!has_leader) {
    out.error = "record has no leader";
    return out;
  }
  if (record.leader.size() != kLeaderLength) {
    out.error = "leader is " + std::to_string(record.leader.size()) + " characters long, not 24";
    return out;
  }
  record.leader[9] = 'a';
  out.record = std::move(record);
  return out;
}

}  // namespace

Decoded decode_marcxml(std::string_view xml) {
  Decoded out;
  if (xml.size() > static_cast<std::size_t>(INT32_MAX)) {
    out.error = "record too large";
    return out;
  }
  xmlParserCtxtPtr context = xmlNewParserCtxt();
  if (!context) throw std::runtime_error("libxml2: out of memory");
  // The first error is the telling one (later ones follow from it); nothing goes to stderr.
  FirstXmlError first;
  xmlSetStructuredErrorFunc(&first, &FirstXmlError::handle);
  // No network, no entity expansion (no XXE).
  xmlDocPtr doc = xmlCtxtReadMemory(context, xml.data(), static_cast<int>(xml.size()), nullptr, "UTF-8",
                                    XML_PARSE_NONET | XML_PARSE_NOWARNING);
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  if (!doc) {
    out.error = "XML error: " + (first.message.empty() ? std::string("not well-formed XML") : first.message);
    xmlFreeParserCtxt(context);
    return out;
  }
  const auto* record = find_record(xmlDocGetRootElement(doc));
  if (!record)
    out.error = "no <record> element";
  else
    out = record_from_xml(record);
  xmlFreeDoc(doc);
  xmlFreeParserCtxt(context);
  return out;
}

namespace {

// ISO2709: records end with 0x1D. Stray terminators and line breaks between records are skipped.
class Iso2709Reader final : public Reader {
 public:
  Iso2709Reader(std::unique_ptr<std::istream> input, Encoding encoding)
      : input_(std::move(input)), encoding_(encoding) {}

  std::optional<ReadResult> next() override {
    std::string chunk;
    while (true) {
      const auto start = offset_;
      if (!std::getline(*input_, chunk, kRecordEnd)) return std::nullopt;
      const bool terminated = !input_->eof();
      offset_ += static_cast<long long>(chunk.size()) + (terminated ? 1 : 0);
      // Skip blank bytes between records (stray 0x1D, newlines, padding).
      std::size_t skip = 0;
      while (skip < chunk.size() &&
             (chunk[skip] == '\n' || chunk[skip] == '\r' || chunk[skip] == ' ' || chunk[skip] == '\0'))
        ++skip;
      if (skip == chunk.size()) continue;
      ReadResult result;
      result.number = ++number_;
      result.offset = start + static_cast<long long>(skip);
      auto decoded = decode_iso2709(std::string_view(chunk).substr(skip), encoding_);
      if (!decoded.record && !terminated)
        decoded.error = "truncated record at the end of the file (" + decoded.error + ")";
      result.record = std::move(decoded.record);
      result.error = std::move(decoded.error);
      result.utf8_guessed = decoded.utf8_guessed;
      return result;
    }
  }

 private:
  std::unique_ptr<std::istream> input_;
  Encoding encoding_;
  long long offset_ = 0;
  long long number_ = 0;
};

// MARCXML: each <record>…</record> is parsed on its own, so a broken record does not hide the ones after it.
// The input is read in chunks: memory holds a chunk and the record being read, not the whole file.
class MarcXmlReader final : public Reader {
 public:
  MarcXmlReader(std::unique_ptr<std::istream> input, long long skipped) : input_(std::move(input)), base_(skipped) {}

  std::optional<ReadResult> next() override {
    if (finished_) return std::nullopt;
    std::size_t start;
    while ((start = find_start(position_)) == std::string::npos) {
      // Keep a tail that may hold the beginning of a start tag cut by the chunk boundary.
      discard_before(buffer_.size() > kTail ? buffer_.size() - kTail : 0);
      if (!fill()) {
        finished_ = true;
        if (number_ == 0) return ReadResult{1, 0, std::nullopt, "no MARCXML <record> found in the file"};
        return std::nullopt;
      }
    }
    discard_before(start);
    start = 0;
    ReadResult result;
    result.number = ++number_;
    result.offset = base_;
    // The element name as written ("record" or "marc:record"), to find its end tag.
    std::size_t name_end;
    while (true) {
      name_end = start + 1;
      while (name_end < buffer_.size() && !std::isspace(static_cast<unsigned char>(buffer_[name_end])) &&
             buffer_[name_end] != '>' && buffer_[name_end] != '/')
        ++name_end;
      if (name_end < buffer_.size() || !fill()) break;
    }
    const auto name = buffer_.substr(start + 1, name_end - start - 1);
    std::size_t end = std::string::npos;
    while (end == std::string::npos) {
      const auto close = buffer_.find("</" + name, name_end);
      const auto next_start = find_start(name_end);
      if (close != std::string::npos && (next_start == std::string::npos || close < next_start)) {
        const auto gt = buffer_.find('>', close);
        if (gt != std::string::npos) end = gt + 1;
      } else if (next_start != std::string::npos) {
        // No end tag before the next record starts: parse up to there and let the XML parser say what is wrong.
        end = next_start;
      }
      if (end != std::string::npos) break;
      if (buffer_.size() > kMaxRecord) {
        finished_ = true;
        result.error = "record larger than " + std::to_string(kMaxRecord / (1024 * 1024)) + " MB, or never closed";
        return result;
      }
      if (!fill()) end = buffer_.size();
    }
    position_ = end;
    auto chunk = buffer_.substr(0, end);
    // A prefixed element ("marc:record") needs its namespace declared to parse alone.
    const auto colon = name.find(':');
    if (colon != std::string::npos && chunk.find("xmlns:" + name.substr(0, colon)) == std::string::npos)
      chunk.insert(name.size() + 1, " xmlns:" + name.substr(0, colon) + "=\"http://www.loc.gov/MARC21/slim\"");
    auto decoded = decode_marcxml(chunk);
    result.record = std::move(decoded.record);
    result.error = std::move(decoded.error);
    return result;
  }

 private:
  static constexpr std::size_t kChunk = std::size_t{256} << 10;
  static constexpr std::size_t kTail = 64;
  static constexpr std::size_t kMaxRecord = std::size_t{64} << 20;

  bool fill() {
    if (eof_) return false;
    const auto old = buffer_.size();
    buffer_.resize(old + kChunk);
    input_->read(buffer_.data() + old, static_cast<std::streamsize>(kChunk));
    const auto got = static_cast<std::size_t>(input_->gcount());
    buffer_.resize(old + got);
    if (got < kChunk) eof_ = true;
    return got > 0;
  }

  void discard_before(std::size_t at) {
    at = std::min(at, buffer_.size());
    buffer_.erase(0, at);
    base_ += static_cast<long long>(at);
    position_ = position_ > at ? position_ - at : 0;
  }

  // The next "<record" or "<prefix:record" start tag at or after `from`.
  std::size_t find_start(std::size_t from) const {
    while (true) {
      const auto at = buffer_.find("record", from);
      if (at == std::string::npos || at + 6 >= buffer_.size()) return std::string::npos;
      from = at + 6;
      const auto after = buffer_[at + 6];
      if (!(after == '>' || after == '/' || std::isspace(static_cast<unsigned char>(after)))) continue;
      // Walk back over an optional "prefix:" to the '<'.
      std::size_t begin = at;
      if (begin > 0 && buffer_[begin - 1] == ':') {
        --begin;
        while (begin > 0 && (std::isalnum(static_cast<unsigned char>(buffer_[begin - 1])) ||
                             buffer_[begin - 1] == '_' || buffer_[begin - 1] == '-' || buffer_[begin - 1] == '.'))
          --begin;
      }
      if (begin > 0 && buffer_[begin - 1] == '<') return begin - 1;
    }
  }

  std::unique_ptr<std::istream> input_;
  std::string buffer_;
  long long base_;            // file offset of buffer_[0]
  std::size_t position_ = 0;  // in buffer_: where the search for the next record starts
  long long number_ = 0;
  bool eof_ = false;
  bool finished_ = false;
};

bool starts_like_xml(std::string_view head) {
  for (char c : head) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    return c == '<';
  }
  return false;
}

}  // namespace

std::unique_ptr<Reader> open_bytes(std::string bytes, Encoding encoding) {
  // A UTF-8 byte order mark before XML is allowed.
  const bool bom = bytes.rfind("\xEF\xBB\xBF", 0) == 0;
  if (starts_like_xml(std::string_view(bytes).substr(bom ? 3 : 0, 1024))) {
    auto input = std::make_unique<std::istringstream>(std::move(bytes));
    if (bom) input->seekg(3);
    return std::make_unique<MarcXmlReader>(std::move(input), bom ? 3 : 0);
  }
  return std::make_unique<Iso2709Reader>(std::make_unique<std::istringstream>(std::move(bytes)), encoding);
}

std::unique_ptr<Reader> open_file(const std::string& path, Encoding encoding) {
  auto input = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*input) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  char head[1024];
  input->read(head, sizeof head);
  const auto got = static_cast<std::size_t>(input->gcount());
  std::string_view view(head, got);
  const bool bom = view.rfind("\xEF\xBB\xBF", 0) == 0;
  if (bom) view.remove_prefix(3);
  input->clear();
  input->seekg(bom ? 3 : 0);
  if (starts_like_xml(view)) return std::make_unique<MarcXmlReader>(std::move(input), bom ? 3 : 0);
  return std::make_unique<Iso2709Reader>(std::move(input), encoding);
}

}  // namespace shelfmark::marc
