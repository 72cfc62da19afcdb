#include "domain/policy.h"

#include <gtest/gtest.h>

namespace shelfmark::domain {
namespace {

struct Case {
  const char* name;
  ReaderCategory reader;
  ItemType type;
  Collection collection;
  bool loanable;
  bool reservable;
  long long fine;
};

TEST(Policy, DefaultsFollowThePublishedRules) {
  const auto policies = default_policies();
  const Case cases[] = {
      {"adult book", ReaderCategory::kAdult, ItemType::kBook, Collection::kAdult, true, true, 150},
      {"child borrows adult book", ReaderCategory::kChild, ItemType::kBook, Collection::kAdult, true, true, 150},
      {"adult borrows children's book", ReaderCategory::kAdult, ItemType::kBook, Collection::kChildren, true, true, 50},
      {"young adult collection", ReaderCategory::kYoungAdult, ItemType::kBook, Collection::kYoungAdult, true, true, 50},
      {"reference", ReaderCategory::kAdult, ItemType::kBook, Collection::kReference, false, false, 150},
      {"not for loan", ReaderCategory::kAdult, ItemType::kBook, Collection::kNotForLoan, false, false, 150},
      {"audio-visual lent, not reserved", ReaderCategory::kAdult, ItemType::kAudioVisual, Collection::kAdult, true,
       false, 150},
      {"E-Account physical book", ReaderCategory::kEAccount, ItemType::kBook, Collection::kAdult, false, false, 150},
      {"E-Account e-book", ReaderCategory::kEAccount, ItemType::kEBook, Collection::kAdult, true, true, 0},
      {"children's audio-visual: junior fine, not reservable", ReaderCategory::kAdult, ItemType::kAudioVisual,
       Collection::kChildren, true, false, 50},
      {"children's e-book: no fine", ReaderCategory::kChild, ItemType::kEBook, Collection::kChildren, true, true, 0},
      {"periodical back issue", ReaderCategory::kAdult, ItemType::kPeriodicalBackIssue, Collection::kAdult, true, true,
       150},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto policy = resolve_policy(policies, c.reader, {c.type, c.collection, 1}, 1);
    EXPECT_EQ(policy.loanable, c.loanable);
    EXPECT_EQ(policy.reservable, c.reservable);
    EXPECT_EQ(policy.fine_per_day.cents, c.fine);
    EXPECT_EQ(policy.loan_days, 14);
    EXPECT_EQ(policy.max_renewals, 5);
  }
  EXPECT_EQ(policies.limits.max_loans, 10);
  EXPECT_EQ(policies.limits.max_periodical_loans, 20);
  EXPECT_EQ(policies.limits.max_reservations, 10);
  EXPECT_EQ(policies.limits.reservation_fee.cents, 330);
}

TEST(Policy, MostSpecificRuleWinsAndTiesGoToTheFirst) {
  LendingPolicies policies;
  LoanPolicy general, library_seven, library_seven_av, first, second;
  library_seven.loan_days = 21;
  library_seven_av.loan_days = 7;
  first.loan_days = 1;
  second.loan_days = 2;
  policies.rules = {{std::nullopt, std::nullopt, std::nullopt, std::nullopt, general},
                    {std::nullopt, std::nullopt, std::nullopt, 7, library_seven},
                    {std::nullopt, ItemType::kAudioVisual, std::nullopt, 7, library_seven_av},
                    {ReaderCategory::kChild, std::nullopt, std::nullopt, std::nullopt, first},
                    {std::nullopt, std::nullopt, Collection::kChildren, std::nullopt, second}};
  EXPECT_EQ(resolve_policy(policies, ReaderCategory::kAdult, {ItemType::kBook, Collection::kAdult, 1}, 1).loan_days,
            14);
  EXPECT_EQ(resolve_policy(policies, ReaderCategory::kAdult, {ItemType::kBook, Collection::kAdult, 1}, 7).loan_days,
            21);
  EXPECT_EQ(
      resolve_policy(policies, ReaderCategory::kAdult, {ItemType::kAudioVisual, Collection::kAdult, 1}, 7).loan_days,
      7);
  EXPECT_EQ(resolve_policy(policies, ReaderCategory::kChild, {ItemType::kBook, Collection::kChildren, 1}, 1).loan_days,
            1);
  EXPECT_EQ(
      resolve_policy(LendingPolicies{}, ReaderCategory::kAdult, {ItemType::kBook, Collection::kAdult, 1}, 1).loan_days,
      14);
}

TEST(Policy, CodesRoundTripAndMoneyFormats) {
  for (auto category : {ReaderCategory::kAdult, ReaderCategory::kYoungAdult, ReaderCategory::kChild,
                        ReaderCategory::kTemporary, ReaderCategory::kEAccount, ReaderCategory::kStaff})
    EXPECT_EQ(parse_reader_category(reader_category_code(category)), category);
  for (auto type : {ItemType::kBook, ItemType::kPeriodicalBackIssue, ItemType::kAudioVisual,
                    ItemType::kAccompanyingMaterial, ItemType::kEBook})
    EXPECT_EQ(parse_item_type(item_type_code(type)), type);
  for (auto collection : {Collection::kAdult, Collection::kYoungAdult, Collection::kChildren, Collection::kReference,
                          Collection::kNotForLoan})
    EXPECT_EQ(parse_collection(collection_code(collection)), collection);
  EXPECT_EQ(format_money({150}), "HK$1.50");
  EXPECT_EQ(format_money({3300}), "HK$33.00");
  EXPECT_EQ(format_money({-50}), "-HK$0.50");
  EXPECT_EQ((Money{150} * 3 + Money{50}).cents, 500);
}

TEST(Money, ParsesWhatStaffType) {
  EXPECT_EQ(parse_money("12.5")->cents, 1250);
  EXPECT_EQ(parse_money(" HK$3.30 ")->cents, 330);
  EXPECT_EQ(parse_money("$7")->cents, 700);
  EXPECT_EQ(parse_money("0.05")->cents, 5);
  for (const char* bad : {"", "-1", "1.234", "12.", "1,000", "abc", "1.2.3", "99999999999999"})
    EXPECT_FALSE(parse_money(bad)) << bad;
}

TEST(Money, PaymentsSettleTheOldestChargesFirst) {
  const std::vector<std::pair<long long, Money>> owed = {{1, Money{450}}, {2, Money{330}}, {3, Money{150}}};
  auto settled = allocate_payment(owed, Money{500});
  ASSERT_EQ(settled.size(), 2u);
  EXPECT_EQ(settled[0], (std::pair<long long, Money>{1, Money{450}}));
  EXPECT_EQ(settled[1], (std::pair<long long, Money>{2, Money{50}}));
  EXPECT_EQ(allocate_payment(owed, Money{930}).size(), 3u);
  EXPECT_TRUE(allocate_payment(owed, Money{0}).empty());
}

PolicyRuleInput valid_rule_input() {
  PolicyRuleInput input;
  input.reader_category = "child";
  input.collection = "children";
  input.loan_days = "21";
  input.max_renewals = "3";
  input.renewal_days = "14";
  input.fine_per_day = "0.5";
  return input;
}

TEST(PolicyRules, ValidFormBecomesARule) {
  auto rule = validate_policy_rule(valid_rule_input());
  ASSERT_TRUE(rule) << error_info(rule.error().code).name;
  EXPECT_EQ(rule->reader_category, ReaderCategory::kChild);
  EXPECT_FALSE(rule->item_type);
  EXPECT_EQ(rule->collection, Collection::kChildren);
  EXPECT_EQ(rule->policy.loan_days, 21);
  EXPECT_EQ(rule->policy.max_renewals, 3);
  EXPECT_EQ(rule->policy.fine_per_day, Money{50});
  EXPECT_EQ(rule->specificity(), 2);
  EXPECT_FALSE(rule->is_catch_all());
}

TEST(PolicyRules, EachBadFieldIsNamed) {
  struct BadCase {
    const char* name;
    void (*spoil)(PolicyRuleInput&);
    const char* field;
    ErrorCode code;
  };
  const BadCase cases[] = {
      {"unknown category", [](auto& i) { i.reader_category = "wizard"; }, "reader_category", ErrorCode::kInvalidChoice},
      {"unknown type", [](auto& i) { i.item_type = "scroll"; }, "item_type", ErrorCode::kInvalidChoice},
      {"unknown collection", [](auto& i) { i.collection = "secret"; }, "collection", ErrorCode::kInvalidChoice},
      {"no loan days", [](auto& i) { i.loan_days = " "; }, "loan_days", ErrorCode::kRequired},
      {"zero loan days", [](auto& i) { i.loan_days = "0"; }, "loan_days", ErrorCode::kNumberOutOfRange},
      {"loan over a year", [](auto& i) { i.loan_days = "367"; }, "loan_days", ErrorCode::kNumberOutOfRange},
      {"huge number", [](auto& i) { i.loan_days = "99999999999999999999"; }, "loan_days", ErrorCode::kNumberOutOfRange},
      {"negative renewals", [](auto& i) { i.max_renewals = "-1"; }, "max_renewals", ErrorCode::kNumberOutOfRange},
      {"decimal renewals", [](auto& i) { i.max_renewals = "1.5"; }, "max_renewals", ErrorCode::kNumberOutOfRange},
      {"renewal days", [](auto& i) { i.renewal_days = "abc"; }, "renewal_days", ErrorCode::kNumberOutOfRange},
      {"fine not money", [](auto& i) { i.fine_per_day = "1.555"; }, "fine_per_day", ErrorCode::kAmountInvalid},
      {"fine too high", [](auto& i) { i.fine_per_day = "100.01"; }, "fine_per_day", ErrorCode::kAmountInvalid},
  };
  for (const auto& c : cases) {
    auto input = valid_rule_input();
    c.spoil(input);
    auto rule = validate_policy_rule(input);
    ASSERT_FALSE(rule) << c.name;
    ASSERT_EQ(rule.error().fields.size(), 1u) << c.name;
    EXPECT_EQ(rule.error().fields[0].field, c.field) << c.name;
    EXPECT_EQ(rule.error().fields[0].code, c.code) << c.name;
  }
  auto edges = valid_rule_input();
  edges.loan_days = "366";
  edges.max_renewals = "0";
  edges.fine_per_day = "100";
  EXPECT_TRUE(validate_policy_rule(edges));
}

TEST(PolicyRules, EmptyChoicesMeanAnyAndMakeTheCatchAll) {
  PolicyRuleInput input{"", "", "", std::nullopt, true, true, "14", "5", "14", "1.50"};
  auto rule = validate_policy_rule(input);
  ASSERT_TRUE(rule);
  EXPECT_TRUE(rule->is_catch_all());
  EXPECT_TRUE(rule->same_match(default_policies().rules.front()));
  EXPECT_EQ(rule->policy, default_policies().rules.front().policy);
}

TEST(PolicyRules, ReaderLimitsValidated) {
  ReaderLimitsInput input{"10", "20", "10", "3.30", "7", "365", "130", true};
  auto limits = validate_reader_limits(input);
  ASSERT_TRUE(limits);
  EXPECT_EQ(limits->max_loans, 10);
  EXPECT_EQ(limits->reservation_fee, Money{330});
  EXPECT_EQ(limits->fines_ceiling, Money{13000});
  input.max_loans = "";
  input.hold_shelf_days = "0";
  input.reservation_fee = "free";
  auto bad = validate_reader_limits(input);
  ASSERT_FALSE(bad);
  ASSERT_EQ(bad.error().fields.size(), 3u);
  EXPECT_EQ(bad.error().fields[0].field, "max_loans");
  EXPECT_EQ(bad.error().fields[1].field, "reservation_fee");
  EXPECT_EQ(bad.error().fields[2].field, "hold_shelf_days");
}

TEST(PolicyRules, LabelsCoverEveryValue) {
  for (auto category : all_reader_categories()) EXPECT_FALSE(reader_category_label(category).empty());
  EXPECT_EQ(all_item_types().size(), 5u);
  EXPECT_EQ(item_type_label(ItemType::kEBook), "E-book");
  EXPECT_EQ(collection_label(Collection::kChildren), "Children's collection");
}

}  // namespace
}  // namespace shelfmark::domain
