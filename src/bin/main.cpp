// `shelfmark`: one executable for the whole system. Subcommands: serve, migrate, demo-data, user add-staff.
// Settings: a flag wins over the --config file (TOML/INI), which wins over SHELFMARK_* environment variables.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <thread>

#include "app/circulation.h"
#include "app/staff_auth.h"
#include "bin/demo_data.h"
#include "bin/settings.h"
#include "security/sodium.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/sql_store.h"
#include "web/server.h"
#include "web/i18n.h"
#include "web/site.h"

namespace {

using namespace shelfmark;

struct Common {
  std::string database = "sqlite:var/shelfmark.db";
  std::string time_zone = "Asia/Hong_Kong";
  std::string secret_file = "var/secret.key";
  std::string log_level = "info";
  int pool_size = 0;
};

struct Runtime {
  std::unique_ptr<store::Database> database;
  std::unique_ptr<store::SqlStore> store;
  std::shared_ptr<const TimeZone> zone;
  SystemClock clock;
  std::unique_ptr<security::Argon2Hasher> hasher;
  std::unique_ptr<security::SodiumTokens> tokens;
  std::unique_ptr<app::Context> context;
};

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "shelfmark: " << message << "\n";
  std::exit(2);
}

Runtime open_runtime(const Common& common, int threads) {
  Runtime runtime;
  if (auto problem = bin::check_database_url(common.database); !problem.empty()) fail(problem);
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
      secret = bin::load_or_create_secret(common.secret_file);
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
  runtime.context = std::make_unique<app::Context>(
      app::Context{*runtime.store, runtime.clock, *runtime.zone, *runtime.hasher, *runtime.tokens});
  return runtime;
}

void ensure_var_dir(const Common& common) {
  if (common.database.rfind("sqlite:", 0) == 0) {
    const auto path = std::filesystem::path(common.database.substr(7)).parent_path();
    std::error_code ignored;
    if (!path.empty()) std::filesystem::create_directories(path, ignored);
  }
}

void run_migrations(Runtime& runtime) {
  auto report = store::migrate(*runtime.database);
  for (const auto& name : report.applied) spdlog::info("applied migration {}", name);
  spdlog::info("database schema at version {}", report.current_version);
}

std::string pool_metrics(store::Database& database) {
  const auto stats = database.stats();
  return fmt::format(
      "# HELP shelfmark_db_pool_connections Database connections the pool may open.\n"
      "# TYPE shelfmark_db_pool_connections gauge\nshelfmark_db_pool_connections {}\n"
      "# HELP shelfmark_db_pool_in_use Database connections in use now.\n"
      "# TYPE shelfmark_db_pool_in_use gauge\nshelfmark_db_pool_in_use {}\n"
      "# HELP shelfmark_db_pool_waits_total Times a request waited for a free connection.\n"
      "# TYPE shelfmark_db_pool_waits_total counter\nshelfmark_db_pool_waits_total {}\n",
      stats.size, stats.in_use, stats.waits);
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_logger_mt("shelfmark"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");

  CLI::App cli{"Shelfmark: an integrated library system for a city's public library network.\n"
               "Settings: flags win over --config FILE (TOML/INI), which wins over SHELFMARK_* environment variables."};
  cli.set_config("--config", "", "Read settings from this file (key = value lines, TOML/INI)");
  cli.require_subcommand(1);
  // Global options may also follow the subcommand: `shelfmark serve --database URL`.
  cli.fallthrough();
  Common common;
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

  auto* serve = cli.add_subcommand("serve", "Run the web server (applies pending migrations first)");
  std::string listen = "127.0.0.1:8080";
  int threads = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  std::string tls_cert, tls_key;
  bool trust_proxy = false;
  int idle_minutes = 30;
  serve->add_option("--listen", listen, "HOST:PORT to listen on")->envname("SHELFMARK_LISTEN")->capture_default_str();
  serve->add_option("--threads", threads, "Worker threads")->envname("SHELFMARK_THREADS")->check(CLI::Range(1, 256))->capture_default_str();
  serve->add_option("--tls-cert", tls_cert, "PEM certificate chain: serve HTTPS natively")->envname("SHELFMARK_TLS_CERT")->check(CLI::ExistingFile);
  serve->add_option("--tls-key", tls_key, "PEM private key for --tls-cert")->envname("SHELFMARK_TLS_KEY")->check(CLI::ExistingFile);
  serve->add_flag("--trust-proxy", trust_proxy, "Behind a reverse proxy on 127.0.0.1: use its X-Forwarded-For/-Proto")
      ->envname("SHELFMARK_TRUST_PROXY");
  serve->add_option("--staff-idle-minutes", idle_minutes, "Sign staff out after this many idle minutes")
      ->envname("SHELFMARK_STAFF_IDLE_MINUTES")
      ->check(CLI::Range(1, 720))
      ->capture_default_str();

  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations and exit");
  auto* demo = cli.add_subcommand("demo-data", "Migrate, then load the demo library network, notices and a demo administrator");

  auto* jobs = cli.add_subcommand("jobs", "Run background jobs once (from cron or a systemd timer)");
  jobs->require_subcommand(1);
  auto* expire = jobs->add_subcommand("expire-reservations",
                                      "Cancel reservations past their expiry date and those not collected in time; "
                                      "pass their copies to the next reader (run daily, from one node)");

  auto* user = cli.add_subcommand("user", "Manage accounts");
  user->require_subcommand(1);
  auto* add_staff = user->add_subcommand("add-staff", "Create a staff account (the password is read from standard input)");
  std::string username, role, display_name;
  bool password_stdin = false;
  add_staff->add_option("--username", username, "Login name: 3-32 of a-z 0-9 . - _")->required();
  add_staff->add_option("--role", role, "administrator, editor, counter, verifier or cataloguer")->required();
  add_staff->add_option("--display-name", display_name, "Name shown on staff pages");
  add_staff->add_flag("--password-stdin", password_stdin, "Read the password from standard input (required)")->required();

  CLI11_PARSE(cli, argc, argv);
  spdlog::set_level(spdlog::level::from_str(common.log_level));

  try {
    if (migrate->parsed()) {
      ensure_var_dir(common);
      auto runtime = open_runtime(common, 1);
      run_migrations(runtime);
      return 0;
    }
    if (demo->parsed()) {
      ensure_var_dir(common);
      auto runtime = open_runtime(common, 1);
      run_migrations(runtime);
      const auto report = bin::load_demo_data(*runtime.context);
      if (report.already_loaded) {
        std::cout << "The database already has libraries: demo data not loaded again.\n";
        return 0;
      }
      std::cout << "Loaded " << report.libraries << " libraries, " << report.holidays << " public holidays, "
                << report.notices << " notices, " << report.readers << " readers, " << report.items << " items and "
                << report.loans << " loans.\n";
      if (report.admin_password)
        std::cout << "Demo administrator: username 'admin', password '" << *report.admin_password
                  << "' (shown only this once).\n";
      return 0;
    }
    if (expire->parsed()) {
      auto runtime = open_runtime(common, 1);
      run_migrations(runtime);
      app::NetworkCache network;
      const auto report = app::expire_reservations(*runtime.context, network);
      std::cout << "Expired " << report.waiting_expired << " waiting and " << report.uncollected_expired
                << " uncollected reservations.\n";
      return 0;
    }
    if (add_staff->parsed()) {
      std::string password;
      const bool terminal = isatty(STDIN_FILENO);
      termios saved{};
      if (terminal) {
        std::cerr << "Password: " << std::flush;
        tcgetattr(STDIN_FILENO, &saved);
        termios hidden = saved;
        hidden.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &hidden);
      }
      std::getline(std::cin, password);
      if (terminal) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::cerr << "\n";
      }
      if (!password.empty() && password.back() == '\r') password.pop_back();
      auto runtime = open_runtime(common, 1);
      run_migrations(runtime);
      auto result = app::add_staff(*runtime.context, {username, display_name, role, password});
      if (!result) {
        for (const auto& error : result.error().fields)
          std::cerr << "shelfmark: " << error.field << ": "
                    << web::substitute(std::string(domain::error_info(error.code).message), error.params) << "\n";
        return 2;
      }
      std::cout << "Created staff account '" << result->username << "' (" << domain::role_code(result->role) << ").\n";
      return 0;
    }
    if (serve->parsed()) {
      std::string error;
      const auto address = bin::parse_listen(listen, error);
      if (!address) fail("--listen: " + error);
      if (tls_cert.empty() != tls_key.empty()) fail("--tls-cert and --tls-key go together: give both or neither");
      ensure_var_dir(common);
      auto runtime = open_runtime(common, threads);
      run_migrations(runtime);
      web::SiteConfig config;
      config.trust_proxy = trust_proxy;
      config.session_policy.idle_timeout = std::chrono::minutes(idle_minutes);
      auto* database = runtime.database.get();
      web::Site site(*runtime.context, config, [database] { return pool_metrics(*database); });
      web::ServerOptions options;
      options.host = address->host;
      options.port = address->port;
      options.threads = static_cast<std::size_t>(threads);
      options.trust_proxy = trust_proxy;
      if (!tls_cert.empty()) {
        options.tls_certificate = tls_cert;
        options.tls_private_key = tls_key;
      }
      spdlog::info("database {}", store::Database::redact(common.database));
      web::serve(site, options, [&] {
        std::cout << "Shelfmark is serving " << (tls_cert.empty() ? "http" : "https") << "://" << listen << "/\n"
                  << std::flush;
      });
      return 0;
    }
  } catch (const std::exception& error) {
    fail(error.what());
  }
  return 0;
}
