// Numbered SQL migrations (migrations/NNNN_name.sql, compiled into the binary), recorded in
// schema_migrations and applied in order, each in its own transaction. Safe when several nodes start at
// once: PostgreSQL takes an advisory lock, SQLite's write lock serialises them.
#pragma once

#include <string>
#include <vector>

#include "store/database.h"

namespace shelfmark::store {

struct Migration {
  int version;
  std::string name;
  std::string sql;  // with @ID@ still in it
};

std::vector<Migration> bundled_migrations();
// The SQL as the backend must see it.
std::string dialect(std::string_view sql, Backend backend);

struct MigrationReport {
  std::vector<std::string> applied;  // "0001_foundation"
  int current_version = 0;
};
MigrationReport migrate(Database& database);
// Highest version applied, 0 for an empty database.
int schema_version(Database& database);
// Latest version this binary knows.
int latest_version();

}  // namespace shelfmark::store
