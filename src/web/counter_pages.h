// The circulation counter: /{lang}/staff/counter (a reader's loans, reservations and charges) and its forms
// (checkout, renew all, card lost, replace card, reserve, cancel a reservation, pay, waive), returns
// (/{lang}/staff/returns) and the hold shelf with its pull list (/{lang}/staff/hold-shelf). Site dispatches to
// them after the staff session and CSRF checks; they call app/circulation.h and app/reader_account.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/circulation.h"
#include "web/page_kit.h"
#include "web/routes.h"

namespace shelfmark::web {

class CounterPages {
 public:
  explicit CounterPages(PageKit& kit) : kit_(kit) {}
  // The circulation counter, returns and the hold shelf.
  void add_routes(RouteTable& routes);
  Response staff_counter(Page& p, mustache::data content = mustache::data());
  Response staff_counter_reserve(Page& p, bool cancel);
  Response staff_counter_checkout(Page& p);
  Response staff_counter_renew_all(Page& p);
  Response staff_counter_payment(Page& p, bool waive);
  Response staff_card_lost(Page& p);
  Response staff_replace_card(Page& p);
  Response staff_hold_shelf(Page& p);
  Response staff_returns(Page& p);

 private:
  const domain::Library* counter_library(Page& p, const app::NetworkSnapshot& network);

  PageKit& kit_;
};

}  // namespace shelfmark::web
