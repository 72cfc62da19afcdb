#include "app/reservations.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "app/circulation.h"
#include "app/circulation_internal.h"
#include "app/idempotency.h"

namespace shelfmark::app {

using domain::ErrorCode;
using domain::Failure;
using domain::Outcome;
using namespace internal;

std::string reservation_reference(long long reservation_id) {
  auto digits = std::to_string(reservation_id);
  if (digits.size() < 8) digits.insert(0, 8 - digits.size(), '0');
  return "H" + digits;
}

Outcome<ReservationResult> place_reservation(const Context& context, NetworkCache& network,
                                             const PlaceReservationInput& input) {
  const auto now = context.clock.now();
  const auto today = today_of(context, now);
  return write_once<ReservationResult>(
      context,
      [&](Repositories& repos) -> Outcome<ReservationResult> {
        auto reader = repos.circulation.reader_by_card(input.card_number);
        if (!reader) return not_found("card");
        auto item = repos.circulation.item_by_barcode(input.barcode);
        if (!item) return not_found("barcode");
        const auto snapshot = network.get(repos);
        const bool ebook = item->facts.type == domain::ItemType::kEBook;
        // An e-book is borrowed online: there is nowhere to pick it up, so its own library stands in.
        const auto* pickup = ebook ? snapshot->find(item->facts.home_library_id)
                                   : snapshot->find(std::string_view(input.pickup_library_code));
        if (!pickup || pickup->kind == domain::LibraryKind::kMobile)
          return domain::invalid({{"pickup_library", ErrorCode::kInvalidChoice, {}}});
        if (ebook && !repos.circulation.available_copies(item->title_key).empty())
          return Failure{ErrorCode::kCopyAvailableNow, {{"", ErrorCode::kCopyAvailableNow, {}}}};
        const auto& policies = snapshot->policies;
        Date expires_on = today + std::chrono::days(policies.limits.max_reservation_days);
        if (!input.expires_on.empty()) {
          auto chosen = parse_iso_date(input.expires_on);
          if (!chosen || *chosen <= today || *chosen > expires_on)
            return domain::invalid({{"expires_on", ErrorCode::kInvalidDate, {}}});
          expires_on = *chosen;
        }
        const auto active = repos.circulation.active_reservations_of_reader(reader->id);
        auto standing = snapshot_of(*reader, repos, today);
        standing.reservations = static_cast<int>(active.size());
        bool has_on_loan = false;
        for (const auto& loan : repos.circulation.open_loans_of_reader(reader->id))
          if (auto lent = repos.circulation.item_by_id(loan.item_id); lent && lent->title_key == item->title_key)
            has_on_loan = true;
        const bool already = std::any_of(active.begin(), active.end(),
                                         [&](const ReservationRecord& r) { return r.title_key == item->title_key; });
        const auto policy = domain::resolve_policy(policies, reader->category, item->facts, pickup->id);
        const auto decision = domain::reserve_decision(standing, policy, policies.limits, has_on_loan, already, today);
        if (!decision.allowed()) return refused(decision);
        ReservationRecord reservation;
        reservation.reader_id = reader->id;
        reservation.title_key = item->title_key;
        if (input.this_copy_only) reservation.item_id = item->id;
        reservation.pickup_library_id = pickup->id;
        reservation.placed_at = now;
        reservation.expires_on = expires_on;
        reservation.id = repos.circulation.insert_reservation(reservation);
        const auto queue = repos.circulation.waiting_for_title(item->title_key);
        int position = 0;
        for (const auto& r : queue) {
          ++position;
          if (r.id == reservation.id) break;
        }
        return ReservationResult{reservation.id, reservation_reference(reservation.id), expires_on, position};
      },
      [&]() -> Outcome<ReservationResult> {
        return Failure{ErrorCode::kAlreadyReserved, {{"", ErrorCode::kAlreadyReserved, {}}}};
      });
}

namespace {

// The reader's own active reservation, or NotFound (another reader's is never revealed).
Outcome<ReservationRecord> own_reservation(Repositories& repos, const std::string& card_number, long long id) {
  auto reader = repos.circulation.reader_by_card(card_number);
  if (!reader) return not_found("card");
  auto reservation = repos.circulation.reservation_by_id(id);
  if (!reservation || reservation->reader_id != reader->id || !domain::is_active(reservation->status))
    return not_found("reservation");
  return *reservation;
}

// After a reservation that held a copy on the hold shelf ends, the copy goes to the next reader or home.
void release_item(Repositories& repos, const domain::ReaderLimits& limits, const ReservationRecord& ended, Date today,
                  Instant now) {
  if (!ended.filled_item_id || ended.status != domain::ReservationStatus::kReady) return;
  if (auto item = repos.circulation.item_by_id(*ended.filled_item_id)) {
    repos.catalogue.note_copy_moved(item->id, now);  // back on the shelf, perhaps: no loan event says so
    // route_item has already moved the copy; its decision is for a desk that shows it, and none is here.
    (void)route_item(repos, *item, ended.pickup_library_id, today, limits, now);
  }
}

}  // namespace

Outcome<domain::Done> cancel_reservation(const Context& context, NetworkCache& network, const std::string& card_number,
                                         long long reservation_id) {
  const auto now = context.clock.now();
  std::optional<Outcome<domain::Done>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto reservation = own_reservation(repos, card_number, reservation_id);
    if (!reservation) {
      result = reservation.error();
      return;
    }
    auto ended = reservation.value();
    const auto was = ended.status;
    ended.status = domain::ReservationStatus::kCancelled;
    repos.circulation.update_reservation(ended, was, now);
    ended.status = was;
    release_item(repos, network.get(repos)->policies.limits, ended, today_of(context, now), now);
    result = domain::Done{};
  });
  return std::move(*result);
}

Outcome<domain::Done> change_pickup_library(const Context& context, NetworkCache& network,
                                            const std::string& card_number, long long reservation_id,
                                            const std::string& library_code) {
  std::optional<Outcome<domain::Done>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto reservation = own_reservation(repos, card_number, reservation_id);
    if (!reservation) {
      result = reservation.error();
      return;
    }
    const auto snapshot = network.get(repos);
    const auto* library = snapshot->find(std::string_view(library_code));
    if (!library || library->kind == domain::LibraryKind::kMobile) {
      result = domain::invalid({{"pickup_library", ErrorCode::kInvalidChoice, {}}});
      return;
    }
    if (reservation->status == domain::ReservationStatus::kReady) {
      result = failure(ErrorCode::kReservationNotChangeable);
      return;
    }
    // A copy already travelling goes on to the old library and is sent on from there when it arrives.
    auto changed = reservation.value();
    changed.pickup_library_id = library->id;
    repos.circulation.update_reservation(changed, changed.status, std::nullopt);
    result = domain::Done{};
  });
  return std::move(*result);
}

ExpiryReport expire_reservations(const Context& context, NetworkCache& network) {
  const auto now = context.clock.now();
  const auto today = today_of(context, now);
  ExpiryReport report;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    report = ExpiryReport{};
    for (auto reservation : repos.circulation.reservations_to_expire(today)) {
      const auto was = reservation.status;
      reservation.status = domain::ReservationStatus::kExpired;
      repos.circulation.update_reservation(reservation, was, now);
      if (was == domain::ReservationStatus::kReady) {
        ++report.uncollected_expired;
        reservation.status = was;
        release_item(repos, network.get(repos)->policies.limits, reservation, today, now);
      } else {
        ++report.waiting_expired;
      }
    }
  });
  return report;
}

std::vector<HoldShelfEntry> hold_shelf(const Context& context, long long library_id) {
  std::vector<HoldShelfEntry> entries;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    for (const auto& reservation : repos.circulation.ready_at(library_id)) {
      HoldShelfEntry entry;
      entry.reservation_id = reservation.id;
      if (auto reader = repos.circulation.reader_by_id(reservation.reader_id)) {
        entry.card_number = reader->card_number;
        entry.reader_name = reader->name;
      }
      if (reservation.filled_item_id)
        if (auto item = repos.circulation.item_by_id(*reservation.filled_item_id)) {
          entry.barcode = item->barcode;
          entry.title = item->title;
        }
      entry.collect_by = reservation.collect_by.value_or(today_of(context, context.clock.now()));
      entries.push_back(std::move(entry));
    }
  });
  return entries;
}

std::vector<PullListEntry> pull_list(const Context& context, NetworkCache& network, long long library_id) {
  std::vector<PullListEntry> entries;
  const auto today = today_of(context, context.clock.now());
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    const auto snapshot = network.get(repos);
    std::map<std::string, std::vector<domain::AvailableCopy>> copies_by_title;
    std::map<long long, ItemRecord> items;
    for (const auto& reservation : repos.circulation.all_waiting()) {
      if (reservation.expires_on < today) continue;
      auto [it, fresh] = copies_by_title.try_emplace(reservation.title_key);
      if (fresh)
        for (auto& item : repos.circulation.available_copies(reservation.title_key)) {
          const auto* at = item.current_library_id ? snapshot->find(*item.current_library_id) : nullptr;
          if (!at || item.facts.type == domain::ItemType::kEBook) continue;  // nobody fetches an e-book
          it->second.push_back({item.id, at->id, at->district});
          items.emplace(item.id, std::move(item));
        }
      const auto* pickup = snapshot->find(reservation.pickup_library_id);
      if (!pickup) continue;
      const domain::QueuedReservation queued{reservation.id,        reservation.reader_id,
                                             reservation.placed_at, reservation.pickup_library_id,
                                             reservation.item_id,   reservation.expires_on};
      auto& copies = it->second;
      if (auto chosen = domain::nearest_copy(queued, pickup->district, copies)) {
        if (copies[*chosen].library_id == library_id) {
          const auto& item = items.at(copies[*chosen].item_id);
          entries.push_back({item.barcode, item.title, pickup->code, reservation.placed_at});
        }
        copies.erase(copies.begin() + static_cast<std::ptrdiff_t>(*chosen));  // taken by this reservation
      }
    }
  });
  return entries;
}

std::vector<ReservationView> reservation_views(Repositories& repos, long long reader_id) {
  std::vector<ReservationView> views;
  for (const auto& r : repos.circulation.active_reservations_of_reader(reader_id)) {
    ReservationView view{r.id,
                         reservation_reference(r.id),
                         r.title,
                         r.pickup_library_id,
                         r.status,
                         0,
                         r.placed_at,
                         r.expires_on,
                         r.ready_on,
                         r.collect_by,
                         r.status != domain::ReservationStatus::kReady};
    view.ebook = repos.circulation.title_item_type(r.title_key) == domain::ItemType::kEBook;
    if (r.status == domain::ReservationStatus::kWaiting) {
      for (const auto& waiting : repos.circulation.waiting_for_title(r.title_key)) {
        ++view.position;
        if (waiting.id == r.id) break;
      }
    }
    views.push_back(std::move(view));
  }
  return views;
}

}  // namespace shelfmark::app
