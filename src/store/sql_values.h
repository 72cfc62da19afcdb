// Conversions between our time and id types and SQL values, shared by the SQL repositories: instants are
// stored as Unix seconds (BIGINT) and an absent value as NULL.
#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "store/database.h"

namespace shelfmark::store {

// INSERT ... RETURNING id (both backends support it) and the new row's id.
inline long long insert_returning_id(Connection& connection, const std::string& sql, const Params& params) {
  auto rows = connection.query(sql + " RETURNING id", params);
  return rows.at(0).integer(0);
}

inline long long unix_of(Instant instant) { return unix_seconds(instant); }
inline Value optional_unix(const std::optional<Instant>& at) { return at ? Value(unix_of(*at)) : Value(nullptr); }
inline Value optional_id(const std::optional<long long>& id) { return id ? Value(*id) : Value(nullptr); }
inline std::optional<Instant> optional_instant(const Row& row, std::size_t i) {
  if (row.is_null(i)) return std::nullopt;
  return instant_from_unix(row.integer(i));
}

// LIKE with text a person typed: every LIKE in src/store/ is written `LIKE ? ESCAPE '\'` (kLikeEscape) and
// its pattern built with like_literal, so that `%`, `_` and the backslash typed match only themselves. The
// backslash is PostgreSQL's default escape already; SQLite has none unless told.
inline constexpr const char* kLikeEscape = " ESCAPE '\\'";
inline std::string like_literal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// Runs `query(marks, params)` for the values in slices of at most 500, `marks` being "?, ?, ..." for an
// IN list and `params` the slice's values: one statement per slice instead of one per value, within the
// parameter limits of both backends.
template <class T>
void for_each_in_list(const std::vector<T>& values,
                      const std::function<void(const std::string& marks, const Params& params)>& query) {
  constexpr std::size_t kPerQuery = 500;
  for (std::size_t from = 0; from < values.size(); from += kPerQuery) {
    const auto to = std::min(values.size(), from + kPerQuery);
    std::string marks;
    Params params;
    for (std::size_t i = from; i < to; ++i) {
      marks += marks.empty() ? "?" : ", ?";
      params.push_back(values[i]);
    }
    query(marks, params);
  }
}

}  // namespace shelfmark::store
