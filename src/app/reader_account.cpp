#include "app/reader_account.h"

#include <charconv>

#include "app/catalogue_search.h"
#include "app/messages.h"
#include "app/registration.h"
#include "app/sign_in_throttle.h"
#include "app/terminals.h"
#include "core/text.h"
#include "domain/fines.h"
#include "domain/registration.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::failure;
using domain::Outcome;

}  // namespace

Outcome<ReaderLogin> reader_log_in(const Context& context, const std::string& identifier, const std::string& password,
                                   const std::string& address) {
  auto checked = check_reader_credentials(context, identifier, password, address);
  if (!checked) {
    // An unknown card answers like a wrong password: the sign-in page must not tell which cards exist.
    if (checked.error().code == ErrorCode::kNotFound) return failure(ErrorCode::kInvalidCredentials);
    return checked.error();
  }
  const auto now = context.clock.now();
  ReaderLogin login{context.tokens.random_token(), context.tokens.random_token(), checked.value()};
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    repos.reader_sessions.insert(
        {context.tokens.digest(login.session_token), login.reader.id, login.csrf_token, now, now});
  });
  return login;
}

std::optional<ActiveReader> resume_reader_session(const Context& context, const ReaderSessionPolicy& policy,
                                                  const std::string& session_token) {
  if (session_token.size() < 20) return std::nullopt;
  const auto digest = context.tokens.digest(session_token);
  const auto now = context.clock.now();
  std::optional<ReaderSession> session;
  std::optional<ReaderRecord> reader;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    session = repos.reader_sessions.by_digest(digest);
    if (session) reader = repos.circulation.reader_by_id(session->reader_id);
  });
  if (!session || !reader) return std::nullopt;
  const bool expired =
      now - session->last_seen_at > policy.idle_timeout || now - session->created_at > policy.absolute_lifetime;
  if (expired) {
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) { repos.reader_sessions.remove(digest); });
    return std::nullopt;
  }
  if (now - session->last_seen_at > policy.touch_interval)
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
      repos.reader_sessions.touch(digest, now);
      repos.reader_sessions.remove_idle(now - policy.idle_timeout);
    });
  return ActiveReader{*reader, session->csrf_token};
}

void reader_log_out(const Context& context, const std::string& session_token) {
  if (session_token.empty()) return;
  const auto digest = context.tokens.digest(session_token);
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) { repos.reader_sessions.remove(digest); });
}

std::optional<AccountView> account_view(const Context& context, NetworkCache& network, long long reader_id) {
  const auto now = context.clock.now();
  const auto today = context.zone.to_local(now).date;
  std::optional<AccountView> view;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    view.reset();
    auto reader = repos.circulation.reader_by_id(reader_id);
    if (!reader) return;
    const auto snapshot = network.get(repos);
    const auto& policies = snapshot->policies;
    const auto standing = reader_snapshot(repos, *reader, today);
    const auto suspensions = repos.circulation.fine_suspensions();
    view = AccountView{*reader,
                       {},
                       reservation_views(repos, reader->id),
                       standing.charges_outstanding,
                       domain::reader_standing(standing, policies.limits, today)};
    for (const auto& loan : repos.circulation.open_loans_of_reader(reader->id)) {
      auto item = repos.circulation.item_by_id(loan.item_id);
      if (!item) continue;
      AccountLoan line;
      line.barcode = loan.barcode;
      line.title = loan.title;
      line.due_on = loan.due_on;
      line.times_renewed = loan.times_renewed;
      line.overdue = loan.due_on < today;
      line.ebook = item->facts.type == domain::ItemType::kEBook;
      const auto policy = domain::resolve_policy(policies, reader->category, item->facts, loan.library_id);
      if (line.overdue) {
        const auto* lent_at = snapshot->find(loan.library_id);
        const domain::LoanForFine facts{context.zone.to_local(loan.checked_out_at).date, loan.due_on, loan.library_id,
                                        lent_at ? lent_at->kind : domain::LibraryKind::kDistrict, policy.fine_per_day};
        line.fine_so_far = domain::overdue_fine(facts, today, suspensions).amount;
      }
      // What renew() would decide now, without renewing.
      line.renewal = domain::renew_decision(standing, {loan.times_renewed, loan.due_on}, policy, policies.limits,
                                            repos.circulation.reserved_by_another(item->title_key, reader->id), today)
                         .refusals;
      view->loans.push_back(std::move(line));
    }
  });
  return view;
}

std::optional<ReaderData> reader_data(const Context& context, long long reader_id) {
  std::optional<ReaderData> data;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    data.reset();
    auto reader = repos.circulation.reader_by_id(reader_id);
    if (!reader) return;
    data = ReaderData{*reader, repos.circulation.loans_of_reader(reader_id),
                      repos.circulation.reservations_of_reader(reader_id),
                      repos.circulation.charges_of_reader(reader_id), repos.sip.reader_pin_hash(reader_id).has_value()};
  });
  return data;
}

Outcome<domain::Done> change_reader_pin(const Context& context, const std::string& card_number,
                                        const std::string& password, const std::string& new_pin,
                                        const std::string& repeated, const std::string& address) {
  auto checked = check_reader_credentials(context, card_number, password, address);
  if (!checked) {
    if (is_throttled(checked.error().code)) return checked.error();
    return domain::invalid({{"pin_password", ErrorCode::kInvalidCredentials, {}}});
  }
  if (new_pin != repeated) return domain::invalid({{"repeated_pin", ErrorCode::kPinsDiffer, {}}});
  auto changed = set_reader_pin(context, card_number, new_pin);
  if (!changed) return domain::invalid({{"new_pin", ErrorCode::kPinInvalid, {}}});
  const auto now = context.clock.now();
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    repos.audit.record({now, std::nullopt, "reader.pin_changed", "reader:" + std::to_string(checked->id), "web"});
  });
  return domain::Done{};
}

Outcome<CheckOutResult> borrow_ebook_of_record(const Context& context, NetworkCache& network,
                                               const std::string& card_number, long long record_id) {
  auto view = record_view(context, network, record_id);
  if (!view) return failure(ErrorCode::kNotFound);
  std::optional<Outcome<CheckOutResult>> borrowed;
  for (const auto status : {domain::ItemStatus::kAvailable, domain::ItemStatus::kOnHoldShelf}) {
    for (const auto& holding : view->holdings) {
      if (holding.type != domain::ItemType::kEBook || holding.status != status) continue;
      // A copy on the hold shelf may be set aside for another reader: check_out decides, and we try the next.
      borrowed = check_out(context, network, {card_number, holding.barcode, 0, Channel::kWeb, "", std::nullopt});
      if (*borrowed || status == domain::ItemStatus::kAvailable) return std::move(*borrowed);
    }
  }
  if (borrowed) return std::move(*borrowed);
  return domain::Failure{ErrorCode::kItemNotAvailable, {{"", ErrorCode::kItemNotAvailable, {}}}};
}

Outcome<ReservationResult> reserve_record(const Context& context, NetworkCache& network, const std::string& card_number,
                                          long long record_id, const std::string& pickup_library_code) {
  auto view = record_view(context, network, record_id);
  if (!view || view->holdings.empty()) return failure(ErrorCode::kNotFound);
  // Every copy carries the record's title key; a reservable one lets the rules answer for the title, and
  // otherwise any copy lets them say why not.
  std::string barcode = view->holdings.front().barcode;
  for (const auto& holding : view->holdings)
    if (holding.reservable) {
      barcode = holding.barcode;
      break;
    }
  return place_reservation(context, network, {card_number, barcode, false, pickup_library_code, ""});
}

std::string create_calendar_feed(const Context& context, long long reader_id) {
  const auto token = context.tokens.random_token();
  const auto now = context.clock.now();
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    repos.calendar_feeds.set(reader_id, context.tokens.digest(token), now);
  });
  return token;
}

void revoke_calendar_feed(const Context& context, long long reader_id) {
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) { repos.calendar_feeds.remove(reader_id); });
}

bool has_calendar_feed(const Context& context, long long reader_id) {
  bool exists = false;
  context.store.transact(Store::Mode::kRead,
                         [&](Repositories& repos) { exists = repos.calendar_feeds.exists(reader_id); });
  return exists;
}

std::optional<std::vector<CalendarEntry>> calendar_entries(const Context& context, const std::string& token) {
  if (token.size() < 20 || token.size() > 100) return std::nullopt;
  const auto digest = context.tokens.digest(token);
  std::optional<std::vector<CalendarEntry>> entries;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    entries.reset();
    const auto reader_id = repos.calendar_feeds.reader_by_token(digest);
    if (!reader_id) return;
    entries.emplace();
    for (const auto& loan : repos.circulation.open_loans_of_reader(*reader_id))
      entries->push_back({loan.barcode, loan.title, loan.due_on});
  });
  return entries;
}

}  // namespace shelfmark::app

namespace shelfmark::app {
namespace {

// About the account's safety: sent whatever channel the reader chose for other notices.
void tell_reader(Repositories& repos, Instant now, long long reader_id, const std::string& kind,
                 const std::map<std::string, std::string>& params) {
  const auto settings = repos.registrations.reader_settings(reader_id);
  if (!settings) return;
  enqueue_message(repos, now, Recipient{settings->email, settings->mobile}, kind, settings->language, params);
}

}  // namespace

Outcome<domain::Done> change_reader_password(const Context& context, long long reader_id,
                                             const std::string& session_token, const std::string& current,
                                             const std::string& password, const std::string& repeated,
                                             const std::string& address) {
  std::optional<ReaderRecord> reader;
  context.store.transact(Store::Mode::kRead,
                         [&](Repositories& repos) { reader = repos.circulation.reader_by_id(reader_id); });
  if (!reader) return failure(ErrorCode::kNotFound);
  auto checked = check_reader_credentials(context, reader->card_number, current, address);
  if (!checked) {
    if (is_throttled(checked.error().code)) return checked.error();
    return domain::invalid({{"current_password", ErrorCode::kInvalidCredentials, {}}});
  }
  if (password != repeated) return domain::invalid({{"new_password", ErrorCode::kPasswordsDiffer, {}}});
  if (auto problem = domain::check_reader_password(password, reader->card_number)) {
    problem->field = "new_password";
    return domain::invalid({*problem});
  }
  const auto hash = context.hasher.hash(password);
  const auto now = context.clock.now();
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    repos.registrations.set_reader_password(reader_id, hash);
    repos.registrations.withdraw_password_resets(reader_id);  // a link sent before no longer works
    repos.reader_sessions.remove_all_of_reader(reader_id, context.tokens.digest(session_token));
    tell_reader(repos, now, reader_id, "password_changed", {{"name", reader->name}});
    repos.audit.record({now, std::nullopt, "reader.password_changed", "reader:" + std::to_string(reader_id), "web"});
  });
  return domain::Done{};
}

Outcome<domain::Done> request_password_reset(const Context& context, const PasswordResetPolicy& policy,
                                             const std::string& identifier, const std::string& address,
                                             domain::Language language) {
  const auto now = context.clock.now();
  const auto key = "reset-addr:" + context.tokens.digest(address);
  const auto id = std::string(trim(identifier));
  bool limited = false;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    if (static_cast<int>(repos.auth_failures.since(key, now - std::chrono::hours(1)).size()) >=
        policy.requests_per_address_per_hour) {
      limited = true;
      return;
    }
    repos.auth_failures.record(key, now);
    std::optional<long long> reader_id;
    if (auto hkid = domain::parse_hkid(id)) {
      if (auto found = repos.registrations.reader_by_hkid(hkid_digest(context, hkid.value())))
        reader_id = found->reader_id;
    } else if (auto found = repos.circulation.reader_by_card(id)) {
      reader_id = found->id;
    }
    if (!reader_id) return;
    const auto settings = repos.registrations.reader_settings(*reader_id);
    if (!settings || settings->email.empty()) return;  // a reset needs an address only the reader reads
    // No token yet: issue_password_reset_link makes it when the email goes out.
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(policy.link_lifetime).count();
    enqueue_message(repos, now, Recipient{settings->email, ""}, "password_reset", language,
                    {{"reader", std::to_string(*reader_id)}, {"minutes", std::to_string(minutes)}});
    repos.audit.record({now, std::nullopt, "reader.password_reset_sent", "reader:" + std::to_string(*reader_id), ""});
  });
  if (limited) return failure(ErrorCode::kTooManyAttempts);
  return domain::Done{};
}

std::optional<std::string> issue_password_reset_link(const Context& context, const OutboundMessage& message) {
  auto values = decode_fields(message.params);
  long long reader_id = 0;
  long long minutes = 0;
  const auto number = [](const std::string& text, long long& out) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size() && out > 0;
  };
  if (!number(values["reader"], reader_id) || !number(values["minutes"], minutes)) return std::nullopt;
  const auto now = context.clock.now();
  const auto lifetime = std::chrono::minutes(minutes);
  if (now - message.created_at >= lifetime) return std::nullopt;  // asked too long ago to send a link now
  const auto token = context.tokens.random_token();
  bool issued = false;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    issued = false;
    const auto settings = repos.registrations.reader_settings(reader_id);
    if (!settings || settings->email.empty() || settings->email != message.recipient) return;
    repos.registrations.withdraw_password_resets(reader_id);  // only the newest link works
    repos.registrations.insert_password_reset(context.tokens.digest(token), reader_id, now, now + lifetime);
    issued = true;
  });
  if (!issued) return std::nullopt;
  return token;
}

bool password_reset_usable(const Context& context, const std::string& token) {
  if (token.size() < 20) return false;
  std::optional<PasswordReset> reset;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    reset = repos.registrations.password_reset(context.tokens.digest(token));
  });
  return reset && !reset->used_at && reset->expires_at > context.clock.now();
}

Outcome<domain::Done> reset_password(const Context& context, const std::string& token, const std::string& password,
                                     const std::string& repeated) {
  if (!password_reset_usable(context, token)) return failure(ErrorCode::kNotFound);
  if (password != repeated) return domain::invalid({{"new_password", ErrorCode::kPasswordsDiffer, {}}});
  if (auto problem = domain::check_reader_password(password, "")) {
    problem->field = "new_password";
    return domain::invalid({*problem});
  }
  const auto hash = context.hasher.hash(password);
  const auto now = context.clock.now();
  const auto digest = context.tokens.digest(token);
  bool done = false;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto reset = repos.registrations.password_reset(digest);
    if (!reset || reset->expires_at <= now || !repos.registrations.use_password_reset(digest, now)) return;
    repos.registrations.set_reader_password(reset->reader_id, hash);
    repos.registrations.withdraw_password_resets(reset->reader_id);  // and any other link sent before
    repos.reader_sessions.remove_all_of_reader(reset->reader_id, "");
    if (auto reader = repos.circulation.reader_by_id(reset->reader_id)) {
      // Failed sign-ins before the reset no longer lock the account out.
      repos.auth_failures.clear(throttle_keys(context, "reader-web", reader->card_number, "").account);
      tell_reader(repos, now, reset->reader_id, "password_changed", {{"name", reader->name}});
    }
    repos.audit.record({now, std::nullopt, "reader.password_reset", "reader:" + std::to_string(reset->reader_id), ""});
    done = true;
  });
  if (!done) return failure(ErrorCode::kNotFound);
  return domain::Done{};
}

}  // namespace shelfmark::app

namespace shelfmark::app {

std::optional<ReaderSettings> reader_settings(const Context& context, long long reader_id) {
  std::optional<ReaderSettings> settings;
  context.store.transact(Store::Mode::kRead,
                         [&](Repositories& repos) { settings = repos.registrations.reader_settings(reader_id); });
  return settings;
}

Outcome<domain::Done> save_reader_preferences(const Context& context, long long reader_id,
                                              const ReaderPreferences& preferences) {
  std::vector<domain::FieldError> errors;
  const auto language = domain::parse_language_code(preferences.language);
  if (!language) errors.push_back({"language", ErrorCode::kInvalidChoice, {}});
  const auto& channel = preferences.channel;
  if (channel != "email" && channel != "sms" && channel != "none")
    errors.push_back({"channel", ErrorCode::kInvalidChoice, {}});
  if (!errors.empty()) return domain::invalid(std::move(errors));
  std::optional<Outcome<domain::Done>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto settings = repos.registrations.reader_settings(reader_id);
    if (!settings) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    // A channel needs somewhere to send to.
    if ((channel == "email" && settings->email.empty()) || (channel == "sms" && settings->mobile.empty())) {
      result = domain::invalid({{"channel", ErrorCode::kContactRequired, {}}});
      return;
    }
    settings->language = *language;
    settings->channel = channel;
    settings->notify_reservations = preferences.notify_reservations;
    settings->notify_due = preferences.notify_due;
    settings->notify_overdue = preferences.notify_overdue;
    settings->keep_history = preferences.keep_history;
    repos.registrations.save_reader_settings(reader_id, *settings);
    result = domain::Done{};
  });
  return std::move(*result);
}

Outcome<domain::Done> change_reader_contact(const Context& context, long long reader_id, const ContactChange& change,
                                            const std::string& address) {
  std::optional<ReaderRecord> reader;
  context.store.transact(Store::Mode::kRead,
                         [&](Repositories& repos) { reader = repos.circulation.reader_by_id(reader_id); });
  if (!reader) return failure(ErrorCode::kNotFound);
  std::vector<domain::FieldError> errors;
  std::string email, mobile;
  if (!trim(change.email).empty()) {
    if (auto normal = domain::normalise_email(change.email))
      email = *normal;
    else
      errors.push_back({"email", ErrorCode::kEmailInvalid, {}});
  }
  if (!trim(change.mobile).empty()) {
    if (auto normal = domain::normalise_hk_mobile(change.mobile))
      mobile = *normal;
    else
      errors.push_back({"mobile", ErrorCode::kMobileInvalid, {}});
  }
  domain::check_text(errors, "address", change.address, 300, false);
  if (!errors.empty()) return domain::invalid(std::move(errors));
  auto checked = check_reader_credentials(context, reader->card_number, change.current_secret, address);
  if (!checked) {
    if (is_throttled(checked.error().code)) return checked.error();
    return domain::invalid({{"contact_secret", ErrorCode::kInvalidCredentials, {}}});
  }
  const auto now = context.clock.now();
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto settings = repos.registrations.reader_settings(reader_id);
    if (!settings) return;
    const auto old_email = settings->email;
    const auto old_mobile = settings->mobile;
    settings->email = email;
    settings->mobile = mobile;
    settings->address = clean_multiline_text(trim(change.address));
    // Nowhere left to send to: no channel rather than one that fails.
    if ((settings->channel == "email" && email.empty()) || (settings->channel == "sms" && mobile.empty()))
      settings->channel = !email.empty() ? "email" : !mobile.empty() ? "sms" : "none";
    repos.registrations.save_reader_settings(reader_id, *settings);
    // A reset link waiting at the old address must not outlive the change.
    if (email != old_email) repos.registrations.withdraw_password_resets(reader_id);
    // Told at the old address (which may no longer be theirs to read if someone else did this) and the new.
    if (!old_email.empty() || !old_mobile.empty())
      enqueue_message(repos, now, Recipient{old_email, old_mobile}, "contact_changed", settings->language,
                      {{"name", reader->name}});
    if (!email.empty() && email != old_email)
      enqueue_message(repos, now, Recipient{email, ""}, "contact_changed", settings->language,
                      {{"name", reader->name}});
    repos.audit.record({now, std::nullopt, "reader.contact_changed", "reader:" + std::to_string(reader_id), "web"});
  });
  return domain::Done{};
}

ForgottenRequestRecords forget_request_records(const Context& context) {
  const auto now = context.clock.now();
  ForgottenRequestRecords forgotten;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    forgotten.retry_keys = repos.circulation.forget_idempotent_results_before(now - kRetryKeyDays);
    forgotten.sign_in_failures = repos.auth_failures.forget_before(now - kSignInFailureDays);
  });
  return forgotten;
}

int anonymise_returned_loans(const Context& context) {
  int anonymised = 0;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    anonymised = repos.registrations.anonymise_returned_loans(context.clock.now() - std::chrono::hours(1));
  });
  return anonymised;
}

}  // namespace shelfmark::app
