// The accounts side's repositories on SQL (both backends), bound to one transaction's connection: staff
// accounts and their sessions, failed sign-ins, readers' web sessions and their private calendar feeds.
#pragma once

#include <memory>

#include "app/ports.h"
#include "store/database.h"

namespace shelfmark::store {

std::unique_ptr<app::StaffRepository> staff_repository(Connection& connection);
std::unique_ptr<app::SessionRepository> session_repository(Connection& connection);
std::unique_ptr<app::AuthFailureRepository> auth_failure_repository(Connection& connection);
std::unique_ptr<app::ReaderSessionRepository> reader_session_repository(Connection& connection);
std::unique_ptr<app::CalendarFeedRepository> calendar_feed_repository(Connection& connection);

}  // namespace shelfmark::store
