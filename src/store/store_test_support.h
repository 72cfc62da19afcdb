// Test support: a fresh, migrated database per test on either backend (the same tests run on both).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/database.h"
#include "store/migrations.h"
#include "store/sql_store.h"

namespace shelfmark::store::testing_support {

// The shared PostgreSQL cluster of this test binary, started on first use.
std::string new_postgres_database();
std::string new_sqlite_database();

class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    url = GetParam() == "sqlite" ? new_sqlite_database() : new_postgres_database();
    database = Database::open(url, 8);
    migrate(*database);
    store = std::make_unique<SqlStore>(*database);
  }
  std::string url;
  std::unique_ptr<Database> database;
  std::unique_ptr<SqlStore> store;
};

inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

}  // namespace shelfmark::store::testing_support

#define SHELFMARK_ON_BOTH_BACKENDS(suite)                                                                      \
  INSTANTIATE_TEST_SUITE_P(Backends, suite, ::testing::Values(std::string("sqlite"), std::string("postgres")), \
                           ::shelfmark::store::testing_support::backend_name)
