// Ports to the adapters that clean uploaded images and deliver email. Kept apart from ports.h so that code
// handling neither does not depend on them.
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace shelfmark::app {

// Why an uploaded file was refused. Each becomes a message beside the upload field.
enum class ImageProblem {
  kEmpty,               // no bytes at all
  kNotJpegOrPng,        // content is not a JPEG or PNG image, whatever its name says (a PDF, a ZIP, text...)
  kTruncatedOrCorrupt,  // starts like an image but cannot be decoded completely
  kTrailingData,        // something is appended after the image's end (a polyglot, e.g. PNG + ZIP)
  kTooManyPixels,       // dimensions beyond the limit (decompression bomb), refused before decoding
};

// An image decoded in full and encoded again from its pixels alone: no metadata (EXIF, GPS, comments, ICC),
// nothing appended. The EXIF orientation, if any, has been applied to the pixels first.
struct CleanImage {
  std::string media_type;  // "image/jpeg" or "image/png", the same format as the upload
  std::string bytes;
  int width = 0;
  int height = 0;
};

using ImageCheck = std::variant<CleanImage, ImageProblem>;

// Thread safety: implementations may be shared by all threads; they bound how many decodes run at once.
class ImageSanitizer {
 public:
  virtual ~ImageSanitizer() = default;
  virtual ImageCheck sanitize(std::string_view bytes) = 0;
};

struct OutgoingEmail {
  std::string to;          // one address
  std::string subject;     // UTF-8
  std::string text_body;   // UTF-8 plain text, lines separated by \n
  std::string message_id;  // unique, without angle brackets, e.g. "outbox-42@shelfmark.example"
};

struct [[nodiscard]] SendOutcome {
  enum class Kind { kSent, kTemporaryFailure, kPermanentFailure };
  Kind kind = Kind::kSent;
  std::string detail;  // the server's reply or the transport error, for the operator; never the body
};

// Thread safety: implementations may be shared by all threads.
class MailTransport {
 public:
  virtual ~MailTransport() = default;
  virtual SendOutcome send(const OutgoingEmail& email) = 0;
};

// A text message to a mobile phone, handed to the operator's SMS gateway.
struct OutgoingSms {
  std::string to;         // the mobile number as the reader gave it (8 digits in Hong Kong, or +country...)
  std::string text;       // UTF-8
  std::string reference;  // unique per message ("outbox-42"), so a gateway can drop a repeat
};

// Thread safety: implementations may be shared by all threads.
class SmsTransport {
 public:
  virtual ~SmsTransport() = default;
  virtual SendOutcome send(const OutgoingSms& sms) = 0;
};

}  // namespace shelfmark::app
