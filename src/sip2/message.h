// SIP2 (3M Standard Interchange Protocol 2.00) as values: framing of the byte stream from a self-check
// machine (the SC), the checksum, parsing of the requests it sends and building of the replies the library
// system (the ACS, us) sends back. No I/O, no clock: the server owns the socket and passes bytes in and out.
//
// A message is a 2-digit code, a fixed-length part whose layout depends on the code, then variable fields
// "<2-char id><value>|" in any order, then optionally the error-detection trailer "AY<digit>AZ<4 hex>".
// Text is passed through as bytes (UTF-8 in Shelfmark). SIP2 has no escaping, so '|' never survives in a
// value we send.
//
// Thread safety: plain values and free functions; a Framer belongs to one connection.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/time.h"

namespace shelfmark::sip2 {

// Message codes: the SC's requests with the code of our answer beside them, then our responses with the
// layout of their fixed part.
namespace msg {
inline constexpr std::string_view kPatronStatus = "23";               // -> 24
inline constexpr std::string_view kCheckout = "11";                   // -> 12
inline constexpr std::string_view kCheckin = "09";                    // -> 10
inline constexpr std::string_view kBlockPatron = "01";                // -> 24
inline constexpr std::string_view kScStatus = "99";                   // -> 98
inline constexpr std::string_view kRequestAcsResend = "97";           // -> the last reply again
inline constexpr std::string_view kLogin = "93";                      // -> 94
inline constexpr std::string_view kPatronInformation = "63";          // -> 64
inline constexpr std::string_view kEndPatronSession = "35";           // -> 36
inline constexpr std::string_view kFeePaid = "37";                    // -> 38
inline constexpr std::string_view kItemInformation = "17";            // -> 18
inline constexpr std::string_view kItemStatusUpdate = "19";           // -> 20
inline constexpr std::string_view kPatronEnable = "25";               // -> 26
inline constexpr std::string_view kHold = "15";                       // -> 16
inline constexpr std::string_view kRenew = "29";                      // -> 30
inline constexpr std::string_view kRenewAll = "65";                   // -> 66
inline constexpr std::string_view kPatronStatusResponse = "24";       // 14 status, 3 language, 18 date
inline constexpr std::string_view kCheckoutResponse = "12";           // ok, renewal ok, magnetic, desensitize, date
inline constexpr std::string_view kCheckinResponse = "10";            // ok, resensitize, magnetic, alert, date
inline constexpr std::string_view kAcsStatus = "98";                  // 6 flags, 3 timeout, 3 retries, date, 4 version
inline constexpr std::string_view kRequestScResend = "96";            // no fields: "your last message was garbled"
inline constexpr std::string_view kLoginResponse = "94";              // ok
inline constexpr std::string_view kPatronInformationResponse = "64";  // as 24, then six 4-digit counts
inline constexpr std::string_view kEndSessionResponse = "36";         // end session, date
inline constexpr std::string_view kFeePaidResponse = "38";            // payment accepted, date
inline constexpr std::string_view kItemInformationResponse = "18";    // 2 circulation status, 2 security, 2 fee, date
inline constexpr std::string_view kItemStatusUpdateResponse = "20";   // item properties ok, date
inline constexpr std::string_view kPatronEnableResponse = "26";       // as 24
inline constexpr std::string_view kHoldResponse = "16";               // ok, available, date
inline constexpr std::string_view kRenewResponse = "30";              // as 12
inline constexpr std::string_view kRenewAllResponse = "66";           // ok, 4 renewed, 4 unrenewed, date
}  // namespace msg

// Variable field identifiers.
namespace fid {
inline constexpr std::string_view kPatronId = "AA";
inline constexpr std::string_view kItemId = "AB";
inline constexpr std::string_view kTerminalPassword = "AC";
inline constexpr std::string_view kPatronPassword = "AD";
inline constexpr std::string_view kPersonalName = "AE";
inline constexpr std::string_view kScreenMessage = "AF";
inline constexpr std::string_view kPrintLine = "AG";
inline constexpr std::string_view kDueDate = "AH";
inline constexpr std::string_view kTitleId = "AJ";
inline constexpr std::string_view kBlockedCardMessage = "AL";
inline constexpr std::string_view kLibraryName = "AM";
inline constexpr std::string_view kTerminalLocation = "AN";
inline constexpr std::string_view kInstitutionId = "AO";
inline constexpr std::string_view kCurrentLocation = "AP";
inline constexpr std::string_view kPermanentLocation = "AQ";
inline constexpr std::string_view kHoldItems = "AS";
inline constexpr std::string_view kOverdueItems = "AT";
inline constexpr std::string_view kChargedItems = "AU";
inline constexpr std::string_view kFineItems = "AV";
inline constexpr std::string_view kSequenceNumber = "AY";
inline constexpr std::string_view kChecksum = "AZ";
inline constexpr std::string_view kHomeAddress = "BD";
inline constexpr std::string_view kEmail = "BE";
inline constexpr std::string_view kHomePhone = "BF";
inline constexpr std::string_view kOwner = "BG";
inline constexpr std::string_view kCurrencyType = "BH";
inline constexpr std::string_view kCancel = "BI";
inline constexpr std::string_view kTransactionId = "BK";
inline constexpr std::string_view kValidPatron = "BL";
inline constexpr std::string_view kRenewedItems = "BM";
inline constexpr std::string_view kUnrenewedItems = "BN";
inline constexpr std::string_view kFeeAcknowledged = "BO";
inline constexpr std::string_view kStartItem = "BP";
inline constexpr std::string_view kEndItem = "BQ";
inline constexpr std::string_view kQueuePosition = "BR";
inline constexpr std::string_view kPickupLocation = "BS";
inline constexpr std::string_view kFeeType = "BT";
inline constexpr std::string_view kRecallItems = "BU";
inline constexpr std::string_view kFeeAmount = "BV";
inline constexpr std::string_view kExpirationDate = "BW";
inline constexpr std::string_view kSupportedMessages = "BX";
inline constexpr std::string_view kHoldType = "BY";
inline constexpr std::string_view kHoldItemsLimit = "BZ";
inline constexpr std::string_view kOverdueItemsLimit = "CA";
inline constexpr std::string_view kChargedItemsLimit = "CB";
inline constexpr std::string_view kFeeLimit = "CC";
inline constexpr std::string_view kUnavailableHoldItems = "CD";
inline constexpr std::string_view kHoldQueueLength = "CF";
inline constexpr std::string_view kFeeIdentifier = "CG";
inline constexpr std::string_view kItemProperties = "CH";
inline constexpr std::string_view kSecurityInhibit = "CI";
inline constexpr std::string_view kRecallDate = "CJ";
inline constexpr std::string_view kMediaType = "CK";
inline constexpr std::string_view kSortBin = "CL";
inline constexpr std::string_view kHoldPickupDate = "CM";
inline constexpr std::string_view kLoginUserId = "CN";
inline constexpr std::string_view kLoginPassword = "CO";
inline constexpr std::string_view kLocationCode = "CP";
inline constexpr std::string_view kValidPatronPassword = "CQ";
// An extension (Evergreen, Koha): the patron's birth date, YYYYMMDD.
inline constexpr std::string_view kBirthDate = "PB";
}  // namespace fid

// The 3-digit language codes of the fixed parts that Shelfmark uses (the spec lists 28).
inline constexpr std::string_view kLanguageUnknown = "000";
inline constexpr std::string_view kLanguageEnglish = "001";
inline constexpr std::string_view kLanguageChinese = "019";

// ---------------------------------------------------------------------------------------------------------
// Framing

enum class Terminator { kCr, kLf, kCrLf };
std::string_view terminator_text(Terminator terminator);  // "\r", "\n", "\r\n"

// Longer than any real SIP2 message by far; a client that sends more is broken or hostile.
inline constexpr std::size_t kMaxMessageLength = 64 * 1024;

struct Frame {
  std::string message;  // without its terminator
  Terminator terminator = Terminator::kCr;
};

enum class FrameStatus {
  kMessage,   // a complete message is in the result
  kNeedMore,  // nothing complete buffered; read more from the socket
  kTooLong,   // a message exceeded the limit; it is being discarded up to its terminator
};

struct FrameResult {
  FrameStatus status = FrameStatus::kNeedMore;
  Frame frame;  // when status is kMessage
};

// Splits the byte stream of one connection into messages ended by CR, LF or CRLF. Empty and blank lines
// are dropped. Use: append() what the socket gave, then call next() until it says kNeedMore.
class Framer {
 public:
  explicit Framer(std::size_t max_length = kMaxMessageLength) : max_length_(max_length) {}

  void append(std::string_view bytes);
  FrameResult next();

  // The terminator the client uses, to end replies the same way (some clients wait for CRLF). A CR that
  // ended one read and an LF that starts the next count as CRLF from then on.
  Terminator terminator() const { return terminator_; }
  std::size_t buffered() const { return buffer_.size() - start_; }

 private:
  std::string buffer_;
  std::size_t start_ = 0;    // where the next message begins in buffer_; what is before it is consumed
  std::size_t scanned_ = 0;  // buffer_ up to here is known to hold no terminator after start_
  std::size_t max_length_;
  bool discarding_ = false;  // inside a message that was too long, until its terminator
  bool after_cr_ = false;    // the last message ended with a CR that was the last byte we had
  Terminator terminator_ = Terminator::kCr;
};

// ---------------------------------------------------------------------------------------------------------
// Checksum

// The spec sums bytes. Some servers and clients decode UTF-8 first and sum code points instead, which
// differs as soon as a name is Chinese; we accept either and can answer in the client's way.
enum class ChecksumBasis { kBytes, kCodePoints };

// The four uppercase hex digits that follow "AZ": the two's complement of the 16-bit sum of everything
// before them. `text` is the message up to and including "AZ".
std::string checksum(std::string_view text, ChecksumBasis basis = ChecksumBasis::kBytes);

enum class ChecksumCheck { kAbsent, kValid, kInvalid };
// Checks the "AZxxxx" that ends `message` (trailing CR, LF and spaces allowed; hex in either case).
ChecksumCheck verify_checksum(std::string_view message);

// ---------------------------------------------------------------------------------------------------------
// Results and errors

enum class ParseErrorKind {
  kTooShort,             // fewer than the 2 characters of a code
  kUnknownCode,          // not one of the 16 requests an SC sends
  kFixedFieldsTooShort,  // shorter than its code's fixed-length part
  kChecksumMismatch,     // AZ present and wrong: the answer is 96, "please resend"
  kBadErrorDetection,    // AY that is not one digit, or AZ that is not 4 hex digits at the end
  kInvalidFixedField,    // a date, hold mode or similar fixed field that cannot be read
};

struct ParseError {
  ParseErrorKind kind = ParseErrorKind::kTooShort;
  std::string code;     // the message code, when there was one
  std::string message;  // English, for logs: what was wrong and where
};

// Either a value or a ParseError (the shape of domain::Outcome, which this library may not use).
template <class T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(ParseError error) : state_(std::move(error)) {}
  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<T>(state_); }
  const T& value() const { return std::get<T>(state_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const ParseError& error() const { return std::get<ParseError>(state_); }

 private:
  std::variant<T, ParseError> state_;
};

// ---------------------------------------------------------------------------------------------------------
// Dates: "YYYYMMDDZZZZHHMMSS", ZZZZ blank for local time or "   Z" for UTC.

inline constexpr std::size_t kSipDateLength = 18;
inline constexpr std::string_view kBlankSipDate = "                  ";

struct SipDate {
  int year = 1970;
  int month = 1;
  int day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  bool is_utc = false;  // otherwise the library's local time
  friend bool operator==(const SipDate&, const SipDate&) = default;
};

// An ok result holding nullopt for a blank (all spaces) date, which SIP2 uses for "none". Zone letters
// other than Z/UTC/GMT are accepted and read as local time.
Result<std::optional<SipDate>> parse_sip_date(std::string_view text);
// Always 18 characters; out-of-range components are clamped to their width.
std::string format_sip_date(const SipDate& date);
SipDate to_sip_date(Instant instant, const TimeZone& zone);  // local wall-clock time
SipDate to_sip_date_utc(Instant instant);
Instant to_instant(const SipDate& date, const TimeZone& zone);

// ---------------------------------------------------------------------------------------------------------
// Parsing

struct Field {
  std::string id;  // 2 characters
  std::string value;
  friend bool operator==(const Field&, const Field&) = default;
};

// One message from an SC, split but not interpreted.
struct Request {
  std::string code;                     // 2 digits
  std::string fixed;                    // exactly fixed_length(code) characters
  std::vector<Field> fields;            // in the order received; AY and AZ are taken out into the members below
  std::optional<int> sequence;          // AY, 0-9
  std::optional<std::string> checksum;  // AZ as sent, already verified unless ParseOptions said not to
  ChecksumBasis checksum_basis = ChecksumBasis::kBytes;  // how the client computed it

  bool has(std::string_view id) const;
  // The first value of the field; a field sent twice keeps its first value here.
  std::optional<std::string> value(std::string_view id) const;
  std::string value_or_empty(std::string_view id) const;
  std::vector<std::string> values(std::string_view id) const;
};

struct ParseOptions {
  // Off only for a terminal known to send wrong checksums; the message is then taken as it is.
  bool verify_checksum = true;
};

// Accepts what real clients send: fields in any order, empty values ("AO|"), missing optional fields, no
// '|' after the last field, trailing spaces, CR or LF, "AY<n>AZ" with or without a '|' before it.
Result<Request> parse_request(std::string_view message, const ParseOptions& options = {});

// Length of the fixed part after the code, for every request and response code SIP2 defines.
std::optional<std::size_t> fixed_length(std::string_view code);
bool is_request_code(std::string_view code);

// ---------------------------------------------------------------------------------------------------------
// The requests, typed. Fields the spec marks required are plain strings (empty when a client left them
// out); optional ones are std::optional, because for some (the patron password above all) being sent at
// all means something.

struct LoginRequest {  // 93
  char uid_algorithm = '0';
  char pwd_algorithm = '0';
  std::string login_user_id;                 // CN
  std::string login_password;                // CO
  std::optional<std::string> location_code;  // CP
};

struct ScStatusRequest {   // 99
  char status_code = '0';  // 0 ok, 1 printer out of paper, 2 about to shut down
  std::optional<int> max_print_width;
  std::string protocol_version;  // "2.00"
};

struct PatronStatusRequest {  // 23
  std::string language;
  std::optional<SipDate> transaction_date;
  std::string institution_id;     // AO
  std::string patron_id;          // AA
  std::string terminal_password;  // AC
  std::string patron_password;    // AD
};

// Which list a patron information request (63) asks for: the position of the one 'Y' in its summary.
enum class SummaryItem {
  kHoldItems,
  kOverdueItems,
  kChargedItems,
  kFineItems,
  kRecallItems,
  kUnavailableHolds,
};

struct PatronInformationRequest {  // 63
  std::string language;
  std::optional<SipDate> transaction_date;
  std::optional<SummaryItem> summary;
  std::string institution_id;                    // AO
  std::string patron_id;                         // AA
  std::optional<std::string> terminal_password;  // AC
  std::optional<std::string> patron_password;    // AD
  std::optional<int> start_item;                 // BP, 1-based; absent when not a number
  std::optional<int> end_item;                   // BQ
};

struct CheckoutRequest {  // 11
  bool sc_renewal_policy = false;
  bool no_block = false;  // the SC already lent the item offline; the ACS may not refuse
  std::optional<SipDate> transaction_date;
  std::optional<SipDate> nb_due_date;
  std::string institution_id;                  // AO
  std::string patron_id;                       // AA
  std::string item_id;                         // AB
  std::string terminal_password;               // AC
  std::optional<std::string> item_properties;  // CH
  std::optional<std::string> patron_password;  // AD
  std::optional<bool> fee_acknowledged;        // BO
  std::optional<bool> cancel;                  // BI
};

struct CheckinRequest {  // 09
  bool no_block = false;
  std::optional<SipDate> transaction_date;
  std::optional<SipDate> return_date;
  std::string current_location;                // AP
  std::string institution_id;                  // AO
  std::string item_id;                         // AB
  std::string terminal_password;               // AC
  std::optional<std::string> item_properties;  // CH
  std::optional<bool> cancel;                  // BI
};

struct BlockPatronRequest {  // 01
  bool card_retained = false;
  std::optional<SipDate> transaction_date;
  std::string institution_id;        // AO
  std::string blocked_card_message;  // AL
  std::string patron_id;             // AA
  std::string terminal_password;     // AC
};

struct EndPatronSessionRequest {  // 35
  std::optional<SipDate> transaction_date;
  std::string institution_id;                    // AO
  std::string patron_id;                         // AA
  std::optional<std::string> terminal_password;  // AC
  std::optional<std::string> patron_password;    // AD
};

struct FeePaidRequest {  // 37
  std::optional<SipDate> transaction_date;
  std::string fee_type;                          // 2 digits, 01 other .. 09 hold fee
  std::string payment_type;                      // 2 digits, 00 cash, 01 VISA, 02 credit card
  std::string currency_type;                     // ISO 4217, "HKD"
  std::string fee_amount;                        // BV, as sent ("12.50"): money is parsed by whoever applies it
  std::string institution_id;                    // AO
  std::string patron_id;                         // AA
  std::optional<std::string> terminal_password;  // AC
  std::optional<std::string> patron_password;    // AD
  std::optional<std::string> fee_identifier;     // CG
  std::optional<std::string> transaction_id;     // BK
};

struct ItemInformationRequest {  // 17
  std::optional<SipDate> transaction_date;
  std::string institution_id;                    // AO
  std::string item_id;                           // AB
  std::optional<std::string> terminal_password;  // AC
};

struct ItemStatusUpdateRequest {  // 19
  std::optional<SipDate> transaction_date;
  std::string institution_id;                    // AO
  std::string item_id;                           // AB
  std::optional<std::string> terminal_password;  // AC
  std::string item_properties;                   // CH
};

struct PatronEnableRequest {  // 25
  std::optional<SipDate> transaction_date;
  std::string institution_id;                    // AO
  std::string patron_id;                         // AA
  std::optional<std::string> terminal_password;  // AC
  std::optional<std::string> patron_password;    // AD
};

enum class HoldMode { kAdd, kDelete, kChange };  // '+', '-', '*'

struct HoldRequest {  // 15
  HoldMode mode = HoldMode::kAdd;
  std::optional<SipDate> transaction_date;
  std::optional<SipDate> expiration_date;        // BW
  std::optional<std::string> pickup_location;    // BS
  std::optional<std::string> hold_type;          // BY: 1 other, 2 any copy, 3 this copy, 4 any copy here
  std::string institution_id;                    // AO
  std::string patron_id;                         // AA
  std::optional<std::string> patron_password;    // AD
  std::optional<std::string> item_id;            // AB
  std::optional<std::string> title_id;           // AJ
  std::optional<std::string> terminal_password;  // AC
  std::optional<bool> fee_acknowledged;          // BO
};

struct RenewRequest {  // 29
  bool third_party_allowed = false;
  bool no_block = false;
  std::optional<SipDate> transaction_date;
  std::optional<SipDate> nb_due_date;
  std::string institution_id;                    // AO
  std::string patron_id;                         // AA
  std::optional<std::string> patron_password;    // AD
  std::optional<std::string> item_id;            // AB
  std::optional<std::string> title_id;           // AJ
  std::optional<std::string> terminal_password;  // AC
  std::optional<std::string> item_properties;    // CH
  std::optional<bool> fee_acknowledged;          // BO
};

struct RenewAllRequest {  // 65
  std::optional<SipDate> transaction_date;
  std::string institution_id;                    // AO
  std::string patron_id;                         // AA
  std::optional<std::string> patron_password;    // AD
  std::optional<std::string> terminal_password;  // AC
  std::optional<bool> fee_acknowledged;          // BO
};

struct RequestAcsResend {};  // 97

using Message = std::variant<LoginRequest, ScStatusRequest, PatronStatusRequest, PatronInformationRequest,
                             CheckoutRequest, CheckinRequest, BlockPatronRequest, EndPatronSessionRequest,
                             FeePaidRequest, ItemInformationRequest, ItemStatusUpdateRequest, PatronEnableRequest,
                             HoldRequest, RenewRequest, RenewAllRequest, RequestAcsResend>;

// Reads the fixed part and fields of a parsed request. Fails on dates that are neither valid nor blank and
// on an unknown hold mode; Y/N flags read anything but 'Y' as no.
Result<Message> decode(const Request& request);

// ---------------------------------------------------------------------------------------------------------
// Building replies

struct ReplyOptions {
  Terminator terminator = Terminator::kCr;
  std::optional<int> sequence;  // appended as AY<n>
  bool checksum = false;        // appended as AZ<4 hex>
  ChecksumBasis checksum_basis = ChecksumBasis::kBytes;
};

// Error detection as the request used it (its AY echoed, AZ when it sent AY or AZ), ended like the client.
ReplyOptions reply_options(const Request& request, Terminator terminator);

class ResponseBuilder {
 public:
  explicit ResponseBuilder(std::string_view code);

  // Fixed fields, already formatted to their width. '|' and control characters become spaces so the
  // width holds.
  ResponseBuilder& fixed(std::string_view text);
  ResponseBuilder& fixed(char c);
  // id + value + '|'. In the value '|' becomes '/', line breaks and tabs a space, other control
  // characters are dropped: SIP2 cannot escape them.
  ResponseBuilder& field(std::string_view id, std::string_view value);
  // Sent only when present.
  ResponseBuilder& optional_field(std::string_view id, const std::optional<std::string>& value);
  // Once per value, in order (screen messages, item lists).
  ResponseBuilder& repeated_field(std::string_view id, const std::vector<std::string>& values);

  // The message without error detection and terminator, as built so far.
  const std::string& text() const { return text_; }
  std::string finish(const ReplyOptions& options) const;

 private:
  std::string text_;
};

// Fixed-field helpers.
char yes_no(bool value);                         // 'Y' / 'N'
char yes_blank(bool value);                      // 'Y' / ' ', as in the patron status field
char yes_no_unknown(std::optional<bool> value);  // 'Y' / 'N' / 'U'
// Zero-padded to `width` digits, clamped to 0 .. 10^width - 1 so the width always holds.
std::string format_number(long long value, std::size_t width);
// The 4-digit counts of 64 and 66: "0003", or four blanks when unknown.
std::string format_count(std::optional<int> count);

// The 14 positions of the patron status field of 24, 26 and 64; 'Y' where true.
struct PatronStatus {
  bool charge_privileges_denied = false;
  bool renewal_privileges_denied = false;
  bool recall_privileges_denied = false;
  bool hold_privileges_denied = false;
  bool card_reported_lost = false;
  bool too_many_items_charged = false;
  bool too_many_items_overdue = false;
  bool too_many_renewals = false;
  bool too_many_claims_of_items_returned = false;
  bool too_many_items_lost = false;
  bool excessive_outstanding_fines = false;
  bool excessive_outstanding_fees = false;
  bool recall_overdue = false;
  bool too_many_items_billed = false;
};
std::string format_patron_status(const PatronStatus& status);

// The 10-character summary of 63: 'Y' at the item's position, blanks elsewhere.
std::string format_summary(std::optional<SummaryItem> item);
// The first 'Y' among the six defined positions; the spec allows only one.
std::optional<SummaryItem> parse_summary(std::string_view summary);

// The 16-character BX field of 98: 'Y' for each request code given, in the spec's order.
std::string format_supported_messages(const std::vector<std::string_view>& request_codes);

}  // namespace shelfmark::sip2
