// The catalogue repository on SQL (both backends), bound to one transaction's connection. Records are
// stored as MARCXML (see migrations/0008_catalogue.sql).
#pragma once

#include <memory>

#include "app/ports.h"
#include "store/database.h"

namespace shelfmark::store {

std::unique_ptr<app::CatalogueRepository> catalogue_repository(Connection& connection);

}  // namespace shelfmark::store
