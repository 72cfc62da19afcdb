// Circulation use cases: check out, check in, renew, renew all, e-books online, and the counter's view of a
// reader with their standing. One function each, one transaction each, called alike by the counter pages,
// the JSON API, SIP2 and jobs: no channel decides policy for itself. Retried requests carrying the same
// idempotency key are applied once and answered with the first result (app/idempotency.h).
// The neighbouring rooms, each with its own header: reservations, charges (with fine suspension periods),
// lending rules, cards. This header includes them so that a caller of the whole counter needs one include.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/cards.h"
#include "app/charges.h"
#include "app/directory.h"
#include "app/lending_rules.h"
#include "app/notices.h"
#include "app/ports.h"
#include "app/reservations.h"

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
// Whether staff may lend anyway (with a reason): every refusal is one the catalogue lets staff override.
bool staff_may_override(const domain::Failure& refusal);
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

// ----- e-books online -----
// Borrowing an e-book is check_out with Channel::kWeb: the e-book's own library lends it, any other item is
// refused online, and an e-book is refused anywhere else. Each e-book item is one licensed copy.

// Returns an e-book early; the copy goes at once to the next reader waiting.
domain::Outcome<CheckInResult> return_ebook(const Context& context, NetworkCache& network,
                                            const std::string& card_number, const std::string& barcode);
// The job: e-book loans end by themselves once their due date has passed (no fine is ever charged).
// Returns how many ended.
int end_expired_ebook_loans(const Context& context, NetworkCache& network);

// ----- the counter's view of a reader -----

struct CounterLoan {
  std::string barcode;
  std::string title;
  Date due_on;
  int times_renewed = 0;
  bool overdue = false;
};
struct CounterView {
  ReaderRecord reader;
  std::vector<CounterLoan> loans;
  std::vector<ReservationView> reservations;
  domain::Money charges_outstanding;
  domain::Standing standing;  // whether the reader may borrow, renew and reserve at all (domain::reader_standing)
};
// The facts the rules need about a reader (loan and active reservation counts, overdue, charges), read
// inside a transaction.
domain::ReaderSnapshot reader_snapshot(Repositories& repos, const ReaderRecord& reader, Date today);
// The reader's standing under the network's limits, read inside a transaction: the one answer every channel
// shows (the counter, My Account, the SIP2 patron status).
domain::Standing reader_standing(Repositories& repos, const ReaderRecord& reader, const domain::ReaderLimits& limits,
                                 Date today);

// Nullopt for an unknown card.
std::optional<CounterView> reader_at_counter(const Context& context, const std::string& card_number);

}  // namespace shelfmark::app
