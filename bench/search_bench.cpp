// Search benchmark: a generated bilingual catalogue (bin::generate_demo_catalogue, default 1,000,000 records)
// indexed and searched by Shelfmark and, side by side, by Zebra (Debian idzebra-2.0, the engine Koha has long
// used), with the same records and the same fixed mix of English, Chinese and field queries.
//
//   Shelfmark: import into SQLite through app::import_records (rate reported on its own), then app::reindex
//   into a fresh Xapian index (the index build rate). Queries through the app layer (app::search_catalogue:
//   index plus the records and copies from the database, 20 a page), and through HTTP: the real
//   `shelfmark serve` on the same database and index, GET /en/search?q=... (the HTML page readers get) over
//   keep-alive connections. Also the index alone (XapianIndex::search), to show where the time goes.
//   Zebra: the same records as MARCXML, zebraidx with bench/zebra/zebra.cfg (DOM filter, ICU words, as Koha
//   sets Zebra up; the index build rate), then zebrasrv on loopback, queried over Z39.50 with YAZ's ZOOM in
//   PQF (bib-1 use attributes), fetching the first 20 records of each result, as a page of results.
//
// Each run has 1 and 32 clients (threads, each with its own connection) going round the query mix for
// --seconds; the table gives queries per second and latency percentiles, and how many of the queries found
// something (Zebra folds neither Traditional and Simplified Chinese nor accents; Shelfmark does).
//
//   search_bench [--records N] [--seconds S] [--clients 1,32] [--work-dir DIR] [--keep] [--skip-zebra]
//                [--skip-http] [--shelfmark PATH] [--zebra-config DIR] [--reuse] [--reindex] [--only LABEL]
//
// --reuse (with --work-dir) keeps what an earlier run with the same --records built there (the database, the
// Xapian index, Zebra's register), so that a change to the search can be measured in minutes instead of the
// 20 a million records take to build; --reindex rebuilds the Xapian index even then (after a change to
// what is indexed). --only runs just the queries of the mix whose text contains LABEL (to profile one,
// say under `perf record`).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaz/zoom.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "app/catalogue.h"
#include "app/catalogue_search.h"
#include "bin/demo_catalogue.h"
#include "bin/demo_data.h"
#include "bin/settings.h"
#include "marc/marc_writer.h"
#include "search/xapian_index.h"
#include "security/sodium.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/sql_store.h"

#ifndef SHELFMARK_BENCH_ZEBRA_DIR
#define SHELFMARK_BENCH_ZEBRA_DIR "bench/zebra"
#endif

namespace {

using namespace shelfmark;
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct Options {
  long long records = 1'000'000;
  double seconds = 10;
  std::vector<int> clients = {1, 32};
  std::string work_dir;
  bool keep = false;
  bool skip_zebra = false;
  bool skip_http = false;
  bool reuse = false;
  bool reindex = false;
  std::string only;
  std::string shelfmark;
  std::string zebra_config = SHELFMARK_BENCH_ZEBRA_DIR;
};

double since(Steady::time_point start) { return std::chrono::duration<double>(Steady::now() - start).count(); }

// One query of the mix: what a reader types (with facet filters, as the search page takes them), and the
// same question in PQF for Zebra.
struct BenchQuery {
  std::string label;
  std::string text;
  std::vector<std::pair<std::string, std::string>> filters;
  std::string pqf;
};

std::string pqf_term(const std::string& term) { return "\"" + term + "\""; }
std::string any(const std::string& term) { return "@attr 1=1016 " + pqf_term(term); }
std::string all_of(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 1; i < parts.size(); ++i) out += "@and ";
  for (const auto& part : parts) out += part + " ";
  out.pop_back();
  return out;
}

std::vector<BenchQuery> query_mix(const std::string& isbn, const std::string& title_phrase) {
  return {
      // English words and phrases.
      {"en word", "history", {}, any("history")},
      {"en words", "harbour city", {}, all_of({any("harbour"), any("city")})},
      {"en word", "music", {}, any("music")},
      {"en words", "gardens islands", {}, all_of({any("gardens"), any("islands")})},
      {"en word", "beginners", {}, any("beginners")},
      {"en words", "philosophy society", {}, all_of({any("philosophy"), any("society")})},
      {"en accent", "cafe conversations", {}, all_of({any("cafe"), any("conversations")})},
      {"en phrase", "\"a short history\"", {}, "@attr 1=1016 @attr 4=1 \"a short history\""},
      {"en words", "hong kong history", {}, all_of({any("hong"), any("kong"), any("history")})},
      // Chinese: one, two and more characters, Traditional and Simplified.
      {"zh 2 Trad", "香港", {}, any("香港")},
      {"zh 2 Trad", "歷史", {}, any("歷史")},
      {"zh 2 Simp", "历史", {}, any("历史")},
      {"zh 4 Trad", "兒童故事", {}, any("兒童故事")},
      {"zh 4 Simp", "儿童故事", {}, any("儿童故事")},
      {"zh 1", "城", {}, any("城")},
      {"zh 2 Trad", "文學", {}, any("文學")},
      {"zh 2+2", "天文 入門", {}, all_of({any("天文"), any("入門")})},
      {"zh 6 Trad", "香港歷史之旅", {}, any("香港歷史之旅")},
      // Fields.
      {"author", "author:austen", {}, "@attr 1=1003 austen"},
      {"author", "author:dickens", {}, "@attr 1=1003 dickens"},
      {"author zh", "author:張愛玲", {}, "@attr 1=1003 " + pqf_term("張愛玲")},
      {"title phrase", "title:\"" + title_phrase + "\"", {}, "@attr 1=4 @attr 4=1 " + pqf_term(title_phrase)},
      {"title", "title:harbour", {}, "@attr 1=4 harbour"},
      {"subject", "subject:astronomy", {}, "@attr 1=21 astronomy"},
      {"subject zh", "主題:旅遊", {}, "@attr 1=21 " + pqf_term("旅遊")},
      {"isbn", "isbn:" + isbn, {}, "@attr 1=7 " + isbn},
      // Boolean and facet-filtered.
      {"boolean", "music AND history", {}, all_of({any("music"), any("history")})},
      {"boolean", "poetry OR novels", {}, "@or " + any("poetry") + " " + any("novels")},
      {"facet", "history", {{"language", "eng"}}, all_of({any("history"), "@attr 1=54 eng"})},
      {"facet", "香港", {{"language", "chi"}}, all_of({any("香港"), "@attr 1=54 chi"})},
  };
}

// A run of `clients` threads for `seconds`, each going round the mix from its own starting point.
// `ask(client, query)` returns false on a failure (counted, not timed).
struct RunResult {
  int clients = 0;
  double qps = 0, p50 = 0, p95 = 0, p99 = 0;
  long long failures = 0;
  std::vector<double> query_p50;  // the median of each query of the mix
};

RunResult run_clients(int clients, double seconds, std::size_t queries,
                      const std::function<bool(int client, std::size_t query)>& ask) {
  std::vector<std::vector<double>> latencies(static_cast<std::size_t>(clients));
  std::vector<std::vector<std::pair<std::size_t, double>>> by_query(static_cast<std::size_t>(clients));
  std::atomic<long long> failures{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  const auto start = Steady::now();
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      auto& mine = latencies[static_cast<std::size_t>(c)];
      auto& mine_by_query = by_query[static_cast<std::size_t>(c)];
      mine.reserve(100000);
      for (std::size_t n = static_cast<std::size_t>(c) * 7; !stop; ++n) {
        const auto began = Steady::now();
        const bool ok = ask(c, n % queries);
        if (ok) {
          mine.push_back(since(began) * 1000);
          mine_by_query.emplace_back(n % queries, mine.back());
        } else {
          ++failures;
        }
      }
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& thread : threads) thread.join();
  const double elapsed = since(start);
  std::vector<double> all;
  for (auto& one : latencies) all.insert(all.end(), one.begin(), one.end());
  std::sort(all.begin(), all.end());
  RunResult result;
  result.clients = clients;
  result.failures = failures;
  result.qps = static_cast<double>(all.size()) / elapsed;
  auto at = [&](double q) {
    return all.empty() ? 0.0
                       : all[std::min(all.size() - 1, static_cast<std::size_t>(q * static_cast<double>(all.size())))];
  };
  result.p50 = at(0.50);
  result.p95 = at(0.95);
  result.p99 = at(0.99);
  std::vector<std::vector<double>> per_query(queries);
  for (const auto& one : by_query)
    for (const auto& [query, ms] : one) per_query[query].push_back(ms);
  for (auto& times : per_query) {
    std::sort(times.begin(), times.end());
    result.query_p50.push_back(times.empty() ? -1.0 : times[times.size() / 2]);
  }
  return result;
}

// ---- processes ----

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  close(fd);
  return ntohs(address.sin_port);
}

// Starts a program in `dir` with its output appended to `log`; returns its pid. posix_spawn: nothing runs
// between fork and exec that could wait on a lock another thread of this process held.
pid_t start_process(const std::vector<std::string>& argv, const std::string& dir, const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!dir.empty()) posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int error = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    std::fprintf(stderr, "cannot start %s: %s\n", args[0], std::strerror(error));
    std::exit(1);
  }
  return pid;
}

int wait_process(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void stop_process(pid_t pid) {
  kill(pid, SIGTERM);
  wait_process(pid);
}

int run_process(const std::vector<std::string>& argv, const std::string& dir, const std::string& log) {
  return wait_process(start_process(argv, dir, log));
}

// ---- HTTP: a minimal HTTP/1.1 keep-alive client ----

std::string percent_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

class HttpClient {
 public:
  explicit HttpClient(int port) : port_(port) {}
  ~HttpClient() { disconnect(); }

  // GET path; the status (0 when the connection failed) and the body.
  int get(const std::string& path, std::string* body = nullptr) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0 && !connect_to()) return 0;
      const auto request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: en\r\n\r\n";
      if (send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
        disconnect();
        continue;
      }
      const int status = read_response(body);
      if (status > 0) return status;
      disconnect();  // the server closed a kept-alive connection: once more on a new one
    }
    return 0;
  }

 private:
  bool connect_to() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port_));
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      disconnect();
      return false;
    }
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    buffer_.clear();
    return true;
  }
  void disconnect() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  bool fill() {
    char chunk[65536];
    const auto n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  int read_response(std::string* body) {
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return 0;
    const auto head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    int status = 0;
    if (head.size() > 12) status = std::atoi(head.c_str() + 9);
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    const bool close_after = lower.find("connection: close") != std::string::npos;
    std::string content;
    if (const auto at = lower.find("content-length:"); at != std::string::npos) {
      const auto length = static_cast<std::size_t>(std::atoll(lower.c_str() + at + 15));
      while (buffer_.size() < length)
        if (!fill()) return 0;
      content = buffer_.substr(0, length);
      buffer_.erase(0, length);
    } else if (lower.find("transfer-encoding: chunked") != std::string::npos) {
      for (;;) {
        std::size_t line;
        while ((line = buffer_.find("\r\n")) == std::string::npos)
          if (!fill()) return 0;
        const auto size = static_cast<std::size_t>(std::strtoull(buffer_.c_str(), nullptr, 16));
        while (buffer_.size() < line + 2 + size + 2)
          if (!fill()) return 0;
        content += buffer_.substr(line + 2, size);
        buffer_.erase(0, line + 2 + size + 2);
        if (size == 0) break;
      }
    }
    if (body) *body = std::move(content);
    if (close_after) disconnect();
    return status;
  }

  int port_;
  int fd_ = -1;
  std::string buffer_;
};

std::string search_path(const std::string& base, const BenchQuery& query) {
  auto path = base + "?q=" + percent_encode(query.text);
  for (const auto& [name, value] : query.filters) path += "&" + name + "=" + percent_encode(value);
  return path;
}

// ---- Zebra over Z39.50 (ZOOM) ----

class ZoomClient {
 public:
  explicit ZoomClient(int port) {
    ZOOM_options options = ZOOM_options_create();
    ZOOM_options_set(options, "databaseName", "Default");
    ZOOM_options_set(options, "preferredRecordSyntax", "xml");
    ZOOM_options_set(options, "elementSetName", "F");
    connection_ = ZOOM_connection_create(options);
    ZOOM_options_destroy(options);
    ZOOM_connection_connect(connection_, "127.0.0.1", port);
  }
  ~ZoomClient() { ZOOM_connection_destroy(connection_); }
  ZoomClient(const ZoomClient&) = delete;
  ZoomClient& operator=(const ZoomClient&) = delete;

  // Searches and fetches the first page of records; the hit count, or -1 on an error.
  long long search(const std::string& pqf, std::string* error = nullptr) {
    ZOOM_resultset results = ZOOM_connection_search_pqf(connection_, pqf.c_str());
    const char* message = nullptr;
    const char* info = nullptr;
    if (ZOOM_connection_error(connection_, &message, &info)) {
      if (error) *error = std::string(message ? message : "") + " " + (info ? info : "");
      ZOOM_resultset_destroy(results);
      return -1;
    }
    const auto size = static_cast<long long>(ZOOM_resultset_size(results));
    const auto page = static_cast<std::size_t>(std::min<long long>(size, 20));
    long long bytes = 0;
    if (page > 0) {
      ZOOM_record records[20];
      ZOOM_resultset_records(results, records, 0, page);
      for (std::size_t i = 0; i < page; ++i) {
        int length = 0;
        if (records[i] && ZOOM_record_get(records[i], "raw", &length)) bytes += length;
      }
      if (ZOOM_connection_error(connection_, &message, &info) || bytes == 0) {
        if (error) *error = std::string("present: ") + (message ? message : "") + " " + (info ? info : "");
        ZOOM_resultset_destroy(results);
        return -1;
      }
    }
    ZOOM_resultset_destroy(results);
    return size;
  }

 private:
  ZOOM_connection connection_;
};

// ---- printing ----

struct Row {
  std::string path;
  RunResult run;
  int with_hits = 0;
  int queries = 0;
};

void print_row(const Row& row) {
  std::printf("| %-28s | %7d | %9.0f | %7.2f | %7.2f | %7.2f | %7d of %d |%s\n", row.path.c_str(), row.run.clients,
              row.run.qps, row.run.p50, row.run.p95, row.run.p99, row.with_hits, row.queries,
              row.run.failures ? (" " + std::to_string(row.run.failures) + " failed").c_str() : "");
  std::fflush(stdout);
}

std::vector<int> parse_list(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');)
    if (!part.empty()) out.push_back(std::stoi(part));
  return out;
}

std::string default_shelfmark(const char* argv0) {
  // build/bench/search_bench -> build/src/bin/shelfmark
  std::error_code ignored;
  const auto self = fs::canonical(fs::path(argv0), ignored);
  return (self.parent_path().parent_path() / "src" / "bin" / "shelfmark").string();
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  options.shelfmark = default_shelfmark(argv[0]);
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", name.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (name == "--records")
      options.records = std::stoll(value());
    else if (name == "--seconds")
      options.seconds = std::stod(value());
    else if (name == "--clients")
      options.clients = parse_list(value());
    else if (name == "--work-dir")
      options.work_dir = value();
    else if (name == "--keep")
      options.keep = true;
    else if (name == "--skip-zebra")
      options.skip_zebra = true;
    else if (name == "--skip-http")
      options.skip_http = true;
    else if (name == "--reuse")
      options.reuse = true;
    else if (name == "--reindex")
      options.reindex = true;
    else if (name == "--only")
      options.only = value();
    else if (name == "--shelfmark")
      options.shelfmark = value();
    else if (name == "--zebra-config")
      options.zebra_config = value();
    else {
      std::fprintf(stderr, "unknown option %s\n", name.c_str());
      return 2;
    }
  }
  if (options.records < 1 || options.seconds <= 0 || options.clients.empty()) {
    std::fprintf(stderr, "--records, --seconds and --clients must be positive\n");
    return 2;
  }
  if (!security::initialise()) return 1;
  spdlog::set_level(spdlog::level::warn);
  const bool own_dir = options.work_dir.empty();
  const fs::path work = own_dir
                            ? fs::temp_directory_path() / ("shelfmark-search-bench-" + security::random_bytes_hex(4))
                            : fs::path(options.work_dir);
  // What an earlier run built in this directory: "records isbn zebra" in built.txt, written at the end of a
  // complete build.
  const auto built_file = work / "built.txt";
  std::string built_isbn;
  bool reuse = false, zebra_built = false;
  if (options.reuse && !own_dir) {
    std::ifstream in(built_file);
    long long built_records = 0;
    int zebra_flag = 0;
    if (in >> built_records >> built_isbn >> zebra_flag && built_records == options.records) {
      reuse = true;
      zebra_built = zebra_flag == 1;
    }
  }
  if (!reuse) {
    fs::remove_all(built_file);
    fs::remove_all(work / "shelfmark.db");
    fs::remove_all(work / "shelfmark.db-wal");
    fs::remove_all(work / "shelfmark.db-shm");
    fs::remove_all(work / "xapian");
    fs::remove_all(work / "zebra");
  } else if (options.reindex) {
    fs::remove_all(work / "xapian");
  }
  fs::create_directories(work);
  std::printf(
      "Search benchmark: %lld generated records, %.0f s per run, %u cores shared by clients and servers; "
      "work directory %s%s.\n",
      options.records, options.seconds, std::thread::hardware_concurrency(), work.c_str(),
      reuse ? " (reusing its database and indexes)" : "");
  std::fflush(stdout);

  // ---- Shelfmark: the demo network, the generated catalogue imported, then indexed ----
  const auto database_url = "sqlite:" + (work / "shelfmark.db").string();
  const auto secret_file = (work / "secret").string();
  auto database = store::Database::open(database_url, 40);
  store::migrate(*database);
  store::SqlStore store(*database);
  security::Argon2Hasher hasher(security::test_cost(), 1);
  security::SodiumTokens tokens(bin::load_or_create_secret(secret_file));
  auto zone = TimeZone::load("Asia/Hong_Kong");
  SystemClock clock;
  app::Context context{store, clock, *zone, hasher, tokens};

  std::string isbn = built_isbn, title_phrase = "secret life";
  double import_seconds = 0;
  auto started = Steady::now();
  const auto zebra_dir = work / "zebra";
  if (!reuse) {
    bin::load_demo_data(context);
    bin::DemoCatalogueOptions generate;
    generate.records = static_cast<std::size_t>(options.records);
    generate.seed = 2026;
    store.transact(app::Store::Mode::kRead, [&](app::Repositories& repos) {
      for (const auto& library : repos.libraries.all())
        if (library.kind != domain::LibraryKind::kMobile && library.kind != domain::LibraryKind::kSelfService)
          generate.library_codes.push_back(library.code);
    });
    auto catalogue = bin::generate_demo_catalogue(generate);
    std::printf("  generated %zu records (%zu libraries) in %.1f s\n", catalogue.size(), generate.library_codes.size(),
                since(started));
    std::fflush(stdout);

    // A generated record's ISBN, for the field queries.
    for (const auto& field : catalogue[catalogue.size() / 2].fields)
      if (field.tag == "020")
        for (const auto& subfield : field.subfields)
          if (subfield.code == 'a') isbn = subfield.value;

    started = Steady::now();
    constexpr std::size_t kBatch = 1000;
    long long items = 0;
    for (std::size_t start = 0; start < catalogue.size(); start += kBatch) {
      const std::vector<domain::MarcRecord> batch(
          catalogue.begin() + static_cast<std::ptrdiff_t>(start),
          catalogue.begin() + static_cast<std::ptrdiff_t>(std::min(catalogue.size(), start + kBatch)));
      items += app::import_records(context, batch).items_added;
      if ((start + kBatch) % 100000 == 0)
        std::fprintf(stderr, "  ... imported %zu records, %.0f a second\n", start + kBatch,
                     static_cast<double>(start + kBatch) / since(started));
    }
    import_seconds = since(started);
    std::printf("  imported into SQLite through app::import_records: %.1f s, %.0f records/s (%lld copies)\n",
                import_seconds, static_cast<double>(catalogue.size()) / import_seconds, items);
    std::fflush(stdout);

    // Zebra gets the same records, as one MARCXML collection (its DOM filter reads MARCXML, as Koha feeds it).
    if (!options.skip_zebra) {
      fs::create_directories(zebra_dir / "register");
      fs::create_directories(zebra_dir / "lock");
      fs::create_directories(zebra_dir / "tmp");
      std::ofstream out(zebra_dir / "records.xml", std::ios::binary);
      out << marc::marcxml_collection_begin();
      for (const auto& record : catalogue) out << marc::to_marcxml(record) << '\n';
      out << marc::marcxml_collection_end();
    }
  }
  auto queries = query_mix(isbn, title_phrase);
  if (!options.only.empty()) {
    std::erase_if(queries, [&](const BenchQuery& query) { return query.text.find(options.only) == std::string::npos; });
    if (queries.empty()) {
      std::fprintf(stderr, "no query of the mix contains %s\n", options.only.c_str());
      return 2;
    }
  }
  const int query_count = static_cast<int>(queries.size());

  std::vector<Row> rows;
  std::vector<std::pair<std::string, double>> build_rates;
  std::vector<long long> shelfmark_hits(queries.size(), -1), zebra_hits(queries.size(), -1);
  long long indexed = 0;
  double index_seconds = 0;
  const auto index_dir = (work / "xapian").string();
  {
    search::XapianIndex index(index_dir);
    app::NetworkCache network;
    if (index.document_count() == 0) {
      started = Steady::now();
      long long reported = 0;
      indexed = app::reindex(context, network, index, [&](long long done, long long) {
        if (done - reported < 100000) return;
        reported = done;
        std::fprintf(stderr, "  ... indexed %lld records, %.0f a second\n", done,
                     static_cast<double>(done) / since(started));
      });
      index_seconds = since(started);
      std::printf("  Shelfmark index build (app::reindex into Xapian): %lld records in %.1f s, %.0f records/s\n",
                  indexed, index_seconds, static_cast<double>(indexed) / index_seconds);
      std::fflush(stdout);
    }

    // Through the app layer.
    int with_hits = 0;
    for (std::size_t n = 0; n < queries.size(); ++n) {
      app::SearchQuery asked;
      asked.text = queries[n].text;
      for (const auto& [name, value] : queries[n].filters) asked.filters[name].push_back(value);
      const auto found = app::search_catalogue(context, index, asked);
      shelfmark_hits[n] = found.results.total;
      if (found.results.total > 0) ++with_hits;
    }
    for (const int clients : options.clients) {
      const auto run = run_clients(clients, options.seconds, queries.size(), [&](int, std::size_t n) {
        app::SearchQuery asked;
        asked.text = queries[n].text;
        for (const auto& [name, value] : queries[n].filters) asked.filters[name].push_back(value);
        asked.limit = 20;
        app::search_catalogue(context, index, asked);
        return true;
      });
      rows.push_back({"Shelfmark app layer", run, with_hits, query_count});  // no search cache
    }
    // The index alone (Xapian: matching, the first 20 ids, facet counts), to show where the app layer's time
    // goes; the rest is reading the 20 records, their copies and availability from the database.
    for (const int clients : options.clients) {
      const auto run = run_clients(clients, options.seconds, queries.size(), [&](int, std::size_t n) {
        app::SearchQuery asked;
        asked.text = queries[n].text;
        for (const auto& [name, value] : queries[n].filters) asked.filters[name].push_back(value);
        asked.limit = 20;
        index.search(asked);
        return true;
      });
      rows.push_back({"Shelfmark index only", run, with_hits, query_count});
    }
  }

  // Through HTTP: the real server on the same database and index, first with its search cache off (every
  // query is matched again, as the app layer and index rows above), then as it runs by default (answers
  // kept while the index does not change: after the first round, the mix is answered from the cache).
  auto http_rows = [&](const std::string& label, const std::vector<std::string>& extra) {
    const int port = free_port();
    std::vector<std::string> argv = {options.shelfmark, "--database",  database_url,
                                     "--secret-file",   secret_file,   "--search-index",
                                     index_dir,         "--log-level", "warn",
                                     "serve",           "--listen",    "127.0.0.1:" + std::to_string(port),
                                     "--threads",       "2",           "--no-jobs"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const auto pid = start_process(argv, "", (work / "server.log").string());
    bool up = false;
    for (int i = 0; i < 600 && !up; ++i) {
      HttpClient probe(port);
      up = probe.get("/healthz") == 200;
      if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!up) {
      std::fprintf(stderr, "shelfmark serve (%s) did not answer /healthz in 60 s%s: see %s\n",
                   options.shelfmark.c_str(), waitpid(pid, nullptr, WNOHANG) == 0 ? " (still running)" : "",
                   (work / "server.log").c_str());
      kill(pid, SIGTERM);
      wait_process(pid);
      return;
    }
    int with_hits = 0;
    HttpClient probe(port);
    for (const auto& query : queries) {
      std::string body;
      if (probe.get(search_path("/api/v1/search", query), &body) == 200) {
        const auto at = body.find("\"total\":");
        if (at != std::string::npos && std::atoll(body.c_str() + at + 8) > 0) ++with_hits;
      }
    }
    for (const int clients : options.clients) {
      std::vector<std::unique_ptr<HttpClient>> connections;
      for (int c = 0; c < clients; ++c) connections.push_back(std::make_unique<HttpClient>(port));
      const auto run = run_clients(clients, options.seconds, queries.size(), [&](int c, std::size_t n) {
        std::string body;
        return connections[static_cast<std::size_t>(c)]->get(search_path("/en/search", queries[n]), &body) == 200;
      });
      rows.push_back({label, run, with_hits, query_count});
    }
    stop_process(pid);
  };
  if (!options.skip_http) {
    http_rows("Shelfmark HTTP, no cache", {"--search-cache-entries", "0"});
    http_rows("Shelfmark HTTP /en/search", {});
  }

  // ---- Zebra ----
  if (!options.skip_zebra) {
    std::ifstream in(fs::path(options.zebra_config) / "zebra.cfg");
    std::stringstream text;
    text << in.rdbuf();
    auto config = text.str();
    if (config.empty()) {
      std::fprintf(stderr, "no zebra.cfg in %s (--zebra-config)\n", options.zebra_config.c_str());
      return 1;
    }
    const auto absolute = fs::absolute(options.zebra_config).string();
    for (auto at = config.find("@ZEBRA_DIR@"); at != std::string::npos; at = config.find("@ZEBRA_DIR@"))
      config.replace(at, 11, absolute);
    std::ofstream(zebra_dir / "zebra.cfg") << config;
    const auto log = (zebra_dir / "zebra.log").string();
    int status = 0;
    if (!zebra_built) {
      started = Steady::now();
      status = run_process({"zebraidx", "-c", "zebra.cfg", "-v", "warn", "init"}, zebra_dir.string(), log);
      if (status == 0)
        status = run_process({"zebraidx", "-c", "zebra.cfg", "-v", "warn", "update", "records.xml"}, zebra_dir.string(),
                             log);
      const double zebra_seconds = since(started);
      if (status == 0) {
        zebra_built = true;
        std::printf(
            "  Zebra index build (zebraidx update of the MARCXML file): %lld records in %.1f s, %.0f records/s\n",
            options.records, zebra_seconds, static_cast<double>(options.records) / zebra_seconds);
        std::fflush(stdout);
        build_rates.emplace_back("Zebra zebraidx", static_cast<double>(options.records) / zebra_seconds);
      }
    }
    if (status != 0) {
      std::fprintf(stderr, "zebraidx failed (%d): see %s\n", status, log.c_str());
    } else {
      const int port = free_port();
      const auto pid = start_process(
          {"zebrasrv", "-c", "zebra.cfg", "-v", "warn", "-l", "zebrasrv.log", "tcp:127.0.0.1:" + std::to_string(port)},
          zebra_dir.string(), log);
      bool up = false;
      for (int i = 0; i < 100 && !up; ++i) {
        ZoomClient probe(port);
        std::string error;
        up = probe.search("@attr 1=1016 history", &error) >= 0;
        if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (up) {
        int with_hits = 0;
        ZoomClient probe(port);
        for (std::size_t n = 0; n < queries.size(); ++n) {
          std::string error;
          const auto hits = probe.search(queries[n].pqf, &error);
          zebra_hits[n] = hits;
          if (hits > 0) ++with_hits;
          if (hits < 0) std::fprintf(stderr, "  zebra: %s: %s\n", queries[n].pqf.c_str(), error.c_str());
        }
        for (const int clients : options.clients) {
          std::vector<std::unique_ptr<ZoomClient>> connections;
          for (int c = 0; c < clients; ++c) connections.push_back(std::make_unique<ZoomClient>(port));
          const auto run = run_clients(clients, options.seconds, queries.size(), [&](int c, std::size_t n) {
            return connections[static_cast<std::size_t>(c)]->search(queries[n].pqf) >= 0;
          });
          rows.push_back({"Zebra Z39.50 (ZOOM)", run, with_hits, query_count});
        }
      } else {
        std::fprintf(stderr, "zebrasrv did not answer: see %s\n", log.c_str());
      }
      stop_process(pid);
    }
  }

  std::printf(
      "\nSearch: %lld records, the same %d queries (English, Chinese, fields, boolean, facet), 20 results "
      "a page, %.0f s per run.\n",
      options.records, query_count, options.seconds);
  std::printf("| %-28s | %7s | %9s | %7s | %7s | %7s | %-12s |\n", "engine / path", "clients", "queries/s", "p50 ms",
              "p95 ms", "p99 ms", "with hits");
  std::printf("|------------------------------|---------|-----------|---------|---------|---------|--------------|\n");
  for (const auto& row : rows) print_row(row);
  if (index_seconds > 0 && import_seconds > 0) {
    std::printf(
        "\nIndex build: Shelfmark %.0f records/s (app::reindex, from the database; the SQLite import before it "
        "ran at %.0f records/s)",
        static_cast<double>(indexed) / index_seconds, static_cast<double>(options.records) / import_seconds);
  } else if (index_seconds > 0) {
    std::printf("\nIndex build: Shelfmark %.0f records/s (app::reindex, from the database)",
                static_cast<double>(indexed) / index_seconds);
  } else {
    std::printf("\nIndex build: not measured (reused from an earlier run)");
  }
  for (const auto& [name, rate] : build_rates)
    std::printf("; %s %.0f records/s (from a MARCXML file)", name.c_str(), rate);
  std::printf(".\n");
  if (!own_dir) std::ofstream(built_file) << options.records << ' ' << isbn << ' ' << (zebra_built ? 1 : 0) << '\n';
  // The median of each query with one client (app layer and Zebra), beside its hit counts.
  auto median = [&](const std::string& path, std::size_t n) {
    for (const auto& row : rows)
      if (row.path == path && row.run.clients == 1 && n < row.run.query_p50.size()) return row.run.query_p50[n];
    return -1.0;
  };
  std::printf(
      "\nPer query: results found (Shelfmark's total is an estimate beyond the first pages; -1: not run or "
      "failed) and the median with one client.\n");
  std::printf("| %-12s | %-34s | %-52s | %10s | %10s | %8s | %8s | %8s |\n", "kind", "query (Shelfmark)", "PQF (Zebra)",
              "Shelfmark", "Zebra", "app ms", "index ms", "Zebra ms");
  std::printf(
      "|--------------|------------------------------------|------------------------------------------------------|"
      "------------|------------|----------|----------|----------|\n");
  for (std::size_t n = 0; n < queries.size(); ++n) {
    auto text = queries[n].text;
    for (const auto& [name, value] : queries[n].filters) text += " [" + name + "=" + value + "]";
    std::printf("| %-12s | %-34s | %-52s | %10lld | %10lld | %8.2f | %8.2f | %8.2f |\n", queries[n].label.c_str(),
                text.c_str(), queries[n].pqf.c_str(), shelfmark_hits[n], zebra_hits[n],
                median("Shelfmark app layer", n), median("Shelfmark index only", n), median("Zebra Z39.50 (ZOOM)", n));
  }
  if (own_dir && !options.keep) fs::remove_all(work);
  return 0;
}
