#include "domain/policy.h"

#include <fmt/format.h>

#include <algorithm>

namespace shelfmark::domain {
namespace {

template <class Enum>
struct Code {
  Enum value;
  std::string_view code;
};

constexpr Code<ReaderCategory> kCategories[] = {
    {ReaderCategory::kAdult, "adult"},         {ReaderCategory::kYoungAdult, "young_adult"},
    {ReaderCategory::kChild, "child"},         {ReaderCategory::kTemporary, "temporary"},
    {ReaderCategory::kEAccount, "e_account"},  {ReaderCategory::kStaff, "staff"},
};
constexpr Code<ItemType> kItemTypes[] = {
    {ItemType::kBook, "book"},
    {ItemType::kPeriodicalBackIssue, "periodical_back_issue"},
    {ItemType::kAudioVisual, "audio_visual"},
    {ItemType::kAccompanyingMaterial, "accompanying_material"},
    {ItemType::kEBook, "e_book"},
};
constexpr Code<Collection> kCollections[] = {
    {Collection::kAdult, "adult"},         {Collection::kYoungAdult, "young_adult"},
    {Collection::kChildren, "children"},   {Collection::kReference, "reference"},
    {Collection::kNotForLoan, "not_for_loan"},
};

template <class Enum, std::size_t N>
std::string_view code_of(const Code<Enum> (&table)[N], Enum value) {
  for (const auto& entry : table)
    if (entry.value == value) return entry.code;
  return table[0].code;
}
template <class Enum, std::size_t N>
std::optional<Enum> parse(const Code<Enum> (&table)[N], std::string_view code) {
  for (const auto& entry : table)
    if (entry.code == code) return entry.value;
  return std::nullopt;
}

}  // namespace

std::string format_money(Money amount) {
  const auto sign = amount.cents < 0 ? "-" : "";
  const auto cents = amount.cents < 0 ? -amount.cents : amount.cents;
  return fmt::format("{}HK${}.{:02}", sign, cents / 100, cents % 100);
}

std::optional<Money> parse_money(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.substr(0, 3) == "HK$") text.remove_prefix(3);
  else if (text.substr(0, 1) == "$") text.remove_prefix(1);
  if (text.empty() || text.size() > 12) return std::nullopt;
  long long whole = 0, fraction = 0;
  int fraction_digits = -1;
  for (char c : text) {
    if (c == '.') {
      if (fraction_digits >= 0) return std::nullopt;
      fraction_digits = 0;
    } else if (c >= '0' && c <= '9') {
      if (fraction_digits < 0) {
        whole = whole * 10 + (c - '0');
      } else {
        if (++fraction_digits > 2) return std::nullopt;
        fraction = fraction * 10 + (c - '0');
      }
    } else {
      return std::nullopt;
    }
  }
  if (fraction_digits == 0) return std::nullopt;  // "12." is a typo, not an amount
  if (fraction_digits == 1) fraction *= 10;
  return Money{whole * 100 + fraction};
}

std::vector<std::pair<long long, Money>> allocate_payment(const std::vector<std::pair<long long, Money>>& outstanding,
                                                          Money amount) {
  std::vector<std::pair<long long, Money>> settled;
  for (const auto& [charge, owed] : outstanding) {
    if (amount.cents <= 0) break;
    const auto part = std::min(owed.cents, amount.cents);
    if (part <= 0) continue;
    settled.push_back({charge, Money{part}});
    amount.cents -= part;
  }
  return settled;
}

std::string_view reader_category_code(ReaderCategory category) { return code_of(kCategories, category); }
std::optional<ReaderCategory> parse_reader_category(std::string_view code) { return parse(kCategories, code); }
std::string_view item_type_code(ItemType type) { return code_of(kItemTypes, type); }
std::optional<ItemType> parse_item_type(std::string_view code) { return parse(kItemTypes, code); }
std::string_view collection_code(Collection collection) { return code_of(kCollections, collection); }
std::optional<Collection> parse_collection(std::string_view code) { return parse(kCollections, code); }

int PolicyRule::specificity() const {
  return (reader_category ? 1 : 0) + (item_type ? 1 : 0) + (collection ? 1 : 0) + (library_id ? 1 : 0);
}

LendingPolicies default_policies() {
  LendingPolicies policies;
  auto& rules = policies.rules;
  rules.push_back({std::nullopt, std::nullopt, std::nullopt, std::nullopt, LoanPolicy{}});
  LoanPolicy junior;
  junior.fine_per_day = Money{50};
  rules.push_back({std::nullopt, std::nullopt, Collection::kYoungAdult, std::nullopt, junior});
  rules.push_back({std::nullopt, std::nullopt, Collection::kChildren, std::nullopt, junior});
  LoanPolicy not_lent;
  not_lent.loanable = false;
  not_lent.reservable = false;
  rules.push_back({std::nullopt, std::nullopt, Collection::kReference, std::nullopt, not_lent});
  rules.push_back({std::nullopt, std::nullopt, Collection::kNotForLoan, std::nullopt, not_lent});
  LoanPolicy audio_visual;
  audio_visual.reservable = false;
  rules.push_back({std::nullopt, ItemType::kAudioVisual, std::nullopt, std::nullopt, audio_visual});
  // E-Accounts: online e-resources only.
  rules.push_back({ReaderCategory::kEAccount, std::nullopt, std::nullopt, std::nullopt, not_lent});
  LoanPolicy e_book;
  e_book.fine_per_day = Money{0};  // e-book loans end by themselves
  rules.push_back({std::nullopt, ItemType::kEBook, std::nullopt, std::nullopt, e_book});
  rules.push_back({ReaderCategory::kEAccount, ItemType::kEBook, std::nullopt, std::nullopt, e_book});
  // Where a collection rule and an item-type rule would tie, say what both mean together.
  LoanPolicy junior_audio_visual = junior;
  junior_audio_visual.reservable = false;
  for (auto collection : {Collection::kYoungAdult, Collection::kChildren}) {
    rules.push_back({std::nullopt, ItemType::kAudioVisual, collection, std::nullopt, junior_audio_visual});
    rules.push_back({std::nullopt, ItemType::kEBook, collection, std::nullopt, e_book});
    rules.push_back({ReaderCategory::kEAccount, ItemType::kEBook, collection, std::nullopt, e_book});
  }
  return policies;
}

LoanPolicy resolve_policy(const LendingPolicies& policies, ReaderCategory category, const ItemFacts& item,
                          long long library_id) {
  const PolicyRule* best = nullptr;
  for (const auto& rule : policies.rules) {
    if (rule.reader_category && *rule.reader_category != category) continue;
    if (rule.item_type && *rule.item_type != item.type) continue;
    if (rule.collection && *rule.collection != item.collection) continue;
    if (rule.library_id && *rule.library_id != library_id) continue;
    if (!best || rule.specificity() > best->specificity()) best = &rule;
  }
  return best ? best->policy : LoanPolicy{};
}

}  // namespace shelfmark::domain
