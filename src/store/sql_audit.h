// The audit log on SQL (both backends), written in the transaction of the change it records.
#pragma once

#include <memory>

#include "app/ports.h"
#include "store/database.h"

namespace shelfmark::store {

std::unique_ptr<app::AuditLog> audit_log(Connection& connection);

}  // namespace shelfmark::store
