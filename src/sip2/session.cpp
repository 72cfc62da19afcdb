#include "sip2/session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "app/reader_account.h"
#include "app/sign_in_throttle.h"

namespace shelfmark::sip2 {
namespace {

using domain::ErrorCode;

// Marks an English text for scripts/extract-messages.py (the msgid is translated where it is used).
constexpr const char* N_(const char* text) { return text; }

constexpr const char* kLogInFirst = N_("Please log in first.");
constexpr const char* kUnknownCard = N_("We do not know this library card.");
constexpr const char* kUnknownItem = N_("We do not know this item.");
constexpr const char* kWrongPin = N_("The PIN is not right.");
constexpr const char* kPinNeeded = N_("Please enter your PIN.");
constexpr const char* kCheckedOut = N_("Borrowed. Please return it by {date}.");
constexpr const char* kRenewed = N_("Renewed. Please return it by {date}.");
constexpr const char* kReturned = N_("Returned. Thank you.");
constexpr const char* kNotOnLoan = N_("This item was not on loan.");
constexpr const char* kFineCharged = N_("Overdue fine charged: {amount}.");
constexpr const char* kToShelf = N_("Put it back on the shelf");
constexpr const char* kToHoldShelf = N_("Put it on the hold shelf: a reader has reserved it");
constexpr const char* kSendTo = N_("Send it to {library}");
constexpr const char* kReserved = N_("Reserved. Your place in the queue: {position}.");
constexpr const char* kReservationCancelled = N_("Your reservation is cancelled.");
constexpr const char* kPickupChanged = N_("The pick-up library is changed.");
constexpr const char* kNoReservation = N_("You have no reservation of this item.");
constexpr const char* kPaid = N_("Payment received. Receipt number {receipt}.");
constexpr const char* kNoItemProperties = N_("Item properties cannot be changed from a terminal.");
constexpr const char* kAskStaff = N_("Please ask staff at a library counter.");
constexpr const char* kTooManyBlocks =
    N_("This terminal has blocked too many cards. Please ask staff at a library counter.");
constexpr const char* kCardBlocked = N_("This card is now blocked. Please ask staff at a library counter.");
constexpr const char* kNotSupported = N_("A terminal cannot do this. Please ask staff at a library counter.");
constexpr const char* kRenewedCount = N_("Renewed: {renewed}. Not renewed: {unrenewed}.");
constexpr const char* kGoodbye = N_("Thank you for using the library.");
constexpr const char* kPaymentType = N_("This kind of payment is not accepted.");

std::string substitute(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    const auto placeholder = "{" + name + "}";
    for (std::size_t at = 0; (at = text.find(placeholder, at)) != std::string::npos; at += value.size())
      text.replace(at, placeholder.size(), value);
  }
  return text;
}

SipDate sip_date_of(Date date) {
  const std::chrono::year_month_day ymd{date};
  return {static_cast<int>(ymd.year()),
          static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day())),
          23,
          59,
          59,
          false};
}

std::string amount_text(domain::Money money) {
  const auto cents = money.cents < 0 ? -money.cents : money.cents;
  auto text = std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") + std::to_string(cents % 100);
  return money.cents < 0 ? "-" + text : text;
}

// For logs: what a client typed, without control characters, at most 64 bytes.
std::string loggable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 64)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
  return out;
}

char magnetic_media(domain::ItemType type) { return type == domain::ItemType::kAudioVisual ? 'Y' : 'N'; }

std::string media_type(domain::ItemType type) {
  switch (type) {
    case domain::ItemType::kBook:
      return "001";
    case domain::ItemType::kPeriodicalBackIssue:
      return "002";
    case domain::ItemType::kAudioVisual:
      return "006";
    default:
      return "000";
  }
}

std::string circulation_status(domain::ItemStatus status) {
  switch (status) {
    case domain::ItemStatus::kAvailable:
      return "03";
    case domain::ItemStatus::kOnLoan:
      return "04";
    case domain::ItemStatus::kInTransit:
      return "10";
    case domain::ItemStatus::kOnHoldShelf:
      return "08";
    case domain::ItemStatus::kMissing:
      return "13";
    case domain::ItemStatus::kLost:
      return "12";
    default:
      return "01";
  }
}

// The flags are read off the reader's standing, the decision checkout, renewal and reservation make
// (domain::reader_standing), so a terminal that honours them turns away exactly the readers the counter would.
PatronStatus status_of(const app::TerminalReaderView& v) {
  const auto& standing = v.counter.standing;
  PatronStatus s;
  s.charge_privileges_denied = standing.blocked() || standing.loans_at_quota;
  s.renewal_privileges_denied = standing.blocked();
  s.hold_privileges_denied = standing.blocked() || standing.reservations_at_quota;
  s.card_reported_lost = standing.has(ErrorCode::kCardReportedLost);
  s.too_many_items_charged = standing.loans_at_quota;
  s.too_many_items_overdue = standing.has(ErrorCode::kReaderHasOverdue);
  s.excessive_outstanding_fines = standing.has(ErrorCode::kFinesCeilingReached);
  return s;
}

// Items of a 64 list, limited by BP/BQ (1-based, inclusive).
std::vector<std::string> page_of(const std::vector<std::string>& all, std::optional<int> start,
                                 std::optional<int> end) {
  const int first = std::max(1, start.value_or(1));
  const int last = std::min(static_cast<int>(all.size()), end.value_or(first + 49));
  std::vector<std::string> out;
  for (int i = first; i <= last; ++i) out.push_back(all[static_cast<std::size_t>(i - 1)]);
  return out;
}

}  // namespace

Session::Session(const app::Context& context, app::NetworkCache& network, std::string peer_address,
                 SessionOptions options)
    : context_(context), network_(network), address_(std::move(peer_address)), options_(std::move(options)) {}

std::string Session::handle(const Frame& frame) {
  ParseOptions parse_options;
  parse_options.verify_checksum = options_.verify_checksums;
  auto request = parse_request(frame.message, parse_options);
  if (!request) {
    // Never log the message itself: it may carry a PIN or a terminal password.
    spdlog::warn("sip2 {}: unreadable message (code '{}'): {}", address_, request.error().code,
                 request.error().message);
    ReplyOptions options;
    options.terminator = frame.terminator;
    // A client that uses error detection gets a checksummed 96.
    const auto tail = frame.message.size() > 12 ? frame.message.substr(frame.message.size() - 12) : frame.message;
    options.checksum = tail.find("AZ") != std::string::npos;
    return ResponseBuilder(msg::kRequestScResend).finish(options);
  }
  const auto options = reply_options(*request, frame.terminator);
  auto message = decode(*request);
  if (!message) {
    spdlog::warn("sip2 {}: unreadable {} message: {}", address_, request->code, message.error().message);
    return ResponseBuilder(msg::kRequestScResend).finish(options);
  }
  if (std::holds_alternative<RequestAcsResend>(*message)) {
    if (last_reply_.empty()) return ResponseBuilder(msg::kRequestScResend).finish(options);
    return last_reply_;
  }
  std::string reply;
  try {
    reply = dispatch(*request, *message, options);
  } catch (const std::exception& error) {
    // A fault of ours (the database gone, say): ask the terminal to try again rather than drop it.
    spdlog::error("sip2 {}: {} failed: {}", address_, request->code, error.what());
    reply = ResponseBuilder(msg::kRequestScResend).finish(options);
  }
  last_reply_ = reply;
  return reply;
}

std::string Session::dispatch(const Request& request, const Message& message, const ReplyOptions& options) {
  if (const auto* login_request = std::get_if<LoginRequest>(&message)) return login(*login_request, options);
  if (!account_) {
    return ResponseBuilder(msg::kLoginResponse)
        .fixed('0')
        .field(fid::kScreenMessage, text(kLogInFirst))
        .finish(options);
  }
  return std::visit(
      [&](const auto& m) -> std::string {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, ScStatusRequest>) return status(m, options);
        if constexpr (std::is_same_v<T, PatronStatusRequest>) return patron_status(m, options);
        if constexpr (std::is_same_v<T, PatronInformationRequest>) return patron_information(m, options);
        if constexpr (std::is_same_v<T, CheckoutRequest>) return checkout(m, options);
        if constexpr (std::is_same_v<T, CheckinRequest>) return checkin(m, options);
        if constexpr (std::is_same_v<T, BlockPatronRequest>) return block_patron(m, options);
        if constexpr (std::is_same_v<T, EndPatronSessionRequest>) return end_session(m, options);
        if constexpr (std::is_same_v<T, FeePaidRequest>) return fee_paid(m, options);
        if constexpr (std::is_same_v<T, ItemInformationRequest>) return item_information(m, options);
        if constexpr (std::is_same_v<T, ItemStatusUpdateRequest>) return item_status_update(m, options);
        if constexpr (std::is_same_v<T, PatronEnableRequest>) return patron_enable(m, options);
        if constexpr (std::is_same_v<T, HoldRequest>) return hold(m, options);
        if constexpr (std::is_same_v<T, RenewRequest>) return renew(m, options);
        if constexpr (std::is_same_v<T, RenewAllRequest>) return renew_all(m, options);
        return ResponseBuilder(msg::kRequestScResend).finish(options);
      },
      message);
}

// ----- helpers -----

std::string Session::now_date() const { return format_sip_date(to_sip_date(context_.clock.now(), context_.zone)); }

std::string Session::text(std::string_view msgid, const std::map<std::string, std::string>& params) const {
  std::string translated = options_.translate ? options_.translate(language_, msgid) : std::string(msgid);
  return substitute(std::move(translated), params);
}

std::string Session::refusal_text(const domain::Failure& failure) const {
  std::vector<domain::FieldError> reasons = failure.fields;
  if (reasons.empty()) reasons.push_back({"", failure.code, {}});
  std::string out;
  for (const auto& reason : reasons) {
    std::string line;
    if (reason.code == ErrorCode::kNotFound && reason.field == "card")
      line = text(kUnknownCard);
    else if (reason.code == ErrorCode::kNotFound && reason.field == "barcode")
      line = text(kUnknownItem);
    else
      line = text(domain::error_info(reason.code).message, reason.params);
    if (out.find(line) == std::string::npos) out += (out.empty() ? "" : " ") + line;
  }
  return out;
}

std::string Session::renewal_refusal_text(const domain::Failure& failure, const std::string& item_id) {
  // app::renew answers not_found("barcode") both for a barcode nobody knows and for an item that is not on
  // loan to this reader: only the first is "We do not know this item." The second is said in the words the
  // web uses for it (the error catalogue's not_on_loan_to_reader).
  const bool barcode_not_found =
      failure.code == ErrorCode::kNotFound &&
      std::any_of(failure.fields.begin(), failure.fields.end(),
                  [](const domain::FieldError& f) { return f.field == "barcode" && f.code == ErrorCode::kNotFound; });
  if (barcode_not_found && app::item_at_terminal(context_, network_, item_id))
    return text(domain::error_info(ErrorCode::kNotOnLoanToReader).message);
  return refusal_text(failure);
}

void Session::set_language(std::string_view sip_language) {
  language_ = sip_language == kLanguageChinese ? domain::Language::kTraditionalChinese : domain::Language::kEnglish;
}

std::string Session::sip_language() const {
  return std::string(language_ == domain::Language::kTraditionalChinese ? kLanguageChinese : kLanguageEnglish);
}

std::string Session::library_code(long long id) {
  std::string code;
  context_.store.transact(app::Store::Mode::kRead, [&](app::Repositories& repos) {
    // Hold the snapshot: another thread may replace the cache's meanwhile.
    const auto snapshot = network_.get(repos);
    if (const auto* library = snapshot->find(id)) code = library->code;
  });
  return code;
}

std::string Session::library_name(long long id) {
  std::string name;
  context_.store.transact(app::Store::Mode::kRead, [&](app::Repositories& repos) {
    // Hold the snapshot: another thread may replace the cache's meanwhile.
    const auto snapshot = network_.get(repos);
    if (const auto* library = snapshot->find(id)) name = library->name.in(language_);
  });
  return name;
}

std::string Session::key(std::string_view operation, std::initializer_list<std::string_view> parts) const {
  std::string out = "sip:" + std::to_string(account_->id) + ":" + std::string(operation);
  for (auto part : parts) {
    out += ':';
    out += part;
  }
  return out;
}

Session::PinResult Session::check_pin(const std::string& card, const std::optional<std::string>& pin) {
  PinResult result;
  if (!pin || pin->empty()) {
    if (pin) result.valid = false;
    if (account_->pin_required) {
      result.message = text(kPinNeeded);
      return result;
    }
    result.proceed = true;
    return result;
  }
  const auto digest = context_.tokens.digest(*pin);
  if (!verified_card_.empty() && card == verified_card_ && digest == verified_pin_digest_) {
    result.proceed = true;
    result.valid = true;
    return result;
  }
  auto checked = app::check_reader_pin(context_, card, *pin, address_);
  if (checked) {
    verified_card_ = card;
    verified_pin_digest_ = digest;
    result.proceed = true;
    result.valid = true;
    return result;
  }
  result.valid = false;
  if (checked.error().code == ErrorCode::kNotFound) {
    result.unknown_patron = true;
    result.message = text(kUnknownCard);
  } else if (app::is_throttled(checked.error().code)) {
    result.message = refusal_text(checked.error());
  } else {
    result.message = text(kWrongPin);
  }
  spdlog::info("sip2 {}: terminal {} patron PIN refused ({})", address_, account_->username,
               domain::error_info(checked.error().code).name);
  return result;
}

// ----- 93 login, 99 status -----

std::string Session::login(const LoginRequest& request, const ReplyOptions& options) {
  auto result = app::authenticate_terminal(context_, request.login_user_id, request.login_password, address_);
  if (!result) {
    spdlog::warn("sip2 {}: terminal login refused for '{}' ({})", address_, loggable(request.login_user_id),
                 domain::error_info(result.error().code).name);
    account_.reset();
    return ResponseBuilder(msg::kLoginResponse).fixed('0').finish(options);
  }
  account_ = result.value();
  // The institution id of every reply: read once per login, not once per message.
  institution_ = library_code(account_->library_id);
  verified_card_.clear();
  verified_pin_digest_.clear();
  spdlog::info("sip2 {}: terminal '{}' logged in", address_, account_->username);
  return ResponseBuilder(msg::kLoginResponse).fixed('1').finish(options);
}

std::string Session::status(const ScStatusRequest&, const ReplyOptions& options) {
  static const std::vector<std::string_view> kSupported = {msg::kPatronStatus,
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
                                                           msg::kPatronEnable,
                                                           msg::kHold,
                                                           msg::kRenew,
                                                           msg::kRenewAll};
  return ResponseBuilder(msg::kAcsStatus)
      .fixed("YYYYNN")  // online, checkin ok, checkout ok, renewal policy, status update not ok, offline not ok
      .fixed(format_number(options_.timeout_tenths, 3))
      .fixed(format_number(options_.retries_allowed, 3))
      .fixed(now_date())
      .fixed("2.00")
      .field(fid::kInstitutionId, institution_)
      .field(fid::kLibraryName, library_name(account_->library_id))
      .field(fid::kSupportedMessages, format_supported_messages(kSupported))
      .field(fid::kTerminalLocation, account_->username)
      .finish(options);
}

// ----- 23 patron status, 63 patron information, 01 block, 25 enable, 35 end session -----

std::string Session::patron_status_reply(std::string_view code, const std::string& patron_id, const PinResult& pin,
                                         const std::vector<std::string>& extra_messages, const ReplyOptions& options) {
  std::optional<app::TerminalReaderView> view;
  if (!pin.unknown_patron) view = app::reader_at_terminal(context_, network_, patron_id);
  ResponseBuilder reply(code);
  PatronStatus flags;
  if (view) {
    flags = status_of(*view);
  } else {
    flags.charge_privileges_denied = flags.renewal_privileges_denied = flags.hold_privileges_denied = true;
  }
  const bool show = view && (pin.proceed || pin.valid.value_or(false));
  reply.fixed(format_patron_status(flags)).fixed(sip_language()).fixed(now_date());
  reply.field(fid::kInstitutionId, institution_)
      .field(fid::kPatronId, patron_id)
      .field(fid::kPersonalName, show ? view->counter.reader.name : "")
      .field(fid::kValidPatron, std::string(1, yes_no(view.has_value())));
  if (pin.valid) reply.field(fid::kValidPatronPassword, std::string(1, yes_no(*pin.valid)));
  if (show) {
    reply.field(fid::kCurrencyType, "HKD").field(fid::kFeeAmount, amount_text(view->counter.charges_outstanding));
  }
  std::vector<std::string> messages;
  if (!view)
    messages.push_back(text(kUnknownCard));
  else if (!pin.message.empty())
    messages.push_back(pin.message);
  for (const auto& m : extra_messages) messages.push_back(m);
  if (!messages.empty()) {
    std::string joined;
    for (const auto& m : messages) joined += (joined.empty() ? "" : " ") + m;
    reply.field(fid::kScreenMessage, joined);
  }
  return reply.finish(options);
}

std::string Session::patron_status(const PatronStatusRequest& request, const ReplyOptions& options) {
  set_language(request.language);
  // AD is a required field of 23: sent empty, it is an empty PIN (which never passes).
  auto pin = check_pin(request.patron_id, request.patron_password);
  return patron_status_reply(msg::kPatronStatusResponse, request.patron_id, pin, {}, options);
}

std::string Session::patron_information(const PatronInformationRequest& request, const ReplyOptions& options) {
  set_language(request.language);
  auto pin = check_pin(request.patron_id, request.patron_password);
  std::optional<app::TerminalReaderView> view;
  if (!pin.unknown_patron) view = app::reader_at_terminal(context_, network_, request.patron_id);
  const bool show = view && pin.proceed;
  std::vector<std::string> holds, unavailable, overdue, charged, fines;
  if (show) {
    for (const auto& r : view->counter.reservations)
      (r.status == domain::ReservationStatus::kReady ? holds : unavailable).push_back(r.title);
    for (const auto& loan : view->counter.loans) {
      charged.push_back(loan.barcode);
      if (loan.overdue) overdue.push_back(loan.barcode);
    }
    for (const auto& charge : view->unpaid)
      fines.push_back(amount_text(charge.outstanding) + " " + charge.kind +
                      (charge.title.empty() ? "" : " " + charge.title));
  }
  PatronStatus flags;
  if (view)
    flags = status_of(*view);
  else
    flags.charge_privileges_denied = flags.renewal_privileges_denied = flags.hold_privileges_denied = true;
  auto count = [&](const std::vector<std::string>& list) -> std::optional<int> {
    if (!show) return std::nullopt;
    return static_cast<int>(list.size());
  };
  ResponseBuilder reply(msg::kPatronInformationResponse);
  reply.fixed(format_patron_status(flags))
      .fixed(sip_language())
      .fixed(now_date())
      .fixed(format_count(count(holds)))
      .fixed(format_count(count(overdue)))
      .fixed(format_count(count(charged)))
      .fixed(format_count(count(fines)))
      .fixed(format_count(show ? std::optional<int>(0) : std::nullopt))
      .fixed(format_count(count(unavailable)));
  reply.field(fid::kInstitutionId, institution_)
      .field(fid::kPatronId, request.patron_id)
      .field(fid::kPersonalName, show ? view->counter.reader.name : "");
  if (show) {
    reply.field(fid::kHoldItemsLimit, format_number(view->limits.max_reservations, 4))
        .field(fid::kChargedItemsLimit, format_number(view->limits.max_loans, 4));
  }
  reply.field(fid::kValidPatron, std::string(1, yes_no(view.has_value())));
  if (pin.valid) reply.field(fid::kValidPatronPassword, std::string(1, yes_no(*pin.valid)));
  if (show) {
    reply.field(fid::kCurrencyType, "HKD")
        .field(fid::kFeeAmount, amount_text(view->counter.charges_outstanding))
        .field(fid::kFeeLimit, amount_text(view->limits.fines_ceiling));
    if (view->counter.reader.expires_on)
      reply.field(fid::kExpirationDate, format_sip_date(sip_date_of(*view->counter.reader.expires_on)));
    if (request.summary) {
      switch (*request.summary) {
        case SummaryItem::kHoldItems:
          reply.repeated_field(fid::kHoldItems, page_of(holds, request.start_item, request.end_item));
          break;
        case SummaryItem::kOverdueItems:
          reply.repeated_field(fid::kOverdueItems, page_of(overdue, request.start_item, request.end_item));
          break;
        case SummaryItem::kChargedItems:
          reply.repeated_field(fid::kChargedItems, page_of(charged, request.start_item, request.end_item));
          break;
        case SummaryItem::kFineItems:
          reply.repeated_field(fid::kFineItems, page_of(fines, request.start_item, request.end_item));
          break;
        case SummaryItem::kUnavailableHolds:
          reply.repeated_field(fid::kUnavailableHoldItems, page_of(unavailable, request.start_item, request.end_item));
          break;
        case SummaryItem::kRecallItems:
          break;
      }
    }
    // Address, e-mail, phone and birth date only to accounts allowed them (sip-account add
    // --send-personal-fields), read as My Account reads them.
    if (account_->send_personal_fields) {
      if (const auto personal = app::reader_settings(context_, view->counter.reader.id)) {
        if (!personal->address.empty()) reply.field(fid::kHomeAddress, personal->address);
        if (!personal->email.empty()) reply.field(fid::kEmail, personal->email);
        if (!personal->mobile.empty()) reply.field(fid::kHomePhone, personal->mobile);
        if (personal->date_of_birth) {
          const std::chrono::year_month_day born{*personal->date_of_birth};
          reply.field(fid::kBirthDate, format_number(static_cast<int>(born.year()), 4) +
                                           format_number(static_cast<unsigned>(born.month()), 2) +
                                           format_number(static_cast<unsigned>(born.day()), 2));
        }
      }
    }
  }
  if (!view)
    reply.field(fid::kScreenMessage, text(kUnknownCard));
  else if (!pin.message.empty())
    reply.field(fid::kScreenMessage, pin.message);
  return reply.finish(options);
}

std::string Session::block_patron(const BlockPatronRequest& request, const ReplyOptions& options) {
  std::vector<std::string> messages;
  PinResult pin;
  // 01 carries no PIN: the reply names the reader and what they owe only when this session has verified the
  // reader's PIN (or the account needs none), as 23 would.
  pin.proceed = !account_->pin_required || (!verified_card_.empty() && verified_card_ == request.patron_id);
  if (!app::allow_terminal_block(context_, *account_)) {
    spdlog::warn("sip2 {}: terminal '{}' blocked {} cards within {} minutes; block refused", address_,
                 account_->username, app::kTerminalBlocksPerWindow, app::kTerminalBlockWindow.count());
    pin.proceed = false;
    messages.push_back(text(kTooManyBlocks));
    return patron_status_reply(msg::kPatronStatusResponse, request.patron_id, pin, messages, options);
  }
  auto result = app::report_card_lost(context_, request.patron_id, std::nullopt);
  if (!result) {
    pin.unknown_patron = result.error().code == ErrorCode::kNotFound;
  } else {
    spdlog::info("sip2 {}: terminal '{}' blocked a card", address_, account_->username);
    messages.push_back(text(kCardBlocked));
  }
  return patron_status_reply(msg::kPatronStatusResponse, request.patron_id, pin, messages, options);
}

std::string Session::patron_enable(const PatronEnableRequest& request, const ReplyOptions& options) {
  // Terminals may not lift a block: the reply says how the patron stands and where to go.
  auto pin = check_pin(request.patron_id, request.patron_password);
  return patron_status_reply(msg::kPatronEnableResponse, request.patron_id, pin, {text(kAskStaff)}, options);
}

std::string Session::end_session(const EndPatronSessionRequest& request, const ReplyOptions& options) {
  verified_card_.clear();
  verified_pin_digest_.clear();
  return ResponseBuilder(msg::kEndSessionResponse)
      .fixed('Y')
      .fixed(now_date())
      .field(fid::kInstitutionId, institution_)
      .field(fid::kPatronId, request.patron_id)
      .field(fid::kScreenMessage, text(kGoodbye))
      .finish(options);
}

// ----- 11 checkout, 29 renew, 65 renew all -----

std::string Session::checkout(const CheckoutRequest& request, const ReplyOptions& options) {
  const auto& institution = institution_;
  auto refuse = [&](const std::string& message, const std::string& title = "") {
    return ResponseBuilder(msg::kCheckoutResponse)
        .fixed("0NUN")
        .fixed(now_date())
        .field(fid::kInstitutionId, institution)
        .field(fid::kPatronId, request.patron_id)
        .field(fid::kItemId, request.item_id)
        .field(fid::kTitleId, title)
        .field(fid::kDueDate, "")
        .field(fid::kScreenMessage, message)
        .finish(options);
  };
  if (request.cancel.value_or(false)) return refuse(text(kNotSupported));
  auto pin = check_pin(request.patron_id, request.patron_password);
  if (!pin.proceed) return refuse(pin.message);
  // The same checkout sent again after a lost reply carries the same transaction date: applied once.
  std::string idempotency;
  if (request.transaction_date)
    idempotency = key("check_out", {request.patron_id, request.item_id, format_sip_date(*request.transaction_date)});
  app::CheckOutInput input{request.patron_id, request.item_id, account_->library_id,
                           account_->channel, idempotency,     std::nullopt};
  auto result = app::check_out(context_, network_, input);
  bool renewal = false;
  std::optional<Date> due;
  std::string title;
  if (result) {
    due = result->due_on;
    title = result->title;
  } else if (result.error().code == ErrorCode::kAlreadyOnLoanToReader && request.sc_renewal_policy) {
    // Renewal through checkout: the terminal may renew an item the patron already has.
    std::string renew_key;
    if (request.transaction_date)
      renew_key = key("renew", {request.patron_id, request.item_id, format_sip_date(*request.transaction_date)});
    auto renewed = app::renew(context_, network_,
                              {request.patron_id, request.item_id, account_->channel, renew_key, std::nullopt});
    if (!renewed) return refuse(renewal_refusal_text(renewed.error(), request.item_id));
    renewal = true;
    due = renewed->due_on;
    title = renewed->title;
  } else {
    return refuse(refusal_text(result.error()));
  }
  auto item = app::item_at_terminal(context_, network_, request.item_id);
  const char magnetic = item ? magnetic_media(item->item.facts.type) : 'U';
  const auto due_text = format_iso_date(*due);
  return ResponseBuilder(msg::kCheckoutResponse)
      .fixed('1')
      .fixed(yes_no(renewal))
      .fixed(magnetic)
      .fixed('Y')
      .fixed(now_date())
      .field(fid::kInstitutionId, institution)
      .field(fid::kPatronId, request.patron_id)
      .field(fid::kItemId, request.item_id)
      .field(fid::kTitleId, title)
      .field(fid::kDueDate, format_sip_date(sip_date_of(*due)))
      .field(fid::kMediaType, item ? media_type(item->item.facts.type) : "000")
      .field(fid::kScreenMessage, text(renewal ? kRenewed : kCheckedOut, {{"date", due_text}}))
      .finish(options);
}

std::string Session::renew(const RenewRequest& request, const ReplyOptions& options) {
  const auto& institution = institution_;
  const auto item_id = request.item_id.value_or("");
  auto refuse = [&](const std::string& message) {
    return ResponseBuilder(msg::kRenewResponse)
        .fixed("0NUN")
        .fixed(now_date())
        .field(fid::kInstitutionId, institution)
        .field(fid::kPatronId, request.patron_id)
        .field(fid::kItemId, item_id)
        .field(fid::kTitleId, "")
        .field(fid::kDueDate, "")
        .field(fid::kScreenMessage, message)
        .finish(options);
  };
  auto pin = check_pin(request.patron_id, request.patron_password);
  if (!pin.proceed) return refuse(pin.message);
  // Renewing by title alone (AJ without AB) is not supported: a reader may hold several copies.
  if (item_id.empty()) return refuse(text(kUnknownItem));
  std::string idempotency;
  if (request.transaction_date)
    idempotency = key("renew", {request.patron_id, item_id, format_sip_date(*request.transaction_date)});
  auto result =
      app::renew(context_, network_, {request.patron_id, item_id, account_->channel, idempotency, std::nullopt});
  if (!result) return refuse(renewal_refusal_text(result.error(), item_id));
  auto item = app::item_at_terminal(context_, network_, item_id);
  return ResponseBuilder(msg::kRenewResponse)
      .fixed('1')
      .fixed('Y')
      .fixed(item ? magnetic_media(item->item.facts.type) : 'U')
      .fixed('Y')
      .fixed(now_date())
      .field(fid::kInstitutionId, institution)
      .field(fid::kPatronId, request.patron_id)
      .field(fid::kItemId, item_id)
      .field(fid::kTitleId, result->title)
      .field(fid::kDueDate, format_sip_date(sip_date_of(result->due_on)))
      .field(fid::kTransactionId, result->reference)
      .field(fid::kScreenMessage, text(kRenewed, {{"date", format_iso_date(result->due_on)}}))
      .finish(options);
}

std::string Session::renew_all(const RenewAllRequest& request, const ReplyOptions& options) {
  const auto& institution = institution_;
  auto pin = check_pin(request.patron_id, request.patron_password);
  auto reply = [&](bool ok, const std::vector<std::string>& renewed, const std::vector<std::string>& unrenewed,
                   const std::string& message) {
    return ResponseBuilder(msg::kRenewAllResponse)
        .fixed(ok ? '1' : '0')
        .fixed(format_number(static_cast<long long>(renewed.size()), 4))
        .fixed(format_number(static_cast<long long>(unrenewed.size()), 4))
        .fixed(now_date())
        .field(fid::kInstitutionId, institution)
        .repeated_field(fid::kRenewedItems, renewed)
        .repeated_field(fid::kUnrenewedItems, unrenewed)
        .field(fid::kScreenMessage, message)
        .finish(options);
  };
  if (!pin.proceed) return reply(false, {}, {}, pin.message);
  auto result = app::renew_all(context_, network_, request.patron_id, account_->channel);
  if (!result) return reply(false, {}, {}, refusal_text(result.error()));
  std::vector<std::string> renewed, unrenewed;
  for (const auto& item : result.value()) (item.outcome ? renewed : unrenewed).push_back(item.barcode);
  return reply(true, renewed, unrenewed,
               text(kRenewedCount,
                    {{"renewed", std::to_string(renewed.size())}, {"unrenewed", std::to_string(unrenewed.size())}}));
}

// ----- 09 checkin -----

std::string Session::checkin(const CheckinRequest& request, const ReplyOptions& options) {
  const auto& institution = institution_;
  if (request.cancel.value_or(false) || request.item_id.empty()) {
    return ResponseBuilder(msg::kCheckinResponse)
        .fixed("0NUY")
        .fixed(now_date())
        .field(fid::kInstitutionId, institution)
        .field(fid::kItemId, request.item_id)
        .field(fid::kPermanentLocation, "")
        .field(fid::kScreenMessage, text(request.item_id.empty() ? kUnknownItem : kNotSupported))
        .finish(options);
  }
  app::CheckInInput input;
  input.barcode = request.item_id;
  input.library_id = account_->library_id;
  input.channel = account_->channel;
  const auto now = context_.clock.now();
  // A book drop's return date dates the return (and its fine); one in the future is taken as now.
  if (request.return_date) {
    const auto returned = to_instant(*request.return_date, context_.zone);
    if (returned < now) input.returned_at = returned;
  }
  if (request.transaction_date)
    input.idempotency_key = key("check_in", {request.item_id, format_sip_date(*request.transaction_date)});
  auto result = app::check_in(context_, network_, input);
  if (!result) {
    return ResponseBuilder(msg::kCheckinResponse)
        .fixed("0NUY")
        .fixed(now_date())
        .field(fid::kInstitutionId, institution)
        .field(fid::kItemId, request.item_id)
        .field(fid::kPermanentLocation, "")
        .field(fid::kScreenMessage, refusal_text(result.error()))
        .finish(options);
  }
  auto item = app::item_at_terminal(context_, network_, request.item_id);
  const auto& routing = result->routing;
  std::string destination, alert_type, route_text;
  bool alert = false;
  if (routing.routing == domain::Routing::kHoldShelf) {
    destination = institution;
    alert_type = "01";
    alert = true;
    route_text = text(kToHoldShelf);
  } else if (routing.routing == domain::Routing::kTransit && routing.to_library_id) {
    destination = library_code(*routing.to_library_id);
    // 02: a reservation waits for it at another library; 04: it goes home.
    const bool for_hold =
        routing.reservation_id.has_value() ||
        (item && item->item.status == domain::ItemStatus::kInTransit && !item->pickup_library_code.empty());
    alert_type = for_hold ? "02" : "04";
    alert = true;
    route_text = text(kSendTo, {{"library", library_name(*routing.to_library_id)}});
  } else {
    route_text = text(kToShelf);
  }
  std::string message = result->was_on_loan ? text(kReturned) : text(kNotOnLoan);
  if (result->fine.cents > 0) message += " " + text(kFineCharged, {{"amount", domain::format_money(result->fine)}});
  message += " " + route_text;
  ResponseBuilder reply(msg::kCheckinResponse);
  reply.fixed('1')
      .fixed('Y')
      .fixed(item ? magnetic_media(item->item.facts.type) : 'U')
      .fixed(yes_no(alert))
      .fixed(now_date())
      .field(fid::kInstitutionId, institution)
      .field(fid::kItemId, request.item_id)
      .field(fid::kPermanentLocation, item ? item->home_library_code : "")
      .field(fid::kTitleId, result->title);
  if (item) reply.field(fid::kMediaType, media_type(item->item.facts.type));
  if (!destination.empty()) reply.field("CT", destination);
  if (!alert_type.empty()) reply.field("CV", alert_type);
  if (result->fine.cents > 0) reply.field(fid::kCurrencyType, "HKD").field(fid::kFeeAmount, amount_text(result->fine));
  reply.field(fid::kScreenMessage, message);
  return reply.finish(options);
}

// ----- 17 item information, 19 item status update -----

std::string Session::item_information(const ItemInformationRequest& request, const ReplyOptions& options) {
  auto item = app::item_at_terminal(context_, network_, request.item_id);
  ResponseBuilder reply(msg::kItemInformationResponse);
  if (!item) {
    return reply.fixed("01")
        .fixed("00")
        .fixed("01")
        .fixed(now_date())
        .field(fid::kItemId, request.item_id)
        .field(fid::kTitleId, "")
        .field(fid::kScreenMessage, text(kUnknownItem))
        .finish(options);
  }
  reply.fixed(circulation_status(item->item.status)).fixed("00").fixed("01").fixed(now_date());
  reply.field(fid::kItemId, item->item.barcode)
      .field(fid::kTitleId, item->item.title)
      .field(fid::kHoldQueueLength, std::to_string(item->hold_queue_length));
  if (item->due_on) reply.field(fid::kDueDate, format_sip_date(sip_date_of(*item->due_on)));
  if (item->collect_by) reply.field(fid::kHoldPickupDate, format_sip_date(sip_date_of(*item->collect_by)));
  reply.field(fid::kOwner, item->home_library_code)
      .field(fid::kMediaType, media_type(item->item.facts.type))
      .field(fid::kPermanentLocation, item->home_library_code)
      .field(fid::kCurrentLocation, item->current_library_code);
  if (!item->pickup_library_code.empty()) reply.field("CT", item->pickup_library_code);
  return reply.finish(options);
}

std::string Session::item_status_update(const ItemStatusUpdateRequest& request, const ReplyOptions& options) {
  auto item = app::item_at_terminal(context_, network_, request.item_id);
  return ResponseBuilder(msg::kItemStatusUpdateResponse)
      .fixed('0')
      .fixed(now_date())
      .field(fid::kItemId, request.item_id)
      .field(fid::kTitleId, item ? item->item.title : "")
      .field(fid::kScreenMessage, text(item ? kNoItemProperties : kUnknownItem))
      .finish(options);
}

// ----- 15 hold -----

std::string Session::hold(const HoldRequest& request, const ReplyOptions& options) {
  const auto& institution = institution_;
  const auto item_id = request.item_id.value_or("");
  auto reply = [&](bool ok, const std::string& message, const std::optional<app::ReservationResult>& placed,
                   const std::string& pickup, const std::string& title) {
    ResponseBuilder builder(msg::kHoldResponse);
    builder.fixed(ok ? '1' : '0').fixed('N').fixed(now_date());
    if (placed) {
      builder.field(fid::kExpirationDate, format_sip_date(sip_date_of(placed->expires_on)))
          .field(fid::kQueuePosition, std::to_string(placed->position));
    }
    if (!pickup.empty()) builder.field(fid::kPickupLocation, pickup);
    return builder.field(fid::kInstitutionId, institution)
        .field(fid::kPatronId, request.patron_id)
        .field(fid::kItemId, item_id)
        .field(fid::kTitleId, title)
        .field(fid::kScreenMessage, message)
        .finish(options);
  };
  auto pin = check_pin(request.patron_id, request.patron_password);
  if (!pin.proceed) return reply(false, pin.message, std::nullopt, "", "");
  if (item_id.empty()) return reply(false, text(kUnknownItem), std::nullopt, "", "");
  auto item = app::item_at_terminal(context_, network_, item_id);
  if (!item) return reply(false, text(kUnknownItem), std::nullopt, "", "");
  const auto pickup =
      request.pickup_location && !request.pickup_location->empty() ? *request.pickup_location : institution;
  if (request.mode == HoldMode::kAdd) {
    app::PlaceReservationInput input;
    input.card_number = request.patron_id;
    input.barcode = item_id;
    input.this_copy_only = request.hold_type.value_or("") == "3";
    input.pickup_library_code = pickup;
    if (request.expiration_date) {
      const std::chrono::year_month_day ymd{std::chrono::year(request.expiration_date->year) /
                                            request.expiration_date->month / request.expiration_date->day};
      if (ymd.ok()) input.expires_on = format_iso_date(std::chrono::sys_days(ymd));
    }
    auto placed = app::place_reservation(context_, network_, input);
    if (!placed) return reply(false, refusal_text(placed.error()), std::nullopt, pickup, item->item.title);
    return reply(true, text(kReserved, {{"position", std::to_string(placed->position)}}), placed.value(), pickup,
                 item->item.title);
  }
  auto reservation = app::reservation_for_item(context_, request.patron_id, item_id);
  if (!reservation) return reply(false, text(kNoReservation), std::nullopt, "", item->item.title);
  if (request.mode == HoldMode::kDelete) {
    auto cancelled = app::cancel_reservation(context_, network_, request.patron_id, *reservation);
    if (!cancelled) return reply(false, refusal_text(cancelled.error()), std::nullopt, "", item->item.title);
    return reply(true, text(kReservationCancelled), std::nullopt, "", item->item.title);
  }
  auto changed = app::change_pickup_library(context_, network_, request.patron_id, *reservation, pickup);
  if (!changed) return reply(false, refusal_text(changed.error()), std::nullopt, pickup, item->item.title);
  return reply(true, text(kPickupChanged), std::nullopt, pickup, item->item.title);
}

// ----- 37 fee paid -----

std::string Session::fee_paid(const FeePaidRequest& request, const ReplyOptions& options) {
  const auto& institution = institution_;
  auto reply = [&](bool ok, const std::string& message) {
    ResponseBuilder builder(msg::kFeePaidResponse);
    builder.fixed(yes_no(ok))
        .fixed(now_date())
        .field(fid::kInstitutionId, institution)
        .field(fid::kPatronId, request.patron_id);
    builder.optional_field(fid::kTransactionId, request.transaction_id);
    return builder.field(fid::kScreenMessage, message).finish(options);
  };
  auto pin = check_pin(request.patron_id, request.patron_password);
  if (!pin.proceed) return reply(false, pin.message);
  // 00 cash; 01 VISA and 02 credit card are bank cards; Octopus terminals report as cash.
  std::string method;
  if (request.payment_type == "00")
    method = "cash";
  else if (request.payment_type == "01" || request.payment_type == "02")
    method = "card";
  else
    return reply(false, text(kPaymentType));
  if (!request.currency_type.empty() && request.currency_type != "HKD") return reply(false, text(kPaymentType));
  app::PaymentInput input;
  input.card_number = request.patron_id;
  input.amount = request.fee_amount;
  input.method = method;
  input.staff_id = 0;  // a terminal, not a member of staff
  if (request.transaction_id && !request.transaction_id->empty())
    input.idempotency_key = key("pay", {request.patron_id, *request.transaction_id});
  auto paid = app::pay_charges(context_, input);
  if (!paid) return reply(false, refusal_text(paid.error()));
  return reply(true, text(kPaid, {{"receipt", paid->receipt}}));
}

}  // namespace shelfmark::sip2
