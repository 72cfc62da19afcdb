#include "store/sql_audit.h"

#include "store/sql_values.h"

namespace shelfmark::store {
namespace {

// Reads of personal data: the actions that end in ".view" (a constant pattern, nothing typed).
constexpr const char* kIsView = "action LIKE '%.view'";

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

  std::vector<app::AuditRow> search(const app::AuditQuery& q) override {
    std::string sql = "SELECT id, at, staff_id, action, subject, detail FROM audit_log WHERE 1 = 1";
    Params params;
    if (q.staff_id) {
      sql += " AND staff_id = ?";
      params.emplace_back(*q.staff_id);
    }
    if (!q.subjects.empty()) {
      std::string marks;
      for (const auto& subject : q.subjects) {
        marks += marks.empty() ? "?" : ", ?";
        params.emplace_back(subject);
      }
      sql += " AND subject IN (" + marks + ")";
    }
    if (!q.action.empty() && q.action.back() == '.') {
      // A prefix as a range, which the index on action serves: "reader." <= action < "reader/".
      sql += " AND action >= ? AND action < ?";
      params.emplace_back(q.action);
      params.emplace_back(q.action.substr(0, q.action.size() - 1) + "/");
    } else if (!q.action.empty()) {
      sql += " AND action = ?";
      params.emplace_back(q.action);
    }
    if (q.views_only) sql += std::string(" AND ") + kIsView;
    if (q.from) {
      sql += " AND at >= ?";
      params.emplace_back(unix_of(*q.from));
    }
    if (q.until) {
      sql += " AND at < ?";
      params.emplace_back(unix_of(*q.until));
    }
    if (q.after) {
      const auto at = unix_of(q.after->first);
      sql += " AND (at < ? OR (at = ? AND id < ?))";
      params.emplace_back(at);
      params.emplace_back(at);
      params.emplace_back(q.after->second);
    }
    sql += " ORDER BY at DESC, id DESC LIMIT ?";
    params.emplace_back(static_cast<long long>(q.limit));
    std::vector<app::AuditRow> out;
    for (const auto& row : c_.query(sql, params))
      out.push_back(
          {row.integer(0),
           {instant_from_unix(row.integer(1)), row.optional_integer(2), row.text(3), row.text(4), row.text(5)}});
    return out;
  }

  long long prune(Instant changes_before, Instant views_before) override {
    const auto changes = unix_of(changes_before);
    const auto views = unix_of(views_before);
    // The window is open only inside this transaction (ADR 0023): the schema's triggers let these deletes
    // through and refuse every other.
    c_.execute("UPDATE audit_prune_window SET changes_before = ?, views_before = ? WHERE id = 1", {changes, views});
    const auto deleted = c_.execute(
        std::string("DELETE FROM audit_log WHERE (") + kIsView + " AND at < ?) OR (NOT " + kIsView + " AND at < ?)",
        {views, changes});
    c_.execute("UPDATE audit_prune_window SET changes_before = 0, views_before = 0 WHERE id = 1");
    return deleted;
  }

  std::vector<long long> applications_of_reader(long long reader_id) override {
    std::vector<long long> out;
    for (const auto& row :
         c_.query("SELECT id FROM registration_applications WHERE reader_id = ? ORDER BY id", {reader_id}))
      out.push_back(row.integer(0));
    return out;
  }

 private:
  Connection& c_;
};

}  // namespace

std::unique_ptr<app::AuditLog> audit_log(Connection& connection) { return std::make_unique<SqlAudit>(connection); }

}  // namespace shelfmark::store
