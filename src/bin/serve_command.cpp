// `shelfmark serve`: the web server, the SIP2 listeners, the search follower and the background jobs; and
// `shelfmark routes`, the web server's route table.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "app/enquiries.h"
#include "app/jobs.h"
#include "app/messages.h"
#include "app/registration.h"
#include "bin/runtime.h"
#include "bin/settings.h"
#include "imaging/image_sanitizer.h"
#include "jobs/background.h"
#include "mail/sms_command.h"
#include "mail/smtp_transport.h"
#include "search/xapian_index.h"
#include "sip2/server.h"
#include "web/i18n.h"
#include "web/messages.h"
#include "web/server.h"
#include "web/site.h"

namespace shelfmark::bin {
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  int threads = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  std::string tls_cert, tls_key;
  bool trust_proxy = false;
  int idle_minutes = 30;
  bool no_jobs = false;
  std::string sip_listen, sip_tls_listen, sip_tls_cert, sip_tls_key;
  int sip_idle_seconds = 600, sip_login_seconds = 30, sip_max_per_address = 16;
  std::string public_url;
  mail::SmtpSettings smtp;
  std::string sms_command;
  app::RegistrationSettings registration_settings;
  int draft_hours = 48, completion_days = 30;
  app::EnquirySettings enquiry_settings;
  search::SearchCacheOptions search_cache{2000, std::chrono::seconds(5)};
  int search_cache_seconds = 5;
};

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

int run_server(ServeOptions& o, const Common& common);

// ----- shelfmark routes -----

// The store of a Site built only to list its routes: never reached.
class NoStore final : public app::Store {
 public:
  void transact(Mode, const std::function<void(app::Repositories&)>&) override {
    throw std::logic_error("shelfmark routes opens no database");
  }
};

int print_routes(bool json) {
  if (!security::initialise()) fail("libsodium could not initialise");
  NoStore store;
  SystemClock clock;
  const auto zone = TimeZone::load("Asia/Hong_Kong");
  security::Argon2Hasher hasher{security::test_cost(), 1};
  security::SodiumTokens tokens{std::string(32, 'r')};
  const app::Context context{store, clock, *zone, hasher, tokens};
  const web::Site site(context, web::SiteConfig{}, nullptr);
  constexpr domain::Role kRoles[] = {domain::Role::kAdministrator, domain::Role::kEditor,     domain::Role::kCounter,
                                     domain::Role::kVerifier,      domain::Role::kCataloguer, domain::Role::kReference,
                                     domain::Role::kAuditor};
  const auto routes = site.routes();
  if (json) {
    auto out = nlohmann::json::array();
    for (const auto& route : routes) {
      auto permissions = nlohmann::json::array();
      for (auto permission : route.access.any_of) permissions.push_back(std::string(web::permission_code(permission)));
      auto roles = nlohmann::json::array();
      if (route.access.audience == web::Audience::kStaff)
        for (auto role : kRoles)
          if (route.access.allows(role)) roles.push_back(std::string(domain::role_code(role)));
      out.push_back({{"method", route.method},
                     {"pattern", route.pattern},
                     {"label", route.label},
                     {"access", std::string(web::audience_code(route.access.audience))},
                     {"permissions", permissions},
                     {"roles", roles}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("{:<6} {:<58} {}\n", "METHOD", "PATTERN", "ACCESS");
  for (const auto& route : routes) {
    std::string access(web::audience_code(route.access.audience));
    for (std::size_t i = 0; i < route.access.any_of.size(); ++i)
      access += (i == 0 ? ": " : " or ") + std::string(web::permission_code(route.access.any_of[i]));
    std::cout << fmt::format("{:<6} {:<58} {}", route.method, route.pattern, access);
    if (route.label != route.pattern) std::cout << "  (label " << route.label << ")";
    std::cout << "\n";
  }
  std::cout << routes.size() << " routes\n";
  return 0;
}

}  // namespace

std::vector<Command> serve_commands(CLI::App& cli, const Common& common) {
  auto options = std::make_shared<ServeOptions>();
  auto& o = *options;
  auto* serve = cli.add_subcommand("serve", "Run the web server (applies pending migrations first)");
  serve->add_option("--listen", o.listen, "HOST:PORT to listen on")->envname("SHELFMARK_LISTEN")->capture_default_str();
  serve->add_option("--threads", o.threads, "Worker threads")
      ->envname("SHELFMARK_THREADS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve->add_option("--tls-cert", o.tls_cert, "PEM certificate chain: serve HTTPS natively")
      ->envname("SHELFMARK_TLS_CERT")
      ->check(CLI::ExistingFile);
  serve->add_option("--tls-key", o.tls_key, "PEM private key for --tls-cert")
      ->envname("SHELFMARK_TLS_KEY")
      ->check(CLI::ExistingFile);
  serve->add_flag("--trust-proxy", o.trust_proxy, "Behind a reverse proxy on 127.0.0.1: use its X-Forwarded-For/-Proto")
      ->envname("SHELFMARK_TRUST_PROXY");
  serve->add_option("--staff-idle-minutes", o.idle_minutes, "Sign staff out after this many idle minutes")
      ->envname("SHELFMARK_STAFF_IDLE_MINUTES")
      ->check(CLI::Range(1, 720))
      ->capture_default_str();

  serve
      ->add_flag("--no-jobs", o.no_jobs,
                 "Do not run background jobs on this node (some node must: they are claimed so each runs once)")
      ->envname("SHELFMARK_NO_JOBS");
  serve->add_option("--sip-listen", o.sip_listen, "HOST:PORT for SIP2 terminals over TCP (off when not given)")
      ->envname("SHELFMARK_SIP_LISTEN");
  serve->add_option("--sip-tls-listen", o.sip_tls_listen, "HOST:PORT for SIP2 terminals over TLS")
      ->envname("SHELFMARK_SIP_TLS_LISTEN");
  serve
      ->add_option("--sip-tls-cert", o.sip_tls_cert, "PEM certificate chain for --sip-tls-listen (default: --tls-cert)")
      ->envname("SHELFMARK_SIP_TLS_CERT")
      ->check(CLI::ExistingFile);
  serve->add_option("--sip-tls-key", o.sip_tls_key, "PEM private key for --sip-tls-cert (default: --tls-key)")
      ->envname("SHELFMARK_SIP_TLS_KEY")
      ->check(CLI::ExistingFile);
  serve->add_option("--sip-idle-seconds", o.sip_idle_seconds, "Disconnect a SIP2 terminal silent for this many seconds")
      ->envname("SHELFMARK_SIP_IDLE_SECONDS")
      ->check(CLI::Range(5, 86400))
      ->capture_default_str();
  serve
      ->add_option("--sip-login-seconds", o.sip_login_seconds,
                   "Disconnect a SIP2 connection that has not logged in (93) this many seconds after connecting")
      ->envname("SHELFMARK_SIP_LOGIN_SECONDS")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  serve
      ->add_option("--sip-max-per-address", o.sip_max_per_address,
                   "SIP2 connections open at once from one client address; more are refused")
      ->envname("SHELFMARK_SIP_MAX_PER_ADDRESS")
      ->check(CLI::Range(1, 2000))
      ->capture_default_str();

  serve
      ->add_option("--public-url", o.public_url,
                   "The site's address as readers see it, for links in emails (default: http://LISTEN)")
      ->envname("SHELFMARK_PUBLIC_URL");
  serve
      ->add_option("--smtp-url", o.smtp.url,
                   "Mail server for emails to readers: smtp://HOST:PORT or smtps://HOST:PORT "
                   "(without it, messages wait in the outbox)")
      ->envname("SHELFMARK_SMTP_URL");
  serve->add_option("--smtp-from", o.smtp.from_address, "Sender address of emails")->envname("SHELFMARK_SMTP_FROM");
  serve->add_option("--smtp-from-name", o.smtp.from_name, "Sender name of emails")
      ->envname("SHELFMARK_SMTP_FROM_NAME")
      ->capture_default_str();
  serve
      ->add_option("--smtp-username", o.smtp.username,
                   "Mail server user (the password comes from SHELFMARK_SMTP_PASSWORD)")
      ->envname("SHELFMARK_SMTP_USERNAME");
  serve->add_flag("--smtp-starttls", o.smtp.require_starttls, "Require STARTTLS on smtp:// connections")
      ->envname("SHELFMARK_SMTP_STARTTLS");
  serve
      ->add_option("--sms-command", o.sms_command,
                   "Program that sends a text message: called with the mobile number and a reference, the text on "
                   "standard input; exit 0 sent, 75 try later (without it, SMS messages wait in the outbox)")
      ->envname("SHELFMARK_SMS_COMMAND");
  o.smtp.from_name = "Hong Kong Public Libraries";
  serve
      ->add_option("--registration-draft-hours", o.draft_hours,
                   "Expire unsubmitted registration applications after this")
      ->envname("SHELFMARK_REGISTRATION_DRAFT_HOURS")
      ->check(CLI::Range(1, 24 * 30))
      ->capture_default_str();
  serve
      ->add_option("--registration-completion-days", o.completion_days,
                   "Expire Type B applications not completed in person within this")
      ->envname("SHELFMARK_REGISTRATION_COMPLETION_DAYS")
      ->check(CLI::Range(1, 365))
      ->capture_default_str();
  serve
      ->add_option("--registration-starts-per-hour", o.registration_settings.starts_per_address_per_hour,
                   "Applications one network address may start in an hour")
      ->envname("SHELFMARK_REGISTRATION_STARTS_PER_HOUR")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  serve
      ->add_option("--registration-submissions-per-hour", o.registration_settings.submissions_per_address_per_hour,
                   "Applications one network address may submit in an hour (each looks an HKID number up)")
      ->envname("SHELFMARK_REGISTRATION_SUBMISSIONS_PER_HOUR")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  serve
      ->add_option("--enquiries-per-address-per-hour", o.enquiry_settings.per_address_per_hour,
                   "Ask a Librarian enquiries one network address may send in an hour")
      ->envname("SHELFMARK_ENQUIRIES_PER_ADDRESS_PER_HOUR")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  serve
      ->add_option("--enquiries-per-email-per-day", o.enquiry_settings.per_email_per_day,
                   "Ask a Librarian enquiries one email address (or signed-in reader) may send in a day")
      ->envname("SHELFMARK_ENQUIRIES_PER_EMAIL_PER_DAY")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();

  serve
      ->add_option("--search-cache-entries", o.search_cache.entries,
                   "Search answers kept for repeated searches, about 10 KB each (0: none)")
      ->envname("SHELFMARK_SEARCH_CACHE_ENTRIES")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  serve
      ->add_option("--search-cache-seconds", o.search_cache_seconds,
                   "How old a kept answer may be when the index has changed since it was computed (0: only while "
                   "the index has not changed; each result's copies on the shelf are always read anew)")
      ->envname("SHELFMARK_SEARCH_CACHE_SECONDS")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  auto* routes = cli.add_subcommand(
      "routes", "Print the web server's routes: method, pattern and who may use each (public, sign-in, reader, staff)");
  auto json = std::make_shared<bool>(false);
  routes->add_flag("--json", *json, "Print them as JSON, with the staff roles each route allows");
  return {{serve, [options, &common] { return run_server(*options, common); }},
          {routes, [json] { return print_routes(*json); }}};
}

namespace {

int run_server(ServeOptions& o, const Common& common) {
  std::string error;
  const auto address = parse_listen(o.listen, error);
  if (!address) fail("--listen: " + error);
  std::optional<ListenAddress> sip_address, sip_tls_address;
  if (!o.sip_listen.empty()) {
    sip_address = parse_listen(o.sip_listen, error);
    if (!sip_address) fail("--sip-listen: " + error);
  }
  if (!o.sip_tls_listen.empty()) {
    sip_tls_address = parse_listen(o.sip_tls_listen, error);
    if (!sip_tls_address) fail("--sip-tls-listen: " + error);
    if (o.sip_tls_cert.empty()) o.sip_tls_cert = o.tls_cert;
    if (o.sip_tls_key.empty()) o.sip_tls_key = o.tls_key;
    if (o.sip_tls_cert.empty() || o.sip_tls_key.empty())
      fail("--sip-tls-listen needs --sip-tls-cert and --sip-tls-key (or --tls-cert and --tls-key)");
  }
  if (o.tls_cert.empty() != o.tls_key.empty()) fail("--tls-cert and --tls-key go together: give both or neither");
  ensure_var_dir(common);
  auto runtime = open_runtime(common, o.threads);
  run_migrations(runtime);
  imaging::ReencodingImageSanitizer images;
  o.registration_settings.draft_lifetime = std::chrono::hours(o.draft_hours);
  o.registration_settings.completion_window = std::chrono::days(o.completion_days);
  app::RegistrationServices registration{*runtime.sealer, images, o.registration_settings};
  web::Translator message_translator;
  web::TranslatedMessages messages(message_translator, o.public_url.empty() ? "http://" + o.listen : o.public_url);
  std::unique_ptr<mail::SmtpTransport> transport;
  if (!o.smtp.url.empty()) {
    if (const char* password = std::getenv("SHELFMARK_SMTP_PASSWORD")) o.smtp.password = password;
    try {
      transport = std::make_unique<mail::SmtpTransport>(o.smtp);
    } catch (const std::exception& problem) {
      fail(std::string("--smtp-url: ") + problem.what());
    }
  } else {
    spdlog::warn("no --smtp-url: emails to readers wait in the outbox until a mail server is configured");
  }
  auto jobs = app::standard_jobs({audit_retention(common)});
  jobs.push_back(
      {"expire-applications", std::chrono::hours(1), [&registration](const app::Context& context, app::NetworkCache&) {
         const auto expired = app::expire_applications(context, registration);
         return fmt::format("{} drafts and {} applications expired, {} documents destroyed", expired.drafts,
                            expired.applications, expired.documents);
       }});
  std::optional<mail::CommandSmsTransport> sms;
  if (!o.sms_command.empty()) sms.emplace(o.sms_command);
  if (sms)
    jobs.push_back(
        {"send-sms", std::chrono::seconds(15), [&messages, &sms](const app::Context& context, app::NetworkCache&) {
           const auto report = app::deliver_sms(context, messages, *sms, {});
           return fmt::format("{} sent, {} to retry, {} failed", report.sent, report.retried, report.failed);
         }});
  if (transport)
    jobs.push_back({"send-email", std::chrono::seconds(15),
                    [&messages, &transport](const app::Context& context, app::NetworkCache&) {
                      const auto report = app::deliver_email(context, messages, *transport, {});
                      return fmt::format("{} sent, {} to retry, {} failed", report.sent, report.retried, report.failed);
                    }});
  web::SiteConfig config;
  config.registration = &registration;
  config.sealer = runtime.sealer.get();
  config.enquiries = o.enquiry_settings;
  config.public_url = o.public_url.empty() ? "http://" + o.listen : o.public_url;
  config.trust_proxy = o.trust_proxy;
  config.session_policy.idle_timeout = std::chrono::minutes(o.idle_minutes);
  o.search_cache.stale_for = std::chrono::seconds(o.search_cache_seconds);
  search::XapianIndex search_index(common.search_index, o.search_cache);
  config.search = &search_index;
  jobs::SearchFollower follower(*runtime.context, search_index);
  follower.worker().start();
  auto* database = runtime.database.get();
  web::Site site(*runtime.context, config, [database] { return pool_metrics(*database); });
  web::ServerOptions options;
  options.host = address->host;
  options.port = address->port;
  options.threads = static_cast<std::size_t>(o.threads);
  options.trust_proxy = o.trust_proxy;
  if (!o.tls_cert.empty()) {
    options.tls_certificate = o.tls_cert;
    options.tls_private_key = o.tls_key;
  }
  spdlog::info("database {}", store::Database::redact(common.database));
  jobs::JobRunner job_runner(*runtime.context, std::move(jobs));
  if (!o.no_jobs) job_runner.worker().start();
  web::Translator sip_translator;
  app::NetworkCache sip_network;
  std::unique_ptr<sip2::Server> sip_server;
  if (sip_address || sip_tls_address) {
    sip2::ServerOptions sip_options;
    if (sip_address) sip_options.plain = sip2::Listen{sip_address->host, sip_address->port};
    if (sip_tls_address) {
      sip_options.tls = sip2::Listen{sip_tls_address->host, sip_tls_address->port};
      sip_options.tls_certificate = o.sip_tls_cert;
      sip_options.tls_private_key = o.sip_tls_key;
    }
    sip_options.idle_timeout = std::chrono::seconds(o.sip_idle_seconds);
    sip_options.login_timeout = std::chrono::seconds(o.sip_login_seconds);
    sip_options.max_connections_per_address = static_cast<std::size_t>(o.sip_max_per_address);
    sip_options.session.translate = [&sip_translator](domain::Language language, std::string_view msgid) {
      return sip_translator.translate(language, msgid);
    };
    sip_server = std::make_unique<sip2::Server>(*runtime.context, sip_network, std::move(sip_options));
    try {
      sip_server->start();
    } catch (const std::exception& problem) {
      fail(problem.what());
    }
    if (sip_address) std::cout << "Shelfmark is serving SIP2 on " << o.sip_listen << "\n" << std::flush;
    if (sip_tls_address)
      std::cout << "Shelfmark is serving SIP2 over TLS on " << o.sip_tls_listen << "\n" << std::flush;
  }
  web::serve(site, options, [&] {
    std::cout << "Shelfmark is serving " << (o.tls_cert.empty() ? "http" : "https") << "://" << o.listen << "/\n"
              << std::flush;
  });
  return 0;
}

}  // namespace
}  // namespace shelfmark::bin
