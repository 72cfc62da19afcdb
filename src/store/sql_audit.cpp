#include "store/sql_audit.h"

#include "store/sql_values.h"

namespace shelfmark::store {
namespace {

class SqlAudit final : public app::AuditLog {
 public:
  explicit SqlAudit(Connection& connection) : c_(connection) {}
  void record(const app::AuditEntry& entry) override {
    Value staff = nullptr;
    if (entry.staff_id) staff = *entry.staff_id;
    c_.execute("INSERT INTO audit_log (at, staff_id, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
               {unix_of(entry.at), staff, entry.action, entry.subject, entry.detail});
  }
  std::vector<app::AuditEntry> recent(int limit) override {
    std::vector<app::AuditEntry> out;
    for (const auto& row :
         c_.query("SELECT at, staff_id, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT ?",
                  {static_cast<long long>(limit)}))
      out.push_back(
          {instant_from_unix(row.integer(0)), row.optional_integer(1), row.text(2), row.text(3), row.text(4)});
    return out;
  }

 private:
  Connection& c_;
};

}  // namespace

std::unique_ptr<app::AuditLog> audit_log(Connection& connection) { return std::make_unique<SqlAudit>(connection); }

}  // namespace shelfmark::store
