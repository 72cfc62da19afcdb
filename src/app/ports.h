// The ports: what use cases need from the outside world (storage, password hashing, randomness), as
// interfaces. store/ and security/ implement them; tests may fake them. This header holds what every
// subject shares (StoreError, the transaction and its Repositories, the Context) and the accounts side
// (staff, sessions, sign-in failures, jobs, the audit log); each subject's repositories are in their own
// header: directory_ports.h, circulation_ports.h, terminal_ports.h, catalogue_ports.h, registration_ports.h,
// activity_ports.h, enquiry_ports.h, study_room_ports.h, media_ports.h.
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

// The ports of one subject each; Repositories below gathers them.
#include "app/catalogue_ports.h"
#include "app/circulation_ports.h"
#include "app/directory_ports.h"
#include "app/terminal_ports.h"

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
