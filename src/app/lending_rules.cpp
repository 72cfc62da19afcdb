#include "app/lending_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "app/circulation_internal.h"

namespace shelfmark::app {

using domain::ErrorCode;
using domain::Failure;
using domain::Outcome;
using namespace internal;

namespace {

std::string describe_rule(const domain::PolicyRule& rule) {
  const auto& p = rule.policy;
  return fmt::format("{}/{}/{}/{}: loanable={} reservable={} loan_days={} renewals={} renewal_days={} fine={}",
                     rule.reader_category ? domain::reader_category_code(*rule.reader_category) : "*",
                     rule.item_type ? domain::item_type_code(*rule.item_type) : "*",
                     rule.collection ? domain::collection_code(*rule.collection) : "*",
                     rule.library_id ? std::to_string(*rule.library_id) : "*", p.loanable, p.reservable, p.loan_days,
                     p.max_renewals, p.renewal_days, domain::format_money(p.fine_per_day));
}

}  // namespace

Outcome<domain::LendingPolicies> lending_rules(const Context& context, NetworkCache& network, const Actor& actor) {
  if (!domain::role_allows(actor.role, domain::Permission::kManagePolicies))
    return failure(ErrorCode::kPermissionDenied);
  domain::LendingPolicies policies;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) { policies = network.get(repos)->policies; });
  return policies;
}

Outcome<domain::PolicyRule> save_lending_rule(const Context& context, NetworkCache& network, const Actor& actor,
                                              std::optional<long long> id, const LendingRuleForm& form) {
  if (!domain::role_allows(actor.role, domain::Permission::kManagePolicies))
    return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<domain::PolicyRule>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto snapshot = network.get(repos);
    auto input = form.input;
    if (!form.library_code.empty()) {
      const auto* library = snapshot->find(std::string_view(form.library_code));
      if (!library) {
        result = domain::invalid({{"library", ErrorCode::kInvalidChoice, {}}});
        return;
      }
      input.library_id = library->id;
    }
    auto rule = domain::validate_policy_rule(input);
    if (!rule) {
      result = std::move(rule);
      return;
    }
    const domain::PolicyRule* existing = nullptr;
    for (const auto& stored : snapshot->policies.rules) {
      if (id && stored.id == *id) existing = &stored;
    }
    if (id && !existing) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    if (existing && existing->is_catch_all() && !rule->is_catch_all()) {
      result = failure(ErrorCode::kCatchAllRuleRequired);
      return;
    }
    try {
      if (existing) {
        rule->id = *id;
        if (!repos.circulation.update_lending_rule(rule.value())) {
          result = failure(ErrorCode::kNotFound);
          return;
        }
      } else {
        rule->id = repos.circulation.insert_lending_rule(rule.value());
      }
    } catch (const StoreError& error) {
      if (!error.is_unique_violation()) throw;
      result = failure(ErrorCode::kRuleExists);
      return;
    }
    repos.audit.record({context.clock.now(), actor.staff_id,
                        existing ? "policy.lending_rule.change" : "policy.lending_rule.add",
                        "lending_rule:" + std::to_string(rule->id), describe_rule(rule.value())});
    result = std::move(rule);
  });
  return std::move(*result);
}

Outcome<domain::Done> remove_lending_rule(const Context& context, NetworkCache& network, const Actor& actor,
                                          long long id) {
  if (!domain::role_allows(actor.role, domain::Permission::kManagePolicies))
    return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<domain::Done>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto snapshot = network.get(repos);
    const domain::PolicyRule* existing = nullptr;
    for (const auto& stored : snapshot->policies.rules)
      if (stored.id == id) existing = &stored;
    // The rule matching everything stays: app/ never narrows it, so being catch-all cannot change under us.
    if (existing && existing->is_catch_all()) {
      result = failure(ErrorCode::kCatchAllRuleRequired);
      return;
    }
    if (!existing || !repos.circulation.delete_lending_rule(id)) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    repos.audit.record({context.clock.now(), actor.staff_id, "policy.lending_rule.remove",
                        "lending_rule:" + std::to_string(id), describe_rule(*existing)});
    result = domain::Done{};
  });
  return std::move(*result);
}

Outcome<domain::ReaderLimits> save_reader_limits(const Context& context, const Actor& actor,
                                                 const domain::ReaderLimitsInput& input) {
  if (!domain::role_allows(actor.role, domain::Permission::kManagePolicies))
    return failure(ErrorCode::kPermissionDenied);
  auto limits = domain::validate_reader_limits(input);
  if (!limits) return limits;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    repos.circulation.set_reader_limits(limits.value());
    const auto& l = limits.value();
    repos.audit.record({context.clock.now(), actor.staff_id, "policy.reader_limits.change", "reader_limits",
                        fmt::format("loans={} periodicals={} reservations={} fee={} hold_shelf_days={} "
                                    "reservation_days={} ceiling={} block_overdue={}",
                                    l.max_loans, l.max_periodical_loans, l.max_reservations,
                                    domain::format_money(l.reservation_fee), l.hold_shelf_days, l.max_reservation_days,
                                    domain::format_money(l.fines_ceiling), l.block_when_overdue)});
  });
  return limits;
}

}  // namespace shelfmark::app
