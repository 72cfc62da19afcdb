#include "mail/smtp_transport.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace shelfmark::mail {
namespace {

namespace fs = std::filesystem;
using Kind = app::SendOutcome::Kind;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------------------
// Helpers for reading composed messages back.

std::string decode_base64(std::string_view text) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (const char c : text) {
    if (c == '=') break;
    const auto value = kAlphabet.find(c);
    if (value == std::string::npos) continue;  // line breaks
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80             ? 1
                               : (lead & 0xE0) == 0xC0 ? 2
                               : (lead & 0xF0) == 0xE0 ? 3
                               : (lead & 0xF8) == 0xF0 ? 4
                                                       : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    i += length;
  }
  return true;
}

std::vector<std::string> split_crlf(std::string_view text) {
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < text.size();) {
    const auto end = text.find("\r\n", start);
    if (end == std::string_view::npos) {
      lines.emplace_back(text.substr(start));
      break;
    }
    lines.emplace_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

struct Parsed {
  std::vector<std::string> header_lines;
  std::string body;  // as transmitted (base64 lines)
};

Parsed parse(const std::string& message) {
  const auto blank = message.find("\r\n\r\n");
  EXPECT_NE(blank, std::string::npos);
  return {split_crlf(message.substr(0, blank)), message.substr(blank + 4)};
}

// The physical lines of one header field: its first line and the continuation lines after it.
std::vector<std::string> field_lines(const Parsed& parsed, std::string_view name) {
  std::vector<std::string> lines;
  const std::string prefix = std::string(name) + ":";
  for (std::size_t i = 0; i < parsed.header_lines.size(); ++i) {
    if (parsed.header_lines[i].rfind(prefix, 0) != 0) continue;
    lines.push_back(parsed.header_lines[i]);
    while (i + 1 < parsed.header_lines.size() && parsed.header_lines[i + 1].rfind(' ', 0) == 0)
      lines.push_back(parsed.header_lines[++i]);
  }
  return lines;
}

// Decodes a field made only of encoded words, checking RFC 2047's limits on the way.
std::string decode_encoded_words(const std::vector<std::string>& lines, std::size_t prefix_length) {
  static const std::regex kWord(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=)");
  std::string decoded;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), 76u) << lines[i];
    const std::string word = lines[i].substr(i == 0 ? prefix_length : 1);
    EXPECT_LE(word.size(), 75u) << word;
    std::smatch match;
    EXPECT_TRUE(std::regex_match(word, match, kWord)) << word;
    if (match.empty()) continue;
    const auto bytes = decode_base64(match[1].str());
    EXPECT_TRUE(is_valid_utf8(bytes)) << "encoded word splits a character: " << word;
    decoded += bytes;
  }
  return decoded;
}

SmtpSettings settings_for(std::string url) {
  SmtpSettings settings;
  settings.url = std::move(url);
  settings.from_address = "library@shelfmark.test";
  settings.from_name = "Shelfmark Library";
  settings.timeout = 5s;
  return settings;
}

app::OutgoingEmail email(std::string to, std::string subject, std::string body, std::string id) {
  return {std::move(to), std::move(subject), std::move(body), std::move(id)};
}

const auto kNewYear = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1} + 13h + 5min + 9s;

// ---------------------------------------------------------------------------------------------------------
// compose_message and validation: no network.

TEST(ComposeMessage, EnglishMessageHasEveryHeaderAndBase64Body) {
  const auto message = compose_message(settings_for("smtp://127.0.0.1:25"),
                                       email("reader@example.org", "Your reservation is ready",
                                             "Dear reader,\nThe book is waiting.\n", "outbox-1@x.test"),
                                       kNewYear);
  const auto parsed = parse(message);
  const std::vector<std::string> expected = {
      "Date: Thu, 01 Jan 2026 13:05:09 +0000",
      "From: \"Shelfmark Library\" <library@shelfmark.test>",
      "To: reader@example.org",
      "Subject: Your reservation is ready",
      "Message-ID: <outbox-1@x.test>",
      "Auto-Submitted: auto-generated",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=UTF-8",
      "Content-Transfer-Encoding: base64",
  };
  EXPECT_EQ(parsed.header_lines, expected);
  EXPECT_EQ(decode_base64(parsed.body), "Dear reader,\r\nThe book is waiting.\r\n");
}

TEST(ComposeMessage, EveryLineEndsInCrlfAndBodyLinesAre76) {
  std::string body;
  for (int i = 0; i < 40; ++i) body += "Line " + std::to_string(i) + " of a long notice about overdue loans.\n";
  body += "Old Mac line\rlast line without end";
  const auto message = compose_message(settings_for("smtp://127.0.0.1:25"),
                                       email("reader@example.org", "Overdue", body, "outbox-2@x.test"), kNewYear);
  for (std::size_t i = 0; i < message.size(); ++i) {
    if (message[i] == '\n') {
      ASSERT_TRUE(i > 0 && message[i - 1] == '\r') << "bare LF at " << i;
    }
    if (message[i] == '\r') {
      ASSERT_TRUE(i + 1 < message.size() && message[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  ASSERT_TRUE(message.ends_with("\r\n"));
  const auto parsed = parse(message);
  const auto lines = split_crlf(parsed.body);
  ASSERT_GT(lines.size(), 10u);
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) EXPECT_EQ(lines[i].size(), 76u);
  EXPECT_LE(lines.back().size(), 76u);
  std::string expected_body = body;
  expected_body = std::regex_replace(expected_body, std::regex("\n"), "\r\n");
  expected_body = std::regex_replace(expected_body, std::regex("\r(?!\n)"), "\r\n");
  EXPECT_EQ(decode_base64(parsed.body), expected_body);
  for (const auto& line : parsed.header_lines) EXPECT_LE(line.size(), 78u) << line;
}

TEST(ComposeMessage, LongChineseSubjectsFoldIntoWholeCharacterEncodedWords) {
  // Shifting the text by 0..8 ASCII characters moves every cut point across the 3-byte characters, and the
  // 4-byte ones (U+20000 𠀀, 😀) test the longest sequences.
  const std::string chinese = "香港公共圖書館：您預約的書籍已到館，請於七天內到借書處領取。逾期未取的預約將會取消𠀀😀";
  for (int shift = 0; shift <= 8; ++shift) {
    std::string subject = std::string(shift, 'a');
    for (int i = 0; i < 4; ++i) subject += chinese;
    const auto parsed = parse(compose_message(settings_for("smtp://127.0.0.1:25"),
                                              email("reader@example.org", subject, "x", "outbox-3@x.test"), kNewYear));
    const auto lines = field_lines(parsed, "Subject");
    ASSERT_GT(lines.size(), 5u);
    ASSERT_TRUE(lines[0].starts_with("Subject: "));
    EXPECT_EQ(decode_encoded_words(lines, 9), subject) << "shift " << shift;
  }
}

TEST(ComposeMessage, ChineseSenderNameIsEncoded) {
  auto settings = settings_for("smtp://127.0.0.1:25");
  settings.from_name = "香港公共圖書館";
  const auto parsed =
      parse(compose_message(settings, email("reader@example.org", "預約", "x", "outbox-4@x.test"), kNewYear));
  const auto from = field_lines(parsed, "From");
  ASSERT_EQ(from.size(), 1u);
  const std::string address = " <library@shelfmark.test>";
  ASSERT_TRUE(from[0].ends_with(address)) << from[0];
  EXPECT_EQ(decode_encoded_words({from[0].substr(0, from[0].size() - address.size())}, 6), "香港公共圖書館");
  const auto subject = field_lines(parsed, "Subject");
  EXPECT_EQ(decode_encoded_words(subject, 9), "預約");
}

TEST(ComposeMessage, LongChineseSenderNamePutsAddressOnItsOwnLine) {
  auto settings = settings_for("smtp://127.0.0.1:25");
  settings.from_name = "香港公共圖書館香港公共圖書館香港公共圖書館香港公共圖書館";
  const auto parsed =
      parse(compose_message(settings, email("reader@example.org", "x", "x", "outbox-5@x.test"), kNewYear));
  auto from = field_lines(parsed, "From");
  ASSERT_GE(from.size(), 2u);
  for (const auto& line : from) EXPECT_LE(line.size(), 78u);
  std::string last = from.back();
  const std::string address = "<library@shelfmark.test>";
  ASSERT_TRUE(last.ends_with(address));
  last.resize(last.size() - address.size());
  if (last == " ")
    from.pop_back();
  else
    from.back() = last.substr(0, last.size() - 1);
  EXPECT_EQ(decode_encoded_words(from, 6), settings.from_name);
}

TEST(ComposeMessage, AsciiSenderNameIsQuotedAndEscaped) {
  auto settings = settings_for("smtp://127.0.0.1:25");
  settings.from_name = "Shelfmark \"Central\" Library\\";
  const auto parsed =
      parse(compose_message(settings, email("reader@example.org", "x", "x", "outbox-6@x.test"), kNewYear));
  EXPECT_EQ(field_lines(parsed, "From"),
            std::vector<std::string>{"From: \"Shelfmark \\\"Central\\\" Library\\\\\" <library@shelfmark.test>"});
  settings.from_name = "";
  const auto bare =
      parse(compose_message(settings, email("reader@example.org", "x", "x", "outbox-6@x.test"), kNewYear));
  EXPECT_EQ(field_lines(bare, "From"), std::vector<std::string>{"From: library@shelfmark.test"});
}

TEST(ComposeMessage, LineBreaksInSubjectBecomeSpaces) {
  const auto message = compose_message(
      settings_for("smtp://127.0.0.1:25"),
      email("reader@example.org", "Overdue\r\nBcc: everyone@example.org\nX: y", "x", "outbox-7@x.test"), kNewYear);
  const auto parsed = parse(message);
  EXPECT_EQ(field_lines(parsed, "Subject"),
            std::vector<std::string>{"Subject: Overdue  Bcc: everyone@example.org X: y"});
  EXPECT_TRUE(field_lines(parsed, "Bcc").empty());
  EXPECT_TRUE(field_lines(parsed, "X").empty());
}

TEST(ComposeMessage, LongAsciiSubjectFoldsAtSpaces) {
  std::string subject;
  for (int i = 0; i < 30; ++i) subject += "word" + std::to_string(i) + " ";
  subject += "end";
  const auto parsed = parse(compose_message(settings_for("smtp://127.0.0.1:25"),
                                            email("reader@example.org", subject, "x", "outbox-8@x.test"), kNewYear));
  const auto lines = field_lines(parsed, "Subject");
  ASSERT_GE(lines.size(), 2u);
  std::string unfolded;
  for (const auto& line : lines) {
    EXPECT_LE(line.size(), 78u);
    unfolded += line;  // unfolding removes only the CRLF
  }
  EXPECT_EQ(unfolded, "Subject: " + subject);
}

TEST(ComposeMessage, TextThatLooksEncodedIsEncodedAndBadUtf8Replaced) {
  const auto parsed = parse(compose_message(
      settings_for("smtp://127.0.0.1:25"),
      email("reader@example.org", "=?UTF-8?B?SGk=?= and \xFF\xC0\xAF", "bad \xE9 byte", "outbox-9@x.test"), kNewYear));
  EXPECT_EQ(decode_encoded_words(field_lines(parsed, "Subject"), 9),
            "=?UTF-8?B?SGk=?= and \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(decode_base64(parsed.body), "bad \xEF\xBF\xBD byte");
}

TEST(ComposeMessage, EmptySubjectAndBody) {
  const auto parsed = parse(compose_message(settings_for("smtp://127.0.0.1:25"),
                                            email("reader@example.org", "", "", "outbox-10@x.test"), kNewYear));
  EXPECT_EQ(field_lines(parsed, "Subject"), std::vector<std::string>{"Subject:"});
  EXPECT_EQ(parsed.body, "");
}

TEST(ComposeMessage, RefusesUnsafeInput) {
  const auto settings = settings_for("smtp://127.0.0.1:25");
  EXPECT_THROW(compose_message(settings, email("a@b.org\r\nBcc: c@d.org", "x", "x", "m@x.test"), kNewYear),
               std::invalid_argument);
  EXPECT_THROW(compose_message(settings, email("a@b.org", "x", "x", "m>\r\nBcc: c@d.org"), kNewYear),
               std::invalid_argument);
  auto bad_from = settings;
  bad_from.from_address = "library@shelfmark.test>\r\nBcc: c@d.org";
  EXPECT_THROW(compose_message(bad_from, email("a@b.org", "x", "x", "m@x.test"), kNewYear), std::invalid_argument);
}

TEST(Addresses, OnlyBarePlainAddressesPass) {
  for (const char* good : {"reader@example.org", "a.b+tag@mail.example.hk", "x@localhost", "o'brien@example.ie"})
    EXPECT_TRUE(is_plain_address(good)) << good;
  for (const char* bad : {"",
                          "reader",
                          "@example.org",
                          "reader@",
                          "reader@@example.org",
                          "a@b@example.org",
                          "Reader <r@example.org>",
                          "<r@example.org>",
                          "r@example.org, s@example.org",
                          "r@example.org\r\nBcc: s@example.org",
                          "r@example.org\n",
                          "r @example.org",
                          "r@exa mple.org",
                          ".r@example.org",
                          "r..s@example.org",
                          "r@-example.org",
                          "r@example..org",
                          "r@example.org.",
                          "讀者@example.org",
                          "r@例子.香港",
                          "r\"@example.org",
                          "r@example.org;s@example.org"})
    EXPECT_FALSE(is_plain_address(bad)) << bad;
  EXPECT_FALSE(is_plain_address(std::string(65, 'a') + "@example.org"));
}

TEST(Settings, ProblemsAreFoundBeforeSending) {
  EXPECT_EQ(settings_problem(settings_for("smtp://mail.example.org:587")), std::nullopt);
  EXPECT_EQ(settings_problem(settings_for("SMTPS://mail.example.org:465/library.example.org")), std::nullopt);
  for (const char* url : {"", "http://mail.example.org", "file:///etc/passwd", "mail.example.org:25", "smtp://",
                          "smtp://:25", "smtp://user:secret@mail.example.org", "smtp://mail.example.org\r\n"})
    EXPECT_NE(settings_problem(settings_for(url)), std::nullopt) << url;
  auto settings = settings_for("smtp://mail.example.org");
  settings.from_address = "Library <library@example.org>";
  EXPECT_NE(settings_problem(settings), std::nullopt);
  EXPECT_THROW(SmtpTransport{settings}, std::invalid_argument);
  settings = settings_for("smtp://mail.example.org");
  settings.timeout = 0s;
  EXPECT_NE(settings_problem(settings), std::nullopt);
}

// ---------------------------------------------------------------------------------------------------------
// Against a real SMTP server: aiosmtpd on loopback, in a child process.

// Accepts everything except recipients named reject@ (550) and busy@ (451); AUTH (without TLS, loopback
// only) accepts shelfmark / "correct horse". Each message is parsed by Python's own email package, an
// independent MIME decoder, and written as <message id>.json, before the 250 reply that ends our send().
constexpr const char* kServerScript = R"PY(
import asyncio, json, os, re, sys
from email import policy
from email.parser import BytesParser
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

out_dir = sys.argv[1]

class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split('@')[0]
        if local == 'reject':
            return '550 5.1.1 Mailbox unavailable'
        if local == 'busy':
            return '451 4.3.0 Mailbox busy, try again later'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content
        message = BytesParser(policy=policy.default).parsebytes(raw)
        defects = [repr(d) for d in message.defects]
        record = {'mail_from': envelope.mail_from, 'rcpt_tos': envelope.rcpt_tos,
                  'authenticated': bool(session.authenticated), 'raw': raw.decode('latin-1')}
        for name in ('From', 'To', 'Subject', 'Date', 'Message-ID', 'Auto-Submitted'):
            value = message[name]
            record[name.lower()] = None if value is None else str(value)
            if value is not None:
                defects += [repr(d) for d in value.defects]
        if message['From'] is not None:
            record['from_name'] = message['From'].addresses[0].display_name
            record['from_address'] = message['From'].addresses[0].addr_spec
        record['content_type'] = message.get_content_type()
        record['charset'] = message.get_content_charset()
        record['body'] = message.get_content()
        record['defects'] = defects
        name = re.sub(r'[^A-Za-z0-9._@-]', '_', (record['message-id'] or 'none').strip('<>'))
        path = os.path.join(out_dir, name + '.json')
        with open(path + '.tmp', 'w', encoding='utf-8') as f:
            json.dump(record, f)
        os.rename(path + '.tmp', path)
        return '250 2.0.0 Accepted'

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == b'shelfmark'
          and auth_data.password == b'correct horse')
    return AuthResult(success=ok, handled=False)

async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(Handler(), hostname='localhost', authenticator=authenticator, auth_require_tls=False),
        '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    with open(os.path.join(out_dir, 'port.tmp'), 'w') as f:
        f.write(str(port))
    os.rename(os.path.join(out_dir, 'port.tmp'), os.path.join(out_dir, 'port'))
    await asyncio.Event().wait()

asyncio.run(main())
)PY";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs a program with its output going to `log`; returns its pid, or -1.
pid_t spawn(const std::vector<std::string>& argv, const fs::path& log) {
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  const int error = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return error == 0 ? pid : -1;
}

int run(const std::vector<std::string>& argv) {
  const pid_t pid = spawn(argv, "/dev/null");
  if (pid < 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The python3 that can import aiosmtpd. The one first on PATH may be a pyenv or virtualenv interpreter that
// does not see Debian's python3-aiosmtpd, so /usr/bin/python3 is tried as well.
std::optional<std::string> find_python() {
  std::vector<std::string> candidates;
  if (const char* chosen = std::getenv("SHELFMARK_TEST_PYTHON")) candidates.emplace_back(chosen);
  candidates.emplace_back("python3");
  candidates.emplace_back("/usr/bin/python3");
  for (const auto& python : candidates)
    if (run({python, "-c", "import aiosmtpd.smtp"}) == 0) return python;
  return std::nullopt;
}

bool accepts_connections(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return ok;
}

// A loopback socket that is listening (so connecting succeeds) but never accepts or says anything.
struct SilentListener {
  int fd = -1;
  int port = 0;
  SilentListener() {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    listen(fd, 8);
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
  }
  ~SilentListener() { close(fd); }
};

// A port nothing listens on: bound to find a free one, then closed.
int closed_port() {
  SilentListener listener;
  return listener.port;
}

class SmtpServer {
 public:
  SmtpServer() {
    char pattern[] = "/tmp/shelfmark-mail-test-XXXXXX";
    if (!mkdtemp(pattern)) {
      error_ = "cannot create a temporary directory";
      return;
    }
    dir_ = pattern;
    const auto python = find_python();
    if (!python) {
      error_ =
          "no python3 with aiosmtpd found (tried $SHELFMARK_TEST_PYTHON, python3, /usr/bin/python3): install "
          "Debian's python3-aiosmtpd (scripts/install-deps.sh does) or point SHELFMARK_TEST_PYTHON at a python "
          "that has it";
      return;
    }
    std::ofstream(dir_ / "server.py") << kServerScript;
    pid_ = spawn({*python, (dir_ / "server.py").string(), dir_.string()}, dir_ / "server.log");
    if (pid_ < 0) {
      error_ = "cannot start " + *python;
      return;
    }
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        error_ = "the SMTP server exited at start-up:\n" + read_file(dir_ / "server.log");
        return;
      }
      if (port_ == 0 && fs::exists(dir_ / "port")) port_ = std::stoi(read_file(dir_ / "port"));
      if (port_ != 0 && accepts_connections(port_)) return;
      std::this_thread::sleep_for(50ms);
    }
    error_ = "the SMTP server did not accept connections within 20 s:\n" + read_file(dir_ / "server.log");
  }

  ~SmtpServer() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (!dir_.empty()) {
      std::error_code ignored;
      fs::remove_all(dir_, ignored);
    }
  }

  const std::string& error() const { return error_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_) + "/shelfmark.test"; }
  std::string log() const { return read_file(dir_ / "server.log"); }

  std::optional<nlohmann::json> received(const std::string& message_id) const {
    const auto path = dir_ / (message_id + ".json");
    if (!fs::exists(path)) return std::nullopt;
    return nlohmann::json::parse(read_file(path));
  }

  int messages_received() const {
    int count = 0;
    for (const auto& entry : fs::directory_iterator(dir_)) count += entry.path().extension() == ".json" ? 1 : 0;
    return count;
  }

 private:
  fs::path dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string error_;
};

class SmtpServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new SmtpServer; }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  // Not skipped when Python or aiosmtpd is missing: CI installs them, so their absence is a broken setup.
  void SetUp() override { ASSERT_EQ(server_->error(), "") << "cannot run the loopback SMTP server"; }

  static SmtpServer* server_;
};
SmtpServer* SmtpServerTest::server_ = nullptr;

TEST_F(SmtpServerTest, DeliversEnglishMessageWithItsHeaders) {
  SmtpTransport transport(settings_for(server_->url()));
  const auto result =
      transport.send(email("reader@example.org", "Your reservation is ready",
                           "Dear reader,\nThe book is waiting at Central.\n", "english-1@shelfmark.test"));
  ASSERT_EQ(result.kind, Kind::kSent) << result.detail << "\n" << server_->log();
  EXPECT_NE(result.detail.find("250"), std::string::npos) << result.detail;
  const auto got = server_->received("english-1@shelfmark.test");
  ASSERT_TRUE(got) << server_->log();
  EXPECT_EQ((*got)["mail_from"], "library@shelfmark.test");
  EXPECT_EQ((*got)["rcpt_tos"], nlohmann::json::array({"reader@example.org"}));
  EXPECT_EQ((*got)["from_name"], "Shelfmark Library");
  EXPECT_EQ((*got)["from_address"], "library@shelfmark.test");
  EXPECT_EQ((*got)["to"], "reader@example.org");
  EXPECT_EQ((*got)["subject"], "Your reservation is ready");
  EXPECT_EQ((*got)["message-id"], "<english-1@shelfmark.test>");
  EXPECT_EQ((*got)["auto-submitted"], "auto-generated");
  EXPECT_EQ((*got)["content_type"], "text/plain");
  EXPECT_EQ((*got)["charset"], "utf-8");
  EXPECT_EQ((*got)["body"], "Dear reader,\r\nThe book is waiting at Central.\r\n");
  EXPECT_EQ((*got)["defects"], nlohmann::json::array());
  EXPECT_FALSE((*got)["authenticated"].get<bool>());
  EXPECT_TRUE(std::regex_match(
      (*got)["date"].get<std::string>(),
      std::regex(R"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d [A-Z][a-z][a-z] \d{4} \d\d:\d\d:\d\d \+0000)")))
      << (*got)["date"];
}

TEST_F(SmtpServerTest, DeliversChineseSubjectSenderAndBodyIntact) {
  auto settings = settings_for(server_->url());
  settings.from_name = "香港公共圖書館";
  SmtpTransport transport(settings);
  std::string subject = "預約書籍已到館：";
  for (int i = 0; i < 5; ++i) subject += "《紅樓夢》第" + std::to_string(i + 1) + "冊，請於七天內到中央圖書館領取。";
  const std::string body = "親愛的讀者：\n\n您預約的《紅樓夢》已到館。\n.\n..以點開頭的行\n香港公共圖書館 😀\n";
  const auto result = transport.send(email("reader@example.org", subject, body, "chinese-1@shelfmark.test"));
  ASSERT_EQ(result.kind, Kind::kSent) << result.detail << "\n" << server_->log();
  const auto got = server_->received("chinese-1@shelfmark.test");
  ASSERT_TRUE(got) << server_->log();
  EXPECT_EQ((*got)["subject"], subject);
  EXPECT_EQ((*got)["from_name"], "香港公共圖書館");
  EXPECT_EQ((*got)["body"], std::regex_replace(body, std::regex("\n"), "\r\n"));
  EXPECT_EQ((*got)["defects"], nlohmann::json::array());
  for (const auto& line : split_crlf((*got)["raw"].get<std::string>())) EXPECT_LE(line.size(), 78u) << line;
}

TEST_F(SmtpServerTest, RejectedRecipientIsPermanentFailure) {
  SmtpTransport transport(settings_for(server_->url()));
  const auto result = transport.send(email("reject@example.org", "x", "secret body text", "reject-1@shelfmark.test"));
  EXPECT_EQ(result.kind, Kind::kPermanentFailure) << result.detail;
  EXPECT_NE(result.detail.find("550"), std::string::npos) << result.detail;
  EXPECT_NE(result.detail.find("Mailbox unavailable"), std::string::npos) << result.detail;
  EXPECT_EQ(result.detail.find("secret body text"), std::string::npos);
  EXPECT_FALSE(server_->received("reject-1@shelfmark.test"));
}

TEST_F(SmtpServerTest, BusyRecipientIsTemporaryFailure) {
  SmtpTransport transport(settings_for(server_->url()));
  const auto result = transport.send(email("busy@example.org", "x", "x", "busy-1@shelfmark.test"));
  EXPECT_EQ(result.kind, Kind::kTemporaryFailure) << result.detail;
  EXPECT_NE(result.detail.find("451"), std::string::npos) << result.detail;
  EXPECT_FALSE(server_->received("busy-1@shelfmark.test"));
}

TEST_F(SmtpServerTest, HeaderInjectionInRecipientIsRefusedWithoutContactingServer) {
  SmtpTransport transport(settings_for(server_->url()));
  // Pointed at a closed port, a transport that tried to connect would report a temporary failure.
  SmtpTransport unreachable(settings_for("smtp://127.0.0.1:" + std::to_string(closed_port())));
  const int before = server_->messages_received();
  for (const char* to : {"reader@example.org\r\nBcc: everyone@example.org", "reader@example.org\nBcc: x@example.org",
                         "reader@example.org\r", "Reader <reader@example.org>", "reader@example.org>",
                         "reader@example.org, other@example.org", "<reader@example.org>", "not an address", ""}) {
    for (auto* sender : {&transport, &unreachable}) {
      const auto result = sender->send(email(to, "x", "x", "inject-1@shelfmark.test"));
      EXPECT_EQ(result.kind, Kind::kPermanentFailure) << to;
      EXPECT_NE(result.detail.find("recipient"), std::string::npos) << result.detail;
      EXPECT_EQ(result.detail.find('\n'), std::string::npos) << result.detail;
    }
  }
  const auto bad_id = transport.send(email("reader@example.org", "x", "x", "id>\r\nBcc: x@example.org"));
  EXPECT_EQ(bad_id.kind, Kind::kPermanentFailure);
  EXPECT_EQ(server_->messages_received(), before);
}

TEST_F(SmtpServerTest, ClosedPortIsTemporaryFailure) {
  SmtpTransport transport(settings_for("smtp://127.0.0.1:" + std::to_string(closed_port())));
  const auto result = transport.send(email("reader@example.org", "x", "x", "closed-1@shelfmark.test"));
  EXPECT_EQ(result.kind, Kind::kTemporaryFailure) << result.detail;
  EXPECT_FALSE(result.detail.empty());
}

TEST_F(SmtpServerTest, SilentServerTimesOutAsTemporaryFailure) {
  SilentListener silent;
  auto settings = settings_for("smtp://127.0.0.1:" + std::to_string(silent.port));
  settings.timeout = 1s;
  SmtpTransport transport(settings);
  const auto start = std::chrono::steady_clock::now();
  const auto result = transport.send(email("reader@example.org", "x", "x", "silent-1@shelfmark.test"));
  EXPECT_EQ(result.kind, Kind::kTemporaryFailure) << result.detail;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST_F(SmtpServerTest, AuthenticatesWithUserNameAndPassword) {
  auto settings = settings_for(server_->url());
  settings.username = "shelfmark";
  settings.password = "correct horse";
  SmtpTransport transport(settings);
  const auto result = transport.send(email("reader@example.org", "x", "x", "auth-1@shelfmark.test"));
  ASSERT_EQ(result.kind, Kind::kSent) << result.detail << "\n" << server_->log();
  const auto got = server_->received("auth-1@shelfmark.test");
  ASSERT_TRUE(got);
  EXPECT_TRUE((*got)["authenticated"].get<bool>());
}

TEST_F(SmtpServerTest, RefusedPasswordIsTemporaryAndNeverInDetail) {
  auto settings = settings_for(server_->url());
  settings.username = "shelfmark";
  settings.password = "wrong battery";
  SmtpTransport transport(settings);
  const auto result = transport.send(email("reader@example.org", "x", "x", "auth-2@shelfmark.test"));
  EXPECT_EQ(result.kind, Kind::kTemporaryFailure) << result.detail;
  EXPECT_NE(result.detail.find("535"), std::string::npos) << result.detail;
  EXPECT_EQ(result.detail.find("wrong battery"), std::string::npos) << result.detail;
  EXPECT_FALSE(server_->received("auth-2@shelfmark.test"));
}

TEST_F(SmtpServerTest, RequiredStarttlsIsNotSkippedWhenServerLacksIt) {
  auto settings = settings_for(server_->url());
  settings.require_starttls = true;
  SmtpTransport transport(settings);
  const auto result = transport.send(email("reader@example.org", "x", "x", "tls-1@shelfmark.test"));
  EXPECT_EQ(result.kind, Kind::kTemporaryFailure) << result.detail;
  EXPECT_FALSE(server_->received("tls-1@shelfmark.test"));
}

TEST_F(SmtpServerTest, ConcurrentSendsFromManyThreads) {
  SmtpTransport transport(settings_for(server_->url()));
  std::atomic<int> sent{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i) {
        const auto id = "many-" + std::to_string(t) + "-" + std::to_string(i) + "@shelfmark.test";
        sent += transport.send(email("reader@example.org", "Notice " + id, "Body " + id, id)).kind == Kind::kSent;
      }
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(sent, 18);
  for (int t = 0; t < 6; ++t)
    for (int i = 0; i < 3; ++i) {
      const auto id = "many-" + std::to_string(t) + "-" + std::to_string(i) + "@shelfmark.test";
      const auto got = server_->received(id);
      ASSERT_TRUE(got) << id;
      EXPECT_EQ((*got)["subject"], "Notice " + id);
    }
}

}  // namespace
}  // namespace shelfmark::mail
