// `shelfmark`: one executable for the whole system. Subcommands: serve, migrate, demo-data, user add-staff.
// Settings: a flag wins over the --config file (TOML/INI), which wins over SHELFMARK_* environment variables.
#include <arpa/inet.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include "app/activities.h"
#include "app/catalogue_search.h"
#include "app/circulation.h"
#include "app/jobs.h"
#include "app/messages.h"
#include "app/reader_account.h"
#include "app/enquiries.h"
#include "app/registration.h"
#include "app/terminals.h"
#include "app/staff_auth.h"
#include "app/study_room.h"
#include "bin/demo_catalogue.h"
#include "bin/demo_data.h"
#include "bin/export_marc.h"
#include "bin/import_marc.h"
#include "bin/settings.h"
#include "imaging/image_sanitizer.h"
#include "mail/sms_command.h"
#include "mail/smtp_transport.h"
#include "jobs/background.h"
#include "search/xapian_index.h"
#include "security/sodium.h"
#include "sip2/server.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/sql_store.h"
#include "web/i18n.h"
#include "web/messages.h"
#include "web/server.h"
#include "web/site.h"

namespace {

using namespace shelfmark;

struct Common {
  std::string database = "sqlite:var/shelfmark.db";
  std::string time_zone = "Asia/Hong_Kong";
  std::string secret_file = "var/secret.key";
  std::string log_level = "info";
  int pool_size = 0;
  std::string search_index = "var/search";
};

struct Runtime {
  std::unique_ptr<store::Database> database;
  std::unique_ptr<store::SqlStore> store;
  std::shared_ptr<const TimeZone> zone;
  SystemClock clock;
  std::unique_ptr<security::Argon2Hasher> hasher;
  std::unique_ptr<security::SodiumTokens> tokens;
  std::unique_ptr<security::SodiumSealer> sealer;
  std::unique_ptr<app::Context> context;
};

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "shelfmark: " << message << "\n";
  std::exit(2);
}

// A secret from standard input, not echoed when it is a terminal.
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
      if (!path.empty()) bin::create_private_directories(path.string());
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

  CLI::App cli{
      "Shelfmark: an integrated library system for a city's public library network.\n"
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
  cli.add_option("--search-index", common.search_index,
                 "Directory of this node's catalogue search index (derived data: rebuilt when missing)")
      ->envname("SHELFMARK_SEARCH_INDEX")
      ->capture_default_str();

  auto* serve = cli.add_subcommand("serve", "Run the web server (applies pending migrations first)");
  std::string listen = "127.0.0.1:8080";
  int threads = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  std::string tls_cert, tls_key;
  bool trust_proxy = false;
  int idle_minutes = 30;
  bool no_jobs = false;
  serve->add_option("--listen", listen, "HOST:PORT to listen on")->envname("SHELFMARK_LISTEN")->capture_default_str();
  serve->add_option("--threads", threads, "Worker threads")
      ->envname("SHELFMARK_THREADS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve->add_option("--tls-cert", tls_cert, "PEM certificate chain: serve HTTPS natively")
      ->envname("SHELFMARK_TLS_CERT")
      ->check(CLI::ExistingFile);
  serve->add_option("--tls-key", tls_key, "PEM private key for --tls-cert")
      ->envname("SHELFMARK_TLS_KEY")
      ->check(CLI::ExistingFile);
  serve->add_flag("--trust-proxy", trust_proxy, "Behind a reverse proxy on 127.0.0.1: use its X-Forwarded-For/-Proto")
      ->envname("SHELFMARK_TRUST_PROXY");
  serve->add_option("--staff-idle-minutes", idle_minutes, "Sign staff out after this many idle minutes")
      ->envname("SHELFMARK_STAFF_IDLE_MINUTES")
      ->check(CLI::Range(1, 720))
      ->capture_default_str();

  serve
      ->add_flag("--no-jobs", no_jobs,
                 "Do not run background jobs on this node (some node must: they are claimed so each runs once)")
      ->envname("SHELFMARK_NO_JOBS");
  std::string sip_listen, sip_tls_listen, sip_tls_cert, sip_tls_key;
  int sip_idle_seconds = 600, sip_login_seconds = 30, sip_max_per_address = 16;
  serve->add_option("--sip-listen", sip_listen, "HOST:PORT for SIP2 terminals over TCP (off when not given)")
      ->envname("SHELFMARK_SIP_LISTEN");
  serve->add_option("--sip-tls-listen", sip_tls_listen, "HOST:PORT for SIP2 terminals over TLS")
      ->envname("SHELFMARK_SIP_TLS_LISTEN");
  serve->add_option("--sip-tls-cert", sip_tls_cert, "PEM certificate chain for --sip-tls-listen (default: --tls-cert)")
      ->envname("SHELFMARK_SIP_TLS_CERT")
      ->check(CLI::ExistingFile);
  serve->add_option("--sip-tls-key", sip_tls_key, "PEM private key for --sip-tls-cert (default: --tls-key)")
      ->envname("SHELFMARK_SIP_TLS_KEY")
      ->check(CLI::ExistingFile);
  serve->add_option("--sip-idle-seconds", sip_idle_seconds, "Disconnect a SIP2 terminal silent for this many seconds")
      ->envname("SHELFMARK_SIP_IDLE_SECONDS")
      ->check(CLI::Range(5, 86400))
      ->capture_default_str();
  serve
      ->add_option("--sip-login-seconds", sip_login_seconds,
                   "Disconnect a SIP2 connection that has not logged in (93) this many seconds after connecting")
      ->envname("SHELFMARK_SIP_LOGIN_SECONDS")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  serve
      ->add_option("--sip-max-per-address", sip_max_per_address,
                   "SIP2 connections open at once from one client address; more are refused")
      ->envname("SHELFMARK_SIP_MAX_PER_ADDRESS")
      ->check(CLI::Range(1, 2000))
      ->capture_default_str();

  std::string public_url;
  serve->add_option("--public-url", public_url, "The site's address as readers see it, for links in emails (default: http://LISTEN)")
      ->envname("SHELFMARK_PUBLIC_URL");
  mail::SmtpSettings smtp;
  serve->add_option("--smtp-url", smtp.url, "Mail server for emails to readers: smtp://HOST:PORT or smtps://HOST:PORT "
                                            "(without it, messages wait in the outbox)")
      ->envname("SHELFMARK_SMTP_URL");
  serve->add_option("--smtp-from", smtp.from_address, "Sender address of emails")->envname("SHELFMARK_SMTP_FROM");
  serve->add_option("--smtp-from-name", smtp.from_name, "Sender name of emails")
      ->envname("SHELFMARK_SMTP_FROM_NAME")
      ->capture_default_str();
  serve->add_option("--smtp-username", smtp.username, "Mail server user (the password comes from SHELFMARK_SMTP_PASSWORD)")
      ->envname("SHELFMARK_SMTP_USERNAME");
  serve->add_flag("--smtp-starttls", smtp.require_starttls, "Require STARTTLS on smtp:// connections")
      ->envname("SHELFMARK_SMTP_STARTTLS");
  std::string sms_command;
  serve->add_option("--sms-command", sms_command,
                    "Program that sends a text message: called with the mobile number and a reference, the text on "
                    "standard input; exit 0 sent, 75 try later (without it, SMS messages wait in the outbox)")
      ->envname("SHELFMARK_SMS_COMMAND");
  smtp.from_name = "Hong Kong Public Libraries";
  app::RegistrationSettings registration_settings;
  int draft_hours = 48, completion_days = 30;
  serve->add_option("--registration-draft-hours", draft_hours, "Expire unsubmitted registration applications after this")
      ->envname("SHELFMARK_REGISTRATION_DRAFT_HOURS")
      ->check(CLI::Range(1, 24 * 30))
      ->capture_default_str();
  serve->add_option("--registration-completion-days", completion_days,
                    "Expire Type B applications not completed in person within this")
      ->envname("SHELFMARK_REGISTRATION_COMPLETION_DAYS")
      ->check(CLI::Range(1, 365))
      ->capture_default_str();
  serve->add_option("--registration-starts-per-hour", registration_settings.starts_per_address_per_hour,
                    "Applications one network address may start in an hour")
      ->envname("SHELFMARK_REGISTRATION_STARTS_PER_HOUR")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app::EnquirySettings enquiry_settings;
  serve->add_option("--enquiries-per-address-per-hour", enquiry_settings.per_address_per_hour,
                    "Ask a Librarian enquiries one network address may send in an hour")
      ->envname("SHELFMARK_ENQUIRIES_PER_ADDRESS_PER_HOUR")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  serve->add_option("--enquiries-per-email-per-day", enquiry_settings.per_email_per_day,
                    "Ask a Librarian enquiries one email address (or signed-in reader) may send in a day")
      ->envname("SHELFMARK_ENQUIRIES_PER_EMAIL_PER_DAY")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();

  search::SearchCacheOptions search_cache{2000, std::chrono::seconds(5)};
  int search_cache_seconds = 5;
  serve
      ->add_option("--search-cache-entries", search_cache.entries,
                   "Search answers kept for repeated searches, about 10 KB each (0: none)")
      ->envname("SHELFMARK_SEARCH_CACHE_ENTRIES")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  serve
      ->add_option("--search-cache-seconds", search_cache_seconds,
                   "How old a kept answer may be when the index has changed since it was computed (0: only while "
                   "the index has not changed; each result's copies on the shelf are always read anew)")
      ->envname("SHELFMARK_SEARCH_CACHE_SECONDS")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();

  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations and exit");

  auto* import_marc = cli.add_subcommand(
      "import-marc",
      "Import MARC21 records (ISO2709 or MARCXML) and their copies (852, 952, 949); a record already imported "
      "(same 001) is updated. Exit status 1 when some record or copy was not imported, 2 for a missing file");
  std::string marc_encoding = "auto";
  int marc_batch = 500;
  std::vector<std::string> marc_files;
  import_marc
      ->add_option("--encoding", marc_encoding,
                   "ISO2709 text encoding: auto (leader/09), marc8 or utf8 (for files whose leader is wrong)")
      ->check(CLI::IsMember({"auto", "marc8", "utf8"}))
      ->capture_default_str();
  import_marc->add_option("--batch-size", marc_batch, "Records per transaction")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  import_marc->add_option("files", marc_files, "MARC files")->required();

  auto* export_marc = cli.add_subcommand("export-marc", "Write catalogue records (UTF-8) to a file, as stored");
  std::string export_format = "marc21", export_file;
  std::optional<std::string> export_record;
  export_marc->add_option("--format", export_format, "marc21 (ISO2709) or marcxml (one collection)")
      ->check(CLI::IsMember({"marc21", "marcxml"}))
      ->capture_default_str();
  export_marc->add_option("--record", export_record, "Only this record: its id or its control number (001)");
  export_marc->add_option("file", export_file, "Output file, or - for standard output")->required();
  auto* demo =
      cli.add_subcommand("demo-data", "Migrate, then load the demo library network, notices and a demo administrator");
  std::size_t catalogue_records = 20000;
  demo->add_option("--catalogue-records", catalogue_records, "Size of the generated demo catalogue")
      ->check(CLI::Range(0, 2000000))
      ->capture_default_str();
  auto* reindex = cli.add_subcommand("reindex", "Rebuild this node's catalogue search index from the database");

  auto* jobs = cli.add_subcommand("jobs", "Run background jobs once (from cron or a systemd timer)");
  jobs->require_subcommand(1);
  auto* expire = jobs->add_subcommand("expire-reservations",
                                      "Cancel reservations past their expiry date and those not collected in time; "
                                      "pass their copies to the next reader (serve also runs this hourly)");
  auto* end_ebooks = jobs->add_subcommand("end-ebook-loans",
                                          "End e-book loans past their due date and pass the copies to readers "
                                          "waiting (serve also runs this hourly)");

  auto* expire_applications = jobs->add_subcommand(
      "expire-applications",
      "Expire abandoned registration drafts (48 hours) and Type B applications not completed in person (30 days), "
      "destroying their documents (serve also runs this hourly)");
  auto* reader_notices = jobs->add_subcommand(
      "reader-notices", "Queue the notices readers chose: reservation ready or on its last day, due soon, overdue "
                        "(serve also runs this hourly; serve's email job sends them)");
  auto* anonymise = jobs->add_subcommand("anonymise-loans",
                                         "Take readers who keep no reading history off their returned loans "
                                         "(serve also runs this hourly)");
  auto* forget_study = jobs->add_subcommand(
      "forget-study-applications", "Delete study room applications a year after their cards expired, keeping "
                                   "each period's counts (serve also runs this daily)");
  auto* forget_enrolments = jobs->add_subcommand(
      "forget-enrolments", "Delete enrolments in activities that ended over a year ago, keeping each activity's "
                           "counts (serve also runs this daily)");
  auto* forget_requests =
      jobs->add_subcommand("forget-request-records",
                           "Delete stored results of retried requests after 30 days and failed sign-in "
                           "records after 2 days (serve also runs this daily)");
  auto* anonymise_enquiries = jobs->add_subcommand(
      "anonymise-enquiries",
      "Remove non-readers' names and email addresses from Ask a Librarian enquiries closed more than 90 days ago "
      "(serve also runs this daily)");

  auto* user = cli.add_subcommand("user", "Manage accounts");
  user->require_subcommand(1);
  auto* add_staff =
      user->add_subcommand("add-staff", "Create a staff account (the password is read from standard input)");
  std::string username, role, display_name;
  bool password_stdin = false;
  add_staff->add_option("--username", username, "Login name: 3-32 of a-z 0-9 . - _")->required();
  add_staff->add_option("--role", role, "administrator, editor, counter, verifier, cataloguer or reference")->required();
  add_staff->add_option("--display-name", display_name, "Name shown on staff pages");
  add_staff->add_flag("--password-stdin", password_stdin, "Read the password from standard input (required)")
      ->required();

  auto* sip_account = cli.add_subcommand("sip-account", "Manage the accounts SIP2 terminals log in with");
  sip_account->require_subcommand(1);
  auto* sip_add = sip_account->add_subcommand(
      "add", "Create a terminal account (the password, 12 characters or more, is read from standard input)");
  std::string sip_username, sip_library, sip_kind = "self-check";
  std::vector<std::string> sip_addresses;
  bool sip_personal = false, sip_no_pin = false, sip_password_stdin = false;
  sip_add->add_option("--username", sip_username, "Login name (CN of message 93): 3-32 of a-z 0-9 . - _")->required();
  sip_add->add_option("--library", sip_library, "Code of the library the terminal stands in, e.g. CL")->required();
  sip_add->add_option("--kind", sip_kind, "self-check, station or book-drop: recorded as the channel of its loans")
      ->capture_default_str();
  sip_add->add_option("--allow-address", sip_addresses, "Accept logins only from this IP address (repeatable)");
  sip_add->add_flag("--send-personal-fields", sip_personal,
                    "Send readers' address, e-mail, phone and birth date to this terminal");
  sip_add->add_flag("--no-pin", sip_no_pin,
                    "Patron transactions need no PIN from this terminal (book drops, staffed terminals)");
  sip_add->add_flag("--password-stdin", sip_password_stdin, "Read the password from standard input (required)")
      ->required();

  CLI11_PARSE(cli, argc, argv);
  spdlog::set_level(spdlog::level::from_str(common.log_level));

  try {
    if (export_marc->parsed()) {
      auto runtime = open_runtime(common, 1);
      run_migrations(runtime);
      return bin::export_marc(*runtime.context,
                              bin::ExportMarcOptions{export_file, export_format == "marcxml", export_record});
    }
    if (import_marc->parsed()) {
      if (auto problem = bin::check_marc_files(marc_files); !problem.empty()) fail(problem);
      ensure_var_dir(common);
      auto runtime = open_runtime(common, 1);
      run_migrations(runtime);
      bin::ImportMarcOptions options{marc_files, *marc::parse_encoding(marc_encoding), marc_batch};
      return bin::import_marc(*runtime.context, options);
    }
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
      if (catalogue_records > 0) {
        const auto catalogue = bin::load_demo_catalogue(*runtime.context, catalogue_records);
        std::cout << "Generated a catalogue of " << catalogue.records << " records with " << catalogue.items
                  << " copies.\n";
        search::XapianIndex index(common.search_index);
        app::NetworkCache network;
        std::cout << "Indexed " << app::reindex(*runtime.context, network, index) << " records for search.\n";
      }
      std::cout << "Loaded " << report.libraries << " libraries, " << report.holidays << " public holidays, "
                << report.notices << " notices, " << report.activities << " activities, " << report.readers << " readers, " << report.items << " items and "
                << report.loans << " loans.\n";
      if (report.readers_with_pin > 0)
        std::cout << "Demo readers 2100000000 to " << (2100000000LL + report.readers_with_pin - 1)
                  << " have a PIN for self-service machines: the last 4 digits of the card.\n";
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
    if (reindex->parsed()) {
      auto runtime = open_runtime(common, 1);
      run_migrations(runtime);
      search::XapianIndex index(common.search_index);
      app::NetworkCache network;
      const bool terminal = isatty(STDERR_FILENO);
      const auto started = std::chrono::steady_clock::now();
      auto last = started;
      const auto done = app::reindex(*runtime.context, network, index, [&](long long count, long long total) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last < std::chrono::milliseconds(terminal ? 200 : 5000) && count < total) return;
        last = now;
        const double seconds = std::chrono::duration<double>(now - started).count();
        std::cerr << (terminal ? "\r" : "") << "Indexed " << count << " of " << total << " records ("
                  << static_cast<long long>(seconds > 0 ? count / seconds : 0) << " a second)"
                  << (terminal ? "   " : "\n") << std::flush;
      });
      if (terminal) std::cerr << "\n";
      std::cout << "Indexed " << done << " records into " << common.search_index << ".\n";
      return 0;
    }
    if (expire_applications->parsed()) {
      auto runtime = open_runtime(common, 1);
      run_migrations(runtime);
      imaging::ReencodingImageSanitizer images;
      app::RegistrationServices services{*runtime.sealer, images, {}};
      const auto expired = app::expire_applications(*runtime.context, services);
      std::cout << "Expired " << expired.drafts << " drafts and " << expired.applications << " applications; "
                << expired.documents << " documents destroyed.\n";
      return 0;
    }
    if (reader_notices->parsed()) {
      auto runtime = open_runtime(common, 1);
      run_migrations(runtime);
      std::cout << "Queued " << app::queue_reader_notices(*runtime.context, {}) << " notices.\n";
      return 0;
    }
    if (forget_requests->parsed()) {
      auto runtime = open_runtime(common, 1);
      run_migrations(runtime);
      const auto forgotten = app::forget_request_records(*runtime.context);
      std::cout << "Deleted " << forgotten.retry_keys << " retry keys and " << forgotten.sign_in_failures
                << " failed sign-in records.\n";
      return 0;
    }
    if (anonymise_enquiries->parsed()) {
      auto runtime = open_runtime(common, 1);
      run_migrations(runtime);
      std::cout << "Anonymised " << app::anonymise_enquiries(*runtime.context, {}) << " closed enquiries.\n";
      return 0;
    }
    if (anonymise->parsed()) {
      auto runtime = open_runtime(common, 1);
      run_migrations(runtime);
      std::cout << "Anonymised " << app::anonymise_returned_loans(*runtime.context) << " returned loans.\n";
      return 0;
    }
    if (forget_study->parsed()) {
      auto runtime = open_runtime(common, 1);
      run_migrations(runtime);
      std::cout << "Deleted " << app::forget_old_study_applications(*runtime.context) << " study room applications.\n";
      return 0;
    }
    if (forget_enrolments->parsed()) {
      auto runtime = open_runtime(common, 1);
      run_migrations(runtime);
      std::cout << "Deleted " << app::forget_old_enrolments(*runtime.context) << " enrolments.\n";
      return 0;
    }
    if (end_ebooks->parsed()) {
      auto runtime = open_runtime(common, 1);
      run_migrations(runtime);
      app::NetworkCache network;
      std::cout << "Ended " << app::end_expired_ebook_loans(*runtime.context, network) << " e-book loans.\n";
      return 0;
    }
    if (add_staff->parsed()) {
      const auto password = read_secret("Password: ");
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
    if (sip_add->parsed()) {
      for (const auto& address : sip_addresses)
        if (!is_ip_address(address)) fail("--allow-address: '" + address + "' is not an IP address");
      const std::map<std::string, std::string> kinds = {
          {"self-check", "self_check"}, {"station", "self_service_station"}, {"book-drop", "book_drop"}};
      if (!kinds.count(sip_kind)) fail("--kind: '" + sip_kind + "' is not self-check, station or book-drop");
      const auto password = read_secret("Terminal password: ");
      auto runtime = open_runtime(common, 1);
      run_migrations(runtime);
      auto result = app::add_sip_account(*runtime.context, {sip_username, sip_library, password, sip_addresses,
                                                            sip_personal, !sip_no_pin, kinds.at(sip_kind)});
      if (!result) {
        for (const auto& error : result.error().fields)
          std::cerr << "shelfmark: " << (error.field == "password" ? "the password" : "--" + error.field) << ": "
                    << web::substitute(std::string(domain::error_info(error.code).message), error.params) << "\n";
        return 2;
      }
      std::cout << "Created SIP2 terminal account '" << result->username << "' for library " << sip_library << ".\n";
      return 0;
    }
    if (serve->parsed()) {
      std::string error;
      const auto address = bin::parse_listen(listen, error);
      if (!address) fail("--listen: " + error);
      std::optional<bin::ListenAddress> sip_address, sip_tls_address;
      if (!sip_listen.empty()) {
        sip_address = bin::parse_listen(sip_listen, error);
        if (!sip_address) fail("--sip-listen: " + error);
      }
      if (!sip_tls_listen.empty()) {
        sip_tls_address = bin::parse_listen(sip_tls_listen, error);
        if (!sip_tls_address) fail("--sip-tls-listen: " + error);
        if (sip_tls_cert.empty()) sip_tls_cert = tls_cert;
        if (sip_tls_key.empty()) sip_tls_key = tls_key;
        if (sip_tls_cert.empty() || sip_tls_key.empty())
          fail("--sip-tls-listen needs --sip-tls-cert and --sip-tls-key (or --tls-cert and --tls-key)");
      }
      if (tls_cert.empty() != tls_key.empty()) fail("--tls-cert and --tls-key go together: give both or neither");
      ensure_var_dir(common);
      auto runtime = open_runtime(common, threads);
      run_migrations(runtime);
      imaging::ReencodingImageSanitizer images;
      registration_settings.draft_lifetime = std::chrono::hours(draft_hours);
      registration_settings.completion_window = std::chrono::days(completion_days);
      app::RegistrationServices registration{*runtime.sealer, images, registration_settings};
      web::Translator message_translator;
      web::TranslatedMessages messages(message_translator, public_url.empty() ? "http://" + listen : public_url);
      std::unique_ptr<mail::SmtpTransport> transport;
      if (!smtp.url.empty()) {
        if (const char* password = std::getenv("SHELFMARK_SMTP_PASSWORD")) smtp.password = password;
        try {
          transport = std::make_unique<mail::SmtpTransport>(smtp);
        } catch (const std::exception& problem) {
          fail(std::string("--smtp-url: ") + problem.what());
        }
      } else {
        spdlog::warn("no --smtp-url: emails to readers wait in the outbox until a mail server is configured");
      }
      auto jobs = app::standard_jobs();
      jobs.push_back({"expire-applications", std::chrono::hours(1),
                      [&registration](const app::Context& context, app::NetworkCache&) {
                        const auto expired = app::expire_applications(context, registration);
                        return fmt::format("{} drafts and {} applications expired, {} documents destroyed",
                                           expired.drafts, expired.applications, expired.documents);
                      }});
      std::optional<mail::CommandSmsTransport> sms;
      if (!sms_command.empty()) sms.emplace(sms_command);
      if (sms)
        jobs.push_back({"send-sms", std::chrono::seconds(15),
                        [&messages, &sms](const app::Context& context, app::NetworkCache&) {
                          const auto report = app::deliver_sms(context, messages, *sms, {});
                          return fmt::format("{} sent, {} to retry, {} failed", report.sent, report.retried,
                                             report.failed);
                        }});
      if (transport)
        jobs.push_back({"send-email", std::chrono::seconds(15),
                        [&messages, &transport](const app::Context& context, app::NetworkCache&) {
                          const auto report = app::deliver_email(context, messages, *transport, {});
                          return fmt::format("{} sent, {} to retry, {} failed", report.sent, report.retried,
                                             report.failed);
                        }});
      web::SiteConfig config;
      config.registration = &registration;
      config.enquiries = enquiry_settings;
      config.public_url = public_url.empty() ? "http://" + listen : public_url;
      config.trust_proxy = trust_proxy;
      config.session_policy.idle_timeout = std::chrono::minutes(idle_minutes);
      search_cache.stale_for = std::chrono::seconds(search_cache_seconds);
      search::XapianIndex search_index(common.search_index, search_cache);
      config.search = &search_index;
      jobs::SearchFollower follower(*runtime.context, search_index);
      follower.worker().start();
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
      jobs::JobRunner job_runner(*runtime.context, std::move(jobs));
      if (!no_jobs) job_runner.worker().start();
      web::Translator sip_translator;
      app::NetworkCache sip_network;
      std::unique_ptr<sip2::Server> sip_server;
      if (sip_address || sip_tls_address) {
        sip2::ServerOptions sip_options;
        if (sip_address) sip_options.plain = sip2::Listen{sip_address->host, sip_address->port};
        if (sip_tls_address) {
          sip_options.tls = sip2::Listen{sip_tls_address->host, sip_tls_address->port};
          sip_options.tls_certificate = sip_tls_cert;
          sip_options.tls_private_key = sip_tls_key;
        }
        sip_options.idle_timeout = std::chrono::seconds(sip_idle_seconds);
        sip_options.login_timeout = std::chrono::seconds(sip_login_seconds);
        sip_options.max_connections_per_address = static_cast<std::size_t>(sip_max_per_address);
        sip_options.session.translate = [&sip_translator](domain::Language language, std::string_view msgid) {
          return sip_translator.translate(language, msgid);
        };
        sip_server = std::make_unique<sip2::Server>(*runtime.context, sip_network, std::move(sip_options));
        try {
          sip_server->start();
        } catch (const std::exception& problem) {
          fail(problem.what());
        }
        if (sip_address) std::cout << "Shelfmark is serving SIP2 on " << sip_listen << "\n" << std::flush;
        if (sip_tls_address)
          std::cout << "Shelfmark is serving SIP2 over TLS on " << sip_tls_listen << "\n" << std::flush;
      }
      web::serve(site, options, [&] {
        std::cout << "Shelfmark is serving " << (tls_cert.empty() ? "http" : "https") << "://" << listen << "/\n"
                  << std::flush;
      });
      return 0;
    }
  } catch (const std::exception& error) {
    fail(error.what());
  } catch (...) {
    // Every command ends with a message and status 2, never with std::terminate.
    fail("the command stopped on an unexpected error");
  }
  return 0;
}
