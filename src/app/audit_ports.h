// Ports of the audit log: what staff changed and which personal data they read, recorded in the same
// transaction as the change or the read. The log can only grow: there is no way here to change or delete a
// row, apart from the retention prune (ADR 0023); the schema refuses anything else.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace shelfmark::app {

struct AuditEntry {
  Instant at;
  std::optional<long long> staff_id;
  std::string action;   // "notice.create", "library.hours", "staff.login_failed"; reads end in ".view"
  std::string subject;  // "notice:12", "library:CL", "reader:7"; never personal data
  std::string detail;
};

struct AuditRow {
  long long id = 0;
  AuditEntry entry;
};

// Which rows a search returns, newest first (by time, then id). Empty parts match everything.
struct AuditQuery {
  std::optional<long long> staff_id;
  std::vector<std::string> subjects;  // any of these, exactly
  std::string action;                 // exactly this, or, ending in ".", every action starting with it
  bool views_only = false;            // only reads of personal data (actions ending in ".view")
  std::optional<Instant> from;        // at or after
  std::optional<Instant> until;       // before
  // Keyset paging: only rows older than this (at, id), the last row of the previous page.
  std::optional<std::pair<Instant, long long>> after;
  int limit = 50;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual void record(const AuditEntry& entry) = 0;
  virtual std::vector<AuditEntry> recent(int limit) = 0;
  virtual std::vector<AuditRow> search(const AuditQuery& query) = 0;
  // The retention prune: deletes reads of personal data older than `views_before` and every other row older
  // than `changes_before`; returns how many rows went. The only deletion the schema lets through.
  virtual long long prune(Instant changes_before, Instant views_before) = 0;
  // The registration applications that made (or became) this reader's account, whose audit rows have the
  // subject "application:{id}": a search by reader covers them too.
  virtual std::vector<long long> applications_of_reader(long long reader_id) = 0;
};

}  // namespace shelfmark::app
