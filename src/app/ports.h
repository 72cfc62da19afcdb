// The ports: what use cases need from the outside world (storage, password hashing, randomness), as
// interfaces. store/ and security/ implement them; tests may fake them.
//
// Thread safety: a Store may be shared by all threads; the Repositories handed to a transaction belong to
// that transaction alone and must not escape it.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/bibliographic.h"
#include "domain/circulation.h"
#include "domain/fines.h"
#include "domain/library.h"
#include "domain/notice.h"
#include "domain/staff.h"

namespace shelfmark::app {

// Infrastructure faults from storage. Busy is retried by Store::transact; the others propagate.
class StoreError : public std::runtime_error {
 public:
  enum class Kind { kUniqueViolation, kForeignKeyViolation, kCheckViolation, kBusy, kConnection, kOther };
  StoreError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

class LibraryRepository {
 public:
  virtual ~LibraryRepository() = default;
  // Every library with hours, special hours, closures and stops, ordered by district then name.
  virtual std::vector<domain::Library> all() = 0;
  virtual std::optional<domain::Library> by_code(const std::string& code) = 0;
  virtual long long insert(const domain::Library& library) = 0;  // with everything it holds
  // False when the stored version is not `expected_version` (someone else edited it).
  virtual bool update_details(long long id, long long expected_version, const domain::LibraryDetails& details) = 0;
  virtual bool set_weekly_hours(long long id, long long expected_version, const domain::WeeklyHours& hours) = 0;
  virtual long long add_special_hours(long long library_id, const domain::SpecialHours& special) = 0;
  virtual bool remove_special_hours(long long library_id, long long special_id) = 0;
  virtual long long add_closure(long long library_id, const domain::Closure& closure) = 0;
  virtual bool remove_closure(long long library_id, long long closure_id) = 0;
  virtual long long add_stop(long long library_id, const domain::MobileStop& stop) = 0;
  virtual bool remove_stop(long long library_id, long long stop_id) = 0;
  virtual domain::HolidayCalendar holidays() = 0;
  // Throws StoreError(kUniqueViolation) when the date already has a holiday.
  virtual void add_holiday(const domain::Holiday& holiday) = 0;
  virtual bool remove_holiday(Date date) = 0;
  // A number that changes whenever anything above changes; lets every node cache the network.
  virtual long long network_version() = 0;
};

struct NoticePage {
  std::vector<domain::Notice> notices;
  long long total = 0;
};

class NoticeRepository {
 public:
  virtual ~NoticeRepository() = default;
  // Published at `now`, newest first; library_id limits to notices for that library (or for all).
  virtual NoticePage published(Instant now, std::optional<long long> library_id, int limit, int offset) = 0;
  // Important notices that have not expired at `now` (some may still be scheduled).
  virtual std::vector<domain::Notice> important_unexpired(Instant now) = 0;
  // Every notice, newest publication first, for staff.
  virtual NoticePage all(int limit, int offset) = 0;
  virtual std::optional<domain::Notice> by_id(long long id) = 0;
  virtual long long insert(const domain::Notice& notice) = 0;
  virtual bool update(const domain::Notice& notice, long long expected_version) = 0;
  virtual long long notices_version() = 0;
};

struct StaffRecord {
  domain::StaffUser user;
  std::string password_hash;
};

class StaffRepository {
 public:
  virtual ~StaffRepository() = default;
  virtual std::optional<StaffRecord> by_username(const std::string& username) = 0;
  virtual std::optional<domain::StaffUser> by_id(long long id) = 0;
  // Throws StoreError(kUniqueViolation) when the username is taken.
  virtual long long insert(const domain::StaffUser& user, const std::string& password_hash, Instant created_at) = 0;
  virtual std::vector<domain::StaffUser> all() = 0;
};

struct StaffSession {
  std::string id_digest;  // digest of the cookie token; the token itself is never stored
  long long staff_id = 0;
  std::string csrf_token;
  Instant created_at;
  Instant last_seen_at;
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  virtual void insert(const StaffSession& session) = 0;
  virtual std::optional<StaffSession> by_digest(const std::string& id_digest) = 0;
  virtual void touch(const std::string& id_digest, Instant at) = 0;
  virtual void remove(const std::string& id_digest) = 0;
  virtual void remove_idle(Instant last_seen_before) = 0;
};

struct ReaderSession {
  std::string id_digest;
  long long reader_id = 0;
  std::string csrf_token;
  Instant created_at;
  Instant last_seen_at;
};

class ReaderSessionRepository {
 public:
  virtual ~ReaderSessionRepository() = default;
  virtual void insert(const ReaderSession& session) = 0;
  virtual std::optional<ReaderSession> by_digest(const std::string& id_digest) = 0;
  virtual void touch(const std::string& id_digest, Instant at) = 0;
  virtual void remove(const std::string& id_digest) = 0;
  virtual void remove_idle(Instant last_seen_before) = 0;
  // Signs the reader out everywhere but the session `except_digest` (after a password change or reset).
  virtual void remove_all_of_reader(long long reader_id, const std::string& except_digest) = 0;
};

// Readers' private calendar feeds (due dates as iCalendar).
class CalendarFeedRepository {
 public:
  virtual ~CalendarFeedRepository() = default;
  // Replaces the reader's feed token (the old link stops working).
  virtual void set(long long reader_id, const std::string& token_digest, Instant at) = 0;
  virtual void remove(long long reader_id) = 0;
  virtual bool exists(long long reader_id) = 0;
  virtual std::optional<long long> reader_by_token(const std::string& token_digest) = 0;
};

class AuthFailureRepository {
 public:
  virtual ~AuthFailureRepository() = default;
  virtual std::vector<Instant> since(const std::string& key, Instant since) = 0;
  virtual void record(const std::string& key, Instant at) = 0;
  virtual void clear(const std::string& key) = 0;
  // Deletes the failures recorded before `before`, of every key; returns how many.
  virtual long long forget_before(Instant before) = 0;
};

// Background jobs run inside `serve` on whichever node claims them first: a claim is a lease that ends by
// itself, so a node that dies mid-job does not block the job for long.
class JobRepository {
 public:
  virtual ~JobRepository() = default;
  // Adds the job with its first run time unless it is already known.
  virtual void ensure(const std::string& name, Instant first_run_at) = 0;
  // True when this caller now holds the job: it was due and nobody else's lease was running.
  virtual bool claim(const std::string& name, Instant now, Instant lease_until) = 0;
  virtual void finish(const std::string& name, Instant ran_at, Instant next_run_at, const std::string& summary) = 0;
};

struct AuditEntry {
  Instant at;
  std::optional<long long> staff_id;
  std::string action;   // "notice.create", "library.hours", "staff.login_failed"
  std::string subject;  // "notice:12", "library:CL"; never personal data
  std::string detail;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual void record(const AuditEntry& entry) = 0;
  virtual std::vector<AuditEntry> recent(int limit) = 0;
};

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

// SIP2 terminal accounts (self-check machines, stations, book drops) and readers' PINs.
struct SipAccountRecord {
  long long id = 0;
  std::string username;
  std::string secret_hash;
  long long library_id = 0;
  std::string kind = "self_check";             // "self_check", "self_service_station", "book_drop"
  std::vector<std::string> allowed_addresses;  // empty: any address
  bool send_personal_fields = false;
  bool pin_required = true;
  bool disabled = false;
  Instant created_at;
};

class SipRepository {
 public:
  virtual ~SipRepository() = default;
  virtual std::optional<SipAccountRecord> account_by_username(const std::string& username) = 0;
  // Throws StoreError(kUniqueViolation) when the username is taken.
  virtual long long insert_account(const SipAccountRecord& account) = 0;
  virtual std::vector<SipAccountRecord> all_accounts() = 0;
  // The argon2id hash of the reader's PIN; nullopt when the reader has none.
  virtual std::optional<std::string> reader_pin_hash(long long reader_id) = 0;
  virtual void set_reader_pin_hash(long long reader_id, const std::optional<std::string>& pin_hash) = 0;
};

// The catalogue: bibliographic records (kept whole as MARC) and the copies cataloguing staff attach to them.
struct BibRecord {
  long long id = 0;
  std::string control_number;
  domain::MarcRecord marc;
  domain::Bibliographic fields;  // derived from `marc` when read (extract_bibliographic)
  Instant created_at;
  Instant updated_at;
  long long version = 0;
};

struct CatalogueItem {
  long long id = 0;
  long long record_id = 0;
  std::string barcode;
  long long home_library_id = 0;
  domain::ItemType type = domain::ItemType::kBook;
  domain::Collection collection = domain::Collection::kAdult;
  std::string call_number;
  std::optional<domain::Money> price;
  domain::ItemStatus status = domain::ItemStatus::kAvailable;  // read only here: circulation changes it
  std::optional<long long> current_library_id;                 // read only here
  long long version = 0;
};

// One entry of the change feed: the record (or one of its copies) changed.
struct CatalogueChange {
  long long position = 0;  // gap-free, in commit order
  long long record_id = 0;
  Instant changed_at;
};

// Writers take turns: the first write in a transaction (upsert_record, insert_item, update_item) waits for
// any other transaction writing to the catalogue to end, so what is read after it is current.
class CatalogueRepository {
 public:
  virtual ~CatalogueRepository() = default;
  enum class Upsert { kInserted, kUpdated, kUnchanged };
  struct Upserted {
    long long id = 0;
    Upsert outcome = Upsert::kInserted;
  };
  // Inserts the record, or replaces the one with the same control number (001). A record identical to the
  // stored one is left alone (kUnchanged). Otherwise appends a change, and a changed title is copied to the
  // record's items. `fields` must be extract_bibliographic(record) with a non-empty control number.
  virtual Upserted upsert_record(const domain::MarcRecord& record, const domain::Bibliographic& fields, Instant at) = 0;
  virtual std::optional<BibRecord> record_by_id(long long id) = 0;
  virtual std::optional<BibRecord> record_by_control_number(const std::string& control_number) = 0;
  // Records in id order after `after_id`, for export and rebuilding a search index.
  virtual std::vector<BibRecord> records_after(long long after_id, int limit) = 0;
  virtual long long record_count() = 0;
  virtual std::vector<CatalogueItem> items_of_record(long long record_id) = 0;
  // The copies of all these records, by record then id (a page of search results reads them at once).
  virtual std::vector<CatalogueItem> items_of_records(const std::vector<long long>& record_ids) = 0;
  virtual std::optional<CatalogueItem> item_by_id(long long id) = 0;
  virtual std::optional<CatalogueItem> item_by_barcode(const std::string& barcode) = 0;
  // The copies with any of these barcodes (an import checks a whole batch at once).
  virtual std::vector<CatalogueItem> items_by_barcodes(const std::vector<std::string>& barcodes) = 0;
  // A copy of a record: title from the record, title_key "record:<id>", on the shelf of its home library.
  // Appends a change. Throws StoreError(kUniqueViolation) when the barcode is taken.
  virtual long long insert_item(const CatalogueItem& item, Instant at) = 0;
  // Barcode, home library, type, collection, call number and price. False when the stored version is not
  // `expected_version`. Appends a change. Throws StoreError(kUniqueViolation) when the barcode is taken.
  virtual bool update_item(const CatalogueItem& item, long long expected_version, Instant at) = 0;
  // Appends a change for the record of this copy (if it has one): a copy went back on a shelf or left one
  // without a loan event (a transit arriving, a hold shelf released), so search sees where it is now.
  virtual void note_copy_moved(long long item_id, Instant at) = 0;
  // The change feed after `position`, oldest first. A record appears once per transaction that changed it
  // or its copies.
  virtual std::vector<CatalogueChange> changes_since(long long position, int limit) = 0;
};

class RegistrationRepository;  // registration_ports.h
class OutboxRepository;        // registration_ports.h
class ActivityRepository;      // activity_ports.h
class EnquiryRepository;       // enquiry_ports.h
class StudyRoomRepository;     // study_room_ports.h

struct Repositories {
  LibraryRepository& libraries;
  NoticeRepository& notices;
  StaffRepository& staff;
  SessionRepository& sessions;
  AuthFailureRepository& auth_failures;
  AuditLog& audit;
  CirculationRepository& circulation;
  JobRepository& jobs;
  SipRepository& sip;
  CatalogueRepository& catalogue;
  ReaderSessionRepository& reader_sessions;
  CalendarFeedRepository& calendar_feeds;
  RegistrationRepository& registrations;
  OutboxRepository& outbox;
  ActivityRepository& activities;
  EnquiryRepository& enquiries;
  StudyRoomRepository& study_rooms;
};

// Runs work in one transaction: commits when it returns, rolls back when it throws. Busy and serialization
// failures are retried a few times with back-off, so work must be safe to run again (no side effects
// outside the repositories).
class Store {
 public:
  enum class Mode { kRead, kWrite };
  virtual ~Store() = default;
  virtual void transact(Mode mode, const std::function<void(Repositories&)>& work) = 0;
  // After destroying data that must not linger (identity documents): makes sure no copy of deleted rows stays
  // in the database's own files. SQLite zeroes deleted content (secure_delete) and this truncates its
  // write-ahead log; PostgreSQL's dead tuples are unreadable anyway once their keys are gone (ADR 0012).
  virtual void erase_deleted_data() {}
};

class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;
  virtual std::string hash(std::string_view password) = 0;
  virtual bool verify(const std::string& stored_hash, std::string_view password) = 0;
};

class TokenSource {
 public:
  virtual ~TokenSource() = default;
  virtual std::string random_token() = 0;                  // 256 random bits, URL-safe
  virtual std::string digest(std::string_view token) = 0;  // one-way, for storing session ids
};

// What every use case receives.
struct Context {
  Store& store;
  const Clock& clock;
  const TimeZone& zone;
  PasswordHasher& hasher;
  TokenSource& tokens;
};

}  // namespace shelfmark::app
