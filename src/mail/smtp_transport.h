// SMTP implementation (libcurl) of the app's MailTransport port, and the composition of the message it sends.
//
// Thread safety: SmtpTransport may be shared by all threads; every send opens its own connection.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "app/media_ports.h"

namespace shelfmark::mail {

struct SmtpSettings {
  // smtp://host:port (plain, upgraded with STARTTLS when require_starttls) or smtps://host:port (TLS from the
  // first byte). An optional path is the name given in EHLO: smtp://relay.example:587/library.example.
  std::string url;
  std::string from_address;  // envelope sender and From address, e.g. "library@example.org"
  std::string from_name;     // UTF-8 display name in From; may be empty
  std::string username;      // empty: no AUTH
  std::string password;
  bool require_starttls = false;     // smtp:// only: send nothing unless the server agrees to STARTTLS
  std::chrono::seconds timeout{20};  // for the whole conversation with the server, connecting included
};

// Why the settings cannot work (bad scheme, credentials in the URL, unusable sender address...), or nullopt.
std::optional<std::string> settings_problem(const SmtpSettings& settings);

// True for a bare ASCII address "local@domain" that is safe in a header and an SMTP command: no display name,
// no angle brackets, no comma, no whitespace or control characters, at most 254 characters.
bool is_plain_address(std::string_view address);

// Why this email can never be sent whatever the server says (an unusable recipient or message id), or nullopt.
std::optional<std::string> email_problem(const app::OutgoingEmail& email);

// The message as sent after DATA: Date, From, To, Subject, Message-ID, MIME headers, then the body in base64,
// all lines ending in CRLF. Non-ASCII in the subject and sender name becomes RFC 2047 encoded words (UTF-8,
// base64) on lines of at most 76 characters; CR, LF and other control characters in the subject become
// spaces. Throws std::invalid_argument when settings_problem or email_problem would not be nullopt.
std::string compose_message(const SmtpSettings& settings, const app::OutgoingEmail& email,
                            std::chrono::system_clock::time_point now);

class SmtpTransport final : public app::MailTransport {
 public:
  // Throws std::invalid_argument with settings_problem's text, so a bad configuration shows at start-up
  // rather than as every email failing.
  explicit SmtpTransport(SmtpSettings settings);

  // kSent: the server accepted the message (2xx after DATA). kPermanentFailure: the email is unusable
  // (email_problem; the server is not contacted) or the server refused it with a 5xx reply other than to
  // AUTH. kTemporaryFailure: anything else — 4xx replies, no connection, timeouts, TLS failures, refused
  // credentials — which a later attempt, or a corrected configuration, may get past.
  app::SendOutcome send(const app::OutgoingEmail& email) override;

 private:
  SmtpSettings settings_;
};

}  // namespace shelfmark::mail
