// Ask a Librarian (enquiries, their events, frequently asked questions) on SQL (both backends), bound to one
// transaction's connection.
#pragma once

#include <memory>

#include "app/enquiry_ports.h"
#include "store/database.h"

namespace shelfmark::store {

std::unique_ptr<app::EnquiryRepository> enquiry_repository(Connection& connection);

}  // namespace shelfmark::store
