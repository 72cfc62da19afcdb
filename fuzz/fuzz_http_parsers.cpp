// Query strings, form bodies, multipart/form-data bodies, cookies and Accept-Language headers: never crash,
// and anything accepted is valid UTF-8 (file bytes aside) within its limits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "core/text.h"
#include "web/http.h"

namespace {

// The first byte picks the Content-Type; the rest is the body. The fixed boundary lets the fuzzer find
// delimiters, the others cover quoting, a missing boundary and a boundary at the 70-character limit.
constexpr std::string_view kContentTypes[] = {
    "multipart/form-data; boundary=X-BOUNDARY",
    "multipart/form-data; boundary=\"a b\\\"c\"",
    "Multipart/Form-Data; charset=utf-8; BOUNDARY=\"--x\"",
    "multipart/form-data",
    "multipart/form-data; boundary=0123456789012345678901234567890123456789012345678901234567890123456789",
    "multipart/form-data; boundary=\"unclosed",
};

void fuzz_multipart(std::string_view input) {
  if (input.empty()) return;
  const auto type = kContentTypes[static_cast<unsigned char>(input[0]) % std::size(kContentTypes)];
  // Small limits, so that inputs of a few KiB reach every limit.
  shelfmark::web::MultipartLimits limits;
  limits.max_file_bytes = 64;
  limits.max_files = 3;
  limits.max_parts = 16;
  limits.max_text_bytes = 128;
  const auto result = shelfmark::web::parse_multipart(type, input.substr(1), limits);
  const auto* body = std::get_if<shelfmark::web::MultipartBody>(&result);
  if (!body) return;
  if (body->fields.size() > static_cast<std::size_t>(limits.max_parts)) std::abort();
  for (const auto& [name, value] : body->fields)
    if (name.empty() || value.size() > limits.max_text_bytes || !shelfmark::is_valid_utf8(name) ||
        !shelfmark::is_valid_utf8(value))
      std::abort();
  if (body->files.size() > static_cast<std::size_t>(limits.max_files)) std::abort();
  for (const auto& file : body->files) {
    if (file.field.empty() || !shelfmark::is_valid_utf8(file.field) || !shelfmark::is_valid_utf8(file.filename) ||
        !shelfmark::is_valid_utf8(file.content_type) || file.bytes.size() > limits.max_file_bytes ||
        (file.too_large && !file.bytes.empty()))
      std::abort();
    // Parts are cut out of the body, never made up.
    if (input.find(file.bytes) == std::string_view::npos) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto fields = shelfmark::web::parse_urlencoded(input))
    for (const auto& [name, value] : *fields)
      if (!shelfmark::is_valid_utf8(name) || !shelfmark::is_valid_utf8(value)) std::abort();
  // The form limits, small enough for the fuzzer to cross: what is accepted is within them.
  const shelfmark::web::FormLimits form_limits{256, 8};
  const auto form = shelfmark::web::parse_form(input, form_limits);
  if (const auto* fields = std::get_if<shelfmark::web::Fields>(&form))
    if (input.size() > form_limits.max_bytes || fields->size() > static_cast<std::size_t>(form_limits.max_fields))
      std::abort();
  shelfmark::web::percent_decode(input, true);
  if (auto decoded = shelfmark::web::percent_decode(shelfmark::web::percent_encode(input), false))
    if (*decoded != input) std::abort();  // encoding round-trips
  shelfmark::web::parse_cookies(input);
  shelfmark::web::negotiate_language(input);
  shelfmark::web::html_escape(input);
  fuzz_multipart(input);
  return 0;
}
