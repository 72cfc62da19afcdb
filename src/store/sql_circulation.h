// The circulation repository on SQL (both backends), bound to one transaction's connection.
#pragma once

#include <memory>

#include "app/ports.h"
#include "store/database.h"

namespace shelfmark::store {

std::unique_ptr<app::CirculationRepository> circulation_repository(Connection& connection);

}  // namespace shelfmark::store
