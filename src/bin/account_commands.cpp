// Accounts made from the command line: `user add-staff` and `sip-account add` (passwords from standard input).
#include <iostream>
#include <map>

#include "app/staff_auth.h"
#include "app/terminals.h"
#include "bin/runtime.h"
#include "web/messages.h"

namespace shelfmark::bin {
namespace {

struct AccountOptions {
  std::string username, role, display_name;
  bool password_stdin = false;
  std::string sip_username, sip_library, sip_kind = "self-check";
  std::vector<std::string> sip_addresses;
  bool sip_personal = false, sip_no_pin = false, sip_password_stdin = false;
};

}  // namespace

std::vector<Command> account_commands(CLI::App& cli, const Common& common) {
  auto o = std::make_shared<AccountOptions>();
  auto& [username, role, display_name, password_stdin, sip_username, sip_library, sip_kind, sip_addresses, sip_personal,
         sip_no_pin, sip_password_stdin] = *o;
  auto* user = cli.add_subcommand("user", "Manage accounts");
  user->require_subcommand(1);
  auto* add_staff =
      user->add_subcommand("add-staff", "Create a staff account (the password is read from standard input)");
  add_staff->add_option("--username", username, "Login name: 3-32 of a-z 0-9 . - _")->required();
  add_staff->add_option("--role", role, "administrator, editor, counter, verifier, cataloguer, reference or auditor")
      ->required();
  add_staff->add_option("--display-name", display_name, "Name shown on staff pages");
  add_staff->add_flag("--password-stdin", password_stdin, "Read the password from standard input (required)")
      ->required();

  auto* sip_account = cli.add_subcommand("sip-account", "Manage the accounts SIP2 terminals log in with");
  sip_account->require_subcommand(1);
  auto* sip_add = sip_account->add_subcommand(
      "add", "Create a terminal account (the password, 12 characters or more, is read from standard input)");
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

  return {
      {add_staff,
       [o, &common] {
         const auto password = read_secret("Password: ");
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         auto result = app::add_staff(*runtime.context, {o->username, o->display_name, o->role, password});
         if (!result) {
           for (const auto& error : result.error().fields)
             std::cerr << "shelfmark: " << error.field << ": "
                       << web::substitute(std::string(domain::error_info(error.code).message), error.params) << "\n";
           return 2;
         }
         std::cout << "Created staff account '" << result->username << "' (" << domain::role_code(result->role)
                   << ").\n";
         return 0;
       }},
      {sip_add,
       [o, &common] {
         for (const auto& address : o->sip_addresses)
           if (!is_ip_address(address)) fail("--allow-address: '" + address + "' is not an IP address");
         const std::map<std::string, std::string> kinds = {
             {"self-check", "self_check"}, {"station", "self_service_station"}, {"book-drop", "book_drop"}};
         if (!kinds.count(o->sip_kind)) fail("--kind: '" + o->sip_kind + "' is not self-check, station or book-drop");
         const auto password = read_secret("Terminal password: ");
         auto runtime = open_runtime(common, 1);
         run_migrations(runtime);
         auto result =
             app::add_sip_account(*runtime.context, {o->sip_username, o->sip_library, password, o->sip_addresses,
                                                     o->sip_personal, !o->sip_no_pin, kinds.at(o->sip_kind)});
         if (!result) {
           for (const auto& error : result.error().fields)
             std::cerr << "shelfmark: " << (error.field == "password" ? "the password" : "--" + error.field) << ": "
                       << web::substitute(std::string(domain::error_info(error.code).message), error.params) << "\n";
           return 2;
         }
         std::cout << "Created SIP2 terminal account '" << result->username << "' for library " << o->sip_library
                   << ".\n";
         return 0;
       }},
  };
}

}  // namespace shelfmark::bin
