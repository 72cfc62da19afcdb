// One SIP2 connection's protocol logic, without the socket: a message in, the reply bytes out. Every
// transaction goes through the app use cases (check_out, check_in, renew, place_reservation, pay_charges…)
// exactly as the counter's do; this file only translates between SIP2 fields and those calls.
//
// Rules of the session:
// - Login (93) first: anything else before a successful login is answered "940" with a screen message.
// - A message that cannot be read (bad checksum, unknown code, too short) is answered 96 ("please resend").
// - 97 is answered with the last reply, byte for byte.
// - The reader's PIN (AD) is checked with app::check_reader_pin (throttled); a PIN verified once in this
//   session for a card is remembered (as a keyed digest) until 35 ends the patron session or another card is
//   used, so a terminal that sends AD with every checkout does not pay for an argon2id hash each time.
// - Screen messages (AF) are in the terminal's language: the language field of the last 23 or 63
//   (019 Chinese, anything else English).
//
// Thread safety: a Session belongs to one connection (one thread at a time).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "app/circulation.h"
#include "app/terminals.h"
#include "domain/library.h"
#include "sip2/message.h"

namespace shelfmark::sip2 {

// Translates an English msgid (null: English everywhere).
using Translate = std::function<std::string(domain::Language, std::string_view)>;

struct SessionOptions {
  Translate translate;
  // The checksum check can be switched off only for terminals known to send wrong ones.
  bool verify_checksums = true;
  // Seconds the ACS lets a terminal wait before it should give up (the 98's timeout period, in tenths).
  int timeout_tenths = 100;
  int retries_allowed = 3;
};

class Session {
 public:
  Session(const app::Context& context, app::NetworkCache& network, std::string peer_address,
          SessionOptions options = {});

  // One message from the terminal (without its terminator); returns the whole reply, terminator included.
  std::string handle(const Frame& frame);

  bool logged_in() const { return account_.has_value(); }
  const std::optional<app::TerminalAccount>& account() const { return account_; }
  domain::Language language() const { return language_; }

 private:
  struct PinResult {
    bool proceed = false;       // the transaction may go ahead
    std::optional<bool> valid;  // CQ: sent when a PIN was checked
    std::string message;        // AF when it may not
    bool unknown_patron = false;
  };

  std::string dispatch(const Request& request, const Message& message, const ReplyOptions& options);
  std::string login(const LoginRequest& request, const ReplyOptions& options);
  std::string status(const ScStatusRequest& request, const ReplyOptions& options);
  std::string patron_status(const PatronStatusRequest& request, const ReplyOptions& options);
  std::string patron_information(const PatronInformationRequest& request, const ReplyOptions& options);
  std::string checkout(const CheckoutRequest& request, const ReplyOptions& options);
  std::string checkin(const CheckinRequest& request, const ReplyOptions& options);
  std::string block_patron(const BlockPatronRequest& request, const ReplyOptions& options);
  std::string end_session(const EndPatronSessionRequest& request, const ReplyOptions& options);
  std::string fee_paid(const FeePaidRequest& request, const ReplyOptions& options);
  std::string item_information(const ItemInformationRequest& request, const ReplyOptions& options);
  std::string item_status_update(const ItemStatusUpdateRequest& request, const ReplyOptions& options);
  std::string patron_enable(const PatronEnableRequest& request, const ReplyOptions& options);
  std::string hold(const HoldRequest& request, const ReplyOptions& options);
  std::string renew(const RenewRequest& request, const ReplyOptions& options);
  std::string renew_all(const RenewAllRequest& request, const ReplyOptions& options);

  // The 24/26 reply (same layout); `pin` says what the PIN check found.
  std::string patron_status_reply(std::string_view code, const std::string& patron_id, const PinResult& pin,
                                  const std::vector<std::string>& extra_messages, const ReplyOptions& options);
  PinResult check_pin(const std::string& card, const std::optional<std::string>& pin);
  void set_language(std::string_view sip_language);
  std::string now_date() const;
  std::string text(std::string_view msgid, const std::map<std::string, std::string>& params = {}) const;
  std::string refusal_text(const domain::Failure& failure) const;
  // A refused renewal (29, or 11 renewing): says so when the item exists but is not on loan to the reader.
  std::string renewal_refusal_text(const domain::Failure& failure, const std::string& item_id);
  std::string library_code(long long id);
  std::string library_name(long long id);
  std::string sip_language() const;
  std::string key(std::string_view operation, std::initializer_list<std::string_view> parts) const;

  const app::Context& context_;
  app::NetworkCache& network_;
  std::string address_;
  SessionOptions options_;
  std::optional<app::TerminalAccount> account_;
  std::string institution_;  // the code of the account's library (AO)
  domain::Language language_ = domain::Language::kEnglish;
  std::string last_reply_;
  std::string verified_card_;        // the card whose PIN this session has verified
  std::string verified_pin_digest_;  // keyed digest of that PIN
};

}  // namespace shelfmark::sip2
