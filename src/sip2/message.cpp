#include "sip2/message.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>

#include "core/text.h"

namespace shelfmark::sip2 {
namespace {

struct Layout {
  std::string_view code;
  std::size_t fixed_length;
  bool request;
};

// From the SIP2 2.00 spec; the request lengths agree with Koha's and Evergreen's SIP servers.
constexpr std::array<Layout, 31> kLayouts{{
    {msg::kPatronStatus, 21, true},       // language 3, transaction date 18
    {msg::kCheckout, 38, true},           // renewal policy, no block, transaction date, nb due date
    {msg::kCheckin, 37, true},            // no block, transaction date, return date
    {msg::kBlockPatron, 19, true},        // card retained, transaction date
    {msg::kScStatus, 8, true},            // status code 1, max print width 3, protocol version 4
    {msg::kRequestAcsResend, 0, true},    // none
    {msg::kLogin, 2, true},               // UID algorithm, PWD algorithm
    {msg::kPatronInformation, 31, true},  // language 3, transaction date 18, summary 10
    {msg::kEndPatronSession, 18, true},   // transaction date
    {msg::kFeePaid, 25, true},            // transaction date, fee type 2, payment type 2, currency 3
    {msg::kItemInformation, 18, true},    // transaction date
    {msg::kItemStatusUpdate, 18, true},   // transaction date
    {msg::kPatronEnable, 18, true},       // transaction date
    {msg::kHold, 19, true},               // hold mode, transaction date
    {msg::kRenew, 38, true},              // third party allowed, no block, transaction date, nb due date
    {msg::kRenewAll, 18, true},           // transaction date
    {msg::kPatronStatusResponse, 35, false},
    {msg::kCheckoutResponse, 22, false},
    {msg::kCheckinResponse, 22, false},
    {msg::kAcsStatus, 34, false},
    {msg::kRequestScResend, 0, false},
    {msg::kLoginResponse, 1, false},
    {msg::kPatronInformationResponse, 59, false},
    {msg::kEndSessionResponse, 19, false},
    {msg::kFeePaidResponse, 19, false},
    {msg::kItemInformationResponse, 24, false},
    {msg::kItemStatusUpdateResponse, 19, false},
    {msg::kPatronEnableResponse, 35, false},
    {msg::kHoldResponse, 20, false},
    {msg::kRenewResponse, 22, false},
    {msg::kRenewAllResponse, 27, false},
}};

const Layout* find_layout(std::string_view code) {
  for (const auto& layout : kLayouts)
    if (layout.code == code) return &layout;
  return nullptr;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_hex(char c) { return is_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }

bool is_hex4(std::string_view text) { return text.size() == 4 && std::all_of(text.begin(), text.end(), is_hex); }

bool is_blank_byte(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0'; }

// Error texts quote what the client sent; keep the log line one line of printable text.
std::string printable(std::string_view text, std::size_t limit = 40) {
  std::string out;
  for (char c : text.substr(0, std::min(limit, text.size()))) {
    const auto byte = static_cast<unsigned char>(c);
    out += (byte < 0x20 || byte == 0x7f) ? '?' : c;
  }
  if (text.size() > limit) out += "...";
  return out;
}

ParseError error(ParseErrorKind kind, std::string_view code, std::string message) {
  return ParseError{kind, std::string(code), std::move(message)};
}

std::uint32_t byte_sum(std::string_view text) {
  std::uint32_t sum = 0;
  for (char c : text) sum += static_cast<unsigned char>(c);
  return sum;
}

// Only called on valid UTF-8.
std::uint32_t code_point_sum(std::string_view text) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    static constexpr unsigned char kLeadBits[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    std::uint32_t point = lead & kLeadBits[length];
    for (std::size_t k = 1; k < length && i + k < text.size(); ++k)
      point = (point << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    sum += point;
    i += length;
  }
  return sum;
}

bool has_non_ascii(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

std::uint16_t checksum_value(std::string_view text, ChecksumBasis basis) {
  const auto sum = basis == ChecksumBasis::kCodePoints && is_valid_utf8(text) ? code_point_sum(text) : byte_sum(text);
  return static_cast<std::uint16_t>(-static_cast<std::int32_t>(sum & 0xFFFF));
}

std::uint16_t hex_value(std::string_view hex) {
  unsigned value = 0;
  std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
  return static_cast<std::uint16_t>(value);
}

// Which basis makes `sent` the checksum of `text` (ending in "AZ"), if any.
std::optional<ChecksumBasis> matching_basis(std::string_view text, std::string_view sent) {
  const auto value = hex_value(sent);
  if (checksum_value(text, ChecksumBasis::kBytes) == value) return ChecksumBasis::kBytes;
  if (has_non_ascii(text) && is_valid_utf8(text) && checksum_value(text, ChecksumBasis::kCodePoints) == value)
    return ChecksumBasis::kCodePoints;
  return std::nullopt;
}

// The error-detection trailer at the end of a message: "AY<digit>AZ<4 hex>", "AY<digit>|AZ<4 hex>" or
// "AZ<4 hex>" alone (as in the constant "97AZFEF5"), never reaching into the fixed part.
struct Trailer {
  std::size_t content_end = 0;       // where the variable fields stop
  std::optional<std::size_t> az_at;  // index of the 'A' of "AZ"
  std::optional<int> sequence;
  std::optional<std::string> checksum;
};

Trailer find_trailer(std::string_view text, std::size_t body_start) {
  Trailer trailer;
  trailer.content_end = text.size();
  std::size_t end = text.size();
  if (end > body_start && text[end - 1] == '|') --end;  // a stray '|' after the checksum
  if (end < body_start + 6 || !is_hex4(text.substr(end - 4, 4)) || text.substr(end - 6, 2) != fid::kChecksum)
    return trailer;
  trailer.az_at = end - 6;
  trailer.checksum = std::string(text.substr(end - 4, 4));
  trailer.content_end = end - 6;
  std::size_t before = trailer.content_end;
  const bool piped = before > body_start && text[before - 1] == '|';
  if (piped) --before;
  if (before < body_start + 3 || text.substr(before - 3, 2) != fid::kSequenceNumber || !is_digit(text[before - 1]))
    return trailer;
  // Glued to AZ, "AY<digit>" can only be the sequence number; before a '|' it could end a value ("ABPLAY1|")
  // unless it starts a field itself.
  const auto ay_at = before - 3;
  if (piped && ay_at != body_start && text[ay_at - 1] != '|') return trailer;
  trailer.sequence = text[before - 1] - '0';
  trailer.content_end = ay_at;
  return trailer;
}

std::size_t trimmed_end(std::string_view text, std::size_t floor) {
  std::size_t end = text.size();
  while (end > floor && is_blank_byte(text[end - 1])) --end;
  return end;
}

bool flag(char c) { return c == 'Y' || c == 'y'; }

std::optional<bool> optional_flag(const std::optional<std::string>& value) {
  if (!value || value->empty()) return std::nullopt;
  if ((*value)[0] == 'Y' || (*value)[0] == 'y') return true;
  if ((*value)[0] == 'N' || (*value)[0] == 'n') return false;
  return std::nullopt;
}

std::optional<int> optional_number(std::string_view text) {
  const auto trimmed = trim(text);
  if (trimmed.empty() || trimmed.size() > 9 || !std::all_of(trimmed.begin(), trimmed.end(), is_digit))
    return std::nullopt;
  int value = 0;
  std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
  return value;
}

// Reads a request's fixed part left to right (the parser checked its length) and keeps the first field
// that could not be read, so each decoder reads everything and checks once at the end.
class FixedReader {
 public:
  explicit FixedReader(const Request& request) : request_(request), text_(request.fixed) {}

  char character() { return text_[position_++]; }
  std::string text(std::size_t length) {
    std::string out(text_.substr(position_, length));
    position_ += length;
    return out;
  }
  std::optional<SipDate> date(std::string_view name) {
    const auto raw = text_.substr(position_, kSipDateLength);
    position_ += kSipDateLength;
    auto parsed = parse_sip_date(raw);
    if (parsed) return parsed.value();
    fail(fmt::format("message {}: {} \"{}\": {}", request_.code, name, printable(raw), parsed.error().message));
    return std::nullopt;
  }
  void fail(std::string message) {
    if (!error_) error_ = error(ParseErrorKind::kInvalidFixedField, request_.code, std::move(message));
  }
  const std::optional<ParseError>& failure() const { return error_; }

 private:
  const Request& request_;
  std::string_view text_;
  std::size_t position_ = 0;
  std::optional<ParseError> error_;
};

Result<Message> done(const FixedReader& reader, Message message) {
  if (reader.failure()) return *reader.failure();
  return message;
}

Result<Message> decode_login(const Request& r) {
  FixedReader reader(r);
  LoginRequest out;
  out.uid_algorithm = reader.character();
  out.pwd_algorithm = reader.character();
  out.login_user_id = r.value_or_empty(fid::kLoginUserId);
  out.login_password = r.value_or_empty(fid::kLoginPassword);
  out.location_code = r.value(fid::kLocationCode);
  return done(reader, std::move(out));
}

Result<Message> decode_sc_status(const Request& r) {
  FixedReader reader(r);
  ScStatusRequest out;
  out.status_code = reader.character();
  out.max_print_width = optional_number(reader.text(3));
  out.protocol_version = reader.text(4);
  return done(reader, std::move(out));
}

Result<Message> decode_patron_status(const Request& r) {
  FixedReader reader(r);
  PatronStatusRequest out;
  out.language = reader.text(3);
  out.transaction_date = reader.date("transaction date");
  out.institution_id = r.value_or_empty(fid::kInstitutionId);
  out.patron_id = r.value_or_empty(fid::kPatronId);
  out.terminal_password = r.value_or_empty(fid::kTerminalPassword);
  out.patron_password = r.value_or_empty(fid::kPatronPassword);
  return done(reader, std::move(out));
}

Result<Message> decode_patron_information(const Request& r) {
  FixedReader reader(r);
  PatronInformationRequest out;
  out.language = reader.text(3);
  out.transaction_date = reader.date("transaction date");
  out.summary = parse_summary(reader.text(10));
  out.institution_id = r.value_or_empty(fid::kInstitutionId);
  out.patron_id = r.value_or_empty(fid::kPatronId);
  out.terminal_password = r.value(fid::kTerminalPassword);
  out.patron_password = r.value(fid::kPatronPassword);
  out.start_item = optional_number(r.value_or_empty(fid::kStartItem));
  out.end_item = optional_number(r.value_or_empty(fid::kEndItem));
  return done(reader, std::move(out));
}

Result<Message> decode_checkout(const Request& r) {
  FixedReader reader(r);
  CheckoutRequest out;
  out.sc_renewal_policy = flag(reader.character());
  out.no_block = flag(reader.character());
  out.transaction_date = reader.date("transaction date");
  out.nb_due_date = reader.date("no-block due date");
  out.institution_id = r.value_or_empty(fid::kInstitutionId);
  out.patron_id = r.value_or_empty(fid::kPatronId);
  out.item_id = r.value_or_empty(fid::kItemId);
  out.terminal_password = r.value_or_empty(fid::kTerminalPassword);
  out.item_properties = r.value(fid::kItemProperties);
  out.patron_password = r.value(fid::kPatronPassword);
  out.fee_acknowledged = optional_flag(r.value(fid::kFeeAcknowledged));
  out.cancel = optional_flag(r.value(fid::kCancel));
  return done(reader, std::move(out));
}

Result<Message> decode_checkin(const Request& r) {
  FixedReader reader(r);
  CheckinRequest out;
  out.no_block = flag(reader.character());
  out.transaction_date = reader.date("transaction date");
  out.return_date = reader.date("return date");
  out.current_location = r.value_or_empty(fid::kCurrentLocation);
  out.institution_id = r.value_or_empty(fid::kInstitutionId);
  out.item_id = r.value_or_empty(fid::kItemId);
  out.terminal_password = r.value_or_empty(fid::kTerminalPassword);
  out.item_properties = r.value(fid::kItemProperties);
  out.cancel = optional_flag(r.value(fid::kCancel));
  return done(reader, std::move(out));
}

Result<Message> decode_block_patron(const Request& r) {
  FixedReader reader(r);
  BlockPatronRequest out;
  out.card_retained = flag(reader.character());
  out.transaction_date = reader.date("transaction date");
  out.institution_id = r.value_or_empty(fid::kInstitutionId);
  out.blocked_card_message = r.value_or_empty(fid::kBlockedCardMessage);
  out.patron_id = r.value_or_empty(fid::kPatronId);
  out.terminal_password = r.value_or_empty(fid::kTerminalPassword);
  return done(reader, std::move(out));
}

Result<Message> decode_end_patron_session(const Request& r) {
  FixedReader reader(r);
  EndPatronSessionRequest out;
  out.transaction_date = reader.date("transaction date");
  out.institution_id = r.value_or_empty(fid::kInstitutionId);
  out.patron_id = r.value_or_empty(fid::kPatronId);
  out.terminal_password = r.value(fid::kTerminalPassword);
  out.patron_password = r.value(fid::kPatronPassword);
  return done(reader, std::move(out));
}

Result<Message> decode_fee_paid(const Request& r) {
  FixedReader reader(r);
  FeePaidRequest out;
  out.transaction_date = reader.date("transaction date");
  out.fee_type = reader.text(2);
  out.payment_type = reader.text(2);
  out.currency_type = reader.text(3);
  out.fee_amount = r.value_or_empty(fid::kFeeAmount);
  out.institution_id = r.value_or_empty(fid::kInstitutionId);
  out.patron_id = r.value_or_empty(fid::kPatronId);
  out.terminal_password = r.value(fid::kTerminalPassword);
  out.patron_password = r.value(fid::kPatronPassword);
  out.fee_identifier = r.value(fid::kFeeIdentifier);
  out.transaction_id = r.value(fid::kTransactionId);
  return done(reader, std::move(out));
}

Result<Message> decode_item_information(const Request& r) {
  FixedReader reader(r);
  ItemInformationRequest out;
  out.transaction_date = reader.date("transaction date");
  out.institution_id = r.value_or_empty(fid::kInstitutionId);
  out.item_id = r.value_or_empty(fid::kItemId);
  out.terminal_password = r.value(fid::kTerminalPassword);
  return done(reader, std::move(out));
}

Result<Message> decode_item_status_update(const Request& r) {
  FixedReader reader(r);
  ItemStatusUpdateRequest out;
  out.transaction_date = reader.date("transaction date");
  out.institution_id = r.value_or_empty(fid::kInstitutionId);
  out.item_id = r.value_or_empty(fid::kItemId);
  out.terminal_password = r.value(fid::kTerminalPassword);
  out.item_properties = r.value_or_empty(fid::kItemProperties);
  return done(reader, std::move(out));
}

Result<Message> decode_patron_enable(const Request& r) {
  FixedReader reader(r);
  PatronEnableRequest out;
  out.transaction_date = reader.date("transaction date");
  out.institution_id = r.value_or_empty(fid::kInstitutionId);
  out.patron_id = r.value_or_empty(fid::kPatronId);
  out.terminal_password = r.value(fid::kTerminalPassword);
  out.patron_password = r.value(fid::kPatronPassword);
  return done(reader, std::move(out));
}

Result<Message> decode_hold(const Request& r) {
  FixedReader reader(r);
  HoldRequest out;
  const char mode = reader.character();
  if (mode == '+') {
    out.mode = HoldMode::kAdd;
  } else if (mode == '-') {
    out.mode = HoldMode::kDelete;
  } else if (mode == '*') {
    out.mode = HoldMode::kChange;
  } else {
    reader.fail(fmt::format("message 15: hold mode \"{}\" is not + (add), - (delete) or * (change)",
                            printable(std::string_view(&mode, 1))));
  }
  out.transaction_date = reader.date("transaction date");
  // Unlike the fixed dates, BW is a variable field, and "BW|" is how some clients say "no expiry".
  if (const auto expiration = r.value(fid::kExpirationDate); expiration && !expiration->empty()) {
    auto parsed = parse_sip_date(*expiration);
    if (parsed)
      out.expiration_date = parsed.value();
    else
      reader.fail(
          fmt::format("message 15: expiration date (BW) \"{}\": {}", printable(*expiration), parsed.error().message));
  }
  out.pickup_location = r.value(fid::kPickupLocation);
  out.hold_type = r.value(fid::kHoldType);
  out.institution_id = r.value_or_empty(fid::kInstitutionId);
  out.patron_id = r.value_or_empty(fid::kPatronId);
  out.patron_password = r.value(fid::kPatronPassword);
  out.item_id = r.value(fid::kItemId);
  out.title_id = r.value(fid::kTitleId);
  out.terminal_password = r.value(fid::kTerminalPassword);
  out.fee_acknowledged = optional_flag(r.value(fid::kFeeAcknowledged));
  return done(reader, std::move(out));
}

Result<Message> decode_renew(const Request& r) {
  FixedReader reader(r);
  RenewRequest out;
  out.third_party_allowed = flag(reader.character());
  out.no_block = flag(reader.character());
  out.transaction_date = reader.date("transaction date");
  out.nb_due_date = reader.date("no-block due date");
  out.institution_id = r.value_or_empty(fid::kInstitutionId);
  out.patron_id = r.value_or_empty(fid::kPatronId);
  out.patron_password = r.value(fid::kPatronPassword);
  out.item_id = r.value(fid::kItemId);
  out.title_id = r.value(fid::kTitleId);
  out.terminal_password = r.value(fid::kTerminalPassword);
  out.item_properties = r.value(fid::kItemProperties);
  out.fee_acknowledged = optional_flag(r.value(fid::kFeeAcknowledged));
  return done(reader, std::move(out));
}

Result<Message> decode_renew_all(const Request& r) {
  FixedReader reader(r);
  RenewAllRequest out;
  out.transaction_date = reader.date("transaction date");
  out.institution_id = r.value_or_empty(fid::kInstitutionId);
  out.patron_id = r.value_or_empty(fid::kPatronId);
  out.patron_password = r.value(fid::kPatronPassword);
  out.terminal_password = r.value(fid::kTerminalPassword);
  out.fee_acknowledged = optional_flag(r.value(fid::kFeeAcknowledged));
  return done(reader, std::move(out));
}

std::string clean_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const auto byte = static_cast<unsigned char>(c);
    if (c == '|') {
      out += '/';
    } else if (c == '\r' && i + 1 < value.size() && value[i + 1] == '\n') {
      continue;  // the LF that follows becomes the one space
    } else if (c == '\r' || c == '\n' || c == '\t') {
      out += ' ';
    } else if (byte >= 0x20 && byte != 0x7f) {
      out += c;
    }
  }
  return out;
}

int clamp_int(int value, int low, int high) { return std::clamp(value, low, high); }

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Framing

std::string_view terminator_text(Terminator terminator) {
  switch (terminator) {
    case Terminator::kLf:
      return "\n";
    case Terminator::kCrLf:
      return "\r\n";
    case Terminator::kCr:
      break;
  }
  return "\r";
}

void Framer::append(std::string_view bytes) {
  // Consumed messages are dropped here, once per read: erasing after each message would make a read full of
  // short messages quadratic.
  buffer_.erase(0, start_);
  scanned_ = scanned_ > start_ ? scanned_ - start_ : 0;
  start_ = 0;
  buffer_.append(bytes);
}

FrameResult Framer::next() {
  for (;;) {
    if (after_cr_ && start_ < buffer_.size()) {
      after_cr_ = false;
      if (buffer_[start_] == '\n') {
        ++start_;
        terminator_ = Terminator::kCrLf;
      }
    }
    scanned_ = std::max(scanned_, start_);
    const auto at = buffer_.find_first_of("\r\n", scanned_);
    if (at == std::string::npos) {
      const bool too_long = !discarding_ && buffer_.size() - start_ > max_length_;
      if (discarding_ || too_long) {
        buffer_.clear();
        start_ = scanned_ = 0;
        discarding_ = true;
      } else {
        scanned_ = buffer_.size();
      }
      return {too_long ? FrameStatus::kTooLong : FrameStatus::kNeedMore, {}};
    }
    Terminator terminator = Terminator::kLf;
    std::size_t terminator_length = 1;
    if (buffer_[at] == '\r') {
      if (at + 1 < buffer_.size() && buffer_[at + 1] == '\n') {
        terminator = Terminator::kCrLf;
        terminator_length = 2;
      } else {
        terminator = Terminator::kCr;
        // The LF of a CRLF may still be on its way, but the client waits for our reply before sending more:
        // answer now, ended the way this client has ended its messages so far, and drop the LF if it comes.
        if (at + 1 == buffer_.size()) {
          after_cr_ = true;
          if (terminator_ == Terminator::kCrLf) terminator = Terminator::kCrLf;
        }
      }
    }
    const std::string_view line(buffer_.data() + start_, at - start_);
    start_ = at + terminator_length;
    if (discarding_) {
      discarding_ = false;
      continue;
    }
    if (line.size() > max_length_) return {FrameStatus::kTooLong, {}};
    if (std::all_of(line.begin(), line.end(), is_blank_byte)) continue;
    terminator_ = terminator;
    return {FrameStatus::kMessage, Frame{std::string(line), terminator}};
  }
}

// ---------------------------------------------------------------------------------------------------------
// Checksum

std::string checksum(std::string_view text, ChecksumBasis basis) {
  return fmt::format("{:04X}", checksum_value(text, basis));
}

ChecksumCheck verify_checksum(std::string_view message) {
  const auto text = message.substr(0, trimmed_end(message, 0));
  const auto trailer = find_trailer(text, 0);
  if (!trailer.checksum) return ChecksumCheck::kAbsent;
  return matching_basis(text.substr(0, *trailer.az_at + 2), *trailer.checksum) ? ChecksumCheck::kValid
                                                                               : ChecksumCheck::kInvalid;
}

// ---------------------------------------------------------------------------------------------------------
// Dates

Result<std::optional<SipDate>> parse_sip_date(std::string_view text) {
  const auto invalid = [](std::string reason) {
    return ParseError{ParseErrorKind::kInvalidFixedField, "", std::move(reason)};
  };
  if (text.size() != kSipDateLength) return invalid(fmt::format("a SIP date has 18 characters, not {}", text.size()));
  if (text == kBlankSipDate) return std::optional<SipDate>{};
  const auto digits = [&](std::size_t from, std::size_t count, int& out) {
    const auto part = text.substr(from, count);
    if (!std::all_of(part.begin(), part.end(), is_digit)) return false;
    std::from_chars(part.data(), part.data() + part.size(), out);
    return true;
  };
  SipDate date;
  if (!digits(0, 4, date.year) || !digits(4, 2, date.month) || !digits(6, 2, date.day) || !digits(12, 2, date.hour) ||
      !digits(14, 2, date.minute) || !digits(16, 2, date.second))
    return invalid("not in the form YYYYMMDDZZZZHHMMSS");
  const auto zone = text.substr(8, 4);
  if (!std::all_of(zone.begin(), zone.end(),
                   [](char c) { return c == ' ' || is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }))
    return invalid("the time zone (characters 9 to 12) must be blank, letters or digits");
  const auto zone_name = to_lower_ascii(trim(zone));
  date.is_utc = zone_name == "z" || zone_name == "utc" || zone_name == "gmt";
  const std::chrono::year_month_day ymd{std::chrono::year(date.year), std::chrono::month(date.month),
                                        std::chrono::day(date.day)};
  if (date.year < 1 || !ymd.ok()) return invalid("no such day");
  if (date.hour > 23 || date.minute > 59 || date.second > 59) return invalid("no such time of day");
  return std::optional<SipDate>{date};
}

std::string format_sip_date(const SipDate& date) {
  return fmt::format("{:04}{:02}{:02}{}{:02}{:02}{:02}", clamp_int(date.year, 0, 9999), clamp_int(date.month, 0, 99),
                     clamp_int(date.day, 0, 99), date.is_utc ? "   Z" : "    ", clamp_int(date.hour, 0, 99),
                     clamp_int(date.minute, 0, 99), clamp_int(date.second, 0, 99));
}

namespace {
SipDate sip_date_of(std::chrono::sys_days day, long long seconds_of_day, bool is_utc) {
  const std::chrono::year_month_day ymd{day};
  SipDate out;
  out.year = static_cast<int>(ymd.year());
  out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  out.hour = static_cast<int>(seconds_of_day / 3600);
  out.minute = static_cast<int>(seconds_of_day / 60 % 60);
  out.second = static_cast<int>(seconds_of_day % 60);
  out.is_utc = is_utc;
  return out;
}
}  // namespace

SipDate to_sip_date(Instant instant, const TimeZone& zone) {
  const auto local = zone.to_local(instant);
  const auto second = unix_seconds(instant) % 60;
  return sip_date_of(local.date, local.minute * 60LL + (second < 0 ? second + 60 : second), false);
}

SipDate to_sip_date_utc(Instant instant) {
  const auto day = std::chrono::floor<std::chrono::days>(instant);
  return sip_date_of(day, (instant - day).count(), true);
}

Instant to_instant(const SipDate& date, const TimeZone& zone) {
  const Date day = std::chrono::sys_days(std::chrono::year(date.year) / date.month / date.day);
  if (date.is_utc)
    return std::chrono::sys_seconds(day) + std::chrono::hours(date.hour) + std::chrono::minutes(date.minute) +
           std::chrono::seconds(date.second);
  return zone.to_instant(LocalDateTime{day, date.hour * 60 + date.minute}) + std::chrono::seconds(date.second);
}

// ---------------------------------------------------------------------------------------------------------
// Parsing

bool Request::has(std::string_view id) const {
  return std::any_of(fields.begin(), fields.end(), [&](const Field& f) { return f.id == id; });
}

std::optional<std::string> Request::value(std::string_view id) const {
  for (const auto& f : fields)
    if (f.id == id) return f.value;
  return std::nullopt;
}

std::string Request::value_or_empty(std::string_view id) const { return value(id).value_or(""); }

std::vector<std::string> Request::values(std::string_view id) const {
  std::vector<std::string> out;
  for (const auto& f : fields)
    if (f.id == id) out.push_back(f.value);
  return out;
}

std::optional<std::size_t> fixed_length(std::string_view code) {
  const auto* layout = find_layout(code);
  if (!layout) return std::nullopt;
  return layout->fixed_length;
}

bool is_request_code(std::string_view code) {
  const auto* layout = find_layout(code);
  return layout && layout->request;
}

Result<Request> parse_request(std::string_view message, const ParseOptions& options) {
  // Line ends never belong to a message; spaces may, inside the fixed part, so those wait for its length.
  std::size_t end = message.size();
  while (end > 0 && (message[end - 1] == '\r' || message[end - 1] == '\n' || message[end - 1] == '\0')) --end;
  auto text = message.substr(0, end);
  if (text.size() < 2)
    return error(ParseErrorKind::kTooShort, "",
                 fmt::format("a SIP2 message starts with a 2-digit code; got \"{}\"", printable(text)));
  const auto code = text.substr(0, 2);
  if (!is_request_code(code))
    return error(ParseErrorKind::kUnknownCode, is_digit(code[0]) && is_digit(code[1]) ? code : "",
                 fmt::format("\"{}\" is not the code of a SIP2 request", printable(code)));
  const auto length = *fixed_length(code);
  const auto body_start = 2 + length;
  if (text.size() < body_start)
    return error(ParseErrorKind::kFixedFieldsTooShort, code,
                 fmt::format("message {} is {} characters long; its fixed fields need {} after the 2-digit code", code,
                             text.size(), length));
  text = text.substr(0, trimmed_end(text, body_start));

  Request request;
  request.code = std::string(code);
  request.fixed = std::string(text.substr(2, length));
  const auto trailer = find_trailer(text, body_start);
  request.sequence = trailer.sequence;
  request.checksum = trailer.checksum;

  for (const auto part : split(text.substr(body_start, trailer.content_end - body_start), '|')) {
    if (part.size() < 2) continue;  // "||" or a lone stray character: nothing to read
    const auto id = part.substr(0, 2);
    const auto value = part.substr(2);
    if (id == fid::kSequenceNumber) {
      if (value.size() != 1 || !is_digit(value[0]))
        return error(ParseErrorKind::kBadErrorDetection, code,
                     fmt::format("message {}: the sequence number (AY) must be one digit 0-9, not \"{}\"", code,
                                 printable(value)));
      if (!request.sequence) request.sequence = value[0] - '0';
      continue;
    }
    if (id == fid::kChecksum)
      return error(ParseErrorKind::kBadErrorDetection, code,
                   fmt::format("message {}: the checksum (AZ) must be 4 hexadecimal digits ending the message, not "
                               "\"{}\"",
                               code, printable(value)));
    request.fields.push_back(Field{std::string(id), std::string(value)});
  }

  if (trailer.checksum && options.verify_checksum) {
    const auto covered = text.substr(0, *trailer.az_at + 2);
    const auto basis = matching_basis(covered, *trailer.checksum);
    if (!basis)
      return error(
          ParseErrorKind::kChecksumMismatch, code,
          fmt::format("message {}: checksum {} is wrong; it should be {}", code, *trailer.checksum, checksum(covered)));
    request.checksum_basis = *basis;
  }
  return request;
}

Result<Message> decode(const Request& request) {
  const auto& code = request.code;
  if (!is_request_code(code))
    return error(ParseErrorKind::kUnknownCode, "",
                 fmt::format("\"{}\" is not the code of a SIP2 request", printable(code)));
  // A Request made by hand rather than by parse_request may not have the fixed part its code needs.
  if (const auto length = *fixed_length(code); request.fixed.size() != length)
    return error(
        ParseErrorKind::kFixedFieldsTooShort, code,
        fmt::format("message {} has {} characters of fixed fields, not {}", code, request.fixed.size(), length));
  if (code == msg::kLogin) return decode_login(request);
  if (code == msg::kScStatus) return decode_sc_status(request);
  if (code == msg::kPatronStatus) return decode_patron_status(request);
  if (code == msg::kPatronInformation) return decode_patron_information(request);
  if (code == msg::kCheckout) return decode_checkout(request);
  if (code == msg::kCheckin) return decode_checkin(request);
  if (code == msg::kBlockPatron) return decode_block_patron(request);
  if (code == msg::kEndPatronSession) return decode_end_patron_session(request);
  if (code == msg::kFeePaid) return decode_fee_paid(request);
  if (code == msg::kItemInformation) return decode_item_information(request);
  if (code == msg::kItemStatusUpdate) return decode_item_status_update(request);
  if (code == msg::kPatronEnable) return decode_patron_enable(request);
  if (code == msg::kHold) return decode_hold(request);
  if (code == msg::kRenew) return decode_renew(request);
  if (code == msg::kRenewAll) return decode_renew_all(request);
  return Message{RequestAcsResend{}};
}

// ---------------------------------------------------------------------------------------------------------
// Building replies

ReplyOptions reply_options(const Request& request, Terminator terminator) {
  ReplyOptions options;
  options.terminator = terminator;
  options.sequence = request.sequence;
  options.checksum = request.sequence.has_value() || request.checksum.has_value();
  options.checksum_basis = request.checksum_basis;
  return options;
}

ResponseBuilder::ResponseBuilder(std::string_view code) : text_(code) {}

ResponseBuilder& ResponseBuilder::fixed(std::string_view text) {
  for (char c : text) fixed(c);
  return *this;
}

ResponseBuilder& ResponseBuilder::fixed(char c) {
  const auto byte = static_cast<unsigned char>(c);
  text_ += (c == '|' || byte < 0x20 || byte == 0x7f) ? ' ' : c;
  return *this;
}

ResponseBuilder& ResponseBuilder::field(std::string_view id, std::string_view value) {
  text_ += id;
  text_ += clean_value(value);
  text_ += '|';
  return *this;
}

ResponseBuilder& ResponseBuilder::optional_field(std::string_view id, const std::optional<std::string>& value) {
  if (value) field(id, *value);
  return *this;
}

ResponseBuilder& ResponseBuilder::repeated_field(std::string_view id, const std::vector<std::string>& values) {
  for (const auto& value : values) field(id, value);
  return *this;
}

std::string ResponseBuilder::finish(const ReplyOptions& options) const {
  std::string out = text_;
  if (options.sequence) {
    out += fid::kSequenceNumber;
    out += static_cast<char>('0' + ((*options.sequence % 10) + 10) % 10);
  }
  if (options.checksum) {
    out += fid::kChecksum;
    out += checksum(out, options.checksum_basis);
  }
  out += terminator_text(options.terminator);
  return out;
}

char yes_no(bool value) { return value ? 'Y' : 'N'; }

char yes_blank(bool value) { return value ? 'Y' : ' '; }

char yes_no_unknown(std::optional<bool> value) { return !value ? 'U' : *value ? 'Y' : 'N'; }

std::string format_number(long long value, std::size_t width) {
  width = std::clamp<std::size_t>(width, 1, 18);
  long long limit = 1;
  for (std::size_t i = 0; i < width; ++i) limit *= 10;
  return fmt::format("{:0{}}", std::clamp(value, 0LL, limit - 1), width);
}

std::string format_count(std::optional<int> count) { return count ? format_number(*count, 4) : std::string(4, ' '); }

std::string format_patron_status(const PatronStatus& s) {
  const bool flags[] = {s.charge_privileges_denied, s.renewal_privileges_denied,   s.recall_privileges_denied,
                        s.hold_privileges_denied,   s.card_reported_lost,          s.too_many_items_charged,
                        s.too_many_items_overdue,   s.too_many_renewals,           s.too_many_claims_of_items_returned,
                        s.too_many_items_lost,      s.excessive_outstanding_fines, s.excessive_outstanding_fees,
                        s.recall_overdue,           s.too_many_items_billed};
  std::string out;
  for (bool f : flags) out += yes_blank(f);
  return out;
}

std::string format_summary(std::optional<SummaryItem> item) {
  std::string out(10, ' ');
  if (item) out[static_cast<std::size_t>(*item)] = 'Y';
  return out;
}

std::optional<SummaryItem> parse_summary(std::string_view summary) {
  for (std::size_t i = 0; i < std::min<std::size_t>(6, summary.size()); ++i)
    if (summary[i] == 'Y' || summary[i] == 'y') return static_cast<SummaryItem>(i);
  return std::nullopt;
}

std::string format_supported_messages(const std::vector<std::string_view>& request_codes) {
  static constexpr std::array<std::string_view, 16> kOrder{msg::kPatronStatus,
                                                           msg::kCheckout,
                                                           msg::kCheckin,
                                                           msg::kBlockPatron,
                                                           msg::kScStatus,
                                                           msg::kRequestAcsResend,
                                                           msg::kLogin,
                                                           msg::kPatronInformation,
                                                           msg::kEndPatronSession,
                                                           msg::kFeePaid,
                                                           msg::kItemInformation,
                                                           msg::kItemStatusUpdate,
                                                           msg::kPatronEnable,
                                                           msg::kHold,
                                                           msg::kRenew,
                                                           msg::kRenewAll};
  std::string out;
  for (const auto code : kOrder)
    out += yes_no(std::find(request_codes.begin(), request_codes.end(), code) != request_codes.end());
  return out;
}

}  // namespace shelfmark::sip2
