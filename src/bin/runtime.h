// What every subcommand of `shelfmark` shares: the global settings (database, time zone, secret file, log
// level, pool size, search index), opening the database with the secret and the app Context, migrations,
// reading a secret from standard input, and failing with one clear message and exit status 2.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/audit_trail.h"
#include "app/directory.h"
#include "core/time.h"
#include "security/sodium.h"
#include "store/database.h"
#include "store/sql_store.h"

namespace shelfmark::bin {

struct Common {
  std::string database = "sqlite:var/shelfmark.db";
  std::string time_zone = "Asia/Hong_Kong";
  std::string secret_file = "var/secret.key";
  std::string log_level = "info";
  int pool_size = 0;
  std::string search_index = "var/search";
  // How long audit rows are kept, in days (ADR 0023): changes, and reads of personal data.
  int audit_retention_days = 2557;
  int audit_view_retention_days = 730;
};
// The global options, which may also follow the subcommand (`shelfmark serve --database URL`).
void add_common_options(CLI::App& cli, Common& common);

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

// Prints "shelfmark: MESSAGE" and exits with status 2.
[[noreturn]] void fail(const std::string& message);
// A secret from standard input, not echoed when it is a terminal.
std::string read_secret(const char* prompt);
bool is_ip_address(const std::string& text);
// Opens the database (a pool for `threads` workers) with the secret and builds the app Context; fails with
// a message on a bad setting.
Runtime open_runtime(const Common& common, int threads);
// Creates the folder of an SQLite database (0700) when it is missing.
void ensure_var_dir(const Common& common);
void run_migrations(Runtime& runtime);
// The audit retention settings, checked (fails with a message when out of range).
app::AuditRetention audit_retention(const Common& common);

// One subcommand: what CLI11 parsed, and what runs it (returning the exit status).
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

// The groups of subcommands, one file each: each adds its subcommands and their options to `cli`.
std::vector<Command> serve_commands(CLI::App& cli, const Common& common);      // serve_command.cpp
std::vector<Command> catalogue_commands(CLI::App& cli, const Common& common);  // migrate, import-marc,
                                                                               // export-marc, demo-data, reindex
std::vector<Command> job_commands(CLI::App& cli, const Common& common);        // jobs ...
std::vector<Command> account_commands(CLI::App& cli, const Common& common);    // user add-staff, sip-account add

}  // namespace shelfmark::bin
