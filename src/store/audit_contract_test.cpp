// The audit log's contract on both backends: rows cannot be changed or deleted except by the retention
// prune, which deletes only rows older than its cutoffs; searches filter and page by keyset, newest first.
#include "store/store_test_support.h"

namespace shelfmark::store {
namespace {

using app::AuditEntry;
using app::AuditQuery;
using app::Repositories;
using app::Store;
using testing_support::BackendTest;

class AuditContract : public BackendTest {
 protected:
  long long count(const std::string& where = "1 = 1") {
    auto connection = database->acquire();
    return connection->query("SELECT COUNT(*) FROM audit_log WHERE " + where)[0].integer(0);
  }
  void record(const AuditEntry& entry) {
    store->transact(Store::Mode::kWrite, [&](Repositories& repos) { repos.audit.record(entry); });
  }
  std::vector<app::AuditRow> search(const AuditQuery& query) {
    std::vector<app::AuditRow> rows;
    store->transact(Store::Mode::kRead, [&](Repositories& repos) { rows = repos.audit.search(query); });
    return rows;
  }
};

TEST_P(AuditContract, RowsCannotBeChangedOrDeleted) {
  record({instant_from_unix(1000), std::nullopt, "reader.update", "reader:1", "name: a -> b"});
  record({instant_from_unix(2000), std::nullopt, "reader.view", "reader:1", ""});
  auto connection = database->acquire();
  EXPECT_ANY_THROW(connection->execute("UPDATE audit_log SET detail = 'nothing happened'"));
  EXPECT_ANY_THROW(connection->execute("UPDATE audit_log SET at = 5 WHERE action = 'reader.view'"));
  EXPECT_ANY_THROW(connection->execute("DELETE FROM audit_log WHERE action = 'reader.update'"));
  EXPECT_ANY_THROW(connection->execute("DELETE FROM audit_log"));
  if (connection->backend() == Backend::kPostgres) EXPECT_ANY_THROW(connection->execute("TRUNCATE audit_log"));
  EXPECT_EQ(count(), 2);
  EXPECT_EQ(count("detail = 'name: a -> b'"), 1);
  // The window is closed outside the prune's own transaction.
  const auto window = connection->query("SELECT changes_before, views_before FROM audit_prune_window");
  ASSERT_EQ(window.size(), 1u);
  EXPECT_EQ(window[0].integer(0), 0);
  EXPECT_EQ(window[0].integer(1), 0);
}

TEST_P(AuditContract, PruneDeletesOnlyRowsOlderThanTheirRetention) {
  record({instant_from_unix(100), 1, "reader.view", "reader:1", "old read"});
  record({instant_from_unix(100), 1, "reader.update", "reader:1", "old change"});
  record({instant_from_unix(500), 1, "reader.view", "reader:1", "recent read"});
  record({instant_from_unix(500), 1, "reader.update", "reader:1", "middle change"});
  record({instant_from_unix(900), 1, "staff.update", "staff:1", "new change"});
  long long deleted = 0;
  // Reads before 600 go; changes only before 200.
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    deleted = repos.audit.prune(instant_from_unix(200), instant_from_unix(600));
  });
  EXPECT_EQ(deleted, 3);
  EXPECT_EQ(count(), 2);
  EXPECT_EQ(count("detail IN ('middle change', 'new change')"), 2);
  auto connection = database->acquire();
  const auto window = connection->query("SELECT changes_before, views_before FROM audit_prune_window");
  EXPECT_EQ(window[0].integer(0), 0);
  EXPECT_EQ(window[0].integer(1), 0);
  // And with the window closed again, the rows left stay.
  EXPECT_ANY_THROW(connection->execute("DELETE FROM audit_log"));
  EXPECT_EQ(count(), 2);
}

TEST_P(AuditContract, PruneThatFailsLeavesTheWindowClosed) {
  record({instant_from_unix(100), 1, "reader.update", "reader:1", "old"});
  EXPECT_ANY_THROW(store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    (void)repos.audit.prune(instant_from_unix(200), instant_from_unix(200));
    throw std::runtime_error("the job failed after pruning");
  }));
  EXPECT_EQ(count(), 1);
  auto connection = database->acquire();
  EXPECT_EQ(connection->query("SELECT changes_before FROM audit_prune_window")[0].integer(0), 0);
}

TEST_P(AuditContract, SearchFiltersNewestFirst) {
  record({instant_from_unix(100), 1, "reader.view", "reader:7", "a"});
  record({instant_from_unix(200), 2, "reader.update", "reader:7", "b"});
  record({instant_from_unix(300), 1, "registration.view", "application:3", "c"});
  record({instant_from_unix(400), 2, "document.view", "application:3", "document:9 identity"});
  record({instant_from_unix(500), 1, "readers.other", "reader:8", "e"});
  record({instant_from_unix(600), std::nullopt, "staff.login_failed", "staff:1", "f"});
  auto details = [&](const AuditQuery& query) {
    std::string out;
    for (const auto& row : search(query)) out += row.entry.detail.substr(0, 1);
    return out;
  };
  EXPECT_EQ(details({}), "fedcba");
  AuditQuery q;
  q.staff_id = 1;
  EXPECT_EQ(details(q), "eca");
  q = {};
  q.subjects = {"reader:7", "application:3"};
  EXPECT_EQ(details(q), "dcba");
  q.views_only = true;
  EXPECT_EQ(details(q), "dca");
  q = {};
  q.action = "reader.";  // a prefix: not "readers.other"
  EXPECT_EQ(details(q), "ba");
  q.action = "reader.view";
  EXPECT_EQ(details(q), "a");
  q = {};
  q.from = instant_from_unix(200);
  q.until = instant_from_unix(500);
  EXPECT_EQ(details(q), "dcb");
  const auto rows = search({});
  EXPECT_EQ(rows.front().entry.staff_id, std::nullopt);
  EXPECT_EQ(rows.back().entry.staff_id, 1);
  EXPECT_EQ(rows.back().entry.action, "reader.view");
  EXPECT_EQ(rows.back().entry.subject, "reader:7");
  EXPECT_EQ(rows.back().entry.at, instant_from_unix(100));
}

TEST_P(AuditContract, KeysetPagingVisitsEveryRowOnceEvenWithEqualTimes) {
  // Rows at equal times, and ids out of time order (a clock may step back between nodes).
  for (int i = 0; i < 25; ++i)
    record({instant_from_unix(1000 + (i % 4) * 10 - (i == 20 ? 500 : 0)), 1, "reader.view",
            "reader:" + std::to_string(i), ""});
  std::vector<std::string> seen;
  AuditQuery q;
  q.limit = 7;
  Instant previous = instant_from_unix(1'000'000);
  for (int page = 0; page < 10; ++page) {
    const auto rows = search(q);
    for (const auto& row : rows) {
      EXPECT_LE(row.entry.at, previous);
      previous = row.entry.at;
      seen.push_back(row.entry.subject);
    }
    if (static_cast<int>(rows.size()) < q.limit) break;
    q.after = std::make_pair(rows.back().entry.at, rows.back().id);
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
}

TEST_P(AuditContract, AuditorRoleIsStoredAndStaffColumnsSurviveTheRebuild) {
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    domain::StaffUser auditor{0, "audit.one", "Auditor One", domain::Role::kAuditor, false};
    auditor.must_change_password = true;
    const auto id = repos.staff.insert(auditor, "h", instant_from_unix(1));
    const auto found = repos.staff.by_id(id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->role, domain::Role::kAuditor);
    EXPECT_TRUE(found->must_change_password);
    EXPECT_EQ(found->version, 1);
  });
  auto connection = database->acquire();
  EXPECT_ANY_THROW(connection->execute(
      "INSERT INTO staff (username, display_name, role, password_hash, created_at) VALUES ('x', 'x', 'root', 'h', 1)"));
}

SHELFMARK_ON_BOTH_BACKENDS(AuditContract);

}  // namespace
}  // namespace shelfmark::store
