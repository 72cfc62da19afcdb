// Small text helpers shared by every layer. All strings in Shelfmark are UTF-8.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace shelfmark {

std::string_view trim(std::string_view text);
std::vector<std::string_view> split(std::string_view text, char separator);
std::string to_lower_ascii(std::string_view text);
bool is_valid_utf8(std::string_view text);
// Number of Unicode code points (what a reader would call characters) in valid UTF-8.
std::size_t utf8_length(std::string_view text);
// Line endings normalised to "\n", control characters other than newline and tab removed.
std::string clean_multiline_text(std::string_view text);
// One line: newlines and control characters become spaces, then trimmed.
std::string clean_single_line_text(std::string_view text);

}  // namespace shelfmark

namespace shelfmark {
// A map of short texts as one string ("key=value" lines, with \\, \n and = escaped in values), for small
// records kept in one column (a sealed form, a message's parameters). decode_fields skips malformed lines.
std::string encode_fields(const std::map<std::string, std::string>& fields);
std::map<std::string, std::string> decode_fields(std::string_view text);
}  // namespace shelfmark
