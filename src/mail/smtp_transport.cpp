#include "mail/smtp_transport.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace shelfmark::mail {
namespace {

using Kind = app::SendOutcome::Kind;

// RFC 2047 §2: an encoded word is at most 75 characters and a line holding one at most 76.
constexpr std::size_t kMaxEncodedWord = 75;
constexpr std::size_t kMaxEncodedLine = 76;
// RFC 5322 §2.1.1: lines SHOULD stay within 78 characters.
constexpr std::size_t kMaxLine = 78;
// Longest server reply kept in SendOutcome::detail; replies are short, this only guards against a chatty one.
constexpr std::size_t kMaxReplyInDetail = 300;

bool is_ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// RFC 5322 atext: what may appear in a dot-atom. Leaves out everything with a meaning in headers or SMTP
// commands (<>, comma, quotes, brackets, whitespace, controls) and all non-ASCII.
bool is_atext(char c) { return is_ascii_alnum(c) || (c != '\0' && std::strchr("!#$%&'*+-/=?^_`{|}~", c)); }

bool is_dot_atom(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.' || text.find("..") != std::string_view::npos)
    return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return is_atext(c) || c == '.'; });
}

bool is_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    const auto dot = domain.find('.', start);
    const auto label = domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    if (!std::all_of(label.begin(), label.end(), [](char c) { return is_ascii_alnum(c) || c == '-'; })) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// Length of the well-formed UTF-8 sequence starting at text[i], or 0 when the bytes there are not one
// (stray continuation byte, truncated, overlong, surrogate, beyond U+10FFFF).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x80) return 1;
  std::size_t length;
  char32_t code_point;
  char32_t smallest;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, code_point = lead & 0x1F, smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code_point = lead & 0x0F, smallest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code_point = lead & 0x07, smallest = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    const auto byte = static_cast<unsigned char>(text[i + k]);
    if ((byte & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte & 0x3F);
  }
  if (code_point < smallest || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) return 0;
  return length;
}

// The text as well-formed UTF-8, each ill-formed byte replaced by U+FFFD, so that the charset we declare is
// true and encoded words can be cut between characters. With `one_line`, control characters (CR and LF above
// all, which would end a header and start another) become spaces as well.
std::string clean_utf8(std::string_view text, bool one_line) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto length = utf8_sequence_length(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    const auto byte = static_cast<unsigned char>(text[i]);
    const bool c0_or_del = length == 1 && (byte < 0x20 || byte == 0x7F);
    const bool c1 = length == 2 && byte == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
    if (one_line && (c0_or_del || c1))
      out += ' ';
    else
      out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

std::string_view trim_spaces(std::string_view text) {
  const auto first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const auto group = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(group >> 18) & 63];
    out += kAlphabet[(group >> 12) & 63];
    out += kAlphabet[(group >> 6) & 63];
    out += kAlphabet[group & 63];
  }
  if (const auto rest = bytes.size() - i; rest > 0) {
    auto group = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(group >> 18) & 63];
    out += kAlphabet[(group >> 12) & 63];
    out += rest == 2 ? kAlphabet[(group >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::size_t encoded_word_length(std::size_t bytes) { return 12 + (bytes + 2) / 3 * 4; }  // =?UTF-8?B?...?=

// Appends `text` (well-formed UTF-8) as "=?UTF-8?B?...?=" words to `out`, whose last line already holds
// `column` characters, and returns the length of the last line. Each word is cut between characters, because
// RFC 2047 §5 forbids splitting one across words and decoders show a broken one as garbage. Folding between
// encoded words adds nothing to the decoded text (RFC 2047 §6.2).
std::size_t append_encoded_words(std::string& out, std::string_view text, std::size_t column) {
  bool first = true;
  for (std::size_t i = 0; i < text.size();) {
    if (!first) {
      out += "\r\n ";
      column = 1;
    }
    first = false;
    const auto room = column >= kMaxEncodedLine ? 0 : std::min(kMaxEncodedWord, kMaxEncodedLine - column);
    auto end = i;
    while (end < text.size()) {
      const auto next = end + utf8_sequence_length(text, end);
      if (encoded_word_length(next - i) > room) break;
      end = next;
    }
    if (end == i) continue;  // not one character fits after what the line already holds: start a new line
    const auto word = "=?UTF-8?B?" + base64(text.substr(i, end - i)) + "?=";
    out += word;
    column += word.size();
    i = end;
  }
  return column;
}

// Appends printable ASCII `text` to `out`, folding at spaces to keep lines within 78 characters. A fold puts
// CRLF before a space, which unfolding removes again (RFC 5322 §2.2.3), and never leaves a blank line.
std::size_t append_folded(std::string& out, std::string_view text, std::size_t column) {
  for (std::size_t start = 0;;) {
    const auto space = text.find(' ', start);
    const auto token = text.substr(start, space == std::string_view::npos ? std::string_view::npos : space - start);
    if (start > 0) {
      if (!token.empty() && column + 1 + token.size() > kMaxLine) {
        out += "\r\n";
        column = 0;
      }
      out += ' ';
      ++column;
    }
    out += token;
    column += token.size();
    if (space == std::string_view::npos) return column;
    start = space + 1;
  }
}

// Plain ASCII can go in a header as it is unless it contains "=?" (which a reader could take for an encoded
// word) or a word too long to fold within the line limit.
bool needs_encoding(std::string_view text, std::size_t longest_word) {
  if (text.find("=?") != std::string_view::npos) return true;
  if (std::any_of(text.begin(), text.end(), [](char c) { return c < 0x20 || c > 0x7E; })) return true;
  std::size_t word = 0;
  for (const char c : text) {
    word = c == ' ' ? 0 : word + 1;
    if (word > longest_word) return true;
  }
  return false;
}

std::string rfc5322_date(std::chrono::system_clock::time_point now) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", kDays[utc.tm_wday], utc.tm_mday, kMonths[utc.tm_mon],
                     utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

// The body with every line ending (\n, \r\n or a lone \r) as CRLF, the canonical form of text/plain.
std::string crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

bool is_message_id(std::string_view id) {
  const auto at = id.find('@');
  return id.size() <= 250 && at != std::string_view::npos && is_dot_atom(id.substr(0, at)) &&
         is_dot_atom(id.substr(at + 1));
}

bool curl_ready() {
  // curl_global_init must run once before any other libcurl call and is not thread-safe in every libcurl
  // build. It is never undone: the transport lives as long as the process.
  static std::once_flag once;
  static bool ready = false;
  std::call_once(once, [] { ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; });
  return ready;
}

struct Upload {
  std::string_view rest;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& upload = *static_cast<Upload*>(user);
  const auto n = std::min(size * count, upload.rest.size());
  std::memcpy(buffer, upload.rest.data(), n);
  upload.rest.remove_prefix(n);
  return n;
}

// The server's replies, for SendOutcome::detail: the operator sees "550 5.1.1 mailbox unavailable", not only
// curl's "RCPT failed: 550". Only what the server says (CURLINFO_HEADER_IN) is looked at: what we send
// includes the AUTH exchange, and that must never reach a log.
struct Replies {
  std::string last;     // the last reply line
  std::string refusal;  // the last 4xx or 5xx reply line, which a later "221 bye" must not hide
};

int record_reply(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN) return 0;
  auto& replies = *static_cast<Replies*>(user);
  std::string line = clean_utf8(std::string_view(data, std::min(size, kMaxReplyInDetail)), true);
  line = std::string(trim_spaces(line));
  if (line.empty()) return 0;
  if (line[0] == '4' || line[0] == '5') replies.refusal = line;
  replies.last = std::move(line);
  return 0;
}

app::SendOutcome outcome(CURLcode code, long reply_code, const char* error_text, const Replies& replies) {
  if (code == CURLE_OK) return {Kind::kSent, replies.last.empty() ? "accepted" : replies.last};
  std::string detail = *error_text ? error_text : curl_easy_strerror(code);
  if (const auto& reply = replies.refusal.empty() ? replies.last : replies.refusal; !reply.empty())
    detail += fmt::format(" (server: {})", reply);
  // Refused credentials come as 535, but they are the configuration's fault, not the message's: once the
  // operator fixes them, the same message goes through.
  if (code == CURLE_LOGIN_DENIED) return {Kind::kTemporaryFailure, detail};
  if (reply_code >= 500 && reply_code <= 599) return {Kind::kPermanentFailure, detail};
  return {Kind::kTemporaryFailure, detail};
}

}  // namespace

std::optional<std::string> settings_problem(const SmtpSettings& settings) {
  const std::string_view url = settings.url;
  std::string_view rest;
  for (const std::string_view scheme : {"smtp://", "smtps://"}) {
    if (url.size() >= scheme.size() && std::equal(scheme.begin(), scheme.end(), url.begin(), [](char a, char b) {
          return a == static_cast<char>(std::tolower(static_cast<unsigned char>(b)));
        }))
      rest = url.substr(scheme.size());
  }
  if (rest.empty()) return "mail URL must be smtp://host:port or smtps://host:port";
  if (std::any_of(url.begin(), url.end(), [](char c) { return c <= ' ' || c == 0x7F; }))
    return "mail URL must be ASCII without spaces or control characters";
  const auto authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string_view::npos)
    return "put the mail user name and password in their own settings, not in the URL";
  if (authority.empty() || authority.front() == ':') return "mail URL has no host";
  if (!is_plain_address(settings.from_address))
    return fmt::format("sender address \"{}\" is not a plain address like library@example.org",
                       clean_utf8(settings.from_address, true));
  if (settings.timeout.count() <= 0) return "mail timeout must be at least one second";
  return std::nullopt;
}

bool is_plain_address(std::string_view address) {
  if (address.size() > 254) return false;
  const auto at = address.rfind('@');
  if (at == std::string_view::npos) return false;
  const auto local = address.substr(0, at);
  return local.size() <= 64 && is_dot_atom(local) && is_domain(address.substr(at + 1));
}

std::optional<std::string> email_problem(const app::OutgoingEmail& email) {
  // Whatever reaches the To header or RCPT TO must be one bare address: CR or LF would start a header of the
  // caller's choosing (Bcc: everyone), a comma or angle brackets would add recipients.
  if (!is_plain_address(email.to))
    return fmt::format("recipient \"{}\" is not a plain address like reader@example.org", clean_utf8(email.to, true));
  if (!is_message_id(email.message_id))
    return fmt::format("message id \"{}\" is not of the form left@right", clean_utf8(email.message_id, true));
  return std::nullopt;
}

std::string compose_message(const SmtpSettings& settings, const app::OutgoingEmail& email,
                            std::chrono::system_clock::time_point now) {
  if (const auto problem = settings_problem(settings)) throw std::invalid_argument(*problem);
  if (const auto problem = email_problem(email)) throw std::invalid_argument(*problem);

  std::string out;
  out += "Date: " + rfc5322_date(now) + "\r\n";

  out += "From: ";
  const std::string name = std::string(trim_spaces(clean_utf8(settings.from_name, true)));
  if (name.empty()) {
    out += settings.from_address;
  } else {
    std::size_t column = 6;
    // A short ASCII name goes in a quoted string, readable in the raw message; anything else is encoded.
    if (name.size() <= 60 && !needs_encoding(name, 60)) {
      std::string quoted = "\"";
      for (const char c : name) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
      }
      quoted += '"';
      out += quoted;
      column += quoted.size();
    } else {
      column = append_encoded_words(out, name, column);
    }
    const auto address = "<" + settings.from_address + ">";
    out += column + 1 + address.size() > kMaxLine ? "\r\n " : " ";
    out += address;
  }
  out += "\r\n";

  out += "To: " + email.to + "\r\n";

  const std::string subject = std::string(trim_spaces(clean_utf8(email.subject, true)));
  if (subject.empty()) {
    out += "Subject:\r\n";
  } else {
    out += "Subject: ";
    constexpr std::size_t kColumn = 9;
    // Words up to 69 characters fit both after "Subject: " and on a folded line.
    if (needs_encoding(subject, kMaxLine - kColumn))
      append_encoded_words(out, subject, kColumn);
    else
      append_folded(out, subject, kColumn);
    out += "\r\n";
  }

  out += "Message-ID: <" + email.message_id + ">\r\n";
  // RFC 3834: tells vacation responders and the like not to answer, which would only fill our bounce box.
  out += "Auto-Submitted: auto-generated\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  // base64 rather than 8bit: the message stays 7-bit ASCII with short lines whatever the text, so no relay
  // without 8BITMIME can damage it and no body line can start with a dot or exceed the line limit.
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "\r\n";
  const auto body = base64(crlf_lines(clean_utf8(email.text_body, false)));
  for (std::size_t i = 0; i < body.size(); i += 76) {
    out.append(body, i, 76);
    out += "\r\n";
  }
  return out;
}

SmtpTransport::SmtpTransport(SmtpSettings settings) : settings_(std::move(settings)) {
  if (const auto problem = settings_problem(settings_)) throw std::invalid_argument(*problem);
  curl_ready();
}

app::SendOutcome SmtpTransport::send(const app::OutgoingEmail& email) {
  if (const auto problem = email_problem(email)) return {Kind::kPermanentFailure, *problem};
  if (!curl_ready()) return {Kind::kTemporaryFailure, "libcurl could not be initialised"};

  const std::string message = compose_message(settings_, email, std::chrono::system_clock::now());
  const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return {Kind::kTemporaryFailure, "libcurl could not create a handle"};
  const std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> recipients(
      curl_slist_append(nullptr, ("<" + email.to + ">").c_str()), &curl_slist_free_all);
  if (!recipients) return {Kind::kTemporaryFailure, "out of memory"};

  const std::string mail_from = "<" + settings_.from_address + ">";
  const long timeout_ms = static_cast<long>(std::chrono::milliseconds(settings_.timeout).count());
  Upload upload{message};
  Replies replies;
  char error_text[CURL_ERROR_SIZE] = "";
  CURL* handle = curl.get();
  bool options_ok = true;
  const auto set = [&](CURLoption option, auto value) {
    options_ok &= curl_easy_setopt(handle, option, value) == CURLE_OK;
  };
  set(CURLOPT_ERRORBUFFER, error_text);
  set(CURLOPT_URL, settings_.url.c_str());
  // Only mail: a URL mistyped as http:// or file:// must not make us fetch or upload anything else.
  set(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  set(CURLOPT_MAIL_FROM, mail_from.c_str());
  set(CURLOPT_MAIL_RCPT, recipients.get());
  set(CURLOPT_UPLOAD, 1L);
  set(CURLOPT_READFUNCTION, &read_upload);
  set(CURLOPT_READDATA, &upload);
  set(CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  set(CURLOPT_TIMEOUT_MS, timeout_ms);
  // Timeouts through signals are unsafe with several threads sending at once.
  set(CURLOPT_NOSIGNAL, 1L);
  // The debug callback only receives anything in verbose mode; it then replaces curl's stderr output.
  set(CURLOPT_VERBOSE, 1L);
  set(CURLOPT_DEBUGFUNCTION, &record_reply);
  set(CURLOPT_DEBUGDATA, &replies);
  if (settings_.require_starttls) set(CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!settings_.username.empty()) {
    set(CURLOPT_USERNAME, settings_.username.c_str());
    set(CURLOPT_PASSWORD, settings_.password.c_str());
  }
  if (!options_ok) return {Kind::kTemporaryFailure, "libcurl refused an SMTP option (built without SMTP?)"};

  const CURLcode code = curl_easy_perform(handle);
  long reply_code = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &reply_code);
  return outcome(code, reply_code, error_text, replies);
}

}  // namespace shelfmark::mail
