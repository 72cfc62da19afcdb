// Charges and payments: a reader's charges with how each was worked out, payments (oldest charges first,
// receipts, applied once when resent), waivers, and the fine suspension periods administrators declare.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/directory.h"
#include "app/notices.h"
#include "app/ports.h"

namespace shelfmark::app {

// ----- charges -----

struct ChargeLine {
  long long id = 0;
  std::string kind;  // "overdue", "reservation_fee", "replacement_card"
  std::string title;
  domain::Money amount;
  domain::Money outstanding;
  Instant created_at;
  // For overdue fines: how the amount was worked out.
  int days_overdue = 0;
  int days_suspended = 0;
  int days_charged = 0;
  domain::Money rate;
};
domain::Outcome<std::vector<ChargeLine>> reader_charges(const Context& context, const std::string& card_number);

struct PaymentInput {
  std::string card_number;
  std::string amount;  // as typed, "12.50"
  std::string method;  // "cash", "octopus", "card"
  long long staff_id = 0;
  std::string idempotency_key;
};
struct PaymentResult {
  std::string receipt;  // "P" or "W" followed by digits
  domain::Money amount;
  domain::Money still_owed;
  bool replayed = false;
};
// Settles the oldest charges first; refuses more than is owed.
domain::Outcome<PaymentResult> pay_charges(const Context& context, const PaymentInput& input);
// Waives what is left of one charge; staff give a reason, which is audited.
domain::Outcome<PaymentResult> waive_charge(const Context& context, const std::string& card_number, long long charge_id,
                                            const std::string& reason, long long staff_id);

// ----- fine suspension periods (administrators) -----

domain::Outcome<std::vector<domain::FineSuspension>> fine_suspensions(const Context& context, const Actor& actor);
struct FineSuspensionForm {
  domain::FineSuspensionInput input;
  std::vector<std::string> library_codes;  // empty: every library
};
domain::Outcome<domain::FineSuspension> add_fine_suspension(const Context& context, NetworkCache& network,
                                                            const Actor& actor, const FineSuspensionForm& form);
domain::Outcome<domain::Done> remove_fine_suspension(const Context& context, const Actor& actor, long long id);

}  // namespace shelfmark::app
