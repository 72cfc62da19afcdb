// Ports of the audit log: what staff changed, recorded in the same transaction as the change.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace shelfmark::app {

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

}  // namespace shelfmark::app
