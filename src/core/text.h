// Small text helpers shared by every layer. All strings in Shelfmark are UTF-8.
#pragma once

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
