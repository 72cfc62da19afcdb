// Protocol-neutral HTTP request and response values, and the parsers for what arrives in them (query
// strings, form bodies, multipart/form-data uploads, cookies, Accept-Language). Nothing here knows RESTinio:
// handlers are plain functions of Request -> Response, testable without a socket.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "domain/errors.h"
#include "domain/library.h"

namespace shelfmark::web {

using Fields = std::multimap<std::string, std::string>;

// A file part of a multipart/form-data body. A part beyond the per-file limit keeps its name but not its
// bytes (too_large), so the page can say which file was too large instead of refusing the whole form.
struct UploadedFile {
  std::string field;     // the form field's name
  std::string filename;  // as the browser sent it; never used to decide anything
  std::string content_type;
  std::string bytes;
  bool too_large = false;
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded, without the query string
  Fields query;
  Fields form;  // application/x-www-form-urlencoded bodies, and the text parts of multipart/form-data ones
  std::vector<UploadedFile> files;  // the file parts of multipart/form-data bodies
  std::map<std::string, std::string> cookies;
  std::string accept_language;
  std::string remote_address;
  bool tls = false;

  std::string query_value(const std::string& name) const;
  std::string form_value(const std::string& name) const;
  std::vector<std::string> form_values(const std::string& name) const;
  const UploadedFile* file(const std::string& field) const;  // the first file part of that name, or null
  std::string cookie(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string route = "unmatched";  // route pattern, for metrics and the access log

  void set_header(const std::string& name, const std::string& value);
  const std::string* header(const std::string& name) const;
};

Response redirect(const std::string& location, int status = 303);

// Percent-decoding; '+' becomes a space when plus_is_space. Nullopt for malformed escapes.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);
std::string percent_encode(std::string_view text);
// Parses "a=1&b=2&a=3". Malformed pairs are skipped; nullopt when the text is not valid UTF-8 after decoding.
std::optional<Fields> parse_urlencoded(std::string_view text);

// An application/x-www-form-urlencoded body, on any route. Our forms have at most a few dozen fields; a
// larger body or one with more fields is refused before anything is decoded or stored, so a crafted body
// of a few MiB with millions of empty fields costs nothing but its read (Hardening 2). The size fits the
// longest form we take: an activity (four texts of 5,000 characters and ten of 200) or a notice (two
// bodies of 10,000) is at most about 270 KB urlencoded, at 12 bytes for a 4-byte UTF-8 character
// (9 for Chinese), so a text over its own limit still gets the form's "too long" message.
struct FormLimits {
  std::size_t max_bytes = 512 * 1024;
  int max_fields = 1000;  // "&"-separated pieces, empty ones aside
};
enum class FormError {
  kTooLarge,       // over max_bytes (answer 413)
  kTooManyFields,  // over max_fields (answer 413)
  kInvalidText,    // not UTF-8 after decoding (answer 400)
};
std::variant<Fields, FormError> parse_form(std::string_view body, const FormLimits& limits = {});

// multipart/form-data (RFC 7578). The defaults fit the largest form we take: two 3 MiB images plus text.
struct MultipartLimits {
  std::size_t max_file_bytes = 3 * 1024 * 1024;  // larger files come back too_large, without their bytes
  int max_files = 4;
  int max_parts = 64;  // every part counts, also those skipped for having no name
  std::size_t max_text_bytes = 64 * 1024;
};
enum class MultipartError {
  kNoBoundary,    // no usable boundary in the Content-Type: missing, empty, over 70 characters, not RFC 2046 bchars
  kMalformed,     // no opening or closing delimiter, a part without a blank line after its headers, ...
  kTooManyParts,  // more than max_parts parts
  kTooManyFiles,  // more than max_files file parts
  kInvalidText,   // a text part over max_text_bytes, or a name, filename, content type or text not UTF-8
};
struct MultipartBody {
  Fields fields;                    // the text parts, by name
  std::vector<UploadedFile> files;  // the file parts, in body order
};
// Parses a multipart/form-data body; the caller has checked the media type, this reads only the boundary
// parameter (quoted or not). Decisions, for the browser-sent bodies this is for:
// - Lines end in CRLF, as every browser sends them. Bare LF is kMalformed rather than accepted: accepting
//   it would make "\n--boundary" inside a file's bytes a delimiter and cut the file.
// - A line that starts with the delimiter but goes on with more than whitespace is content, not a
//   delimiter (the boundary may be a prefix of a line in a file). The final CRLF after the closing
//   delimiter may be missing; preamble and epilogue are ignored.
// - A part with a filename parameter is a file, even when the filename is empty: that is what browsers send
//   for a file input with no file chosen, and the handler says "required" for it.
// - Quoted parameters take \" and \\ as escapes; other backslashes stay (old browsers send "C:\dir\a.jpg").
//   filename*= is ignored. Parts whose Content-Disposition is not form-data, or has no name, are skipped.
// Every string handed out (names, filenames, content types, text values) is valid UTF-8; file bytes are
// not checked. Linear in the body size; each value is copied once, out of the body.
std::variant<MultipartBody, MultipartError> parse_multipart(std::string_view content_type_header, std::string_view body,
                                                            const MultipartLimits& limits = {});

std::map<std::string, std::string> parse_cookies(std::string_view header);
// The reader's preferred language from an Accept-Language header: any Chinese (zh, zh-HK, zh-Hant, yue)
// before English picks Traditional Chinese; otherwise English.
domain::Language negotiate_language(std::string_view accept_language);

std::string html_escape(std::string_view text);

// The HTTP status that answers a use case's failure, the same on every page: 403 not allowed, 404 not found,
// 409 an edit conflict (someone saved first), 429 too many attempts or enquiries, and 422 for everything
// else (what was typed is refused; the form is shown again with the reasons). PageKit narrows it for a failure
// that ends on the error page (failure_page) and for one shown on a form (form_status).
int http_status_for(domain::ErrorCode code);

}  // namespace shelfmark::web
