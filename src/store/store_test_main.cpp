#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>

#include "security/sodium.h"
#include "store/store_test_support.h"
#include "store/testing/pg_cluster.h"

namespace shelfmark::store::testing_support {
namespace {

std::unique_ptr<testing::PgCluster> cluster;
std::once_flag cluster_once;
std::atomic<int> counter{0};
std::string temp_dir;

class Cleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    cluster.reset();  // stops the server by process id
    std::error_code ignored;
    if (!temp_dir.empty()) std::filesystem::remove_all(temp_dir, ignored);
  }
};

}  // namespace

std::string new_postgres_database() {
  std::call_once(cluster_once, [] { cluster = std::make_unique<testing::PgCluster>(); });
  return cluster->create_database("t" + std::to_string(++counter));
}

std::string new_sqlite_database() {
  if (temp_dir.empty()) {
    char pattern[] = "/tmp/shelfmark-sqlite-XXXXXX";
    temp_dir = mkdtemp(pattern);
  }
  return "sqlite:" + temp_dir + "/t" + std::to_string(++counter) + ".db";
}

}  // namespace shelfmark::store::testing_support

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  shelfmark::security::initialise();
  ::testing::AddGlobalTestEnvironment(new shelfmark::store::testing_support::Cleanup);
  return RUN_ALL_TESTS();
}
