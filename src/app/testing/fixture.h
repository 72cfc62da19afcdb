// The one fixture of the app's use-case tests: a Context on a fresh, migrated database (SQLite or
// PostgreSQL), a fixed clock in Hong Kong time, and plain builders for what the tests need in the
// database first (libraries, readers, items, staff). It knows only app/, domain/ and core/: the adapters
// behind it (the SQL store, argon2id and libsodium, the Xapian index, the MARC reader) are made by
// src/store/testing/app_adapters.cpp, the one file that knows them, through the functions declared here.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "app/directory.h"
#include "app/notices.h"
#include "app/ports.h"
#include "app/registration_ports.h"
#include "app/search_port.h"
#include "core/time.h"
#include "domain/bibliographic.h"
#include "domain/library.h"

namespace shelfmark::app::testing {

// A row read with raw SQL: each cell as text, or null.
class SqlRow {
 public:
  explicit SqlRow(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}
  bool is_null(std::size_t i) const { return !cells_.at(i).has_value(); }
  const std::string& text(std::size_t i) const;
  long long integer(std::size_t i) const;
  std::size_t size() const { return cells_.size(); }

 private:
  std::vector<std::optional<std::string>> cells_;
};

using SqlValue = std::variant<std::nullptr_t, long long, std::string>;
using SqlParams = std::vector<SqlValue>;

// A fresh, migrated database of one backend and the Store on it. Raw SQL is for what no port offers:
// counting rows, reading a column as stored, writing rows a test needs in a shape no use case makes.
class TestBackend {
 public:
  virtual ~TestBackend() = default;
  virtual Store& store() = 0;
  virtual std::string url() const = 0;  // "sqlite:/tmp/…/t3.db" or a PostgreSQL URL
  virtual std::vector<SqlRow> query(std::string_view sql, const SqlParams& params = {}) = 0;
  virtual long long execute(std::string_view sql, const SqlParams& params = {}) = 0;  // rows changed
};

// Made in src/store/testing/app_adapters.cpp.
std::unique_ptr<TestBackend> open_test_backend(const std::string& backend);    // "sqlite" or "postgres"
std::unique_ptr<PasswordHasher> test_hasher(int max_in_flight);                // argon2id at its test cost
std::unique_ptr<TokenSource> test_tokens();                                    // libsodium, a fixed key
std::unique_ptr<Sealer> test_sealer();                                         // libsodium, a fixed key
std::unique_ptr<SearchIndex> open_search_index(const std::string& directory);  // Xapian
// The records of a MARC file (ISO 2709 or MARCXML); records that cannot be read are left out.
std::vector<domain::MarcRecord> read_marc_file(const std::string& path);

struct FixtureOptions {
  int hasher_in_flight = 1;  // how many argon2id hashes may run at once
};

// A library as most tests want one: names = code, address "x", no opening hours; change what matters.
domain::Library library(const std::string& code, domain::LibraryKind kind = domain::LibraryKind::kDistrict);
// Opening hours `open`..`close` (minutes after midnight) on every day, public holidays included.
domain::WeeklyHours open_every_day(int open, int close);

struct ReaderSpec {
  std::string card{};
  std::string name{};  // default: "Reader " + card
  domain::ReaderCategory category = domain::ReaderCategory::kAdult;
  domain::ReaderStatus status = domain::ReaderStatus::kActive;
  std::optional<Date> expires_on = parse_iso_date("2030-12-31");
  std::string pin{};       // set through set_reader_pin when not empty
  std::string password{};  // hashed and stored when not empty
  // My Setting: applied over the stored defaults when given.
  std::optional<std::string> email{};
  std::optional<std::string> channel{};
  std::optional<domain::Language> language{};
};

struct ItemSpec {
  std::string barcode{};
  std::string title{};      // default: "Title " + barcode
  std::string title_key{};  // default: "t:" + barcode
  domain::ItemType type = domain::ItemType::kBook;
  domain::Collection collection = domain::Collection::kAdult;
  long long library_id = 0;  // home and current library
};

struct StaffSpec {
  std::string username{};
  std::string display_name{};
  domain::Role role = domain::Role::kCounter;
  std::string password{};  // empty: stored directly with a dummy hash; else through the add_staff use case
};

class Fixture {
 public:
  // Monday 2026-11-23, 10:00 in Hong Kong.
  explicit Fixture(const std::string& backend, FixtureOptions options = {});
  virtual ~Fixture();
  Fixture(const Fixture&) = delete;
  Fixture& operator=(const Fixture&) = delete;

  // Each adds one thing in its own write transaction and returns its id; failures throw.
  long long new_library(const domain::Library& library);
  long long new_reader(const ReaderSpec& spec);
  long long new_item(const ItemSpec& spec);
  Actor new_staff(const StaffSpec& spec);

  // Sets the clock to a local time in Hong Kong ("2027-02-15T10:00").
  void at(const std::string& local);

  // The first column of the first row, as a number ("SELECT COUNT(*) FROM …").
  long long count(const std::string& sql);
  TestBackend& sql() { return *backend_; }
  std::string database_url() const { return backend_->url(); }

 private:
  std::unique_ptr<TestBackend> backend_;
  std::unique_ptr<PasswordHasher> hasher_;
  std::unique_ptr<TokenSource> tokens_;

 public:
  // Named as the tests have always named them.
  Store* const store;
  std::shared_ptr<const TimeZone> zone;
  std::unique_ptr<FixedClock> clock;
  PasswordHasher& hasher;
  TokenSource& tokens;
  std::unique_ptr<Context> context;
  NetworkCache network;
};

}  // namespace shelfmark::app::testing
