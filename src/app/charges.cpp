#include "app/charges.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "app/circulation_internal.h"
#include "app/idempotency.h"

namespace shelfmark::app {

using domain::ErrorCode;
using domain::Failure;
using domain::Outcome;
using namespace internal;

namespace {

// Reads one number out of a stored explanation ({"days_charged":3,...}).
long long json_number(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\":");
  if (at == std::string::npos) return 0;
  return std::atoll(json.c_str() + at + key.size() + 3);
}

std::string receipt_number(char prefix, long long id) {
  auto digits = std::to_string(id);
  if (digits.size() < 8) digits.insert(0, 8 - digits.size(), '0');
  return std::string(1, prefix) + digits;
}

domain::Money owed(const std::vector<ChargeView>& charges) {
  domain::Money total;
  for (const auto& charge : charges) total.cents += charge.outstanding.cents;
  return total;
}

}  // namespace

Outcome<std::vector<ChargeLine>> reader_charges(const Context& context, const std::string& card_number) {
  std::optional<std::vector<ChargeView>> charges;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    if (auto reader = repos.circulation.reader_by_card(card_number))
      charges = repos.circulation.charges_of_reader(reader->id);
  });
  if (!charges) return not_found("card");
  std::vector<ChargeLine> lines;
  for (const auto& charge : *charges) {
    ChargeLine line{charge.id, charge.kind, charge.title, charge.amount, charge.outstanding, charge.created_at};
    if (charge.kind == "overdue") {
      line.days_overdue = static_cast<int>(json_number(charge.explanation, "days_overdue"));
      line.days_suspended = static_cast<int>(json_number(charge.explanation, "days_suspended"));
      line.days_charged = static_cast<int>(json_number(charge.explanation, "days_charged"));
      line.rate = {json_number(charge.explanation, "rate_cents")};
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

Outcome<PaymentResult> pay_charges(const Context& context, const PaymentInput& input) {
  const auto now = context.clock.now();
  const auto amount = domain::parse_money(input.amount);
  const std::string method = input.method.empty() ? "cash" : input.method;
  if (method != "cash" && method != "octopus" && method != "card")
    return domain::invalid({{"method", ErrorCode::kInvalidChoice, {}}});
  const Idempotent<PaymentResult> request(
      "pay", input.idempotency_key,
      [](const PaymentResult& r) -> std::vector<std::pair<std::string, std::string>> {
        return {{"receipt", r.receipt},
                {"amount", std::to_string(r.amount.cents)},
                {"still_owed", std::to_string(r.still_owed.cents)}};
      },
      [](StoredFields& f) {
        return PaymentResult{f["receipt"], {std::stoll(f["amount"])}, {std::stoll(f["still_owed"])}};
      });
  return write_idempotent(
      context, request,
      [&](Repositories& repos) -> Outcome<PaymentResult> {
        auto reader = repos.circulation.reader_by_card(input.card_number);
        if (!reader) return not_found("card");
        const auto charges = repos.circulation.charges_of_reader(reader->id);
        const auto total = owed(charges);
        if (!amount || amount->cents <= 0 || *amount > total)
          return domain::invalid({{"amount", ErrorCode::kAmountInvalid, {{"max", domain::format_money(total)}}}});
        std::vector<std::pair<long long, domain::Money>> outstanding;
        for (const auto& charge : charges)
          if (charge.outstanding.cents > 0) outstanding.push_back({charge.id, charge.outstanding});
        const auto id =
            repos.circulation.insert_payment(reader->id, "payment", *amount, method, "", input.staff_id, now);
        for (const auto& [charge, part] : domain::allocate_payment(outstanding, *amount))
          repos.circulation.allocate(id, charge, part);
        PaymentResult result{receipt_number('P', id), *amount, {total.cents - amount->cents}};
        repos.audit.record(
            {now, input.staff_id, "charges.payment", "reader:" + std::to_string(reader->id),
             "receipt=" + result.receipt + "; amount=" + domain::format_money(*amount) + "; method=" + method});
        return result;
      },
      unexpected_race<PaymentResult>);
}

Outcome<PaymentResult> waive_charge(const Context& context, const std::string& card_number, long long charge_id,
                                    const std::string& reason, long long staff_id) {
  const auto now = context.clock.now();
  std::vector<domain::FieldError> errors;
  domain::check_text(errors, "reason", reason, 300, true);
  if (!errors.empty()) return domain::invalid(std::move(errors));
  std::optional<Outcome<PaymentResult>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto reader = repos.circulation.reader_by_card(card_number);
    if (!reader) {
      result = not_found("card");
      return;
    }
    const auto charges = repos.circulation.charges_of_reader(reader->id);
    const auto it =
        std::find_if(charges.begin(), charges.end(), [&](const ChargeView& c) { return c.id == charge_id; });
    if (it == charges.end() || it->outstanding.cents <= 0) {
      result = not_found("charge");
      return;
    }
    const auto id = repos.circulation.insert_payment(reader->id, "waiver", it->outstanding, "", reason, staff_id, now);
    repos.circulation.allocate(id, charge_id, it->outstanding);
    PaymentResult waived{receipt_number('W', id), it->outstanding, {owed(charges).cents - it->outstanding.cents}};
    repos.audit.record(
        {now, staff_id, "charges.waiver", "reader:" + std::to_string(reader->id),
         "receipt=" + waived.receipt + "; amount=" + domain::format_money(waived.amount) + "; reason=" + reason});
    result = waived;
  });
  return std::move(*result);
}

Outcome<std::vector<domain::FineSuspension>> fine_suspensions(const Context& context, const Actor& actor) {
  if (!domain::role_allows(actor.role, domain::Permission::kManagePolicies))
    return failure(ErrorCode::kPermissionDenied);
  std::vector<domain::FineSuspension> all;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { all = repos.circulation.fine_suspensions(); });
  return all;
}

Outcome<domain::FineSuspension> add_fine_suspension(const Context& context, NetworkCache& network, const Actor& actor,
                                                    const FineSuspensionForm& form) {
  if (!domain::role_allows(actor.role, domain::Permission::kManagePolicies))
    return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<domain::FineSuspension>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto input = form.input;
    const auto snapshot = network.get(repos);
    for (const auto& code : form.library_codes) {
      const auto* library = snapshot->find(std::string_view(code));
      if (!library) {
        result = domain::invalid({{"libraries", ErrorCode::kInvalidChoice, {}}});
        return;
      }
      input.library_ids.push_back(library->id);
    }
    auto suspension = domain::validate_fine_suspension(input);
    if (suspension) {
      suspension->id = repos.circulation.add_fine_suspension(suspension.value());
      repos.audit.record({context.clock.now(), actor.staff_id, "policy.fine_suspension.add",
                          "fine_suspension:" + std::to_string(suspension->id),
                          format_iso_date(suspension->first_day) + ".." + format_iso_date(suspension->last_day)});
    }
    result = std::move(suspension);
  });
  return std::move(*result);
}

Outcome<domain::Done> remove_fine_suspension(const Context& context, const Actor& actor, long long id) {
  if (!domain::role_allows(actor.role, domain::Permission::kManagePolicies))
    return failure(ErrorCode::kPermissionDenied);
  bool removed = false;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    removed = repos.circulation.remove_fine_suspension(id);
    if (removed)
      repos.audit.record({context.clock.now(), actor.staff_id, "policy.fine_suspension.remove",
                          "fine_suspension:" + std::to_string(id), ""});
  });
  if (!removed) return failure(ErrorCode::kNotFound);
  return domain::Done{};
}

}  // namespace shelfmark::app
