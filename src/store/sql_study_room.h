// Students' Study Room admission cards on SQL (both backends), bound to one transaction's connection.
#pragma once

#include <memory>

#include "app/study_room_ports.h"
#include "store/database.h"

namespace shelfmark::store {

std::unique_ptr<app::StudyRoomRepository> study_room_repository(Connection& connection);

}  // namespace shelfmark::store
