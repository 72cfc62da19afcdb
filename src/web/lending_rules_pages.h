// Lending rules for administrators: the rules and reader limits (/{lang}/staff/lending-rules, each rule at
// /{lang}/staff/lending-rules/{id} or /new) and fine suspension periods (/{lang}/staff/fine-suspensions).
// Site dispatches to them after the staff session and CSRF checks; they call app/circulation.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/circulation.h"
#include "web/page_kit.h"
#include "web/routes.h"

namespace shelfmark::web {

class LendingRulesPages {
 public:
  explicit LendingRulesPages(PageKit& kit) : kit_(kit) {}
  // Lending rules, reader limits and fine suspension periods (Permission::kManagePolicies).
  void add_routes(RouteTable& routes);
  // What a POST to /{lang}/staff/lending-rules… does: save a rule (new without an id), the reader limits,
  // or remove a rule.
  enum class RulePost { kSave, kLimits, kDelete };
  Response staff_fine_suspensions(Page& p, const Fields& typed = {},
                                  const std::optional<domain::Failure>& failure = std::nullopt);
  // Adds a period, or removes `remove_id`.
  Response staff_fine_suspension_post(Page& p, std::optional<long long> remove_id);
  Response staff_lending_rules(Page& p, const Fields& typed = {},
                               const std::optional<domain::Failure>& failure = std::nullopt);
  Response staff_lending_rule(Page& p, std::optional<long long> id, const Fields& typed = {},
                              const std::optional<domain::Failure>& failure = std::nullopt);
  Response staff_lending_rule_post(Page& p, RulePost what, std::optional<long long> id);

 private:
  PageKit& kit_;
};

}  // namespace shelfmark::web
