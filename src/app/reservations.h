// Reservations: placing (title- or copy-level), cancelling, changing the pick-up library, the daily expiry,
// the hold shelf and the pull list, and a reader's reservations as they and staff see them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/directory.h"
#include "app/ports.h"

namespace shelfmark::app {

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

// The reader's active reservations, oldest first, with their places in the queues (inside a transaction).
std::vector<ReservationView> reservation_views(Repositories& repos, long long reader_id);

}  // namespace shelfmark::app
