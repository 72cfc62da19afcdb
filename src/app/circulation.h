// Circulation use cases: check out, check in, renew, renew all. One function each, one transaction each,
// called alike by the counter pages, the JSON API, SIP2 and jobs: no channel decides policy for itself.
// Retried requests carrying the same idempotency key are applied once and answered with the first result.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/directory.h"
#include "app/notices.h"
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

// ----- reservations -----

struct PlaceReservationInput {
  std::string card_number;
  std::string barcode;          // a copy of the title wanted
  bool this_copy_only = false;  // copy-level instead of title-level
  std::string pickup_library_code;
  std::string expires_on;  // "YYYY-MM-DD"; empty: the furthest allowed
};

struct ReservationResult {
  long long id = 0;
  std::string reference;  // "H" followed by digits
  Date expires_on;
  int position = 0;  // place in the queue for the title, 1 = next
};

domain::Outcome<ReservationResult> place_reservation(const Context& context, NetworkCache& network,
                                                     const PlaceReservationInput& input);
domain::Outcome<domain::Done> cancel_reservation(const Context& context, NetworkCache& network,
                                                 const std::string& card_number, long long reservation_id);
// Allowed while the reservation waits or travels; not once it is on the hold shelf.
domain::Outcome<domain::Done> change_pickup_library(const Context& context, NetworkCache& network,
                                                    const std::string& card_number, long long reservation_id,
                                                    const std::string& library_code);

struct ExpiryReport {
  int waiting_expired = 0;
  int uncollected_expired = 0;
};
// The daily job: cancels reservations past their expiry date and those not collected in time; the items of
// the latter go to the next reader waiting or back to the shelf.
ExpiryReport expire_reservations(const Context& context, NetworkCache& network);

// The hold shelf of a library: ready reservations with their items.
struct HoldShelfEntry {
  long long reservation_id = 0;
  std::string card_number;
  std::string reader_name;
  std::string barcode;
  std::string title;
  Date collect_by;
};
std::vector<HoldShelfEntry> hold_shelf(const Context& context, long long library_id);

// The pull list of a library: copies on its shelves that waiting reservations need, each reservation (first
// come, first served) taking the nearest available copy. Staff fetch them and scan them at Returns, which
// routes each to the hold shelf or into transit.
struct PullListEntry {
  std::string barcode;
  std::string title;
  std::string pickup_library_code;
  Instant placed_at;
};
std::vector<PullListEntry> pull_list(const Context& context, NetworkCache& network, long long library_id);

std::string reservation_reference(long long reservation_id);

// ----- the counter's view of a reader -----

struct CounterLoan {
  std::string barcode;
  std::string title;
  Date due_on;
  int times_renewed = 0;
  bool overdue = false;
};
// A reader's active reservation as the reader and staff see it.
struct ReservationView {
  long long id = 0;
  std::string reference;  // "H" followed by digits
  std::string title;
  long long pickup_library_id = 0;
  domain::ReservationStatus status = domain::ReservationStatus::kWaiting;
  int position = 0;  // in the queue for the title while waiting, 1 = next
  Instant placed_at;
  Date expires_on;
  std::optional<Date> ready_on;
  std::optional<Date> collect_by;
  bool pickup_changeable = false;  // until it is on the hold shelf
  bool ebook = false;              // borrowed online: no pick-up library to change
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

// The reader's active reservations, oldest first, with their places in the queues (inside a transaction).
std::vector<ReservationView> reservation_views(Repositories& repos, long long reader_id);
// Nullopt for an unknown card.
std::optional<CounterView> reader_at_counter(const Context& context, const std::string& card_number);

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

// ----- lending rules and reader limits (administrators) -----

domain::Outcome<domain::LendingPolicies> lending_rules(const Context& context, NetworkCache& network,
                                                       const Actor& actor);
struct LendingRuleForm {
  domain::PolicyRuleInput input;  // its library_id is resolved from library_code
  std::string library_code;       // empty: every library
};
// Adds a rule (no id) or changes one. Refuses a second rule for the same combination, and keeps the rule that
// matches everything matching everything. Every change is audited and reaches every node at once.
domain::Outcome<domain::PolicyRule> save_lending_rule(const Context& context, NetworkCache& network, const Actor& actor,
                                                      std::optional<long long> id, const LendingRuleForm& form);
domain::Outcome<domain::Done> remove_lending_rule(const Context& context, NetworkCache& network, const Actor& actor,
                                                  long long id);
domain::Outcome<domain::ReaderLimits> save_reader_limits(const Context& context, const Actor& actor,
                                                         const domain::ReaderLimitsInput& input);

// Blocks the card at once (the reader, by phone or at a counter). The replacement fee is charged when a
// new card is issued (a later issue). `staff_id` is set when staff report it for the reader.
domain::Outcome<domain::Done> report_card_lost(const Context& context, const std::string& card_number,
                                               std::optional<long long> staff_id);

}  // namespace shelfmark::app
