#include "store/sql_jobs.h"

#include "store/sql_values.h"

namespace shelfmark::store {
namespace {

class SqlJobs final : public app::JobRepository {
 public:
  explicit SqlJobs(Connection& connection) : c_(connection) {}
  void ensure(const std::string& name, Instant first_run_at) override {
    c_.execute("INSERT INTO job_schedule (name, next_run_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
               {name, unix_of(first_run_at)});
  }
  bool claim(const std::string& name, Instant now, Instant lease_until) override {
    // One UPDATE decides: of many nodes trying at once, exactly one changes the row.
    return c_.execute(
               "UPDATE job_schedule SET claimed_until = ? WHERE name = ? AND next_run_at <= ? AND "
               "(claimed_until IS NULL OR claimed_until < ?)",
               {unix_of(lease_until), name, unix_of(now), unix_of(now)}) == 1;
  }
  void finish(const std::string& name, Instant ran_at, Instant next_run_at, const std::string& summary) override {
    c_.execute(
        "UPDATE job_schedule SET claimed_until = NULL, last_run_at = ?, next_run_at = ?, last_summary = ? "
        "WHERE name = ?",
        {unix_of(ran_at), unix_of(next_run_at), summary, name});
  }

 private:
  Connection& c_;
};

}  // namespace

std::unique_ptr<app::JobRepository> job_repository(Connection& connection) {
  return std::make_unique<SqlJobs>(connection);
}

}  // namespace shelfmark::store
