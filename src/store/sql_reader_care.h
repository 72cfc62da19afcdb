// Looking after a reader on SQL (both backends), bound to one transaction's connection.
#pragma once

#include <memory>

#include "app/reader_care_ports.h"
#include "store/database.h"

namespace shelfmark::store {

std::unique_ptr<app::ReaderCareRepository> reader_care_repository(Connection& connection);

}  // namespace shelfmark::store
