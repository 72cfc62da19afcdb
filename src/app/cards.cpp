#include "app/cards.h"

#include <chrono>

#include "app/circulation_internal.h"
#include "app/registration.h"
#include "core/text.h"
#include "domain/registration.h"

namespace shelfmark::app {

using domain::ErrorCode;
using domain::failure;
using domain::FieldError;
using domain::invalid;
using domain::Outcome;
using namespace internal;

namespace {
// Replacement and temporary cards are issued by those who may complete registrations at a counter.
bool may_issue_cards(const Actor& actor) {
  return domain::role_allows(actor.role, domain::Permission::kCompleteRegistrations);
}
}  // namespace

Outcome<domain::Done> report_card_lost(const Context& context, const std::string& card_number,
                                       std::optional<long long> staff_id) {
  const auto now = context.clock.now();
  bool found = false;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto reader = repos.circulation.reader_by_card(card_number);
    found = reader.has_value();
    if (!reader || reader->status == domain::ReaderStatus::kCardReportedLost) return;
    repos.circulation.mark_card_lost(reader->id);
    repos.audit.record({now, staff_id, "reader.card_lost", "reader:" + std::to_string(reader->id), ""});
  });
  if (!found) return not_found("card");
  return domain::Done{};
}

Outcome<Replaced> replace_lost_card(const Context& context, const Actor& actor, const std::string& lost_card_number,
                                    const ReplacementInput& input) {
  if (!may_issue_cards(actor)) return failure(ErrorCode::kPermissionDenied);
  const auto now = context.clock.now();
  const auto today = context.zone.to_local(now).date;
  std::vector<FieldError> errors;
  const auto card = std::string(trim(input.card_number));
  std::optional<domain::Hkid> smart_id;
  std::optional<Date> issued;
  if (input.smart_id) {
    smart_id = check_smart_id_card(errors, input.smart_id_number, input.smart_id_issue_date, today, issued);
  } else if (!domain::valid_card_number(card)) {
    errors.push_back({"card_number", ErrorCode::kCardNumberInvalid, {}});
  }
  if (!errors.empty()) return invalid(std::move(errors));
  std::optional<Outcome<Replaced>> result;
  try {
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
      const auto reader = repos.circulation.reader_by_card(std::string(trim(lost_card_number)));
      if (!reader) {
        result = failure(ErrorCode::kNotFound);
        return;
      }
      if (reader->status != domain::ReaderStatus::kCardReportedLost) {
        result = failure(ErrorCode::kCardNotReportedLost);
        return;
      }
      Replaced replaced{reader->card_number, {}};
      if (smart_id) {
        const auto holder = repos.registrations.reader_by_hkid(hkid_digest(context, *smart_id));
        if (!holder || holder->reader_id != reader->id) {
          result = invalid({{"smart_id_number", ErrorCode::kHkidDoesNotMatch, {}}});
          return;
        }
      } else {
        if (repos.circulation.reader_by_card(card)) {
          result = invalid({{"card_number", ErrorCode::kCardNumberTaken, {}}});
          return;
        }
        replaced = {card, domain::replacement_card_fee(reader->category)};
        repos.circulation.add_charge(
            {reader->id, std::nullopt, "replacement_card", replaced.fee,
             "{\"old_card\":\"" + reader->card_number.substr(reader->card_number.size() - 4) + "\"}", now});
      }
      repos.registrations.complete_reader(reader->id, replaced.card_number, reader->category, issued);
      // The account goes back to what it was before the loss: a suspended reader stays suspended.
      replaced.status = repos.circulation.restore_status_after_card_lost(reader->id);
      repos.audit.record({now, actor.staff_id, "reader.card_replaced", "reader:" + std::to_string(reader->id),
                          input.smart_id ? "smart_id" : "fee=" + domain::format_money(replaced.fee)});
      result = replaced;
    });
  } catch (const StoreError& error) {
    if (!error.is_unique_violation()) throw;
    return invalid({{"card_number", ErrorCode::kCardNumberTaken, {}}});
  }
  return std::move(*result);
}

Outcome<ReaderRecord> issue_temporary_card(const Context& context, const Actor& actor,
                                           const TemporaryCardInput& input) {
  if (!may_issue_cards(actor)) return failure(ErrorCode::kPermissionDenied);
  const auto now = context.clock.now();
  const auto today = context.zone.to_local(now).date;
  std::vector<FieldError> errors;
  domain::check_text(errors, "name", input.name, 100, true);
  const auto card = std::string(trim(input.card_number));
  if (!domain::valid_card_number(card)) errors.push_back({"card_number", ErrorCode::kCardNumberInvalid, {}});
  const auto expires = parse_iso_date(trim(input.expires_on));
  if (!expires || *expires <= today || *expires > today + std::chrono::days(366))
    errors.push_back({"expires_on", ErrorCode::kInvalidDate, {}});
  std::string email, mobile;
  if (!trim(input.email).empty()) {
    if (auto e = domain::normalise_email(input.email))
      email = *e;
    else
      errors.push_back({"email", ErrorCode::kEmailInvalid, {}});
  }
  if (!trim(input.mobile).empty()) {
    if (auto m = domain::normalise_hk_mobile(input.mobile))
      mobile = *m;
    else
      errors.push_back({"mobile", ErrorCode::kMobileInvalid, {}});
  }
  domain::check_text(errors, "address", input.address, 300, false);
  const auto language = domain::parse_language_code(input.language);
  if (!language) errors.push_back({"language", ErrorCode::kInvalidChoice, {}});
  if (!errors.empty()) return invalid(std::move(errors));

  std::optional<Outcome<ReaderRecord>> result;
  try {
    context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
      if (repos.circulation.reader_by_card(card)) {
        result = invalid({{"card_number", ErrorCode::kCardNumberTaken, {}}});
        return;
      }
      NewReader reader;
      reader.card_number = card;
      reader.name = clean_single_line_text(input.name);
      reader.category = domain::ReaderCategory::kTemporary;
      reader.status = domain::ReaderStatus::kActive;
      reader.expires_on = expires;
      reader.email = email;
      reader.mobile = mobile;
      reader.address = clean_multiline_text(trim(input.address));
      reader.language = *language;
      const auto id = repos.registrations.insert_reader(reader, now);
      repos.audit.record({now, actor.staff_id, "reader.temporary_card", "reader:" + std::to_string(id), ""});
      result = *repos.circulation.reader_by_id(id);
    });
  } catch (const StoreError& error) {
    if (!error.is_unique_violation()) throw;
    return invalid({{"card_number", ErrorCode::kCardNumberTaken, {}}});
  }
  return std::move(*result);
}

}  // namespace shelfmark::app
