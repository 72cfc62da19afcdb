#include "app/circulation_internal.h"

#include <chrono>
#include <vector>

#include "app/reader_care_ports.h"

namespace shelfmark::app::internal {

using domain::ErrorCode;
using domain::Failure;

Failure refused(const domain::Decision& decision) {
  Failure failure{decision.refusals.front().code, {}};
  for (const auto& refusal : decision.refusals) failure.fields.push_back({"", refusal.code, refusal.params});
  return failure;
}

Failure not_found(const std::string& field) {
  return Failure{ErrorCode::kNotFound, {{field, ErrorCode::kNotFound, {}}}};
}

Date today_of(const Context& context, Instant at) { return context.zone.to_local(at).date; }

domain::ReaderSnapshot snapshot_of(const ReaderRecord& reader, Repositories& repos, Date today) {
  domain::ReaderSnapshot snapshot;
  snapshot.id = reader.id;
  snapshot.category = reader.category;
  snapshot.status = reader.status;
  snapshot.expires_on = reader.expires_on;
  for (const auto& loan : repos.circulation.open_loans_of_reader(reader.id)) {
    if (loan.item_type == domain::ItemType::kPeriodicalBackIssue)
      ++snapshot.periodical_loans;
    else if (loan.item_type != domain::ItemType::kAccompanyingMaterial)
      ++snapshot.loans;
    if (loan.due_on < today) snapshot.has_overdue = true;
  }
  snapshot.charges_outstanding = repos.circulation.outstanding_charges(reader.id);
  snapshot.staff_blocks = repos.reader_care.unlifted_blocks(reader.id);
  return snapshot;
}

namespace {

// An e-book copy that comes back goes straight to the next reader waiting (ready for them to borrow online),
// or back to its library's virtual shelf: it never travels.
domain::RoutingDecision route_ebook(Repositories& repos, const ItemRecord& item, Date today,
                                    const domain::ReaderLimits& limits) {
  const auto home = item.facts.home_library_id;
  if (auto holding = repos.circulation.reservation_holding_item(item.id))
    return {domain::Routing::kHoldShelf, std::nullopt, holding->id};
  std::vector<domain::QueuedReservation> queue;
  const auto waiting = repos.circulation.waiting_for_title(item.title_key);
  for (const auto& r : waiting)
    queue.push_back({r.id, r.reader_id, r.placed_at, r.pickup_library_id, r.item_id, r.expires_on});
  if (const auto index = domain::next_reservation_to_fill(queue, item.id, today)) {
    auto reservation = waiting[*index];
    reservation.filled_item_id = item.id;
    reservation.status = domain::ReservationStatus::kReady;
    reservation.ready_on = today;
    reservation.collect_by = today + std::chrono::days(limits.hold_shelf_days);
    repos.circulation.set_item_location(item.id, domain::ItemStatus::kOnHoldShelf, home, std::nullopt);
    repos.circulation.update_reservation(reservation, domain::ReservationStatus::kWaiting, std::nullopt);
    return {domain::Routing::kHoldShelf, std::nullopt, reservation.id};
  }
  repos.circulation.set_item_location(item.id, domain::ItemStatus::kAvailable, home, std::nullopt);
  return {domain::Routing::kShelf, std::nullopt, std::nullopt};
}

}  // namespace

domain::RoutingDecision route_item(Repositories& repos, const ItemRecord& item, long long here, Date today,
                                   const domain::ReaderLimits& limits, Instant now) {
  if (item.facts.type == domain::ItemType::kEBook) return route_ebook(repos, item, today, limits);
  // Already set aside for someone: arriving at the pick-up library makes it ready; elsewhere it travels on.
  if (auto holding = repos.circulation.reservation_holding_item(item.id)) {
    if (holding->pickup_library_id == here) {
      if (holding->status != domain::ReservationStatus::kReady) {
        const auto was = holding->status;
        holding->status = domain::ReservationStatus::kReady;
        holding->ready_on = today;
        holding->collect_by = today + std::chrono::days(limits.hold_shelf_days);
        repos.circulation.update_reservation(*holding, was, std::nullopt);
      }
      repos.circulation.set_item_location(item.id, domain::ItemStatus::kOnHoldShelf, here, std::nullopt);
      return {domain::Routing::kHoldShelf, std::nullopt, holding->id};
    }
    const auto was = holding->status;
    holding->status = domain::ReservationStatus::kInTransit;
    repos.circulation.update_reservation(*holding, was, std::nullopt);
    repos.circulation.set_item_location(item.id, domain::ItemStatus::kInTransit, here, holding->pickup_library_id);
    return {domain::Routing::kTransit, holding->pickup_library_id, holding->id};
  }
  std::vector<domain::QueuedReservation> queue;
  const auto waiting = repos.circulation.waiting_for_title(item.title_key);
  for (const auto& r : waiting)
    queue.push_back({r.id, r.reader_id, r.placed_at, r.pickup_library_id, r.item_id, r.expires_on});
  const auto index = domain::next_reservation_to_fill(queue, item.id, today);
  std::optional<domain::QueuedReservation> chosen;
  if (index) chosen = queue[*index];  // the queue is `waiting`, in the same order
  const auto routing = domain::route_returned_item(item.facts.home_library_id, here, chosen);
  if (chosen) {
    auto reservation = waiting[*index];
    reservation.filled_item_id = item.id;
    if (routing.routing == domain::Routing::kHoldShelf) {
      reservation.status = domain::ReservationStatus::kReady;
      reservation.ready_on = today;
      reservation.collect_by = today + std::chrono::days(limits.hold_shelf_days);
      repos.circulation.set_item_location(item.id, domain::ItemStatus::kOnHoldShelf, here, std::nullopt);
    } else {
      reservation.status = domain::ReservationStatus::kInTransit;
      repos.circulation.set_item_location(item.id, domain::ItemStatus::kInTransit, here, routing.to_library_id);
    }
    repos.circulation.update_reservation(reservation, domain::ReservationStatus::kWaiting, std::nullopt);
    return routing;
  }
  if (routing.routing == domain::Routing::kTransit)
    repos.circulation.set_item_location(item.id, domain::ItemStatus::kInTransit, here, routing.to_library_id);
  else
    repos.circulation.set_item_location(item.id, domain::ItemStatus::kAvailable, here, std::nullopt);
  return routing;
}

}  // namespace shelfmark::app::internal
