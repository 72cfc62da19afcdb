// Conversions between our time and id types and SQL values, shared by the SQL repositories: instants are
// stored as Unix seconds (BIGINT) and an absent value as NULL.
#pragma once

#include <optional>

#include "core/time.h"
#include "store/database.h"

namespace shelfmark::store {

inline long long unix_of(Instant instant) { return unix_seconds(instant); }
inline Value optional_unix(const std::optional<Instant>& at) { return at ? Value(unix_of(*at)) : Value(nullptr); }
inline Value optional_id(const std::optional<long long>& id) { return id ? Value(*id) : Value(nullptr); }
inline std::optional<Instant> optional_instant(const Row& row, std::size_t i) {
  if (row.is_null(i)) return std::nullopt;
  return instant_from_unix(row.integer(i));
}

}  // namespace shelfmark::store
