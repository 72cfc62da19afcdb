// The store contract: the same tests against SQLite and PostgreSQL.
#include <atomic>
#include <thread>

#include "store/store_test_support.h"

namespace shelfmark::store {
namespace {

using app::Repositories;
using app::Store;
using app::StoreError;
using testing_support::BackendTest;

Date date(std::string_view iso) { return *parse_iso_date(iso); }

domain::Library sample_library(std::string code) {
  domain::Library library;
  library.code = std::move(code);
  library.name = {"Kowloon Public Library", "九龍公共圖書館"};
  library.kind = domain::LibraryKind::kMajor;
  library.district = domain::District::kKowloonCity;
  library.address = {"5 Pui Ching Road, Ho Man Tin", "何文田培正道5號"};
  library.phone = "2926 4055";
  library.facilities = {domain::Facility::kWifi, domain::Facility::kStudyRoom};
  library.hours.days[0] = {{600, 1260}};
  library.hours.days[2] = {{780, 1260}};
  library.hours.days[domain::kHolidayIndex] = {{600, 1140}};
  library.special_hours.push_back({0, date("2026-12-24"), {{600, 1020}}, {"Christmas Eve", "平安夜"}});
  library.closures.push_back({0, date("2027-01-10"), date("2027-01-12"), {"Maintenance", "維修"}});
  return library;
}

class StoreContract : public BackendTest {};

TEST_P(StoreContract, MigrationsAreRecordedAndIdempotent) {
  EXPECT_EQ(schema_version(*database), latest_version());
  auto again = migrate(*database);
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.current_version, latest_version());
}

TEST_P(StoreContract, LibraryRoundTripsWithEverythingItHolds) {
  auto library = sample_library("KLNPL");
  library.kind = domain::LibraryKind::kMobile;
  library.stops.push_back(
      {0, {"Tai O", "大澳"}, domain::District::kIslands, {"Bus terminus", "巴士總站"}, 5, {600, 780}});
  long long version_before = 0, version_after = 0;
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    version_before = repos.libraries.network_version();
    repos.libraries.insert(library);
    version_after = repos.libraries.network_version();
  });
  EXPECT_GT(version_after, version_before);
  std::optional<domain::Library> loaded;
  std::vector<domain::Library> all;
  store->transact(Store::Mode::kRead, [&](Repositories& repos) {
    loaded = repos.libraries.by_code("KLNPL");
    all = repos.libraries.all();
  });
  ASSERT_TRUE(loaded);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(loaded->name, library.name);
  EXPECT_EQ(loaded->address.tc, "何文田培正道5號");
  EXPECT_EQ(loaded->hours, library.hours);
  EXPECT_EQ(loaded->facilities, library.facilities);
  ASSERT_EQ(loaded->special_hours.size(), 1u);
  EXPECT_EQ(loaded->special_hours[0].ranges, library.special_hours[0].ranges);
  ASSERT_EQ(loaded->closures.size(), 1u);
  EXPECT_EQ(loaded->closures[0].last_day, date("2027-01-12"));
  ASSERT_EQ(loaded->stops.size(), 1u);
  EXPECT_EQ(loaded->stops[0].name.tc, "大澳");
  EXPECT_EQ(loaded->stops[0].district, domain::District::kIslands);
}

TEST_P(StoreContract, UniqueViolationIsTyped) {
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) { repos.libraries.insert(sample_library("A")); });
  try {
    store->transact(Store::Mode::kWrite, [&](Repositories& repos) { repos.libraries.insert(sample_library("A")); });
    FAIL() << "expected a unique violation";
  } catch (const StoreError& error) {
    EXPECT_EQ(error.kind(), StoreError::Kind::kUniqueViolation);
  }
}

TEST_P(StoreContract, ForeignKeyViolationIsTyped) {
  try {
    store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
      repos.libraries.add_closure(424242, {0, date("2027-01-01"), date("2027-01-02"), {"x", "x"}});
    });
    FAIL() << "expected a foreign key violation";
  } catch (const StoreError& error) {
    EXPECT_EQ(error.kind(), StoreError::Kind::kForeignKeyViolation);
  }
}

TEST_P(StoreContract, CheckConstraintIsTyped) {
  auto connection = database->acquire();
  try {
    connection->execute("INSERT INTO holidays (day, name_en, name_tc) VALUES (?, ?, ?)",
                        {std::string("x"), nullptr, std::string("y")});
    FAIL() << "expected a NOT NULL violation";
  } catch (const StoreError& error) {
    EXPECT_EQ(error.kind(), StoreError::Kind::kCheckViolation);
  }
}

TEST_P(StoreContract, FailedTransactionLeavesNothingBehind) {
  EXPECT_THROW(store->transact(Store::Mode::kWrite,
                               [&](Repositories& repos) {
                                 repos.libraries.insert(sample_library("GONE"));
                                 throw std::runtime_error("boom");
                               }),
               std::runtime_error);
  store->transact(Store::Mode::kRead, [&](Repositories& repos) { EXPECT_FALSE(repos.libraries.by_code("GONE")); });
  // The pool's connection is clean and reusable.
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) { repos.libraries.insert(sample_library("KEPT")); });
}

TEST_P(StoreContract, OptimisticLockingRefusesStaleEdits) {
  long long id = 0;
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) { id = repos.libraries.insert(sample_library("V")); });
  domain::LibraryDetails details{
      {"New", "新"}, {"Addr", "地址"}, "2921 0208", domain::District::kIslands, domain::LibraryKind::kSmall, {}};
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    EXPECT_TRUE(repos.libraries.update_details(id, 1, details));
    EXPECT_FALSE(repos.libraries.update_details(id, 1, details));  // stale version
    domain::WeeklyHours hours;
    hours.days[1] = {{540, 600}};
    EXPECT_FALSE(repos.libraries.set_weekly_hours(id, 1, hours));
    EXPECT_TRUE(repos.libraries.set_weekly_hours(id, 2, hours));
  });
  store->transact(Store::Mode::kRead, [&](Repositories& repos) {
    auto library = repos.libraries.by_code("V");
    EXPECT_EQ(library->version, 3);
    EXPECT_EQ(library->name.tc, "新");
    EXPECT_TRUE(library->hours.days[0].empty());
    EXPECT_EQ(library->hours.days[1].size(), 1u);
  });
}

TEST_P(StoreContract, NoticesFilterByTimeLibraryAndPage) {
  const auto now = instant_from_unix(2'000'000'000);
  long long kln = 0, other = 0;
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    kln = repos.libraries.insert(sample_library("KLN"));
    other = repos.libraries.insert(sample_library("OTH"));
    auto make = [&](const char* title, long long publish_offset, std::optional<long long> expire_offset,
                    std::vector<long long> libraries, bool important) {
      domain::Notice notice;
      notice.title = {title, title};
      notice.body = {"body", "內文"};
      notice.publish_at = now + std::chrono::seconds(publish_offset);
      if (expire_offset) notice.expire_at = now + std::chrono::seconds(*expire_offset);
      notice.library_ids = std::move(libraries);
      notice.important = important;
      notice.updated_at = now;
      return repos.notices.insert(notice);
    };
    make("old-expired", -100, -10, {}, true);
    make("network", -50, std::nullopt, {}, false);
    make("kln-only", -40, 1000, {kln}, true);
    make("other-only", -30, std::nullopt, {other}, false);
    make("scheduled", 100, std::nullopt, {}, true);
  });
  store->transact(Store::Mode::kRead, [&](Repositories& repos) {
    auto published = repos.notices.published(now, std::nullopt, 10, 0);
    ASSERT_EQ(published.total, 3);
    EXPECT_EQ(published.notices[0].title.en, "other-only");  // newest first
    EXPECT_EQ(published.notices[2].title.en, "network");
    auto for_kln = repos.notices.published(now, kln, 10, 0);
    ASSERT_EQ(for_kln.total, 2);
    EXPECT_EQ(for_kln.notices[0].title.en, "kln-only");
    EXPECT_EQ(for_kln.notices[0].library_ids, std::vector<long long>{kln});
    auto second_page = repos.notices.published(now, std::nullopt, 2, 2);
    ASSERT_EQ(second_page.notices.size(), 1u);
    EXPECT_EQ(second_page.total, 3);
    auto important = repos.notices.important_unexpired(now);
    ASSERT_EQ(important.size(), 2u);  // kln-only and the scheduled one
    EXPECT_EQ(repos.notices.all(100, 0).total, 5);
  });
}

TEST_P(StoreContract, NoticeUpdateChecksVersionAndBumpsCounter) {
  long long id = 0, before = 0;
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    domain::Notice notice;
    notice.title = {"t", "標題"};
    notice.body = {"b", "內文"};
    notice.publish_at = instant_from_unix(100);
    notice.updated_at = instant_from_unix(100);
    id = repos.notices.insert(notice);
    before = repos.notices.notices_version();
  });
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto notice = *repos.notices.by_id(id);
    notice.title.tc = "新標題";
    EXPECT_TRUE(repos.notices.update(notice, 1));
    EXPECT_FALSE(repos.notices.update(notice, 1));
    EXPECT_GT(repos.notices.notices_version(), before);
    EXPECT_EQ(repos.notices.by_id(id)->title.tc, "新標題");
    EXPECT_EQ(repos.notices.by_id(id)->version, 2);
  });
}

TEST_P(StoreContract, SessionsAndAuthFailures) {
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto id = repos.staff.insert({0, "chan", "Chan Tai Man 陳大文", domain::Role::kEditor, false}, "$argon2id$x",
                                       instant_from_unix(1));
    EXPECT_EQ(repos.staff
                  .by_id(repos.staff.insert({0, "ref", "Reference", domain::Role::kReference, false}, "h",
                                            instant_from_unix(1)))
                  ->role,
              domain::Role::kReference);
    repos.sessions.insert({"digest1", id, "csrf", instant_from_unix(10), instant_from_unix(10)});
    repos.sessions.touch("digest1", instant_from_unix(50));
    EXPECT_EQ(repos.sessions.by_digest("digest1")->last_seen_at, instant_from_unix(50));
    repos.sessions.remove_idle(instant_from_unix(40));
    EXPECT_TRUE(repos.sessions.by_digest("digest1"));
    repos.sessions.remove_idle(instant_from_unix(60));
    EXPECT_FALSE(repos.sessions.by_digest("digest1"));
    EXPECT_EQ(repos.staff.by_username("chan")->user.display_name, "Chan Tai Man 陳大文");

    repos.auth_failures.record("k", instant_from_unix(100));
    repos.auth_failures.record("k", instant_from_unix(200));
    EXPECT_EQ(repos.auth_failures.since("k", instant_from_unix(150)).size(), 1u);
    repos.auth_failures.clear("k");
    EXPECT_TRUE(repos.auth_failures.since("k", instant_from_unix(0)).empty());
    repos.audit.record({instant_from_unix(5), id, "test.action", "staff:1", "detail"});
    EXPECT_EQ(repos.audit.recent(1).at(0).action, "test.action");
  });
}

TEST_P(StoreContract, StaffAccountsAreVersionCheckedAndTheirSessionsEnd) {
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    domain::StaffUser fresh{0, "new.one", "New One", domain::Role::kCounter, false};
    fresh.must_change_password = true;
    const auto id = repos.staff.insert(fresh, "h1", instant_from_unix(1));
    const auto other =
        repos.staff.insert({0, "other", "Other", domain::Role::kEditor, false}, "h", instant_from_unix(1));
    auto user = *repos.staff.by_id(id);
    EXPECT_EQ(user.version, 1);
    EXPECT_TRUE(user.must_change_password);
    EXPECT_FALSE(user.last_sign_in_at);

    user.role = domain::Role::kVerifier;
    user.display_name = "Renamed";
    user.disabled = true;
    EXPECT_TRUE(repos.staff.update(user, 1));
    EXPECT_FALSE(repos.staff.update(user, 1));  // someone else's change came first
    user = *repos.staff.by_id(id);
    EXPECT_EQ(user.version, 2);
    EXPECT_EQ(user.role, domain::Role::kVerifier);
    EXPECT_EQ(user.display_name, "Renamed");
    EXPECT_TRUE(user.disabled);

    repos.staff.set_password(id, "h2", false);
    const auto record = *repos.staff.by_username("new.one");
    EXPECT_EQ(record.password_hash, "h2");
    EXPECT_FALSE(record.user.must_change_password);
    EXPECT_EQ(record.user.version, 2);
    repos.staff.record_sign_in(id, instant_from_unix(77));
    EXPECT_EQ(repos.staff.by_id(id)->last_sign_in_at, instant_from_unix(77));

    repos.sessions.insert({"s1", id, "c", instant_from_unix(10), instant_from_unix(10)});
    repos.sessions.insert({"s2", id, "c", instant_from_unix(10), instant_from_unix(10)});
    repos.sessions.insert({"s3", other, "c", instant_from_unix(10), instant_from_unix(10)});
    repos.sessions.remove_all_of_staff(id, "s2");
    EXPECT_FALSE(repos.sessions.by_digest("s1"));
    EXPECT_TRUE(repos.sessions.by_digest("s2"));
    EXPECT_TRUE(repos.sessions.by_digest("s3"));
    repos.sessions.remove_all_of_staff(id, "");
    EXPECT_FALSE(repos.sessions.by_digest("s2"));
    EXPECT_TRUE(repos.sessions.by_digest("s3"));
  });
}

TEST_P(StoreContract, ConcurrentInsertsOfOneUsernameExactlyOneWins) {
  std::atomic<int> wins{0}, duplicates{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      try {
        store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
          repos.staff.insert({0, "racer", "Racer", domain::Role::kCounter, false}, "h", instant_from_unix(1));
        });
        ++wins;
      } catch (const StoreError& error) {
        if (error.kind() == StoreError::Kind::kUniqueViolation) ++duplicates;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(duplicates, 15);
}

TEST_P(StoreContract, PoolReportsUsage) {
  auto stats = database->stats();
  EXPECT_EQ(stats.in_use, 0);
  {
    auto lease = database->acquire();
    EXPECT_EQ(database->stats().in_use, 1);
  }
  EXPECT_EQ(database->stats().in_use, 0);
}

SHELFMARK_ON_BOTH_BACKENDS(StoreContract);

TEST(Sqlite, PragmasAreDurable) {
  auto database = Database::open(testing_support::new_sqlite_database(), 2);
  auto connection = database->acquire();
  EXPECT_EQ(connection->query("PRAGMA journal_mode")[0].text(0), "wal");
  EXPECT_EQ(connection->query("PRAGMA synchronous")[0].integer(0), 2);  // FULL
  EXPECT_EQ(connection->query("PRAGMA foreign_keys")[0].integer(0), 1);
}

TEST(DatabaseUrl, RejectsUnknownSchemesAndRedactsPasswords) {
  EXPECT_THROW(Database::open("mysql://x", 1), std::invalid_argument);
  EXPECT_THROW(Database::open("sqlite:", 1), std::invalid_argument);
  EXPECT_EQ(Database::redact("postgresql://user:secret@host:5432/db"), "postgresql://user:***@host:5432/db");
  EXPECT_EQ(Database::redact("postgresql://user@host/db"), "postgresql://user@host/db");
  EXPECT_THROW(Database::open("sqlite:/nonexistent-dir/x/y.db", 1), StoreError);
}

TEST(Migrations, DialectSectionsKeepOnlyTheBackendsLines) {
  const std::string sql =
      "CREATE TABLE t (id @ID@);\n-- @sqlite\nSELECT 'lite';\n-- @end\n-- @postgres\n"
      "SELECT 'pg';\n-- @end\nSELECT 'both';\n";
  EXPECT_EQ(dialect(sql, Backend::kSqlite),
            "CREATE TABLE t (id INTEGER PRIMARY KEY);\nSELECT 'lite';\nSELECT 'both';\n");
  EXPECT_EQ(dialect(sql, Backend::kPostgres),
            "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);\nSELECT 'pg';\nSELECT 'both';\n");
}

TEST(Sqlite, RebuildingTheStaffTableKeepsForeignKeysOnAndSessionsInPlace) {
  auto database = Database::open(testing_support::new_sqlite_database(), 1);
  migrate(*database);
  auto connection = database->acquire();  // the pool's only connection: the one that ran the migrations
  EXPECT_EQ(connection->query("PRAGMA foreign_keys")[0].integer(0), 1);  // back on after 0015's rebuild
  EXPECT_TRUE(connection->query("PRAGMA foreign_key_check").empty());
  // The sessions table still refers to the rebuilt staff table by name.
  const auto rows = connection->query("SELECT sql FROM sqlite_master WHERE name = 'staff_sessions'");
  ASSERT_EQ(rows.size(), 1u);
  const auto sql = rows[0].text(0);
  EXPECT_NE(sql.find("REFERENCES staff (id)"), std::string::npos) << sql;
}

TEST(Placeholders, NumberedOutsideQuotes) {
  EXPECT_EQ(number_placeholders("SELECT ? , '?' , \"a?\" , ?"), "SELECT $1 , '?' , \"a?\" , $2");
}

}  // namespace
}  // namespace shelfmark::store
