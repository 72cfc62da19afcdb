#include "bin/settings.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app/staff_auth.h"
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
