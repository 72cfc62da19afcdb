// Finding a reader and reading the reader record on SQL (both backends), bound to one transaction's
// connection; and the upkeep of readers' name keys (ADR 0020), which every write of a reader's names calls.
#pragma once

#include <memory>
#include <string>

#include "app/reader_ports.h"
#include "store/database.h"

namespace shelfmark::store {

std::unique_ptr<app::ReaderFinderRepository> reader_finder_repository(Connection& connection);

// Replaces reader `reader_id`'s name keys with those of these names (domain::reader_name_keys).
void index_reader_names(Connection& connection, long long reader_id, const std::string& name,
                        const std::string& name_zh);
// Fills in the keys of every reader (migration 0023, run once right after its SQL); returns how many readers.
long long index_all_reader_names(Connection& connection);

}  // namespace shelfmark::store
