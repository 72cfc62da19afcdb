// Library cards: reporting a card lost. (Replacement and temporary cards are issued by registration's use
// cases, app/registration.h, since they make a new card for an existing reader.)
#pragma once

#include <optional>
#include <string>

#include "app/ports.h"

namespace shelfmark::app {

// Blocks the card at once (the reader, by phone or at a counter). The replacement fee is charged when a
// new card is issued (a later issue). `staff_id` is set when staff report it for the reader.
domain::Outcome<domain::Done> report_card_lost(const Context& context, const std::string& card_number,
                                               std::optional<long long> staff_id);

}  // namespace shelfmark::app
