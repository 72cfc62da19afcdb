// The SIP2 repository on SQL (both backends): terminal accounts and readers' PINs.
#pragma once

#include <memory>

#include "app/ports.h"
#include "store/database.h"

namespace shelfmark::store {

std::unique_ptr<app::SipRepository> sip_repository(Connection& connection);

}  // namespace shelfmark::store
