// Lending rules and reader limits, as administrators change them (audited; every node uses a change from
// its next request through the NetworkCache).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/directory.h"
#include "app/notices.h"
#include "app/ports.h"

namespace shelfmark::app {

domain::Outcome<domain::LendingPolicies> lending_rules(const Context& context, NetworkCache& network,
                                                       const Actor& actor);
struct LendingRuleForm {
  domain::PolicyRuleInput input;  // its library_id is resolved from library_code
  std::string library_code;       // empty: every library
};
// Adds a rule (no id) or changes one. Refuses a second rule for the same combination, and keeps the rule that
// matches everything matching everything. Every change is audited and reaches every node at once.
domain::Outcome<domain::PolicyRule> save_lending_rule(const Context& context, NetworkCache& network, const Actor& actor,
                                                      std::optional<long long> id, const LendingRuleForm& form);
domain::Outcome<domain::Done> remove_lending_rule(const Context& context, NetworkCache& network, const Actor& actor,
                                                  long long id);
domain::Outcome<domain::ReaderLimits> save_reader_limits(const Context& context, const Actor& actor,
                                                         const domain::ReaderLimitsInput& input);

}  // namespace shelfmark::app
