#include "bin/settings.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "app/staff_auth.h"
#include "app/terminals.h"
#include "bin/demo_data.h"
#include "security/sodium.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/sql_store.h"

namespace shelfmark::bin {
namespace {

TEST(Settings, ParsesListenAddresses) {
  std::string error;
  auto address = parse_listen("127.0.0.1:8080", error);
  ASSERT_TRUE(address);
  EXPECT_EQ(address->host, "127.0.0.1");
  EXPECT_EQ(address->port, 8080);
  address = parse_listen("[::1]:9000", error);
  ASSERT_TRUE(address);
  EXPECT_EQ(address->host, "::1");
  EXPECT_FALSE(parse_listen("8080", error));
  EXPECT_NE(error.find("HOST:PORT"), std::string::npos);
  EXPECT_FALSE(parse_listen(":8080", error));
  EXPECT_NE(error.find("no host"), std::string::npos);
  EXPECT_FALSE(parse_listen("127.0.0.1:99999", error));
  EXPECT_FALSE(parse_listen("127.0.0.1:http", error));
  EXPECT_NE(error.find("port number"), std::string::npos);
}

TEST(Settings, ChecksDatabaseUrls) {
  EXPECT_EQ(check_database_url("sqlite:var/x.db"), "");
  EXPECT_EQ(check_database_url("postgresql://u@h/db"), "");
  EXPECT_NE(check_database_url("sqlite:"), "");
  EXPECT_NE(check_database_url("mysql://x"), "");
  EXPECT_NE(check_database_url(""), "");
}

TEST(Settings, AuditRetentionHasAFloorAndACeiling) {
  EXPECT_EQ(check_audit_retention(365, "--audit-view-retention-days"), "");
  EXPECT_EQ(check_audit_retention(2557, "--audit-retention-days"), "");
  EXPECT_NE(check_audit_retention(364, "--audit-view-retention-days")
                .find("--audit-view-retention-days must be at least 365"),
            std::string::npos);
  EXPECT_NE(check_audit_retention(0, "--audit-retention-days"), "");
  EXPECT_NE(check_audit_retention(-1, "--audit-retention-days"), "");
  EXPECT_NE(check_audit_retention(36526, "--audit-retention-days"), "");
}

TEST(Settings, CreatesSecretOnceWithPrivateMode) {
  ASSERT_TRUE(security::initialise());
  const auto dir = std::filesystem::temp_directory_path() / ("shelfmark-secret-" + security::random_bytes_hex(4));
  const auto path = (dir / "secret.key").string();
  const auto first = load_or_create_secret(path);
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(load_or_create_secret(path), first);
  const auto perms = std::filesystem::status(path).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::group_read, std::filesystem::perms::none);
  std::ofstream(path) << "short\n";
  EXPECT_THROW(load_or_create_secret(path), std::runtime_error);
  std::filesystem::remove_all(dir);
}

mode_t mode_of(const std::filesystem::path& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) return 07777;
  return status.st_mode & 0777;
}

// Sets a umask for the test's length, as an ordinary login shell would have it.
class Umask {
 public:
  explicit Umask(mode_t mask) : old_(::umask(mask)) {}
  ~Umask() { ::umask(old_); }

 private:
  mode_t old_;
};

// Hardening issue, item 9: var/, the secret and the SQLite files are the server's user's alone.
TEST(Settings, TheSecretAndItsFolderAreCreatedPrivateWhateverTheUmask) {
  ASSERT_TRUE(security::initialise());
  Umask umask(022);
  const auto root = std::filesystem::temp_directory_path() / ("shelfmark-private-" + security::random_bytes_hex(4));
  const auto path = root / "var" / "secret.key";
  load_or_create_secret(path.string());
  EXPECT_EQ(mode_of(root), 0700u);
  EXPECT_EQ(mode_of(root / "var"), 0700u);
  EXPECT_EQ(mode_of(path), 0600u);
  // One written by hand (or an older version) for anyone to read is made private when it is loaded.
  ::chmod(path.c_str(), 0644);
  load_or_create_secret(path.string());
  EXPECT_EQ(mode_of(path), 0600u);
  // A folder that already exists is left as the operator made it.
  std::filesystem::create_directories(root / "shared");
  ::chmod((root / "shared").c_str(), 0755);
  create_private_directories((root / "shared" / "var").string());
  EXPECT_EQ(mode_of(root / "shared"), 0755u);
  EXPECT_EQ(mode_of(root / "shared" / "var"), 0700u);
  std::filesystem::remove_all(root);
}

TEST(Settings, TheSqliteDatabaseAndItsWalAndShmFilesAreCreatedPrivate) {
  ASSERT_TRUE(security::initialise());
  Umask umask(022);
  const auto root = std::filesystem::temp_directory_path() / ("shelfmark-db-" + security::random_bytes_hex(4));
  create_private_directories((root / "var").string());
  const auto path = root / "var" / "shelfmark.db";
  {
    auto database = store::Database::open("sqlite:" + path.string(), 2);
    store::migrate(*database);
    auto connection = database->acquire();
    connection->execute("CREATE TABLE t (x TEXT)", {});
    connection->execute("INSERT INTO t VALUES ('personal data')", {});
    ASSERT_TRUE(std::filesystem::exists(path.string() + "-wal"));
    ASSERT_TRUE(std::filesystem::exists(path.string() + "-shm"));
    EXPECT_EQ(mode_of(path), 0600u);
    EXPECT_EQ(mode_of(path.string() + "-wal"), 0600u);
    EXPECT_EQ(mode_of(path.string() + "-shm"), 0600u);
  }
  EXPECT_EQ(mode_of(root / "var"), 0700u);
  std::filesystem::remove_all(root);
}

TEST(DemoData, LoadsTheNetworkOnceAndCreatesAnAdministrator) {
  ASSERT_TRUE(security::initialise());
  const auto dir = std::filesystem::temp_directory_path() / ("shelfmark-demo-" + security::random_bytes_hex(4));
  std::filesystem::create_directories(dir);
  auto database = store::Database::open("sqlite:" + (dir / "demo.db").string(), 2);
  store::migrate(*database);
  store::SqlStore store(*database);
  auto zone = TimeZone::load("Asia/Hong_Kong");
  FixedClock clock(zone->to_instant({*parse_iso_date("2026-11-23"), 600}));
  security::Argon2Hasher hasher(security::test_cost(), 1);
  security::SodiumTokens tokens(std::string(32, 'x'));
  app::Context context{store, clock, *zone, hasher, tokens};
  const auto report = load_demo_data(context);
  EXPECT_GE(report.libraries, 80);
  EXPECT_GE(report.holidays, 30);
  EXPECT_GE(report.notices, 5);
  EXPECT_EQ(report.readers, 200);
  EXPECT_EQ(report.items, 2100);
  EXPECT_GT(report.loans, 100);
  ASSERT_TRUE(report.admin_password);
  EXPECT_TRUE(app::log_in(context, "admin", *report.admin_password, "127.0.0.1"));
  // Demo readers have a PIN for terminals and a password for the web (ADR 0019).
  EXPECT_EQ(report.readers_with_pin, kDemoReadersWithPin);
  EXPECT_TRUE(app::check_reader_credentials(context, "2100000004", demo_reader_password("2100000004"), "127.0.0.1"));
  EXPECT_TRUE(app::check_reader_pin(context, "2100000004", "0004", "127.0.0.1"));
  std::vector<domain::Library> libraries;
  store.transact(app::Store::Mode::kRead, [&](app::Repositories& repos) { libraries = repos.libraries.all(); });
  int mobile = 0, central = 0;
  for (const auto& library : libraries) {
    if (library.kind == domain::LibraryKind::kMobile) {
      ++mobile;
      EXPECT_FALSE(library.stops.empty()) << library.code;
    }
    if (library.kind == domain::LibraryKind::kCentral) ++central;
    EXPECT_FALSE(library.name.tc.empty()) << library.code;
  }
  EXPECT_EQ(mobile, 12);
  EXPECT_EQ(central, 1);
  EXPECT_TRUE(load_demo_data(context).already_loaded);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace shelfmark::bin
