// Extension activities and enrolments on SQL (both backends), bound to one transaction's connection.
#pragma once

#include <memory>

#include "app/activity_ports.h"
#include "store/database.h"

namespace shelfmark::store {

std::unique_ptr<app::ActivityRepository> activity_repository(Connection& connection);

}  // namespace shelfmark::store
