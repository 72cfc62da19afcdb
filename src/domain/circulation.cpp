#include "domain/circulation.h"

#include <algorithm>

namespace shelfmark::domain {
namespace {

void refuse(Decision& decision, ErrorCode code, std::map<std::string, std::string> params = {}) {
  decision.refusals.push_back({code, std::move(params)});
}

// Refusals that come from the reader's account, whatever the item.
void check_reader(Decision& decision, const ReaderSnapshot& reader, Date today) {
  if (const auto code = status_refusal(reader.status, reader.expires_on, today)) refuse(decision, *code);
}

// A fines ceiling of zero means "no ceiling" (the lending-rules form accepts it).
void check_blocks(Decision& decision, const ReaderSnapshot& reader, const ReaderLimits& limits, Date today) {
  for (const auto& block : reader.staff_blocks) {
    if (!block_active(block, today)) continue;
    const auto code = block_refusal(block.reason);
    const bool told = std::any_of(decision.refusals.begin(), decision.refusals.end(),
                                  [&](const Refusal& refusal) { return refusal.code == code; });
    if (told) continue;  // two blocks for one reason: said once
    std::map<std::string, std::string> params;
    if (block.ends_on) params["until"] = format_iso_date(*block.ends_on);
    refuse(decision, code, std::move(params));
  }
  if (limits.block_when_overdue && reader.has_overdue) refuse(decision, ErrorCode::kReaderHasOverdue);
  if (reader.charges_outstanding >= limits.fines_ceiling && limits.fines_ceiling.cents > 0)
    refuse(decision, ErrorCode::kFinesCeilingReached, {{"ceiling", format_money(limits.fines_ceiling)}});
}

}  // namespace

std::optional<ErrorCode> status_refusal(ReaderStatus status, std::optional<Date> expires_on, Date today) {
  if (const auto refusal = status_refusal(status)) return refusal;
  if (expires_on && *expires_on < today) return ErrorCode::kReaderExpired;
  return std::nullopt;
}

std::optional<ErrorCode> status_refusal(ReaderStatus status) {
  switch (status) {
    case ReaderStatus::kActive:
      break;
    case ReaderStatus::kCardReportedLost:
      return ErrorCode::kCardReportedLost;
    case ReaderStatus::kExpired:
      return ErrorCode::kReaderExpired;
    case ReaderStatus::kPending:
    case ReaderStatus::kSuspended:
      return ErrorCode::kReaderNotActive;
  }
  return std::nullopt;
}

std::string_view reader_status_code(ReaderStatus status) {
  switch (status) {
    case ReaderStatus::kActive:
      return "active";
    case ReaderStatus::kPending:
      return "pending";
    case ReaderStatus::kSuspended:
      return "suspended";
    case ReaderStatus::kCardReportedLost:
      return "card_reported_lost";
    case ReaderStatus::kExpired:
      return "expired";
  }
  return "active";
}

std::optional<ReaderStatus> parse_reader_status(std::string_view code) {
  for (auto status : {ReaderStatus::kActive, ReaderStatus::kPending, ReaderStatus::kSuspended,
                      ReaderStatus::kCardReportedLost, ReaderStatus::kExpired})
    if (reader_status_code(status) == code) return status;
  return std::nullopt;
}

std::string_view reservation_status_code(ReservationStatus status) {
  switch (status) {
    case ReservationStatus::kWaiting:
      return "waiting";
    case ReservationStatus::kInTransit:
      return "in_transit";
    case ReservationStatus::kReady:
      return "ready";
    case ReservationStatus::kCollected:
      return "collected";
    case ReservationStatus::kCancelled:
      return "cancelled";
    case ReservationStatus::kExpired:
      return "expired";
  }
  return "waiting";
}

std::optional<ReservationStatus> parse_reservation_status(std::string_view code) {
  for (auto status : {ReservationStatus::kWaiting, ReservationStatus::kInTransit, ReservationStatus::kReady,
                      ReservationStatus::kCollected, ReservationStatus::kCancelled, ReservationStatus::kExpired})
    if (reservation_status_code(status) == code) return status;
  return std::nullopt;
}

bool is_active(ReservationStatus status) {
  return status == ReservationStatus::kWaiting || status == ReservationStatus::kInTransit ||
         status == ReservationStatus::kReady;
}

bool Decision::overridable() const {
  return std::all_of(refusals.begin(), refusals.end(),
                     [](const Refusal& refusal) { return error_info(refusal.code).staff_may_override; });
}

bool Decision::has(ErrorCode code) const {
  return std::any_of(refusals.begin(), refusals.end(), [&](const Refusal& refusal) { return refusal.code == code; });
}

bool Standing::has(ErrorCode code) const {
  const auto matches = [&](const Refusal& refusal) { return refusal.code == code; };
  return std::any_of(status.begin(), status.end(), matches) || std::any_of(blocks.begin(), blocks.end(), matches);
}

std::vector<Refusal> Standing::refusals() const {
  auto all = status;
  all.insert(all.end(), blocks.begin(), blocks.end());
  return all;
}

Standing reader_standing(const ReaderSnapshot& reader, const ReaderLimits& limits, Date today) {
  Standing standing;
  Decision status;
  check_reader(status, reader, today);
  standing.status = std::move(status.refusals);
  Decision blocks;
  check_blocks(blocks, reader, limits, today);
  standing.blocks = std::move(blocks.refusals);
  standing.loans_at_quota = reader.loans >= limits.max_loans;
  standing.periodical_loans_at_quota = reader.periodical_loans >= limits.max_periodical_loans;
  standing.reservations_at_quota = reader.reservations >= limits.max_reservations;
  if (standing.loans_at_quota)
    standing.limits_reached.push_back({ErrorCode::kLoanQuotaReached, {{"max", std::to_string(limits.max_loans)}}});
  if (standing.periodical_loans_at_quota)
    standing.limits_reached.push_back(
        {ErrorCode::kPeriodicalQuotaReached, {{"max", std::to_string(limits.max_periodical_loans)}}});
  if (standing.reservations_at_quota)
    standing.limits_reached.push_back(
        {ErrorCode::kReservationQuotaReached, {{"max", std::to_string(limits.max_reservations)}}});
  return standing;
}

namespace {
void append(Decision& decision, const std::vector<Refusal>& refusals) {
  decision.refusals.insert(decision.refusals.end(), refusals.begin(), refusals.end());
}
}  // namespace

Decision lending_channel_decision(ItemType type, bool online) {
  Decision decision;
  if (type == ItemType::kEBook && !online) refuse(decision, ErrorCode::kEBookOnlineOnly);
  if (type != ItemType::kEBook && online) refuse(decision, ErrorCode::kBorrowAtLibrary);
  return decision;
}

Decision check_out_decision(const ReaderSnapshot& reader, const ItemSnapshot& item, const LoanPolicy& policy,
                            const ReaderLimits& limits, Date today) {
  const auto standing = reader_standing(reader, limits, today);
  Decision decision;
  append(decision, standing.status);
  if (reader.category == ReaderCategory::kEAccount && item.facts.type != ItemType::kEBook)
    refuse(decision, ErrorCode::kEResourcesOnly);
  else if (!policy.loanable)
    refuse(decision, ErrorCode::kItemNotLoanable);
  if (item.status == ItemStatus::kOnLoan && item.on_loan_to == reader.id) {
    refuse(decision, ErrorCode::kAlreadyOnLoanToReader);
  } else if (item.held_for && *item.held_for != reader.id) {
    refuse(decision, ErrorCode::kItemHeldForAnother);
  } else if (item.status != ItemStatus::kAvailable &&
             !(item.status == ItemStatus::kOnHoldShelf && item.held_for == reader.id)) {
    refuse(decision, ErrorCode::kItemNotAvailable);
  }
  append(decision, standing.blocks);
  if (item.facts.type == ItemType::kPeriodicalBackIssue) {
    if (standing.periodical_loans_at_quota)
      refuse(decision, ErrorCode::kPeriodicalQuotaReached, {{"max", std::to_string(limits.max_periodical_loans)}});
  } else if (item.facts.type != ItemType::kAccompanyingMaterial) {
    if (standing.loans_at_quota)
      refuse(decision, ErrorCode::kLoanQuotaReached, {{"max", std::to_string(limits.max_loans)}});
  }
  return decision;
}

Decision renew_decision(const ReaderSnapshot& reader, const LoanState& loan, const LoanPolicy& policy,
                        const ReaderLimits& limits, bool reserved_by_another, Date today) {
  const auto standing = reader_standing(reader, limits, today);
  Decision decision;
  append(decision, standing.status);
  if (loan.times_renewed >= policy.max_renewals)
    refuse(decision, ErrorCode::kRenewalLimitReached, {{"max", std::to_string(policy.max_renewals)}});
  if (reserved_by_another) refuse(decision, ErrorCode::kReservedByAnother);
  append(decision, standing.blocks);
  return decision;
}

Decision reserve_decision(const ReaderSnapshot& reader, const LoanPolicy& policy, const ReaderLimits& limits,
                          bool reader_has_it_on_loan, bool reader_already_reserved, Date today) {
  const auto standing = reader_standing(reader, limits, today);
  Decision decision;
  append(decision, standing.status);
  if (!policy.reservable || !policy.loanable) refuse(decision, ErrorCode::kNotReservable);
  if (reader_has_it_on_loan) refuse(decision, ErrorCode::kAlreadyOnLoanToReader);
  if (reader_already_reserved) refuse(decision, ErrorCode::kAlreadyReserved);
  if (standing.reservations_at_quota)
    refuse(decision, ErrorCode::kReservationQuotaReached, {{"max", std::to_string(limits.max_reservations)}});
  append(decision, standing.blocks);
  return decision;
}

Date due_date(Date start, int days, const Library& library, const HolidayCalendar& holidays) {
  const Date plain = start + std::chrono::days(days);
  for (int offset = 0; offset <= 60; ++offset) {
    const Date day = plain + std::chrono::days(offset);
    if (!schedule_on(library, holidays, day).sessions.empty()) return day;
  }
  return plain;
}

std::optional<std::size_t> next_reservation_to_fill(const std::vector<QueuedReservation>& queue, long long item_id,
                                                    Date today) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const auto& reservation = queue[i];
    if (reservation.expires_on < today) continue;
    if (reservation.item_id && *reservation.item_id != item_id) continue;
    if (!best || reservation.placed_at < queue[*best].placed_at ||
        (reservation.placed_at == queue[*best].placed_at && reservation.id < queue[*best].id))
      best = i;
  }
  return best;
}

std::optional<std::size_t> nearest_copy(const QueuedReservation& reservation, District pickup_district,
                                        const std::vector<AvailableCopy>& copies) {
  std::optional<std::size_t> best;
  int best_rank = 3;
  for (std::size_t i = 0; i < copies.size(); ++i) {
    const auto& copy = copies[i];
    if (reservation.item_id && *reservation.item_id != copy.item_id) continue;
    const int rank = copy.library_id == reservation.pickup_library_id ? 0 : copy.district == pickup_district ? 1 : 2;
    if (!best || rank < best_rank || (rank == best_rank && copy.item_id < copies[*best].item_id)) {
      best = i;
      best_rank = rank;
    }
  }
  return best;
}

RoutingDecision route_returned_item(long long home_library_id, long long here,
                                    const std::optional<QueuedReservation>& reservation) {
  if (reservation) {
    if (reservation->pickup_library_id == here) return {Routing::kHoldShelf, std::nullopt, reservation->id};
    return {Routing::kTransit, reservation->pickup_library_id, reservation->id};
  }
  if (home_library_id != here) return {Routing::kTransit, home_library_id, std::nullopt};
  return {Routing::kShelf, std::nullopt, std::nullopt};
}

}  // namespace shelfmark::domain
