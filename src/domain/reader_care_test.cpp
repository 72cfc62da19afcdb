// Blocks in the one standing (active by date, lifting themselves), the membership renewal rule, expired
// readers, and the checks of a staff edit of a reader's details.
#include "domain/reader_care.h"

#include <gtest/gtest.h>

#include "domain/circulation.h"

namespace shelfmark::domain {
namespace {

Date d(std::string_view iso) { return *parse_iso_date(iso); }
const Date kToday = d("2026-11-23");

ReaderSnapshot reader_with(std::vector<ReaderBlock> blocks) {
  ReaderSnapshot r;
  r.id = 1;
  r.expires_on = d("2030-01-01");
  r.staff_blocks = std::move(blocks);
  return r;
}

TEST(ReaderBlocks, ActiveFromTheFirstDayThroughTheLastDayInclusive) {
  const ReaderBlock block{1, BlockReason::kMisconduct, d("2026-11-20"), d("2026-11-30")};
  EXPECT_FALSE(block_active(block, d("2026-11-19")));
  EXPECT_TRUE(block_active(block, d("2026-11-20")));
  EXPECT_TRUE(block_active(block, d("2026-11-30")));
  EXPECT_FALSE(block_active(block, d("2026-12-01")));  // lifted by the date alone
  const ReaderBlock open_ended{2, BlockReason::kOther, d("2026-11-20"), std::nullopt};
  EXPECT_TRUE(block_active(open_ended, d("2099-01-01")));
}

TEST(ReaderBlocks, AnActiveBlockRefusesBorrowingRenewingAndReservingWithItsReason) {
  const auto limits = default_policies().limits;
  const auto blocked =
      reader_with({{1, BlockReason::kUnpaidReplacement, d("2026-11-01"), d("2026-11-30")},
                   {2, BlockReason::kUnpaidReplacement, d("2026-11-01"), std::nullopt}});  // one reason, said once
  const auto standing = reader_standing(blocked, limits, kToday);
  EXPECT_TRUE(standing.blocked());
  ASSERT_EQ(standing.blocks.size(), 1u);
  EXPECT_EQ(standing.blocks[0].code, ErrorCode::kBlockedUnpaidReplacement);
  EXPECT_EQ(standing.blocks[0].params.at("until"), "2026-11-30");
  EXPECT_FALSE(error_info(ErrorCode::kBlockedUnpaidReplacement).staff_may_override);
  EXPECT_NE(error_info(ErrorCode::kBlockedMisconduct).message.find("Please contact library staff"),
            std::string_view::npos);

  ItemSnapshot item;
  item.facts = {ItemType::kBook, Collection::kAdult, 3};
  const auto policy = resolve_policy(default_policies(), ReaderCategory::kAdult, item.facts, 3);
  EXPECT_TRUE(check_out_decision(blocked, item, policy, limits, kToday).has(ErrorCode::kBlockedUnpaidReplacement));
  EXPECT_TRUE(
      renew_decision(blocked, {0, kToday}, policy, limits, false, kToday).has(ErrorCode::kBlockedUnpaidReplacement));
  EXPECT_TRUE(
      reserve_decision(blocked, policy, limits, false, false, kToday).has(ErrorCode::kBlockedUnpaidReplacement));

  // The day after the first block's last day only the open-ended one remains; without it, nothing.
  const auto ended = reader_with({{1, BlockReason::kMisconduct, d("2026-11-01"), d("2026-11-22")}});
  EXPECT_FALSE(reader_standing(ended, limits, kToday).blocked());
  EXPECT_TRUE(check_out_decision(ended, item, policy, limits, kToday).allowed());
  const auto future = reader_with({{1, BlockReason::kMisconduct, d("2026-11-24"), std::nullopt}});
  EXPECT_FALSE(reader_standing(future, limits, kToday).blocked());
}

TEST(ReaderBlocks, EveryReasonHasACodeALabelAndARefusal) {
  for (auto reason : all_block_reasons()) {
    EXPECT_EQ(parse_block_reason(block_reason_code(reason)), reason);
    EXPECT_FALSE(block_reason_label(reason).empty());
  }
  EXPECT_FALSE(parse_block_reason("suspended"));
  EXPECT_EQ(block_refusal(BlockReason::kDamagedItems), ErrorCode::kBlockedDamagedItems);
  EXPECT_EQ(block_refusal(BlockReason::kOther), ErrorCode::kBlockedOther);
}

TEST(ReaderBlocks, TheLastDayIsOptionalAndNotBeforeToday) {
  std::optional<Date> ends;
  EXPECT_FALSE(check_block_end("", kToday, ends));
  EXPECT_FALSE(ends);
  EXPECT_FALSE(check_block_end(" 2026-11-23 ", kToday, ends));
  EXPECT_EQ(ends, kToday);
  EXPECT_EQ(check_block_end("2026-11-22", kToday, ends)->code, ErrorCode::kBlockEndInPast);
  EXPECT_EQ(check_block_end("next week", kToday, ends)->code, ErrorCode::kInvalidDate);
  EXPECT_EQ(check_block_end("next week", kToday, ends)->field, "ends_on");
}

TEST(Membership, AnExpiredReaderCannotBorrowRenewOrReserveByStatusOrByDate) {
  const auto limits = default_policies().limits;
  auto by_date = reader_with({});
  by_date.expires_on = d("2026-11-22");
  EXPECT_TRUE(reader_standing(by_date, limits, kToday).has(ErrorCode::kReaderExpired));
  by_date.expires_on = kToday;  // the last day of a card is still a good day
  EXPECT_FALSE(reader_standing(by_date, limits, kToday).blocked());
  auto by_status = reader_with({});
  by_status.status = ReaderStatus::kExpired;
  EXPECT_TRUE(reader_standing(by_status, limits, kToday).has(ErrorCode::kReaderExpired));
}

TEST(Membership, RenewalRunsThreeYearsOrOneForATemporaryCardAndNeverShortens) {
  EXPECT_EQ(membership_years(ReaderCategory::kAdult), 3);
  EXPECT_EQ(membership_years(ReaderCategory::kChild), 3);
  EXPECT_EQ(membership_years(ReaderCategory::kYoungAdult), 3);
  EXPECT_EQ(membership_years(ReaderCategory::kEAccount), 3);
  EXPECT_EQ(membership_years(ReaderCategory::kTemporary), 1);
  EXPECT_EQ(renewed_expiry(ReaderCategory::kAdult, d("2026-01-01"), kToday), d("2029-11-23"));
  EXPECT_EQ(renewed_expiry(ReaderCategory::kTemporary, std::nullopt, kToday), d("2027-11-23"));
  EXPECT_EQ(renewed_expiry(ReaderCategory::kTemporary, d("2028-05-01"), kToday), d("2028-05-01"));
  EXPECT_EQ(renewed_expiry(ReaderCategory::kAdult, d("2026-12-01"), kToday), d("2029-11-23"));
  EXPECT_EQ(add_years(d("2028-02-29"), 1), d("2029-02-28"));
  EXPECT_EQ(add_years(d("2028-02-29"), 4), d("2032-02-29"));
}

ReaderDetailsForm good_form() {
  return {"Chan Tai Man", "陳大文", "1990-05-01", "Tai.Man@Example.COM", "9123 4567", "1 Queen's Road", "tc", "email"};
}

TEST(ReaderDetailsEdit, ValidDetailsInNormalForms) {
  auto details = validate_reader_details(good_form(), true, "email", kToday);
  ASSERT_TRUE(details);
  EXPECT_EQ(details->email, "Tai.Man@example.com");
  EXPECT_EQ(details->mobile, "91234567");
  EXPECT_EQ(details->language, Language::kTraditionalChinese);
  EXPECT_EQ(details->date_of_birth, d("1990-05-01"));
}

TEST(ReaderDetailsEdit, EachBadFieldIsNamed) {
  ReaderDetailsForm form{"", std::string(30, 'x'), "2030-01-01", "not an email", "123", "", "fr", "pigeon"};
  auto details = validate_reader_details(form, true, "email", kToday);
  ASSERT_FALSE(details);
  std::map<std::string, ErrorCode> by_field;
  for (const auto& error : details.error().fields) by_field[error.field] = error.code;
  EXPECT_EQ(by_field.at("name_en"), ErrorCode::kRequired);
  EXPECT_TRUE(by_field.count("name_zh"));
  EXPECT_EQ(by_field.at("date_of_birth"), ErrorCode::kDateOfBirthInvalid);
  EXPECT_EQ(by_field.at("email"), ErrorCode::kEmailInvalid);
  EXPECT_EQ(by_field.at("mobile"), ErrorCode::kMobileInvalid);
  EXPECT_EQ(by_field.at("language"), ErrorCode::kInvalidChoice);
  EXPECT_EQ(by_field.at("channel"), ErrorCode::kInvalidChoice);
}

TEST(ReaderDetailsEdit, TheChannelNeedsItsContactAndADateOfBirthCannotBeRemoved) {
  auto form = good_form();
  form.channel = "sms";
  form.mobile = "";
  EXPECT_EQ(validate_reader_details(form, true, "email", kToday).error().fields.at(0).field, "channel");
  EXPECT_EQ(validate_reader_details(form, true, "email", kToday).error().fields.at(0).code,
            ErrorCode::kChannelNeedsContact);
  // The reader's own channel, left as it was, falls back to what can still reach them.
  EXPECT_EQ(validate_reader_details(form, true, "sms", kToday)->channel, "email");
  form.email = "";
  EXPECT_EQ(validate_reader_details(form, true, "sms", kToday)->channel, "none");
  form.email = "a@example.com";
  form.channel = "none";
  EXPECT_TRUE(validate_reader_details(form, true, "email", kToday));
  form.date_of_birth = "";
  EXPECT_EQ(validate_reader_details(form, true, "email", kToday).error().fields.at(0).code, ErrorCode::kRequired);
  EXPECT_TRUE(validate_reader_details(form, false, "email", kToday));  // a temporary card never had one
}

TEST(ReaderDetailsEdit, ChangesFieldByFieldWithAReasonForAVerifiedReadersIdentity) {
  const auto before = validate_reader_details(good_form(), true, "email", kToday).value();
  auto after = before;
  after.email = "new@example.com";
  after.language = Language::kEnglish;
  const auto changes = changed_fields(before, after);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(change_detail(changes), "email: Tai.Man@example.com -> new@example.com; language: tc -> en");
  EXPECT_TRUE(contact_changed(changes));
  EXPECT_FALSE(needs_reason(changes, true));

  after = before;
  after.name_en = "Chan Tai-man";
  after.mobile = "";
  const auto renamed = changed_fields(before, after);
  EXPECT_TRUE(needs_reason(renamed, true));
  EXPECT_FALSE(needs_reason(renamed, false));
  EXPECT_EQ(change_detail(renamed), "name_en: Chan Tai Man -> Chan Tai-man; mobile: 91234567 -> (none)");
  after = before;
  after.date_of_birth = d("1990-05-02");
  EXPECT_TRUE(needs_reason(changed_fields(before, after), true));
  EXPECT_FALSE(contact_changed(changed_fields(before, after)));
  EXPECT_TRUE(changed_fields(before, before).empty());
}

}  // namespace
}  // namespace shelfmark::domain
