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
  int specificity() const;
};

struct ReaderLimits {
  int max_loans = 10;             // items other than periodical back issues and accompanying material
  int max_periodical_loans = 20;  // periodical back issues
  int max_reservations = 10;
  Money reservation_fee{330};     // charged at collection
  int hold_shelf_days = 7;        // a ready reservation waits this many days for its reader
  int max_reservation_days = 365; // the furthest expiry date a reader may choose
  Money fines_ceiling{13000};     // renewals, reservations and loans refused at or above this
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

// The policy for a reader category lending an item at a library.
LoanPolicy resolve_policy(const LendingPolicies& policies, ReaderCategory category, const ItemFacts& item,
                          long long library_id);

}  // namespace shelfmark::domain
