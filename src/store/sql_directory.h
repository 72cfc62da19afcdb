// The library network's repositories on SQL (both backends), bound to one transaction's connection:
// libraries (details, hours, closures, mobile stops, holidays, the network version) and notices.
#pragma once

#include <memory>

#include "app/ports.h"
#include "store/database.h"

namespace shelfmark::store {

std::unique_ptr<app::LibraryRepository> library_repository(Connection& connection);
std::unique_ptr<app::NoticeRepository> notice_repository(Connection& connection);

}  // namespace shelfmark::store
