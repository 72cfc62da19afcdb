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

namespace shelfmark::web {

class LendingRulesPages {
 public:
  explicit LendingRulesPages(PageKit& kit) : kit_(kit) {}
  Response staff_fine_suspensions(Page& p, const Fields& typed = {},
                                  const std::optional<domain::Failure>& failure = std::nullopt);
  Response staff_fine_suspension_post(Page& p, const std::vector<std::string_view>& parts);
  Response staff_lending_rules(Page& p, const Fields& typed = {},
                               const std::optional<domain::Failure>& failure = std::nullopt);
  Response staff_lending_rule(Page& p, std::optional<long long> id, const Fields& typed = {},
                              const std::optional<domain::Failure>& failure = std::nullopt);
  Response staff_lending_rule_post(Page& p, const std::vector<std::string_view>& parts);

 private:
  PageKit& kit_;
};

}  // namespace shelfmark::web
