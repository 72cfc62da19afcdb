// A reader's own account on the web (My Account): signing in with the library card and PIN, the session,
// and what the account pages show (loans with whether each can be renewed and why not, reservations, charges).
// Renewing, reserving, cancelling and borrowing e-books are the circulation use cases (circulation.h), called
// with the signed-in reader's card.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "app/circulation.h"
#include "app/ports.h"
#include "app/registration_ports.h"

namespace shelfmark::app {

struct ReaderSessionPolicy {
  // Readers often use shared and public computers: a short idle time.
  std::chrono::seconds idle_timeout{std::chrono::minutes(15)};
  std::chrono::seconds absolute_lifetime{std::chrono::hours(4)};
  std::chrono::seconds touch_interval{std::chrono::seconds(60)};
};

struct ReaderLogin {
  std::string session_token;  // for the cookie; only its digest is stored
  std::string csrf_token;
  ReaderRecord reader;
};
// A card, account or HKID number and the reader's password (never the PIN of the self-service machines: ADR
// 0018), throttled on the web channel (ADR 0017). An unknown identifier, a wrong password and a PIN get the same
// answer (invalid_credentials), so cards cannot be probed and a PIN is not told from a wrong password.
domain::Outcome<ReaderLogin> reader_log_in(const Context& context, const std::string& identifier,
                                           const std::string& password, const std::string& address);

struct ActiveReader {
  ReaderRecord reader;
  std::string csrf_token;
};
std::optional<ActiveReader> resume_reader_session(const Context& context, const ReaderSessionPolicy& policy,
                                                  const std::string& session_token);
void reader_log_out(const Context& context, const std::string& session_token);

struct AccountLoan {
  std::string barcode;
  std::string title;
  Date due_on;
  int times_renewed = 0;
  bool overdue = false;
  bool ebook = false;
  domain::Money fine_so_far;             // if returned today
  std::vector<domain::Refusal> renewal;  // empty: it can be renewed now
};

struct AccountView {
  ReaderRecord reader;
  std::vector<AccountLoan> loans;
  std::vector<ReservationView> reservations;
  domain::Money charges_outstanding;
  domain::Standing standing;  // whether the reader may borrow, renew and reserve at all
};
std::optional<AccountView> account_view(const Context& context, NetworkCache& network, long long reader_id);

// Everything the library holds about the reader, for "download my data" (the privacy law's right of access).
struct ReaderData {
  ReaderRecord reader;
  std::vector<LoanRecord> loans;                // open and returned, newest first
  std::vector<ReservationRecord> reservations;  // active and ended, newest first
  std::vector<ChargeView> charges;              // oldest first
  bool has_pin = false;
};
std::optional<ReaderData> reader_data(const Context& context, long long reader_id);

// From a record page: which copy a reader gets is decided here, not by the page. Borrowing an e-book takes a
// free licensed copy, else the one set aside for this reader; reserving a title uses a reservable copy's title.
// NotFound for an unknown record.
domain::Outcome<CheckOutResult> borrow_ebook_of_record(const Context& context, NetworkCache& network,
                                                       const std::string& card_number, long long record_id);
domain::Outcome<ReservationResult> reserve_record(const Context& context, NetworkCache& network,
                                                  const std::string& card_number, long long record_id,
                                                  const std::string& pickup_library_code);

// The due-date calendar feed: a private link the reader can add to a calendar app, and revoke. Creating
// one replaces the old link. The token is returned once; only its digest is kept.
std::string create_calendar_feed(const Context& context, long long reader_id);
void revoke_calendar_feed(const Context& context, long long reader_id);
bool has_calendar_feed(const Context& context, long long reader_id);
struct CalendarEntry {
  std::string barcode;
  std::string title;
  Date due_on;
};
// The reader's open loans for a feed token; nullopt for a token that is not (or no longer) valid.
std::optional<std::vector<CalendarEntry>> calendar_entries(const Context& context, const std::string& token);

// The reader changes their PIN: the password is asked again (a shared computer left signed in must not let
// someone else take over the card; the web knows no PIN, ADR 0019), and the new PIN is 4 to 8 digits, typed
// twice. A wrong password is a field error on "pin_password".
domain::Outcome<domain::Done> change_reader_pin(const Context& context, const std::string& card_number,
                                                const std::string& password, const std::string& new_pin,
                                                const std::string& repeated, const std::string& address);

// The reader changes their password, proving who they are with the current password or PIN (throttled like
// sign-in). Other sessions are signed out and the reader is told by email or SMS.
domain::Outcome<domain::Done> change_reader_password(const Context& context, long long reader_id,
                                                     const std::string& session_token, const std::string& current,
                                                     const std::string& password, const std::string& repeated,
                                                     const std::string& address);

struct PasswordResetPolicy {
  std::chrono::seconds link_lifetime{std::chrono::minutes(30)};
  int requests_per_address_per_hour = 5;
};
// "Forgot your password": for a card, account or HKID number whose account has an email address, queues an
// email with a link that works once until it expires. The answer is the same whether or not such an account
// exists, so the form cannot be used to find out who holds an account; kTooManyAttempts beyond the rate limit.
// The message in the outbox holds no token: the link is made when the email is sent (below).
domain::Outcome<domain::Done> request_password_reset(const Context& context, const PasswordResetPolicy& policy,
                                                     const std::string& identifier, const std::string& address,
                                                     domain::Language language);
// Makes the link of a queued "password_reset" message as it is sent (called by the delivery job), so that no
// token ever waits in the outbox: the token is returned for the email and only its digest is stored, and
// every older link of the reader stops working. Nullopt, and no link, when the request is older than the
// link's lifetime, the account has gone, or its email address is no longer the message's recipient.
std::optional<std::string> issue_password_reset_link(const Context& context, const OutboundMessage& message);
// Whether a link's token can still be used (to show the form or say the link has expired).
bool password_reset_usable(const Context& context, const std::string& token);
// Sets the new password from a link; signs the reader out everywhere and tells them. kNotFound for a link
// that is unknown, used or expired.
domain::Outcome<domain::Done> reset_password(const Context& context, const std::string& token,
                                             const std::string& password, const std::string& repeated);

// My Setting. Preferences (language, how and about what to be told, whether to keep a reading history) need
// no password; contact details do (a shared computer left signed in must not let someone redirect the
// reader's messages), and the old email address is told of the change.
std::optional<ReaderSettings> reader_settings(const Context& context, long long reader_id);
struct ReaderPreferences {
  std::string language;  // "en", "tc"
  std::string channel;   // "email", "sms", "none"
  bool notify_reservations = true;
  bool notify_due = true;
  bool notify_overdue = true;
  bool keep_history = false;
};
domain::Outcome<domain::Done> save_reader_preferences(const Context& context, long long reader_id,
                                                      const ReaderPreferences& preferences);
struct ContactChange {
  std::string current_secret;  // the password, asked again
  std::string email;
  std::string mobile;
  std::string address;
};
domain::Outcome<domain::Done> change_reader_contact(const Context& context, long long reader_id,
                                                    const ContactChange& change, const std::string& address);
// The job: returned loans of readers who keep no reading history lose their reader an hour after return
// (once nothing is owed on them). Returns how many.
int anonymise_returned_loans(const Context& context);

// The job: stored results of retried requests (idempotency keys) are kept 30 days, long enough for a
// self-check machine's offline transactions to be sent again; failed sign-in records 2 days (the longest
// window a limit looks back over is a day). Neither says anything a reader would miss.
struct ForgottenRequestRecords {
  long long retry_keys = 0;
  long long sign_in_failures = 0;
};
inline constexpr auto kRetryKeyDays = std::chrono::days(30);
inline constexpr auto kSignInFailureDays = std::chrono::days(2);
ForgottenRequestRecords forget_request_records(const Context& context);

}  // namespace shelfmark::app
