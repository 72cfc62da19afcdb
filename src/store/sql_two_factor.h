// Staff two-factor sign-in on SQL (both backends): staff_totp, staff_recovery_codes, staff_role_policies and
// staff_two_factor_challenges (migration 0025).
#pragma once

#include <memory>

#include "app/two_factor_ports.h"
#include "store/database.h"

namespace shelfmark::store {

std::unique_ptr<app::TwoFactorRepository> two_factor_repository(Connection& connection);

}  // namespace shelfmark::store
