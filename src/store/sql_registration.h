// Registration (applications, documents, deletion records, readers' identity) and the outbox on SQL (both
// backends), bound to one transaction's connection.
#pragma once

#include <memory>

#include "app/registration_ports.h"
#include "store/database.h"

namespace shelfmark::store {

std::unique_ptr<app::RegistrationRepository> registration_repository(Connection& connection);
std::unique_ptr<app::OutboxRepository> outbox_repository(Connection& connection);

}  // namespace shelfmark::store
