#include "bin/runtime.h"

#include <arpa/inet.h>
#include <spdlog/spdlog.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "bin/settings.h"
#include "store/migrations.h"

namespace shelfmark::bin {

void add_common_options(CLI::App& cli, Common& common) {
  cli.add_option("--database", common.database, "Database URL: sqlite:PATH or postgresql://USER@HOST:PORT/NAME")
      ->envname("SHELFMARK_DATABASE")
      ->capture_default_str();
  cli.add_option("--time-zone", common.time_zone, "The library's IANA time zone")
      ->envname("SHELFMARK_TIME_ZONE")
      ->capture_default_str();
  cli.add_option("--secret-file", common.secret_file,
                 "File with the server secret (created if missing; share it between nodes, or set SHELFMARK_SECRET)")
      ->envname("SHELFMARK_SECRET_FILE")
      ->capture_default_str();
  cli.add_option("--log-level", common.log_level, "trace, debug, info, warn, error")
      ->envname("SHELFMARK_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  cli.add_option("--pool-size", common.pool_size, "Database connections (default: threads + 2)")
      ->envname("SHELFMARK_POOL_SIZE")
      ->check(CLI::Range(1, 500));
  cli.add_option("--search-index", common.search_index,
                 "Directory of this node's catalogue search index (derived data: rebuilt when missing)")
      ->envname("SHELFMARK_SEARCH_INDEX")
      ->capture_default_str();
  cli.add_option("--audit-retention-days", common.audit_retention_days,
                 "Days the audit log keeps changes (default about 7 years; at least 365)")
      ->envname("SHELFMARK_AUDIT_RETENTION_DAYS")
      ->capture_default_str();
  cli.add_option("--audit-view-retention-days", common.audit_view_retention_days,
                 "Days the audit log keeps reads of personal data (default 2 years; at least 365)")
      ->envname("SHELFMARK_AUDIT_VIEW_RETENTION_DAYS")
      ->capture_default_str();
}

app::AuditRetention audit_retention(const Common& common) {
  if (auto problem = check_audit_retention(common.audit_retention_days, "--audit-retention-days"); !problem.empty())
    fail(problem);
  if (auto problem = check_audit_retention(common.audit_view_retention_days, "--audit-view-retention-days");
      !problem.empty())
    fail(problem);
  return {std::chrono::days(common.audit_retention_days), std::chrono::days(common.audit_view_retention_days)};
}

void fail(const std::string& message) {
  std::cerr << "shelfmark: " << message << "\n";
  std::exit(2);
}

std::string read_secret(const char* prompt) {
  std::string secret;
  const bool terminal = isatty(STDIN_FILENO);
  termios saved{};
  if (terminal) {
    std::cerr << prompt << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios hidden = saved;
    hidden.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &hidden);
  }
  std::getline(std::cin, secret);
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  return secret;
}

bool is_ip_address(const std::string& text) {
  in6_addr v6{};
  in_addr v4{};
  return inet_pton(AF_INET, text.c_str(), &v4) == 1 || inet_pton(AF_INET6, text.c_str(), &v6) == 1;
}

Runtime open_runtime(const Common& common, int threads) {
  Runtime runtime;
  if (auto problem = check_database_url(common.database); !problem.empty()) fail(problem);
  runtime.zone = TimeZone::load(common.time_zone);
  if (!runtime.zone) fail("unknown time zone '" + common.time_zone + "' (use an IANA name such as Asia/Hong_Kong)");
  if (!security::initialise()) fail("libsodium could not initialise");
  // The sqlite: default keeps the secret beside the database under var/.
  std::string secret;
  if (const char* env = std::getenv("SHELFMARK_SECRET"); env && *env) {
    secret = env;
    if (secret.size() < 32) fail("SHELFMARK_SECRET must be at least 32 characters");
  } else {
    try {
      secret = load_or_create_secret(common.secret_file);
    } catch (const std::exception& error) {
      fail(error.what());
    }
  }
  try {
    const int pool = common.pool_size > 0 ? common.pool_size : threads + 2;
    runtime.database = store::Database::open(common.database, pool);
  } catch (const std::exception& error) {
    fail(std::string("cannot open the database: ") + error.what());
  }
  runtime.store = std::make_unique<store::SqlStore>(*runtime.database);
  const int hash_slots = std::max(1u, std::thread::hardware_concurrency() / 2);
  runtime.hasher = std::make_unique<security::Argon2Hasher>(security::interactive_cost(), hash_slots);
  runtime.tokens = std::make_unique<security::SodiumTokens>(secret);
  runtime.sealer = std::make_unique<security::SodiumSealer>(secret);
  runtime.context = std::make_unique<app::Context>(
      app::Context{*runtime.store, runtime.clock, *runtime.zone, *runtime.hasher, *runtime.tokens});
  return runtime;
}

void ensure_var_dir(const Common& common) {
  if (common.database.rfind("sqlite:", 0) == 0) {
    // var/ holds the database and the secret: the server's user alone may look inside (0700).
    const auto path = std::filesystem::path(common.database.substr(7)).parent_path();
    try {
      if (!path.empty()) create_private_directories(path.string());
    } catch (const std::exception&) {
      // Opening the database then says what is wrong with the path.
    }
  }
}

void run_migrations(Runtime& runtime) {
  auto report = store::migrate(*runtime.database);
  for (const auto& name : report.applied) spdlog::info("applied migration {}", name);
  spdlog::info("database schema at version {}", report.current_version);
}

}  // namespace shelfmark::bin
