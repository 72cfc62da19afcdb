// Query strings, form bodies, cookies and Accept-Language headers: never crash, and anything accepted is
// valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/text.h"
#include "web/http.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto fields = shelfmark::web::parse_urlencoded(input))
    for (const auto& [name, value] : *fields)
      if (!shelfmark::is_valid_utf8(name) || !shelfmark::is_valid_utf8(value)) std::abort();
  shelfmark::web::percent_decode(input, true);
  if (auto decoded = shelfmark::web::percent_decode(shelfmark::web::percent_encode(input), false))
    if (*decoded != input) std::abort();  // encoding round-trips
  shelfmark::web::parse_cookies(input);
  shelfmark::web::negotiate_language(input);
  shelfmark::web::html_escape(input);
  return 0;
}
