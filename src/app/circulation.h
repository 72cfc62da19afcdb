// Circulation use cases: check out, check in, renew, renew all. One function each, one transaction each,
// called alike by the counter pages, the JSON API, SIP2 and jobs: no channel decides policy for itself.
// Retried requests carrying the same idempotency key are applied once and answered with the first result.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/directory.h"
#include "app/ports.h"

namespace shelfmark::app {

enum class Channel { kCounter, kSelfCheck, kBookDrop, kSelfServiceStation, kWeb, kSip2 };
std::string_view channel_code(Channel channel);

// Staff may override refusals the catalogue marks as overridable, always with a reason (audited).
struct Override {
  long long staff_id = 0;
  std::string reason;
};

struct CheckOutInput {
  std::string card_number;
  std::string barcode;
  long long library_id = 0;
  Channel channel = Channel::kCounter;
  std::string idempotency_key;  // empty: none
  std::optional<Override> override_refusals;
};

struct CheckOutResult {
  long long loan_id = 0;
  std::string barcode;
  std::string title;
  Date due_on;
  bool replayed = false;  // answered from an earlier identical request
};

// Failure fields: one per refusal (field "" for decisions, "card" / "barcode" for unknown ones).
domain::Outcome<CheckOutResult> check_out(const Context& context, NetworkCache& network, const CheckOutInput& input);

struct CheckInInput {
  std::string barcode;
  long long library_id = 0;
  Channel channel = Channel::kCounter;
  std::optional<Instant> returned_at;  // a book drop's drop time; now when empty
  std::string idempotency_key;
};

struct CheckInResult {
  bool was_on_loan = false;
  std::string barcode;
  std::string title;
  domain::RoutingDecision routing;
  domain::Money fine;  // charged for this return
  bool replayed = false;
};

domain::Outcome<CheckInResult> check_in(const Context& context, NetworkCache& network, const CheckInInput& input);

struct RenewInput {
  std::string card_number;
  std::string barcode;
  Channel channel = Channel::kWeb;
  std::string idempotency_key;
  std::optional<Override> override_refusals;
};

struct RenewResult {
  std::string barcode;
  std::string title;
  Date due_on;
  std::string reference;  // transaction reference number, "R" followed by digits
  bool replayed = false;
};

domain::Outcome<RenewResult> renew(const Context& context, NetworkCache& network, const RenewInput& input);

struct RenewAllItem {
  std::string barcode;
  std::string title;
  domain::Outcome<RenewResult> outcome;
};
// Each loan is renewed (or refused) on its own; one refusal does not stop the others.
domain::Outcome<std::vector<RenewAllItem>> renew_all(const Context& context, NetworkCache& network,
                                                     const std::string& card_number, Channel channel);

std::string reference_number(long long event_id);

}  // namespace shelfmark::app
