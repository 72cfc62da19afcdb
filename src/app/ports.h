// The ports: what use cases need from the outside world (storage, password hashing, randomness), as
// interfaces. store/ and security/ implement them; tests may fake them. This header holds only what every
// subject shares (StoreError, the transaction and its Repositories, the hasher and token source, the
// Context); each subject's repositories are in their own header: accounts_ports.h, job_ports.h,
// audit_ports.h, directory_ports.h, circulation_ports.h, terminal_ports.h, catalogue_ports.h,
// registration_ports.h, activity_ports.h, enquiry_ports.h, study_room_ports.h, media_ports.h.
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
#include "app/accounts_ports.h"
#include "app/audit_ports.h"
#include "app/catalogue_ports.h"
#include "app/circulation_ports.h"
#include "app/directory_ports.h"
#include "app/job_ports.h"
#include "app/terminal_ports.h"

namespace shelfmark::app {

// Infrastructure faults from storage. Busy is retried by Store::transact; the others propagate.
class StoreError : public std::runtime_error {
 public:
  enum class Kind { kUniqueViolation, kForeignKeyViolation, kCheckViolation, kBusy, kConnection, kOther };
  StoreError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }
  // A unique constraint refused the write: usually a race lost to another transaction, or a random value drawn twice.
  bool is_unique_violation() const { return kind_ == Kind::kUniqueViolation; }

 private:
  Kind kind_;
};

class RegistrationRepository;  // registration_ports.h
class OutboxRepository;        // registration_ports.h
class ActivityRepository;      // activity_ports.h
class EnquiryRepository;       // enquiry_ports.h
class StudyRoomRepository;     // study_room_ports.h
class TwoFactorRepository;     // two_factor_ports.h
class ReaderMergeRepository;   // reader_merge_ports.h
class ReaderFinderRepository;  // reader_ports.h
class ReaderCareRepository;    // reader_care_ports.h

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
  TwoFactorRepository& two_factor;
  ReaderMergeRepository& reader_merges;
  ReaderFinderRepository& readers;
  ReaderCareRepository& reader_care;
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
