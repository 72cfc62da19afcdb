// Ports of circulation: readers, items, loans, reservations, charges and payments, lending rules and fine
// suspensions, the retry keys of requests applied once.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/circulation.h"
#include "domain/fines.h"
#include "domain/policy.h"

namespace shelfmark::app {

struct ReaderRecord {
  long long id = 0;
  std::string card_number;
  std::string name;
  domain::ReaderCategory category = domain::ReaderCategory::kAdult;
  domain::ReaderStatus status = domain::ReaderStatus::kActive;
  std::optional<Date> expires_on;
};

struct ItemRecord {
  long long id = 0;
  std::string barcode;
  std::string title;
  std::string title_key;  // groups the copies of one title (title-level reservations)
  domain::ItemFacts facts{domain::ItemType::kBook, domain::Collection::kAdult, 0};
  domain::ItemStatus status = domain::ItemStatus::kAvailable;
  std::optional<long long> current_library_id;
  std::optional<long long> transit_to_library_id;
};

struct LoanRecord {
  long long id = 0;
  long long item_id = 0;
  long long reader_id = 0;
  long long library_id = 0;
  std::string channel;
  Instant checked_out_at;
  Date due_on;
  int times_renewed = 0;
  std::optional<Instant> returned_at;  // set once returned
  // Facts about the item, for quotas and display.
  domain::ItemType item_type = domain::ItemType::kBook;
  std::string barcode;
  std::string title;
};

struct ChargeRecord {
  long long reader_id = 0;
  std::optional<long long> loan_id;
  std::string kind;  // "overdue", "reservation_fee", "replacement_card"
  domain::Money amount;
  std::string explanation;  // JSON: how the amount was worked out
  Instant created_at;
};

struct ReservationRecord {
  long long id = 0;
  long long reader_id = 0;
  std::string title_key;
  std::optional<long long> item_id;  // copy-level
  long long pickup_library_id = 0;
  Instant placed_at;
  Date expires_on;
  domain::ReservationStatus status = domain::ReservationStatus::kWaiting;
  std::optional<long long> filled_item_id;
  std::optional<Date> ready_on;
  std::optional<Date> collect_by;
  std::string title;  // of the title reserved (read only)
};

struct ChargeView {
  long long id = 0;
  std::optional<long long> loan_id;
  std::string kind;
  domain::Money amount;
  domain::Money outstanding;
  std::string explanation;
  std::string title;  // of the item, when the charge is for a loan
  Instant created_at;
};

class CirculationRepository {
 public:
  virtual ~CirculationRepository() = default;
  virtual std::optional<ReaderRecord> reader_by_card(const std::string& card_number) = 0;
  virtual std::optional<ReaderRecord> reader_by_id(long long id) = 0;
  virtual long long insert_reader(const ReaderRecord& reader, Instant created_at) = 0;
  virtual void set_reader_status(long long reader_id, domain::ReaderStatus status) = 0;
  // Blocks the account as card_reported_lost, keeping the status it had (a suspension, say) for
  // restore_status_after_card_lost, which gives it back (active when none was kept).
  virtual void mark_card_lost(long long reader_id) = 0;
  virtual domain::ReaderStatus restore_status_after_card_lost(long long reader_id) = 0;
  virtual std::optional<ItemRecord> item_by_barcode(const std::string& barcode) = 0;
  virtual long long insert_item(const ItemRecord& item) = 0;
  virtual void set_item_location(long long item_id, domain::ItemStatus status, std::optional<long long> current_library,
                                 std::optional<long long> transit_to) = 0;
  virtual std::vector<LoanRecord> open_loans_of_reader(long long reader_id) = 0;
  // Every loan still attributed to the reader, open or returned, newest first (for "my data").
  virtual std::vector<LoanRecord> loans_of_reader(long long reader_id) = 0;
  // Every reservation of the reader, active or ended, newest first.
  virtual std::vector<ReservationRecord> reservations_of_reader(long long reader_id) = 0;
  virtual std::optional<LoanRecord> open_loan_of_item(long long item_id) = 0;
  // item id -> due date of its open loan, for those of these items that are on loan.
  virtual std::map<long long, Date> due_dates_of_items(const std::vector<long long>& item_ids) = 0;
  // Throws StoreError(kUniqueViolation) when the item already has an open loan.
  virtual long long insert_loan(const LoanRecord& loan) = 0;
  // False when the loan was already closed (a concurrent return).
  virtual bool close_loan(long long loan_id, Instant returned_at, long long library_id) = 0;
  // False when times_renewed is no longer `expected_times_renewed` (a concurrent renewal).
  virtual bool renew_loan(long long loan_id, int expected_times_renewed, Date new_due_on) = 0;
  // Returns the event id: the transaction reference number.
  virtual long long add_loan_event(long long loan_id, const std::string& kind, Instant at, std::optional<Date> due_on,
                                   std::optional<long long> staff_id, const std::string& override_reason) = 0;
  virtual domain::Money outstanding_charges(long long reader_id) = 0;
  virtual long long add_charge(const ChargeRecord& charge) = 0;
  // Every charge of the reader, oldest first.
  virtual std::vector<ChargeView> charges_of_reader(long long reader_id) = 0;
  // Returns the payment id (the receipt number).
  virtual long long insert_payment(long long reader_id, const std::string& kind, domain::Money amount,
                                   const std::string& method, const std::string& reason,
                                   std::optional<long long> staff_id, Instant at) = 0;
  // Settles part of a charge by a payment.
  virtual void allocate(long long payment_id, long long charge_id, domain::Money amount) = 0;
  virtual std::vector<domain::FineSuspension> fine_suspensions() = 0;
  virtual long long add_fine_suspension(const domain::FineSuspension& suspension) = 0;
  virtual bool remove_fine_suspension(long long id) = 0;
  // The stored lending rules (in id order) and reader limits. Changes below move the network version, so
  // every node's NetworkCache reloads them.
  virtual domain::LendingPolicies lending_policies() = 0;
  // Throws StoreError(kUniqueViolation) when a rule for the same combination exists.
  virtual long long insert_lending_rule(const domain::PolicyRule& rule) = 0;
  // False when no rule has that id. Throws StoreError(kUniqueViolation) as above.
  virtual bool update_lending_rule(const domain::PolicyRule& rule) = 0;
  virtual bool delete_lending_rule(long long id) = 0;
  virtual void set_reader_limits(const domain::ReaderLimits& limits) = 0;
  // Whether a reader other than `reader_id` waits for this title (blocks renewal).
  virtual bool reserved_by_another(const std::string& title_key, long long reader_id) = 0;
  virtual std::optional<ItemRecord> item_by_id(long long id) = 0;
  // Throws StoreError(kUniqueViolation) when the reader already has an active reservation of the title.
  virtual long long insert_reservation(const ReservationRecord& reservation) = 0;
  virtual std::optional<ReservationRecord> reservation_by_id(long long id) = 0;
  virtual std::vector<ReservationRecord> active_reservations_of_reader(long long reader_id) = 0;
  virtual std::vector<ReservationRecord> waiting_for_title(const std::string& title_key) = 0;
  // The in-transit or ready reservation this copy has been set aside for.
  virtual std::optional<ReservationRecord> reservation_holding_item(long long item_id) = 0;
  // Applies only while the stored status is still `expected`; throws StoreError(kBusy) otherwise, so the
  // transaction is retried from a fresh reading (two copies racing to fill one reservation, say).
  virtual void update_reservation(const ReservationRecord& reservation, domain::ReservationStatus expected,
                                  std::optional<Instant> ended_at) = 0;
  // Waiting ones past their expiry date and ready ones past their last collection day.
  virtual std::vector<ReservationRecord> reservations_to_expire(Date today) = 0;
  virtual std::vector<ReservationRecord> ready_at(long long library_id) = 0;
  // Every waiting reservation in the network, oldest first (for the pull lists).
  virtual std::vector<ReservationRecord> all_waiting() = 0;
  // The type of the title's copies (they share one), nullopt when it has none.
  virtual std::optional<domain::ItemType> title_item_type(const std::string& title_key) = 0;
  // Copies of the title on a shelf now.
  virtual std::vector<ItemRecord> available_copies(const std::string& title_key) = 0;
  // Loan events (lending, renewing, returning) after `event_id`, oldest first: (event id, the record of the
  // copy, 0 for a copy outside the catalogue). Search nodes follow them to keep availability fresh.
  virtual std::vector<std::pair<long long, long long>> loan_events_after(long long event_id, int limit) = 0;
  virtual long long latest_loan_event() = 0;  // 0 when there is none
  // Barcodes of e-book copies on loans still open whose due date is before `day`.
  virtual std::vector<std::string> ebook_loans_due_before(Date day) = 0;
  virtual std::optional<std::string> idempotent_result(const std::string& key) = 0;
  // Throws StoreError(kUniqueViolation) when the key was stored meanwhile.
  virtual void save_idempotent_result(const std::string& key, const std::string& operation, const std::string& result,
                                      Instant at) = 0;
  // Deletes the stored results of requests made before `before`; returns how many.
  virtual long long forget_idempotent_results_before(Instant before) = 0;
};

}  // namespace shelfmark::app
