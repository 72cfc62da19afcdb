// Ports of the accounts side: staff accounts and their sessions, readers' web sessions and private calendar
// feeds, and the failed sign-ins every throttle counts (ADR 0017).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/staff.h"

namespace shelfmark::app {

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
  // Saves display name, role, disabled and must_change_password when the stored version is
  // `expected_version`, and raises it; false when someone else changed the account first.
  virtual bool update(const domain::StaffUser& user, long long expected_version) = 0;
  // Replaces the password; `must_change` sends the staff member to change it at the next sign-in. The version
  // stays: an administrator's form open meanwhile is still current.
  virtual void set_password(long long id, const std::string& password_hash, bool must_change) = 0;
  virtual void record_sign_in(long long id, Instant at) = 0;
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
  // Ends every session of a staff member but `except_digest` (after disabling or a password change).
  virtual void remove_all_of_staff(long long staff_id, const std::string& except_digest) = 0;
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

}  // namespace shelfmark::app
