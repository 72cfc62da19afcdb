// `shelfmark`: one executable for the whole system. Each group of subcommands lives in its own file:
// serve_command.cpp (serve), catalogue_commands.cpp (migrate, import-marc, export-marc, demo-data, reindex),
// job_commands.cpp (jobs ...), account_commands.cpp (user add-staff, sip-account add); runtime.cpp holds
// what they share. Settings: a flag wins over the --config file (TOML/INI), which wins over SHELFMARK_*
// environment variables.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "bin/runtime.h"

int main(int argc, char** argv) {
  using namespace shelfmark::bin;
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
  add_common_options(cli, common);
  std::vector<Command> commands;
  for (auto group : {serve_commands, catalogue_commands, job_commands, account_commands})
    for (auto& command : group(cli, common)) commands.push_back(std::move(command));

  CLI11_PARSE(cli, argc, argv);
  spdlog::set_level(spdlog::level::from_str(common.log_level));

  try {
    for (const auto& command : commands)
      if (command.app->parsed()) return command.run();
  } catch (const std::exception& error) {
    fail(error.what());
  } catch (...) {
    // Every command ends with a message and status 2, never with std::terminate.
    fail("the command stopped on an unexpected error");
  }
  return 0;
}
