// The adapters behind the app's use-case test fixture (app/testing/fixture.h): the only part of those
// tests that knows the SQL store, libsodium, Xapian and the MARC reader. The databases come from the test
// binary's main (store_test_main.cpp), which owns the throwaway PostgreSQL cluster.
#include "app/testing/fixture.h"
#include "marc/marc_reader.h"
#include "search/xapian_index.h"
#include "security/sodium.h"
#include "store/store_test_support.h"

namespace shelfmark::app::testing {
namespace {

class SqlTestBackend final : public TestBackend {
 public:
  explicit SqlTestBackend(const std::string& backend)
      : url_(backend == "sqlite" ? store::testing_support::new_sqlite_database()
                                 : store::testing_support::new_postgres_database()),
        database_(store::Database::open(url_, 8)) {
    store::migrate(*database_);
    store_ = std::make_unique<store::SqlStore>(*database_);
  }
  Store& store() override { return *store_; }
  std::string url() const override { return url_; }
  std::vector<SqlRow> query(std::string_view sql, const SqlParams& params) override {
    auto connection = database_->acquire();
    std::vector<SqlRow> rows;
    for (const auto& row : connection->query(sql, params)) {
      std::vector<std::optional<std::string>> cells;
      for (std::size_t i = 0; i < row.size(); ++i)
        cells.push_back(row.is_null(i) ? std::nullopt : std::optional<std::string>(row.text(i)));
      rows.emplace_back(std::move(cells));
    }
    return rows;
  }
  long long execute(std::string_view sql, const SqlParams& params) override {
    return database_->acquire()->execute(sql, params);
  }

 private:
  std::string url_;
  std::unique_ptr<store::Database> database_;
  std::unique_ptr<store::SqlStore> store_;
};

}  // namespace

std::unique_ptr<TestBackend> open_test_backend(const std::string& backend) {
  return std::make_unique<SqlTestBackend>(backend);
}

std::unique_ptr<PasswordHasher> test_hasher(int max_in_flight) {
  return std::make_unique<security::Argon2Hasher>(security::test_cost(), max_in_flight);
}

std::unique_ptr<TokenSource> test_tokens() { return std::make_unique<security::SodiumTokens>(std::string(32, 'c')); }

std::unique_ptr<Sealer> test_sealer() { return std::make_unique<security::SodiumSealer>(std::string(32, 's')); }

std::unique_ptr<SearchIndex> open_search_index(const std::string& directory) {
  return std::make_unique<search::XapianIndex>(directory);
}

std::vector<domain::MarcRecord> read_marc_file(const std::string& path) {
  std::vector<domain::MarcRecord> records;
  auto reader = marc::open_file(path);
  while (auto result = reader->next())
    if (result->record) records.push_back(std::move(*result->record));
  return records;
}

}  // namespace shelfmark::app::testing
