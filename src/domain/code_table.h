// A fixed table of enum values with their stable codes (for storage, forms and the API) and English labels
// (gettext msgids). Lookups are linear: the tables have a handful of rows.
#pragma once

#include <optional>
#include <string_view>

namespace shelfmark::domain {

template <class Enum>
struct CodeRow {
  Enum value;
  std::string_view code;
  std::string_view label;
};

template <class Enum, std::size_t N>
constexpr std::string_view code_of(const CodeRow<Enum> (&table)[N], Enum value) {
  for (const auto& row : table)
    if (row.value == value) return row.code;
  return table[0].code;
}

template <class Enum, std::size_t N>
constexpr std::string_view label_of(const CodeRow<Enum> (&table)[N], Enum value) {
  for (const auto& row : table)
    if (row.value == value) return row.label;
  return table[0].label;
}

template <class Enum, std::size_t N>
constexpr std::optional<Enum> parse_code(const CodeRow<Enum> (&table)[N], std::string_view code) {
  for (const auto& row : table)
    if (row.code == code) return row.value;
  return std::nullopt;
}

}  // namespace shelfmark::domain
