// The base of every use-case test: a Fixture per test, on the backend the test is instantiated for.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "app/testing/fixture.h"

namespace shelfmark::app::testing {

class UseCaseTest : public ::testing::TestWithParam<std::string>, public Fixture {
 protected:
  explicit UseCaseTest(FixtureOptions options = {}) : Fixture(GetParam(), options) {}
};

inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

}  // namespace shelfmark::app::testing

// Runs every TEST_P of the suite on SQLite and on PostgreSQL, each test on a fresh migrated database.
#define SHELFMARK_ON_BOTH_BACKENDS(suite)                                                                      \
  INSTANTIATE_TEST_SUITE_P(Backends, suite, ::testing::Values(std::string("sqlite"), std::string("postgres")), \
                           ::shelfmark::app::testing::backend_name)
