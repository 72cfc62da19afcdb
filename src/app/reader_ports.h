// Ports for finding a reader and reading the reader record (staff, Permission::kFindReaders): lookups by card,
// HKID digest, email, mobile and name keys, and the sections of one reader's record. The name keys
// (domain::reader_name_keys) are kept by the store wherever a reader's names are written (ADR 0020).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/circulation.h"
#include "domain/reader_search.h"

namespace shelfmark::app {

// One line of search results: never the HKID itself, only its masked form.
struct ReaderSummary {
  long long id = 0;
  std::string card_number;
  std::string name;
  std::string name_zh;
  std::string hkid_masked;
  domain::ReaderCategory category = domain::ReaderCategory::kAdult;
  domain::ReaderStatus status = domain::ReaderStatus::kActive;
  std::optional<Date> expires_on;
};

// At most `limit` readers, and how many match in all, counted up to `count_cap` (total > count_cap means
// "more than count_cap").
struct ReaderMatches {
  std::vector<ReaderSummary> readers;
  int total = 0;
  // The search looked at its budget of candidates and stopped (a few very common name beginnings, none of
  // them a whole word): there may be matches it did not see, and the query should be refined.
  bool partial = false;
};

// The reader's own row, as the record shows it.
struct ReaderDetails {
  ReaderSummary summary;
  std::string email;
  std::string mobile;
  std::string address;
  std::optional<Date> date_of_birth;
  std::string language;        // "en", "tc"
  std::string notify_channel;  // "email", "sms", "none"
  bool keep_history = false;
  std::optional<Date> smart_id_issued_on;
  Instant created_at;
};

struct RecordLoan {
  std::string barcode;
  std::string title;
  std::string library_code;
  Instant checked_out_at;
  Date due_on;
  int times_renewed = 0;
  std::optional<Instant> returned_at;
};

struct RecordReservation {
  std::string title;
  std::string pickup_library_code;
  Instant placed_at;
  std::string status;  // a reservation status code
  Date expires_on;
  std::optional<Date> collect_by;
};

struct RecordCharge {
  std::string kind;  // "overdue", "reservation_fee", "replacement_card"
  long long amount_cents = 0;
  long long settled_cents = 0;
  std::string explanation;
  Instant created_at;
};

struct RecordPayment {
  long long id = 0;  // with the kind, the receipt number
  std::string kind;  // "payment", "waiver"
  long long amount_cents = 0;
  std::string method;
  std::string reason;
  Instant at;
};

struct RecordMessage {
  std::string kind;     // a message kind ("reservation_ready", "registration_approved", …)
  std::string channel;  // "email", "sms"
  Instant created_at;
  std::optional<Instant> sent_at;
  std::optional<Instant> failed_at;
};

struct RecordApplication {
  std::string reference;
  std::string type;    // "e_account", "library_card"
  std::string status;  // an application status code
  std::optional<Instant> submitted_at;
  std::optional<Instant> decided_at;
  std::string decision;
};

struct RecordEnquiry {
  std::string reference;
  std::string subject;  // an enquiry subject code
  std::string status;   // an enquiry status code
  Instant submitted_at;
};

struct RecordEnrolment {
  std::string title_en;
  std::string title_tc;
  std::optional<Instant> starts_at;
  std::string status;  // "confirmed", "waitlisted", "cancelled"
  std::optional<bool> attended;
};

struct RecordStudyApplication {
  std::string period_en;
  std::string period_tc;
  int session_number = 0;
  std::string outcome;  // "pending", "successful", "waiting", "declined", "withdrawn"
  Instant applied_at;
};

// An audit entry about the reader (not the reads of the record).
struct RecordEvent {
  Instant at;
  std::string staff_name;  // empty: the reader themself or the system
  std::string action;
  std::string detail;
};

class ReaderFinderRepository {
 public:
  virtual ~ReaderFinderRepository() = default;
  virtual std::optional<ReaderSummary> by_card(const std::string& card_number) = 0;
  virtual std::optional<ReaderSummary> by_hkid_digest(const std::string& digest) = 0;
  virtual ReaderMatches by_email(const std::string& lower_email, int limit, int count_cap) = 0;
  virtual ReaderMatches by_mobile(const std::string& mobile, int limit, int count_cap) = 0;
  // Readers with, for each of the query's prefixes, a name key that begins with it (ADR 0020).
  virtual ReaderMatches by_name(const domain::ReaderQuery& query, int limit, int count_cap) = 0;
  // Writes the reader's names and their keys together: the one way a name changes after the reader exists.
  virtual void set_names(long long reader_id, const std::string& name, const std::string& name_zh) = 0;

  virtual std::optional<ReaderDetails> details(long long reader_id) = 0;
  virtual std::vector<RecordLoan> loans(long long reader_id, bool returned, int limit) = 0;
  virtual std::vector<RecordReservation> reservations(long long reader_id, int limit) = 0;
  virtual std::vector<RecordCharge> charges(long long reader_id, int limit) = 0;
  virtual std::vector<RecordPayment> payments(long long reader_id, int limit) = 0;
  // Messages to the reader's email or mobile number, newest first.
  virtual std::vector<RecordMessage> messages(const std::vector<std::string>& recipients, int limit) = 0;
  virtual std::vector<RecordApplication> applications(long long reader_id) = 0;
  virtual std::vector<RecordEnquiry> enquiries(long long reader_id, int limit) = 0;
  virtual std::vector<RecordEnrolment> enrolments(long long reader_id, int limit) = 0;
  virtual std::vector<RecordStudyApplication> study_applications(long long reader_id, int limit) = 0;
  virtual std::vector<RecordEvent> events(long long reader_id, int limit) = 0;
};

}  // namespace shelfmark::app
