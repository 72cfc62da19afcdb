#include "app/terminals.h"

#include <algorithm>

#include "app/messages.h"
#include "app/registration.h"
#include "app/sign_in_throttle.h"
#include "core/text.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::failure;
using domain::Outcome;

TerminalAccount terminal_of(const SipAccountRecord& record) {
  return {record.id,
          record.username,
          record.library_id,
          terminal_channel(record.kind).value_or(Channel::kSip2),
          record.send_personal_fields,
          record.pin_required};
}

bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<Channel> terminal_channel(std::string_view kind) {
  for (auto channel : {Channel::kSelfCheck, Channel::kSelfServiceStation, Channel::kBookDrop})
    if (channel_code(channel) == kind) return channel;
  return std::nullopt;
}

Outcome<TerminalAccount> add_sip_account(const Context& context, const NewSipAccountInput& input) {
  std::vector<domain::FieldError> errors;
  const auto username = to_lower_ascii(trim(input.username));
  if (auto error = domain::check_username(username)) errors.push_back(*error);
  if (auto error = domain::check_password(input.password, username, kTerminalSecretMin)) errors.push_back(*error);
  const auto code = std::string(trim(input.library_code));
  if (code.empty()) errors.push_back({"library", ErrorCode::kRequired, {}});
  if (!terminal_channel(input.kind)) errors.push_back({"kind", ErrorCode::kInvalidChoice, {}});
  if (!errors.empty()) return domain::invalid(std::move(errors));
  SipAccountRecord record;
  record.username = username;
  record.secret_hash = context.hasher.hash(input.password);
  record.allowed_addresses = input.allowed_addresses;
  record.send_personal_fields = input.send_personal_fields;
  record.pin_required = input.pin_required;
  record.kind = input.kind;
  record.created_at = context.clock.now();
  std::optional<Outcome<TerminalAccount>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto library = repos.libraries.by_code(code);
    if (!library) {
      result = domain::invalid({{"library", ErrorCode::kNotFound, {}}});
      return;
    }
    record.library_id = library->id;
    try {
      record.id = repos.sip.insert_account(record);
    } catch (const StoreError& error) {
      if (!error.is_unique_violation()) throw;
      result = domain::invalid({{"username", ErrorCode::kUsernameTaken, {}}});
      return;
    }
    repos.audit.record({record.created_at, std::nullopt, "sip.account_create",
                        "sip_account:" + std::to_string(record.id),
                        "library=" + code + "; kind=" + record.kind +
                            (record.allowed_addresses.empty() ? "" : "; addresses restricted") +
                            (record.send_personal_fields ? "; personal fields" : "") +
                            (record.pin_required ? "" : "; no PIN required")});
    result = terminal_of(record);
  });
  return std::move(*result);
}

Outcome<TerminalAccount> authenticate_terminal(const Context& context, const std::string& username_sent,
                                               const std::string& password, const std::string& address) {
  const auto username = to_lower_ascii(trim(username_sent));
  const auto now = context.clock.now();
  const auto keys = throttle_keys(context, "terminal", username, address);
  std::optional<SipAccountRecord> record;
  ThrottleState throttle;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    throttle = throttle_state(repos, keys, now);
    if (!throttle.refusal) record = repos.sip.account_by_username(username);
  });
  if (throttle.refusal) {
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
      repos.audit.record({now, std::nullopt, "sip.login_throttled", "sip_account:unknown", ""});
    });
    return refusal_failure(*throttle.refusal, now);
  }
  // Verify outside any transaction: argon2id takes tens of milliseconds.
  const bool secret_ok = record && !password.empty()
                             ? context.hasher.verify(record->secret_hash, password)
                             : (context.hasher.verify(timing_equaliser_hash(context.hasher), password), false);
  const bool address_ok = !record || record->allowed_addresses.empty() ||
                          std::find(record->allowed_addresses.begin(), record->allowed_addresses.end(), address) !=
                              record->allowed_addresses.end();
  const char* action = !secret_ok         ? "sip.login_failed"
                       : record->disabled ? "sip.login_disabled"
                       : !address_ok      ? "sip.login_address_refused"
                                          : "sip.login";
  const bool ok = secret_ok && !record->disabled && address_ok;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto subject = record ? "sip_account:" + std::to_string(record->id) : "sip_account:unknown";
    if (!secret_ok && record_failure(repos, keys, now))
      repos.audit.record({now, std::nullopt, "sip.login_failures_alert", subject, ""});
    else if (ok && throttle.had_failures)
      record_success(repos, keys);
    repos.audit.record({now, std::nullopt, action, subject, ""});
  });
  if (!secret_ok) return failure(ErrorCode::kInvalidCredentials);
  if (record->disabled) return failure(ErrorCode::kAccountDisabled);
  if (!address_ok) return failure(ErrorCode::kPermissionDenied);
  return terminal_of(*record);
}

bool allow_terminal_block(const Context& context, const TerminalAccount& account) {
  const auto now = context.clock.now();
  const auto key = "sip-block:" + context.tokens.digest(std::to_string(account.id));
  bool allowed = false;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    allowed =
        static_cast<int>(repos.auth_failures.since(key, now - kTerminalBlockWindow).size()) < kTerminalBlocksPerWindow;
    if (allowed)
      repos.auth_failures.record(key, now);
    else
      repos.audit.record({now, std::nullopt, "sip.block_throttled", "sip_account:" + std::to_string(account.id), ""});
  });
  return allowed;
}

namespace {

// Where a reader's identifier leads: the reader, and which hashes may be compared with the secret.
struct Credentials {
  std::optional<ReaderRecord> reader;
  std::optional<std::string> pin_hash;
  std::string password_hash;
};

enum class Check { kTerminalPin, kWebSignIn };

// The web sign-in (any identifier and the password: never the PIN, ADR 0019) or a terminal's PIN check (a card
// number and the PIN). The web and terminals are throttled apart ("reader-web", "reader-sip").
Outcome<ReaderRecord> check_secret(const Context& context, const std::string& identifier, const std::string& secret,
                                   const std::string& address, Check check) {
  const bool web = check == Check::kWebSignIn;
  const auto now = context.clock.now();
  const auto hkid =
      web ? domain::parse_hkid(identifier) : domain::Outcome<domain::Hkid>(failure(ErrorCode::kHkidInvalid));
  Credentials found;
  ThrottleState throttle;
  ThrottleKeys keys;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    found = {};
    if (hkid) {
      if (auto credentials = repos.registrations.reader_by_hkid(hkid_digest(context, hkid.value()))) {
        found.reader = repos.circulation.reader_by_id(credentials->reader_id);
        found.password_hash = credentials->password_hash;
      }
    } else {
      found.reader = repos.circulation.reader_by_card(identifier);
      if (found.reader && web)
        if (auto credentials = repos.registrations.reader_credentials(found.reader->id))
          found.password_hash = credentials->password_hash;
    }
    if (found.reader && !web) found.pin_hash = repos.sip.reader_pin_hash(found.reader->id);
    // One account, one count, whichever identifier was typed; an unknown identifier is counted as typed, just
    // like a known one, so the throttle's answers do not tell which cards exist.
    // (An unknown HKID number by its canonical form, so that its spellings share one count as a known one's do.)
    const auto account = found.reader ? found.reader->card_number
                         : hkid       ? "hkid:" + hkid_digest(context, hkid.value())
                                      : identifier;
    keys = throttle_keys(context, web ? "reader-web" : "reader-sip", account, address);
    throttle = throttle_state(repos, keys, now);
  });
  if (throttle.refusal) return refusal_failure(*throttle.refusal, now);
  // An empty secret is not a guess: refused without checking or counting it, known card or not.
  if (secret.empty()) return failure(!found.reader && !web ? ErrorCode::kNotFound : ErrorCode::kInvalidCredentials);
  const bool looks_like_pin = secret.size() >= kPinMinDigits && secret.size() <= kPinMaxDigits && all_digits(secret);
  bool ok = false;
  bool verified = false;
  // A PIN is 4 to 8 digits, made for a keypad beside the card in hand: it opens terminals and nothing on the
  // web, where the only secret is the password (ADR 0019). A PIN typed on the web is a wrong password.
  if (!web && found.pin_hash && looks_like_pin) {
    ok = context.hasher.verify(*found.pin_hash, secret);
    verified = true;
  }
  if (!ok && web && !found.password_hash.empty()) {
    ok = context.hasher.verify(found.password_hash, secret);
    verified = true;
  }
  if (!verified)
    context.hasher.verify(timing_equaliser_hash(context.hasher), secret);  // the same time as a wrong secret
  if (!ok) {
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
      if (record_failure(repos, keys, now) && found.reader) {
        notify_reader(repos, now, found.reader->id, "sign_in_failures", {{"channel", web ? "web" : "sip2"}});
        repos.audit.record({now, std::nullopt, "reader.sign_in_failures_alert",
                            "reader:" + std::to_string(found.reader->id), web ? "channel=web" : "channel=sip2"});
      }
    });
    // A terminal is told an unknown card (SIP2's "valid patron" field needs it, and a terminal has logged in);
    // the web is not.
    if (!found.reader && !web) return failure(ErrorCode::kNotFound);
    return failure(ErrorCode::kInvalidCredentials);
  }
  if (throttle.had_failures)
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) { record_success(repos, keys); });
  return *found.reader;
}

}  // namespace

Outcome<ReaderRecord> check_reader_pin(const Context& context, const std::string& card_number, const std::string& pin,
                                       const std::string& address) {
  return check_secret(context, card_number, pin, address, Check::kTerminalPin);
}

Outcome<ReaderRecord> check_reader_credentials(const Context& context, const std::string& identifier,
                                               const std::string& secret, const std::string& address) {
  return check_secret(context, std::string(trim(identifier)), secret, address, Check::kWebSignIn);
}

Outcome<domain::Done> set_reader_pin(const Context& context, const std::string& card_number, const std::string& pin) {
  if (!pin.empty() && (pin.size() < kPinMinDigits || pin.size() > kPinMaxDigits || !all_digits(pin)))
    return domain::invalid({{"pin", ErrorCode::kInvalidChoice, {}}});
  std::optional<std::string> hash;
  if (!pin.empty()) hash = context.hasher.hash(pin);
  bool found = false;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto reader = repos.circulation.reader_by_card(card_number);
    found = reader.has_value();
    if (!reader) return;
    repos.sip.set_reader_pin_hash(reader->id, hash);
    repos.audit.record({context.clock.now(), std::nullopt, hash ? "reader.pin_set" : "reader.pin_removed",
                        "reader:" + std::to_string(reader->id), ""});
  });
  if (!found) return domain::invalid({{"card", ErrorCode::kNotFound, {}}});
  return domain::Done{};
}

std::optional<TerminalReaderView> reader_at_terminal(const Context& context, NetworkCache& network,
                                                     const std::string& card_number) {
  const auto now = context.clock.now();
  const auto today = context.zone.to_local(now).date;
  std::optional<TerminalReaderView> view;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    view.reset();
    auto reader = repos.circulation.reader_by_card(card_number);
    if (!reader) return;
    TerminalReaderView v;
    v.counter.reader = *reader;
    v.limits = network.get(repos)->policies.limits;
    for (const auto& loan : repos.circulation.open_loans_of_reader(reader->id))
      v.counter.loans.push_back({loan.barcode, loan.title, loan.due_on, loan.times_renewed, loan.due_on < today});
    v.counter.reservations = reservation_views(repos, reader->id);
    for (auto& charge : repos.circulation.charges_of_reader(reader->id)) {
      if (charge.outstanding.cents <= 0) continue;
      v.counter.charges_outstanding.cents += charge.outstanding.cents;
      v.unpaid.push_back(std::move(charge));
    }
    // The same standing checkout, renewal and reservation decide with: a terminal never re-decides it.
    v.counter.standing = reader_standing(repos, *reader, v.limits, today);
    view = std::move(v);
  });
  return view;
}

std::optional<TerminalItemView> item_at_terminal(const Context& context, NetworkCache& network,
                                                 const std::string& barcode) {
  std::optional<TerminalItemView> view;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    view.reset();
    auto item = repos.circulation.item_by_barcode(barcode);
    if (!item) return;
    const auto snapshot = network.get(repos);
    TerminalItemView v;
    v.item = *item;
    if (const auto* home = snapshot->find(item->facts.home_library_id)) v.home_library_code = home->code;
    if (item->current_library_id)
      if (const auto* here = snapshot->find(*item->current_library_id)) v.current_library_code = here->code;
    if (item->status == domain::ItemStatus::kOnLoan)
      if (auto loan = repos.circulation.open_loan_of_item(item->id)) v.due_on = loan->due_on;
    v.hold_queue_length = static_cast<int>(repos.circulation.waiting_for_title(item->title_key).size());
    if (auto holding = repos.circulation.reservation_holding_item(item->id)) {
      v.collect_by = holding->collect_by;
      if (const auto* pickup = snapshot->find(holding->pickup_library_id)) v.pickup_library_code = pickup->code;
    }
    view = std::move(v);
  });
  return view;
}

std::optional<long long> reservation_for_item(const Context& context, const std::string& card_number,
                                              const std::string& barcode) {
  std::optional<long long> id;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    id.reset();
    auto reader = repos.circulation.reader_by_card(card_number);
    auto item = repos.circulation.item_by_barcode(barcode);
    if (!reader || !item) return;
    for (const auto& reservation : repos.circulation.active_reservations_of_reader(reader->id))
      if (reservation.title_key == item->title_key && (!reservation.item_id || *reservation.item_id == item->id)) {
        id = reservation.id;
        return;
      }
  });
  return id;
}

}  // namespace shelfmark::app
