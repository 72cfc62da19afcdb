// Circulation decisions: may this reader borrow this item, renew this loan, reserve this title? Each answer
// is a Decision: allowed, or refusals with codes from the one catalogue (errors.h), each knowing whether
// staff may override it. Also due dates on open days, the reservation queue and where a returned item goes.
// Pure: the caller loads the facts and passes today's date.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/errors.h"
#include "domain/opening_hours.h"
#include "domain/policy.h"
#include "domain/reader_care.h"

namespace shelfmark::domain {

enum class ReaderStatus { kActive, kPending, kSuspended, kCardReportedLost, kExpired };
std::string_view reader_status_code(ReaderStatus status);  // "active", "card_reported_lost" ...
std::optional<ReaderStatus> parse_reader_status(std::string_view code);

struct ReaderSnapshot {
  long long id = 0;
  ReaderCategory category = ReaderCategory::kAdult;
  ReaderStatus status = ReaderStatus::kActive;
  std::optional<Date> expires_on;
  int loans = 0;             // counted against ReaderLimits::max_loans
  int periodical_loans = 0;  // counted against max_periodical_loans
  int reservations = 0;      // active reservations
  bool has_overdue = false;
  Money charges_outstanding;
  // Blocks staff put on the account and have not lifted; only those active today count (block_active).
  std::vector<ReaderBlock> staff_blocks;
};

enum class ReservationStatus { kWaiting, kInTransit, kReady, kCollected, kCancelled, kExpired };
std::string_view reservation_status_code(ReservationStatus status);
std::optional<ReservationStatus> parse_reservation_status(std::string_view code);
// Waiting, in transit or ready: counts against the quota and blocks another reservation of the title.
bool is_active(ReservationStatus status);

enum class ItemStatus { kAvailable, kOnLoan, kInTransit, kOnHoldShelf, kMissing, kLost, kWithdrawn };

struct ItemSnapshot {
  long long id = 0;
  ItemFacts facts{ItemType::kBook, Collection::kAdult, 0};
  ItemStatus status = ItemStatus::kAvailable;
  std::optional<long long> on_loan_to;  // reader id
  std::optional<long long> held_for;    // reader id, when on the hold shelf or in transit for a reservation
};

struct Refusal {
  ErrorCode code;
  std::map<std::string, std::string> params;
  friend bool operator==(const Refusal&, const Refusal&) = default;
};

struct [[nodiscard]] Decision {
  std::vector<Refusal> refusals;
  bool allowed() const { return refusals.empty(); }
  // True when every refusal is one staff may override (with a reason, audited).
  bool overridable() const;
  bool has(ErrorCode code) const;
};

// Whether the reader's status and expiry let them use what the library offers at all (borrow, renew,
// reserve, enrol in activities, apply for a study room place): a card reported lost (replaced at a counter
// first, so that reporting a loss is no way round a suspension), a pending or suspended account, or one
// expired by status or past its expiry date. Nullopt when none applies. Part of the standing below.
[[nodiscard]] std::optional<ErrorCode> status_refusal(ReaderStatus status, std::optional<Date> expires_on, Date today);
// The same for a status alone (the caller has already turned a passed expiry date into kExpired).
[[nodiscard]] std::optional<ErrorCode> status_refusal(ReaderStatus status);

// A reader's standing: whether they may borrow, renew and reserve at all, whatever the item. This is the one
// decision behind checkout, renewal and reservation (each of which adds only what depends on the item or
// loan), the counter's view, My Account and the SIP2 patron status flags, so no channel re-decides it.
struct Standing {
  // Refusals of the reader's status: card reported lost, pending or suspended, expired (by status or date).
  std::vector<Refusal> status;
  // Refusals of the blocks: blocks staff put on the account that are active today (one refusal per reason,
  // with its last day as "until" when it has one), an overdue loan where the limits block on it, charges at
  // or above a fines ceiling (a ceiling of zero is no ceiling).
  std::vector<Refusal> blocks;
  bool loans_at_quota = false;             // max_loans ordinary loans (accompanying material never counts)
  bool periodical_loans_at_quota = false;  // max_periodical_loans periodical back issues
  bool reservations_at_quota = false;      // max_reservations active reservations
  // The quotas reached, as the refusals checkout and reservation give for them (with the limit as "max"),
  // so a page can say "The limit of 8 items on loan has been reached." before anyone tries.
  std::vector<Refusal> limits_reached;
  // Loans, renewals and reservations are refused whatever the item.
  bool blocked() const { return !status.empty() || !blocks.empty(); }
  bool has(ErrorCode code) const;
  std::vector<Refusal> refusals() const;  // status, then blocks
};
Standing reader_standing(const ReaderSnapshot& reader, const ReaderLimits& limits, Date today);

Decision check_out_decision(const ReaderSnapshot& reader, const ItemSnapshot& item, const LoanPolicy& policy,
                            const ReaderLimits& limits, Date today);

// E-books are lent online only, and everything else only where it stands: at a library (counter, self-check,
// SIP2). Neither refusal can be overridden.
Decision lending_channel_decision(ItemType type, bool online);

struct LoanState {
  int times_renewed = 0;
  Date due_on;
};
Decision renew_decision(const ReaderSnapshot& reader, const LoanState& loan, const LoanPolicy& policy,
                        const ReaderLimits& limits, bool reserved_by_another, Date today);

Decision reserve_decision(const ReaderSnapshot& reader, const LoanPolicy& policy, const ReaderLimits& limits,
                          bool reader_has_it_on_loan, bool reader_already_reserved, Date today);

// `start` + `days`, moved forward to the next day the library is open (a mobile library: has a stop).
// A library closed for the next 60 days gets the plain date.
Date due_date(Date start, int days, const Library& library, const HolidayCalendar& holidays);

struct QueuedReservation {
  long long id = 0;
  long long reader_id = 0;
  Instant placed_at;
  long long pickup_library_id = 0;
  std::optional<long long> item_id;  // copy-level; title-level when empty
  Date expires_on;
};

// Which waiting reservation a copy that has become available should fill: first come, first served among
// those it can satisfy (a copy-level reservation only by its own copy) that have not expired.
std::optional<std::size_t> next_reservation_to_fill(const std::vector<QueuedReservation>& queue, long long item_id,
                                                    Date today);

// For the pull list: which available copy should go to a reservation. The nearest one wins: a copy at the
// pick-up library, else one in the same district, else any (lowest id, so the choice is stable). A
// copy-level reservation takes only its copy.
struct AvailableCopy {
  long long item_id = 0;
  long long library_id = 0;
  District district = District::kCentralWestern;
};
std::optional<std::size_t> nearest_copy(const QueuedReservation& reservation, District pickup_district,
                                        const std::vector<AvailableCopy>& copies);

enum class Routing { kShelf, kHoldShelf, kTransit };
struct [[nodiscard]] RoutingDecision {
  Routing routing = Routing::kShelf;
  std::optional<long long> to_library_id;   // for transit
  std::optional<long long> reservation_id;  // the reservation it now fills
};
// Where an item checked in at `here` goes: to the hold shelf here, in transit to a reservation's pick-up
// library, in transit home, or back on the shelf.
RoutingDecision route_returned_item(long long home_library_id, long long here,
                                    const std::optional<QueuedReservation>& reservation);

}  // namespace shelfmark::domain
