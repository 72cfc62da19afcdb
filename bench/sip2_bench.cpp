// SIP2 benchmark: checkout (11) and checkin (09) transactions per second through the real SIP2 server over
// loopback TCP, with 1, 16 and 128 concurrent terminals, on SQLite (durable: WAL, synchronous=FULL), with
// p50 and p99 latency of one request/reply. Terminals and server share the machine.
//
// Each terminal logs in once, then alternately lends and takes back items of its own (so terminals do not
// refuse each other), each message with its own transaction date (so no checkout is a replayed one). The
// terminal account needs no patron PIN: the PIN check is an argon2id hash, measured elsewhere.
//
//   sip2_bench [--seconds S] [--terminals 1,16,128]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/terminals.h"
#include "security/sodium.h"
#include "sip2/server.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/sql_store.h"

namespace {

using namespace shelfmark;
using Steady = std::chrono::steady_clock;

constexpr int kItemsPerTerminal = 4;

int connect_to(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Sends one message and reads its reply (up to CR).
std::string exchange(int fd, const std::string& message, std::string& pending) {
  const auto out = message + "\r";
  if (send(fd, out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size())) std::exit(1);
  for (;;) {
    const auto end = pending.find('\r');
    if (end != std::string::npos) {
      auto reply = pending.substr(0, end);
      pending.erase(0, end + 1);
      return reply;
    }
    char buffer[4096];
    const auto n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      std::fprintf(stderr, "connection closed\n");
      std::exit(1);
    }
    pending.append(buffer, static_cast<std::size_t>(n));
  }
}

struct Run {
  double per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  long long refused = 0;
};

Run run(std::uint16_t port, int terminals, double seconds, const TimeZone& zone) {
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::vector<double> latencies;
  std::atomic<long long> done{0}, refused{0};
  std::atomic<bool> go{false}, stop{false};
  std::atomic<int> ready{0};
  for (int t = 0; t < terminals; ++t)
    threads.emplace_back([&, t] {
      const int fd = connect_to(port);
      std::string pending;
      if (exchange(fd, "9300CNbench|COload-test-secret-42|CPCL|", pending) != "941") {
        std::fprintf(stderr, "login failed\n");
        std::exit(1);
      }
      const std::string patron = "R" + std::to_string(t);
      std::vector<double> mine;
      // Transaction dates: a per-terminal clock that moves a second per message, so each is a new request.
      auto when = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) +
                  std::chrono::hours(24 * 365 * (t + 1));
      ++ready;
      while (!go) std::this_thread::yield();
      for (long long n = 0; !stop; ++n) {
        const std::string item = "I" + std::to_string(t * kItemsPerTerminal + n % kItemsPerTerminal);
        // A checkout is always followed by its checkin, so the next run starts with every item back.
        for (int step = 0; step < 2; ++step) {
          when += std::chrono::seconds(1);
          const auto date = sip2::format_sip_date(sip2::to_sip_date(when, zone));
          const auto message = step == 0
                                   ? "11NN" + date + std::string(18, ' ') + "AOCL|AA" + patron + "|AB" + item + "|AC|"
                                   : "09N" + date + std::string(18, ' ') + "APCL|AOCL|AB" + item + "|AC|";
          const auto start = Steady::now();
          const auto reply = exchange(fd, message, pending);
          if (stop) continue;  // finished after the measurement ended
          mine.push_back(std::chrono::duration<double, std::milli>(Steady::now() - start).count());
          if (reply.compare(0, 3, step == 0 ? "121" : "101") != 0 && ++refused <= 3)
            std::fprintf(stderr, "unexpected reply: %s\n", reply.c_str());
          ++done;
        }
      }
      close(fd);
      std::lock_guard lock(mutex);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  while (ready < terminals) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto start = Steady::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  const auto elapsed = std::chrono::duration<double>(Steady::now() - start).count();
  for (auto& thread : threads) thread.join();
  std::sort(latencies.begin(), latencies.end());
  Run result;
  result.per_second = static_cast<double>(done) / elapsed;
  if (!latencies.empty()) {
    result.p50_ms = latencies[latencies.size() / 2];
    result.p99_ms = latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];
  }
  result.refused = refused;
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 10;
  std::vector<int> levels = {1, 16, 128};
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) {
      seconds = std::atof(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--terminals") == 0) {
      levels.clear();
      std::string list = argv[i + 1];
      for (std::size_t at = 0; at < list.size();) {
        auto comma = list.find(',', at);
        if (comma == std::string::npos) comma = list.size();
        levels.push_back(std::stoi(list.substr(at, comma - at)));
        at = comma + 1;
      }
    }
  }
  const int most = *std::max_element(levels.begin(), levels.end());
  security::initialise();
  spdlog::set_level(spdlog::level::warn);  // not a line per terminal login
  char pattern[] = "/tmp/shelfmark-sip2-bench-XXXXXX";
  const std::string dir = mkdtemp(pattern);
  auto database = store::Database::open("sqlite:" + dir + "/bench.db", 8);
  store::migrate(*database);
  store::SqlStore store(*database);
  auto zone = TimeZone::load("Asia/Hong_Kong");
  SystemClock clock;
  security::Argon2Hasher hasher(security::test_cost(), 2);
  security::SodiumTokens tokens(std::string(32, 'b'));
  app::Context context{store, clock, *zone, hasher, tokens};
  store.transact(app::Store::Mode::kWrite, [&](app::Repositories& repos) {
    domain::Library library;
    library.code = "CL";
    library.name = {"Central Library", "中央圖書館"};
    library.address = {"x", "x"};
    library.kind = domain::LibraryKind::kCentral;
    for (auto& day : library.hours.days) day = {{0, 1440}};
    const auto id = repos.libraries.insert(library);
    for (int i = 0; i < most; ++i)
      repos.circulation.insert_reader(
          {0, "R" + std::to_string(i), "讀者 " + std::to_string(i), domain::ReaderCategory::kAdult,
           domain::ReaderStatus::kActive, *parse_iso_date("2099-12-31")},
          clock.now());
    for (int i = 0; i < most * kItemsPerTerminal; ++i) {
      app::ItemRecord item;
      item.barcode = "I" + std::to_string(i);
      item.title = "書名 Title " + std::to_string(i);
      item.title_key = "t:" + std::to_string(i);
      item.facts = {domain::ItemType::kBook, domain::Collection::kAdult, id};
      item.current_library_id = id;
      repos.circulation.insert_item(item);
    }
  });
  if (!app::add_sip_account(context, {"bench", "CL", "load-test-secret-42", {}, false, false})) {
    std::fprintf(stderr, "could not create the terminal account\n");
    return 1;
  }
  app::NetworkCache network;
  sip2::ServerOptions options;
  options.plain = sip2::Listen{"127.0.0.1", 0};
  options.max_connections_per_address = 1000;  // every terminal of the benchmark is 127.0.0.1
  sip2::Server server(context, network, options);
  server.start();

  std::printf(
      "SIP2 checkout + checkin over loopback TCP, SQLite (WAL, synchronous=FULL), %.0f s per run, %u cores "
      "shared by terminals and server.\n",
      seconds, std::thread::hardware_concurrency());
  std::printf("| %9s | %14s | %8s | %8s |\n", "terminals", "transactions/s", "p50", "p99");
  std::printf("|-----------|----------------|----------|----------|\n");
  for (int terminals : levels) {
    const auto result = run(server.port(), terminals, seconds, *zone);
    std::printf("| %9d | %14.0f | %6.2fms | %6.2fms |%s\n", terminals, result.per_second, result.p50_ms, result.p99_ms,
                result.refused ? (" (" + std::to_string(result.refused) + " refused)").c_str() : "");
    std::fflush(stdout);
  }
  server.stop();
  database.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return 0;
}
