// Reading MARC21 records from files: ISO2709 (MARC-8 or UTF-8) and MARCXML, one record at a time, into
// domain::MarcRecord with UTF-8 (NFC) text. A bad record is reported (its number, byte offset and the
// reason) and reading goes on with the next one.
//
// Encodings (ISO2709): leader/09 'a' means UTF-8 and blank means MARC-8, converted with YAZ ("marc8s":
// MARC-8 with combining diacritics composed). Kind::kAuto follows the leader, except that a record whose
// leader says MARC-8 but whose bytes are valid multi-byte UTF-8 without MARC-8 escapes is read as UTF-8
// (such files are common: FSL.marc); the result says so. kMarc8 and kUtf8 override the leader. MARCXML is
// always read as UTF-8. Records come out with leader/09 'a'.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "domain/bibliographic.h"

namespace shelfmark::marc {

enum class Encoding { kAuto, kMarc8, kUtf8 };
std::optional<Encoding> parse_encoding(std::string_view text);  // "auto", "marc8", "utf8"

struct ReadResult {
  long long number = 0;  // 1-based position of the record in the file
  long long offset = 0;  // byte offset of its first byte in the file
  std::optional<domain::MarcRecord> record;
  std::string error;          // why the record could not be read, when !record
  bool utf8_guessed = false;  // the leader said MARC-8 but the record was UTF-8 (kAuto only)
};

class Reader {
 public:
  virtual ~Reader() = default;
  // The next record (or the error it had); nullopt at the end of the input.
  virtual std::optional<ReadResult> next() = 0;
};

// The format is recognised from the content: MARCXML when the first non-blank byte is '<', ISO2709 otherwise.
// Both are streamed (MARCXML in chunks of 256 KB, each <record> parsed on its own; a record may be up to
// 64 MB). Throws std::runtime_error when the file cannot be opened.
std::unique_ptr<Reader> open_file(const std::string& path, Encoding encoding = Encoding::kAuto);
std::unique_ptr<Reader> open_bytes(std::string bytes, Encoding encoding = Encoding::kAuto);

// One ISO2709 record (with or without its 0x1D terminator): the record, or why it is unreadable.
struct Decoded {
  std::optional<domain::MarcRecord> record;
  std::string error;
  bool utf8_guessed = false;
};
Decoded decode_iso2709(std::string_view bytes, Encoding encoding = Encoding::kAuto);
// One MARCXML <record> element (a <collection> root takes its first record).
Decoded decode_marcxml(std::string_view xml);

}  // namespace shelfmark::marc
