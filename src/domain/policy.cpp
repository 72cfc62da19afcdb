#include "domain/policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace shelfmark::domain {
namespace {

template <class Enum>
struct Code {
  Enum value;
  std::string_view code;
  std::string_view label;  // English, the gettext msgid
};

constexpr Code<ReaderCategory> kCategories[] = {
    {ReaderCategory::kAdult, "adult", "Adult"},
    {ReaderCategory::kYoungAdult, "young_adult", "Young adult"},
    {ReaderCategory::kChild, "child", "Child"},
    {ReaderCategory::kTemporary, "temporary", "Temporary card"},
    {ReaderCategory::kEAccount, "e_account", "E-Account"},
    {ReaderCategory::kStaff, "staff", "Staff member"},
};
constexpr Code<ItemType> kItemTypes[] = {
    {ItemType::kBook, "book", "Book"},
    {ItemType::kPeriodicalBackIssue, "periodical_back_issue", "Periodical back issue"},
    {ItemType::kAudioVisual, "audio_visual", "Audio-visual material"},
    {ItemType::kAccompanyingMaterial, "accompanying_material", "Accompanying material"},
    {ItemType::kEBook, "e_book", "E-book"},
};
constexpr Code<Collection> kCollections[] = {
    {Collection::kAdult, "adult", "Adult collection"},
    {Collection::kYoungAdult, "young_adult", "Young adult collection"},
    {Collection::kChildren, "children", "Children's collection"},
    {Collection::kReference, "reference", "Reference collection"},
    {Collection::kNotForLoan, "not_for_loan", "Not for loan"},
};

template <class Enum, std::size_t N>
std::string_view code_of(const Code<Enum> (&table)[N], Enum value) {
  for (const auto& entry : table)
    if (entry.value == value) return entry.code;
  return table[0].code;
}
template <class Enum, std::size_t N>
std::string_view label_of(const Code<Enum> (&table)[N], Enum value) {
  for (const auto& entry : table)
    if (entry.value == value) return entry.label;
  return table[0].label;
}
template <class Enum, std::size_t N>
std::vector<Enum> all_of(const Code<Enum> (&table)[N]) {
  std::vector<Enum> all;
  for (const auto& entry : table) all.push_back(entry.value);
  return all;
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
  if (text.substr(0, 3) == "HK$")
    text.remove_prefix(3);
  else if (text.substr(0, 1) == "$")
    text.remove_prefix(1);
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
std::string_view reader_category_label(ReaderCategory category) { return label_of(kCategories, category); }
std::string_view item_type_label(ItemType type) { return label_of(kItemTypes, type); }
std::string_view collection_label(Collection collection) { return label_of(kCollections, collection); }
std::vector<ReaderCategory> all_reader_categories() { return all_of(kCategories); }
std::vector<ItemType> all_item_types() { return all_of(kItemTypes); }
std::vector<Collection> all_collections() { return all_of(kCollections); }
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

namespace shelfmark::domain {
namespace {

// A whole number within [min, max] typed into `field`; records a field error otherwise.
int whole_number(std::string_view text, std::string_view field, int min, int max, std::vector<FieldError>& errors) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  const auto range = std::map<std::string, std::string>{{"min", std::to_string(min)}, {"max", std::to_string(max)}};
  if (text.empty()) {
    errors.push_back({std::string(field), ErrorCode::kRequired, {}});
    return 0;
  }
  long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || value > max) {
      errors.push_back({std::string(field), ErrorCode::kNumberOutOfRange, range});
      return 0;
    }
    value = value * 10 + (c - '0');
  }
  if (value < min || value > max) {
    errors.push_back({std::string(field), ErrorCode::kNumberOutOfRange, range});
    return 0;
  }
  return static_cast<int>(value);
}

Money amount(std::string_view text, std::string_view field, Money max, std::vector<FieldError>& errors) {
  const auto parsed = parse_money(text);
  if (!parsed || *parsed > max) {
    errors.push_back({std::string(field), ErrorCode::kAmountInvalid, {{"max", format_money(max)}}});
    return Money{0};
  }
  return *parsed;
}

template <class Enum>
std::optional<Enum> choice(const std::string& text, std::optional<Enum> (*parse)(std::string_view),
                           std::string_view field, std::vector<FieldError>& errors) {
  if (text.empty()) return std::nullopt;  // any
  auto value = parse(text);
  if (!value) errors.push_back({std::string(field), ErrorCode::kInvalidChoice, {}});
  return value;
}

}  // namespace

Outcome<PolicyRule> validate_policy_rule(const PolicyRuleInput& input) {
  std::vector<FieldError> errors;
  PolicyRule rule;
  rule.reader_category = choice(input.reader_category, &parse_reader_category, "reader_category", errors);
  rule.item_type = choice(input.item_type, &parse_item_type, "item_type", errors);
  rule.collection = choice(input.collection, &parse_collection, "collection", errors);
  rule.library_id = input.library_id;
  rule.policy.loanable = input.loanable;
  rule.policy.reservable = input.reservable;
  // A year is the longest loan any public library gives; longer is a typing mistake.
  rule.policy.loan_days = whole_number(input.loan_days, "loan_days", 1, 366, errors);
  rule.policy.max_renewals = whole_number(input.max_renewals, "max_renewals", 0, 99, errors);
  rule.policy.renewal_days = whole_number(input.renewal_days, "renewal_days", 1, 366, errors);
  rule.policy.fine_per_day = amount(input.fine_per_day, "fine_per_day", Money{10000}, errors);
  if (!errors.empty()) return invalid(std::move(errors));
  return rule;
}

Outcome<ReaderLimits> validate_reader_limits(const ReaderLimitsInput& input) {
  std::vector<FieldError> errors;
  ReaderLimits limits;
  limits.max_loans = whole_number(input.max_loans, "max_loans", 0, 999, errors);
  limits.max_periodical_loans = whole_number(input.max_periodical_loans, "max_periodical_loans", 0, 999, errors);
  limits.max_reservations = whole_number(input.max_reservations, "max_reservations", 0, 999, errors);
  limits.reservation_fee = amount(input.reservation_fee, "reservation_fee", Money{100000}, errors);
  limits.hold_shelf_days = whole_number(input.hold_shelf_days, "hold_shelf_days", 1, 60, errors);
  limits.max_reservation_days = whole_number(input.max_reservation_days, "max_reservation_days", 1, 730, errors);
  limits.fines_ceiling = amount(input.fines_ceiling, "fines_ceiling", Money{10000000}, errors);
  limits.block_when_overdue = input.block_when_overdue;
  if (!errors.empty()) return invalid(std::move(errors));
  return limits;
}

}  // namespace shelfmark::domain
