// Helpers shared by the circulation rooms (circulation, reservations, charges, lending rules, cards). Not
// part of the app layer's interface: only src/app/*.cpp include this header.
#pragma once

#include <optional>
#include <string>

#include "app/ports.h"
#include "domain/circulation.h"

namespace shelfmark::app::internal {

// One field per refusal (field ""), the first refusal's code as the failure's.
domain::Failure refused(const domain::Decision& decision);
domain::Failure not_found(const std::string& field);
Date today_of(const Context& context, Instant at);
// The reader's facts for the rules: counts of loans, overdue, charges (active reservations are not counted:
// the callers that need them count them).
domain::ReaderSnapshot snapshot_of(const ReaderRecord& reader, Repositories& repos, Date today);
// Decides where an item at `here` goes now (it has just come back, arrived in transit, been pulled from the
// shelf for a reservation, or been left on the hold shelf by an expired reservation) and records it: fills
// the first waiting reservation it can, else sends it home or back to the shelf.
domain::RoutingDecision route_item(Repositories& repos, const ItemRecord& item, long long here, Date today,
                                   const domain::ReaderLimits& limits, Instant now);

}  // namespace shelfmark::app::internal
