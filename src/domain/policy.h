// Lending policies as data. A rule picks a loan policy by reader category x item type x collection x
// library; the most specific matching rule wins (ties go to the rule listed first). Reader-wide limits
// (quotas, fees, the fines ceiling) are a policy of their own. The defaults are the published HKPL values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/library.h"

namespace shelfmark::domain {

// Money in Hong Kong cents (HK$1.50 is 150): exact sums, no floating point.
struct Money {
  long long cents = 0;
  friend auto operator<=>(const Money&, const Money&) = default;
  Money operator+(Money other) const { return {cents + other.cents}; }
  Money operator*(long long times) const { return {cents * times}; }
};
std::string format_money(Money amount);  // "HK$1.50"
// "12.5", "12.50", "HK$12.50", "$3" -> cents; nullopt for anything else (negative, more than 2 decimals).
std::optional<Money> parse_money(std::string_view text);

// A payment settles the oldest charges first. `outstanding` are (charge id, amount still owed), oldest
// first; returns (charge id, amount settled). The amount must not exceed the total owed.
std::vector<std::pair<long long, Money>> allocate_payment(const std::vector<std::pair<long long, Money>>& outstanding,
                                                          Money amount);

enum class ReaderCategory { kAdult, kYoungAdult, kChild, kTemporary, kEAccount, kStaff };
enum class ItemType { kBook, kPeriodicalBackIssue, kAudioVisual, kAccompanyingMaterial, kEBook };
enum class Collection { kAdult, kYoungAdult, kChildren, kReference, kNotForLoan };

std::string_view reader_category_code(ReaderCategory category);
std::optional<ReaderCategory> parse_reader_category(std::string_view code);
std::string_view item_type_code(ItemType type);
std::optional<ItemType> parse_item_type(std::string_view code);
std::string_view collection_code(Collection collection);
std::optional<Collection> parse_collection(std::string_view code);
// English labels, which are also the gettext msgids.
std::string_view reader_category_label(ReaderCategory category);
std::string_view item_type_label(ItemType type);
std::string_view collection_label(Collection collection);
std::vector<ReaderCategory> all_reader_categories();
std::vector<ItemType> all_item_types();
std::vector<Collection> all_collections();

struct LoanPolicy {
  bool loanable = true;
  bool reservable = true;
  int loan_days = 14;
  int max_renewals = 5;
  int renewal_days = 14;  // counted from the day of renewal
  Money fine_per_day{150};
  friend bool operator==(const LoanPolicy&, const LoanPolicy&) = default;
};

struct PolicyRule {
  std::optional<ReaderCategory> reader_category;
  std::optional<ItemType> item_type;
  std::optional<Collection> collection;
  std::optional<long long> library_id;
  LoanPolicy policy;
  long long id = 0;  // the stored rule's id; 0 before it is stored
  int specificity() const;
  // The rule that matches everything: every set of policies keeps one, so every loan has a policy.
  bool is_catch_all() const { return specificity() == 0; }
  bool same_match(const PolicyRule& other) const {
    return reader_category == other.reader_category && item_type == other.item_type && collection == other.collection &&
           library_id == other.library_id;
  }
};

struct ReaderLimits {
  int max_loans = 10;             // items other than periodical back issues and accompanying material
  int max_periodical_loans = 20;  // periodical back issues
  int max_reservations = 10;
  Money reservation_fee{330};      // charged at collection
  int hold_shelf_days = 7;         // a ready reservation waits this many days for its reader
  int max_reservation_days = 365;  // the furthest expiry date a reader may choose
  Money fines_ceiling{13000};      // renewals, reservations and loans refused at or above this
  bool block_when_overdue = true;
};

struct LendingPolicies {
  std::vector<PolicyRule> rules;
  ReaderLimits limits;
};

// The published HKPL rules: 14 days, 5 renewals, HK$1.50 a day from adult collections and HK$0.50 from
// young adult and children's collections, reference and not-for-loan items not lent, audio-visual items
// not reservable, E-Accounts borrow only e-books.
LendingPolicies default_policies();

struct ItemFacts {
  ItemType type;
  Collection collection;
  long long home_library_id;
};

// An administrator's rule form, as typed. Empty selections mean "any"; the library is resolved by the caller.
struct PolicyRuleInput {
  std::string reader_category;
  std::string item_type;
  std::string collection;
  std::optional<long long> library_id;
  bool loanable = true;
  bool reservable = true;
  std::string loan_days;
  std::string max_renewals;
  std::string renewal_days;
  std::string fine_per_day;  // "1.50", "HK$1.5"
};
// Field errors name the form fields ("loan_days", "fine_per_day", ...).
Outcome<PolicyRule> validate_policy_rule(const PolicyRuleInput& input);

struct ReaderLimitsInput {
  std::string max_loans;
  std::string max_periodical_loans;
  std::string max_reservations;
  std::string reservation_fee;
  std::string hold_shelf_days;
  std::string max_reservation_days;
  std::string fines_ceiling;
  bool block_when_overdue = true;
};
Outcome<ReaderLimits> validate_reader_limits(const ReaderLimitsInput& input);

// The policy for a reader category lending an item at a library.
LoanPolicy resolve_policy(const LendingPolicies& policies, ReaderCategory category, const ItemFacts& item,
                          long long library_id);

}  // namespace shelfmark::domain
