// Circulation benchmark: checkouts plus returns per second through the app layer (the same use cases the
// counter, SIP2 and the web call), durable, with 1 and 32 concurrent clients, on a catalogue of many items
// and readers; printed beside the raw rate of single-row durable inserts on the same database (the limit).
//
//   circulation_bench [--backend sqlite|postgres|both] [--items N] [--readers N] [--seconds S]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "app/circulation.h"
#include "security/sodium.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/sql_store.h"
#include "store/testing/pg_cluster.h"

namespace {

using namespace shelfmark;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string backend = "both";
  long long items = 1'000'000;
  long long readers = 500'000;
  double seconds = 10;
};

void load(store::Database& database, const Options& options) {
  auto connection = database.acquire();
  const auto start = Clock::now();
  connection->begin(true);
  domain::Library library;
  library.code = "CL";
  library.name = {"Central", "中央"};
  library.address = {"x", "x"};
  library.kind = domain::LibraryKind::kCentral;
  for (auto& day : library.hours.days) day = {{540, 1260}};
  connection->execute(
      "INSERT INTO libraries (code, name_en, name_tc, kind, district, address_en, address_tc, phone) VALUES "
      "('CL', 'Central', '中央', 'central', 'wan_chai', 'x', 'x', '')");
  for (int day = 0; day < 8; ++day)
    connection->execute("INSERT INTO library_hours (library_id, day_index, opens, closes) VALUES (1, ?, 540, 1260)",
                        {static_cast<long long>(day)});
  connection->commit();
  const long long batch = 20000;
  for (long long done = 0; done < options.readers; done += batch) {
    connection->begin(true);
    for (long long i = done; i < std::min(options.readers, done + batch); ++i)
      connection->execute(
          "INSERT INTO readers (card_number, name, category, status, expires_on, created_at) VALUES (?, ?, 'adult', "
          "'active', '2030-12-31', 0)",
          {"R" + std::to_string(i), "Reader " + std::to_string(i)});
    connection->commit();
  }
  for (long long done = 0; done < options.items; done += batch) {
    connection->begin(true);
    for (long long i = done; i < std::min(options.items, done + batch); ++i)
      connection->execute(
          "INSERT INTO items (barcode, title, title_key, item_type, collection, home_library_id, current_library_id) "
          "VALUES (?, ?, ?, 'book', 'adult', 1, 1)",
          {"B" + std::to_string(i), "Title " + std::to_string(i), "t" + std::to_string(i)});
    connection->commit();
  }
  if (database.backend() == store::Backend::kPostgres) connection->execute_script("ANALYZE");
  std::printf("  loaded %lld readers and %lld items in %.1f s\n", options.readers, options.items,
              std::chrono::duration<double>(Clock::now() - start).count());
}

double raw_inserts(store::Database& database, int clients, double seconds) {
  {
    auto connection = database.acquire();
    connection->execute_script("CREATE TABLE IF NOT EXISTS bench_raw (id BIGINT, payload TEXT)");
  }
  std::atomic<long long> commits{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      long long n = 0;
      while (!stop) {
        for (int attempt = 0;; ++attempt) {
          try {
            auto connection = database.acquire();
            connection->begin(true);
            connection->execute("INSERT INTO bench_raw (id, payload) VALUES (?, ?)",
                                {static_cast<long long>(c) * 1'000'000'000 + n, std::string("payload")});
            connection->commit();
            break;
          } catch (const app::StoreError& error) {
            if (error.kind() != app::StoreError::Kind::kBusy || attempt > 20) throw;
          }
        }
        ++n;
        ++commits;
      }
    });
  const auto start = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& thread : threads) thread.join();
  return commits / std::chrono::duration<double>(Clock::now() - start).count();
}

double circulation(store::SqlStore& store, const Options& options, int clients, double seconds) {
  security::Argon2Hasher hasher(security::test_cost(), 1);
  security::SodiumTokens tokens(std::string(32, 'b'));
  auto zone = TimeZone::load("Asia/Hong_Kong");
  SystemClock clock;
  app::Context context{store, clock, *zone, hasher, tokens};
  app::NetworkCache network;
  std::atomic<long long> transactions{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      std::mt19937_64 random(c + 1);
      // Each client works on its own items and readers, as separate counters would.
      const long long item_slice = options.items / clients;
      const long long reader_slice = options.readers / clients;
      while (!stop) {
        const auto item = "B" + std::to_string(c * item_slice + static_cast<long long>(random() % item_slice));
        const auto reader = "R" + std::to_string(c * reader_slice + static_cast<long long>(random() % reader_slice));
        auto loan = app::check_out(context, network, {reader, item, 1, app::Channel::kCounter, "", std::nullopt});
        if (!loan) continue;
        auto back = app::check_in(context, network, {item, 1, app::Channel::kCounter, std::nullopt, ""});
        if (back) transactions += 2;
      }
    });
  const auto start = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& thread : threads) thread.join();
  return transactions / std::chrono::duration<double>(Clock::now() - start).count();
}

void run(const std::string& name, const std::string& url, const Options& options) {
  std::printf("%s:\n", name.c_str());
  auto database = store::Database::open(url, 40);
  store::migrate(*database);
  load(*database, options);
  store::SqlStore store(*database);
  for (int clients : {1, 32}) {
    const double limit = raw_inserts(*database, clients, options.seconds / 2);
    const double rate = circulation(store, options, clients, options.seconds);
    std::printf("| %-10s | %7d | %22.0f | %27.0f | %6.0f%% |\n", name.c_str(), clients, rate, limit,
                100.0 * rate / limit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--backend"))
      options.backend = argv[i + 1];
    else if (!std::strcmp(argv[i], "--items"))
      options.items = std::stoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--readers"))
      options.readers = std::stoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seconds"))
      options.seconds = std::stod(argv[i + 1]);
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  security::initialise();
  std::printf("Circulation benchmark: %lld items, %lld readers, durable commits, %.0f s per run.\n", options.items,
              options.readers, options.seconds);
  std::printf("| backend    | clients | loans+returns per second | durable single-row inserts/s | of limit |\n");
  std::printf("|------------|---------|--------------------------|-----------------------------|----------|\n");
  if (options.backend == "sqlite" || options.backend == "both") {
    const auto dir = std::filesystem::temp_directory_path() / ("shelfmark-bench-" + security::random_bytes_hex(4));
    std::filesystem::create_directories(dir);
    run("SQLite", "sqlite:" + (dir / "bench.db").string(), options);
    std::filesystem::remove_all(dir);
  }
  if (options.backend == "postgres" || options.backend == "both") {
    testing::PgCluster cluster(true);
    run("PostgreSQL", cluster.create_database("bench"), options);
  }
  return 0;
}
