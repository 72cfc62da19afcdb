// The audit trail (Permission::kReadAudit: administrators, and auditors, who read it and change nothing):
// the audit log searched by staff member, reader, action, subject and Hong Kong dates, newest first, a page
// at a time (keyset paging); the same filter exported (bounded, and itself audited as "audit.export"); the
// retention prune (a job, ADR 0023); and, for a reader's data download, who at the library looked at their
// record. Reads of personal data are audited where they happen (actions ending in ".view").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "app/notices.h"
#include "app/ports.h"
#include "domain/audit.h"

namespace shelfmark::app {

inline constexpr int kAuditPageSize = 50;
// An export holds at most this many rows (the newest); a narrower filter gets the rest.
inline constexpr int kAuditExportLimit = 100000;

struct AuditLine {
  long long id = 0;
  Instant at;
  std::optional<long long> staff_id;
  std::string staff_username;  // empty when no member of staff did it (the system, an applicant)
  std::string staff_name;
  std::string action;
  std::string subject;
  std::string detail;
};

struct AuditSearch {
  domain::AuditFilterText filter;
  std::string cursor;  // "" for the first page, else the next_cursor of the page before
};
struct AuditPage {
  std::vector<AuditLine> lines;
  std::string next_cursor;  // "" on the last page
};
// invalid with field errors for a bad filter (see domain::check_audit_filter), an unknown username
// (audit_staff_unknown on "staff") or card number (audit_card_unknown on "card"). A card finds the reader's
// rows ("reader:{id}") and those of the registration applications that made the account ("application:{id}").
domain::Outcome<AuditPage> audit_trail(const Context& context, const Actor& actor, const AuditSearch& search);

struct AuditExport {
  std::vector<AuditLine> lines;  // newest first
  bool truncated = false;        // more rows matched than kAuditExportLimit
};
// The same filter as audit_trail, every page; recorded as "audit.export" with the filter and the row count.
domain::Outcome<AuditExport> export_audit_trail(const Context& context, const Actor& actor,
                                                const domain::AuditFilterText& filter);

// How long audit rows are kept (ADR 0023): changes seven years, reads of personal data two.
struct AuditRetention {
  std::chrono::days changes{2557};
  std::chrono::days views{730};
};
// Deletes the rows older than their retention; returns how many.
long long prune_audit_log(const Context& context, const AuditRetention& retention);

// A look at a reader's personal data by a member of staff, as the reader's data download shows it: when,
// the role of the member of staff (not their name, ADR 0023), and what they opened.
enum class ViewedWhat { kRecord, kRegistration, kDocument, kOther };
struct RecordViewing {
  Instant at;
  std::optional<domain::Role> role;  // none if the account no longer exists
  ViewedWhat what = ViewedWhat::kOther;
};
// Newest first, as far back as the retention of reads goes.
std::vector<RecordViewing> record_viewings(const Context& context, long long reader_id);
std::string_view viewed_what_code(ViewedWhat what);  // "record", "registration", "document", "other"

}  // namespace shelfmark::app
