// The background jobs' schedule on SQL (both backends): jobs claimed by a lease in one UPDATE (ADR 0008).
#pragma once

#include <memory>

#include "app/ports.h"
#include "store/database.h"

namespace shelfmark::store {

std::unique_ptr<app::JobRepository> job_repository(Connection& connection);

}  // namespace shelfmark::store
