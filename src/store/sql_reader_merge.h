// Merging two reader records on SQL (both backends): what each holds, possible duplicates, and the move.
#pragma once

#include <memory>

#include "app/reader_merge_ports.h"
#include "store/database.h"

namespace shelfmark::store {

std::unique_ptr<app::ReaderMergeRepository> reader_merge_repository(Connection& connection);

}  // namespace shelfmark::store
