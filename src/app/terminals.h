// Terminals (SIP2 clients: self-charging terminals, 24-hour stations, book drops): their
// accounts, how they log in, and how a reader's PIN is checked. The throttle is the one staff logins use
// (app/sign_in_throttle.h, ADR 0017): hard limits per address and per (account, address), a growing delay per
// account for addresses that have failed on it; terminals and the web are counted apart, so failures at one
// never throttle the other.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "app/circulation.h"
#include "app/ports.h"

namespace shelfmark::app {

// What a logged-in terminal may do, and where.
struct TerminalAccount {
  long long id = 0;
  std::string username;
  long long library_id = 0;
  Channel channel = Channel::kSelfCheck;  // recorded on its loans: self-check, station or book drop
  bool send_personal_fields = false;
  bool pin_required = true;
};

// The kinds of terminal account, stored as the channel codes: self_check, self_service_station, book_drop.
std::optional<Channel> terminal_channel(std::string_view kind);

// Terminal secrets are typed into a machine's configuration, not remembered: at least 12 characters.
inline constexpr std::size_t kTerminalSecretMin = 12;
// Readers' PINs: 4 to 8 digits.
inline constexpr std::size_t kPinMinDigits = 4;
inline constexpr std::size_t kPinMaxDigits = 8;

struct NewSipAccountInput {
  std::string username;
  std::string library_code;
  std::string password;
  std::vector<std::string> allowed_addresses;  // empty: any; already checked to be IP addresses
  bool send_personal_fields = false;
  bool pin_required = true;
  std::string kind = "self_check";  // see terminal_channel
};
// Created by administrators from the command line; audited as "sip.account_create".
domain::Outcome<TerminalAccount> add_sip_account(const Context& context, const NewSipAccountInput& input);

// A terminal's login (SIP2 93). Refuses unknown accounts and wrong secrets alike (invalid_credentials), a
// disabled account (account_disabled) and an address not on the account's list (permission_denied).
// Throttled per account and per address (too_many_attempts, parameter {minutes}); every decision is audited
// without the secret.
domain::Outcome<TerminalAccount> authenticate_terminal(const Context& context, const std::string& username,
                                                       const std::string& password, const std::string& address);

// Block patron (SIP2 01) blocks a card at once, with no PIN (the machine has the card, not the reader): so a
// terminal account may send at most kTerminalBlocksPerWindow 01s per kTerminalBlockWindow, unknown cards
// included, counted in the database (reconnecting or another node does not reset the count). Counts this
// attempt and returns true when within the limit; else returns false and audits "sip.block_throttled".
inline constexpr int kTerminalBlocksPerWindow = 5;
inline constexpr std::chrono::minutes kTerminalBlockWindow{60};
bool allow_terminal_block(const Context& context, const TerminalAccount& account);

// Checks a reader's PIN at a terminal. An empty PIN never passes, and neither does any PIN of a reader who has
// none. Unknown card: not_found (SIP2's "valid patron" field; the terminal has logged in). Wrong PIN:
// invalid_credentials. Unknown cards and wrong PINs are counted alike on the terminal channel; refused
// attempts answer too_many_attempts {minutes} or sign_in_delayed {seconds}.
domain::Outcome<ReaderRecord> check_reader_pin(const Context& context, const std::string& card_number,
                                               const std::string& pin, const std::string& address);
// The web sign-in: the identifier is a card or account number or an HKID number (in any common spelling),
// the secret the reader's password. A PIN is never compared here (ADR 0019): typed on the web it answers and is
// counted like any wrong password. Throttled on the web channel, apart from terminals; an unknown identifier
// answers and is counted exactly like a wrong secret (invalid_credentials).
domain::Outcome<ReaderRecord> check_reader_credentials(const Context& context, const std::string& identifier,
                                                       const std::string& secret, const std::string& address);

// Sets (or, with an empty pin, removes) a reader's PIN. Refuses PINs that are not 4 to 8 digits.
domain::Outcome<domain::Done> set_reader_pin(const Context& context, const std::string& card_number,
                                             const std::string& pin);

// ----- what a terminal shows (read only) -----

// A reader as a terminal sees them: the counter's view (with the reader's standing, the one decision the
// counter and checkout use), the limits that apply, and what is owed.
struct TerminalReaderView {
  CounterView counter;  // reader, loans (with overdue flags), reservations, total owed, standing
  domain::ReaderLimits limits;
  std::vector<ChargeView> unpaid;  // charges with something outstanding, oldest first
};
std::optional<TerminalReaderView> reader_at_terminal(const Context& context, NetworkCache& network,
                                                     const std::string& card_number);

struct TerminalItemView {
  ItemRecord item;
  std::string home_library_code;
  std::string current_library_code;
  std::optional<Date> due_on;       // when on loan
  int hold_queue_length = 0;        // readers waiting for the title
  std::optional<Date> collect_by;   // when on the hold shelf
  std::string pickup_library_code;  // when on the hold shelf or travelling to it
};
std::optional<TerminalItemView> item_at_terminal(const Context& context, NetworkCache& network,
                                                 const std::string& barcode);

// The reader's active reservation of the title this copy belongs to (to cancel or change it from a terminal).
std::optional<long long> reservation_for_item(const Context& context, const std::string& card_number,
                                              const std::string& barcode);

}  // namespace shelfmark::app
