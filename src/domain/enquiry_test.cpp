#include "domain/enquiry.h"

#include <gtest/gtest.h>

namespace shelfmark::domain {
namespace {

EnquiryForm valid_public_form() {
  return {"Chan Tai Man", "Chan@Example.HK", "hong_kong_studies", "tc", "", "Where can I find old maps of Kowloon?"};
}

std::vector<std::string> fields_of(const Failure& failure) {
  std::vector<std::string> fields;
  for (const auto& error : failure.fields) fields.push_back(error.field);
  return fields;
}

TEST(EnquiryForm, PublicEnquiryNeedsNameAndEmailAndKeepsThemInNormalForm) {
  auto details = validate_enquiry(valid_public_form(), false);
  ASSERT_TRUE(details);
  EXPECT_EQ(details->name, "Chan Tai Man");
  EXPECT_EQ(details->email, "Chan@example.hk");
  EXPECT_EQ(details->subject, EnquirySubject::kHongKongStudies);
  EXPECT_EQ(details->language, Language::kTraditionalChinese);

  auto form = valid_public_form();
  form.name = " ";
  form.email = "";
  auto missing = validate_enquiry(form, false);
  ASSERT_FALSE(missing);
  EXPECT_EQ(fields_of(missing.error()), (std::vector<std::string>{"name", "email"}));
  form.email = "not an address";
  EXPECT_EQ(validate_enquiry(form, false).error().fields.at(1).code, ErrorCode::kEmailInvalid);
}

TEST(EnquiryForm, SignedInReaderGivesNoNameOrEmail) {
  auto form = valid_public_form();
  form.name.clear();
  form.email.clear();
  auto details = validate_enquiry(form, true);
  ASSERT_TRUE(details);
  EXPECT_TRUE(details->name.empty());
  EXPECT_TRUE(details->email.empty());
}

TEST(EnquiryForm, SubjectAndLanguageMustBeFromTheLists) {
  auto form = valid_public_form();
  form.subject = "gossip";
  form.language = "fr";
  auto result = validate_enquiry(form, false);
  ASSERT_FALSE(result);
  EXPECT_EQ(fields_of(result.error()), (std::vector<std::string>{"subject", "language"}));
  EXPECT_EQ(result.error().fields[0].code, ErrorCode::kInvalidChoice);
}

TEST(EnquiryForm, QuestionLengthIsCappedInCharactersNotBytes) {
  auto form = valid_public_form();
  form.question = "太短";
  auto short_one = validate_enquiry(form, false);
  ASSERT_FALSE(short_one);
  EXPECT_EQ(short_one.error().fields[0].code, ErrorCode::kTooShort);
  form.question = std::string();
  for (std::size_t i = 0; i < kEnquiryQuestionMax; ++i) form.question += "館";  // 3 bytes each
  EXPECT_TRUE(validate_enquiry(form, false));
  form.question += "館";
  auto long_one = validate_enquiry(form, false);
  ASSERT_FALSE(long_one);
  EXPECT_EQ(long_one.error().fields[0].code, ErrorCode::kTooLong);
  form.question = "\xff\xfe not text at all";
  EXPECT_EQ(validate_enquiry(form, false).error().fields[0].code, ErrorCode::kInvalidText);
}

TEST(EnquiryForm, QuestionIsCleanedButKeepsItsLines) {
  auto form = valid_public_form();
  form.question = "  First line\r\nSecond\x07 line  ";
  auto details = validate_enquiry(form, false);
  ASSERT_TRUE(details);
  EXPECT_EQ(details->question, "First line\nSecond line");
}

TEST(EnquiryCodes, EveryCodeRoundTrips) {
  for (auto subject : all_enquiry_subjects()) EXPECT_EQ(parse_enquiry_subject(enquiry_subject_code(subject)), subject);
  for (auto status : all_enquiry_statuses()) EXPECT_EQ(parse_enquiry_status(enquiry_status_code(status)), status);
  EXPECT_EQ(all_enquiry_subjects().size(), 6u);
  EXPECT_FALSE(parse_enquiry_status("lost"));
}

TEST(EnquiryTransitions, OnlyOneMemberOfStaffHoldsAnEnquiry) {
  EXPECT_EQ(can_claim(EnquiryStatus::kNew, false), std::nullopt);
  EXPECT_EQ(can_claim(EnquiryStatus::kTransferred, false), std::nullopt);
  EXPECT_EQ(can_claim(EnquiryStatus::kClaimed, true), std::nullopt);
  EXPECT_EQ(can_claim(EnquiryStatus::kClaimed, false), ErrorCode::kEnquiryClaimedByAnother);
  EXPECT_EQ(can_claim(EnquiryStatus::kAnswered, false), ErrorCode::kEnquiryAlreadyAnswered);
  // Releasing: one's own claim, or anyone's for an administrator.
  EXPECT_EQ(can_release(EnquiryStatus::kClaimed, true, Role::kReference), std::nullopt);
  EXPECT_EQ(can_release(EnquiryStatus::kClaimed, false, Role::kAdministrator), std::nullopt);
  EXPECT_EQ(can_release(EnquiryStatus::kClaimed, false, Role::kReference), ErrorCode::kEnquiryClaimedByAnother);
  EXPECT_EQ(can_release(EnquiryStatus::kNew, false, Role::kReference), std::nullopt);  // nothing held
  EXPECT_EQ(can_claim(EnquiryStatus::kClosed, false), ErrorCode::kEnquiryClosed);
}

TEST(EnquiryTransitions, ReplyNeedsTheClaim) {
  EXPECT_EQ(can_reply(EnquiryStatus::kNew, false), ErrorCode::kEnquiryNotClaimed);
  EXPECT_EQ(can_reply(EnquiryStatus::kTransferred, false), ErrorCode::kEnquiryNotClaimed);
  EXPECT_EQ(can_reply(EnquiryStatus::kClaimed, false), ErrorCode::kEnquiryClaimedByAnother);
  EXPECT_EQ(can_reply(EnquiryStatus::kClaimed, true), std::nullopt);
  EXPECT_EQ(can_reply(EnquiryStatus::kAnswered, true), std::nullopt);  // a follow-up
  EXPECT_EQ(can_reply(EnquiryStatus::kAnswered, false), ErrorCode::kEnquiryClaimedByAnother);
  EXPECT_EQ(can_reply(EnquiryStatus::kClosed, true), ErrorCode::kEnquiryClosed);
}

TEST(EnquiryTransitions, TransferAndClose) {
  EXPECT_EQ(can_transfer(EnquiryStatus::kNew, false, false), std::nullopt);
  EXPECT_EQ(can_transfer(EnquiryStatus::kClaimed, true, true), std::nullopt);
  EXPECT_EQ(can_transfer(EnquiryStatus::kClaimed, true, false), ErrorCode::kEnquiryClaimedByAnother);
  EXPECT_EQ(can_transfer(EnquiryStatus::kAnswered, true, true), ErrorCode::kEnquiryAlreadyAnswered);
  EXPECT_EQ(can_transfer(EnquiryStatus::kClosed, false, false), ErrorCode::kEnquiryClosed);
  EXPECT_EQ(can_close(EnquiryStatus::kNew, false, false), std::nullopt);  // spam needs no claim
  EXPECT_EQ(can_close(EnquiryStatus::kAnswered, true, false), std::nullopt);
  EXPECT_EQ(can_close(EnquiryStatus::kClaimed, true, false), ErrorCode::kEnquiryClaimedByAnother);
  EXPECT_EQ(can_close(EnquiryStatus::kClosed, false, false), ErrorCode::kEnquiryClosed);
}

TEST(EnquiryOverdue, AfterSeventyTwoHoursWithoutAnAnswer) {
  const auto sent = instant_from_unix(1'790'000'000);
  const auto limit = sent + std::chrono::hours(kEnquiryAnswerHours);
  EXPECT_FALSE(enquiry_overdue(EnquiryStatus::kNew, sent, limit));
  EXPECT_TRUE(enquiry_overdue(EnquiryStatus::kNew, sent, limit + std::chrono::seconds(1)));
  EXPECT_TRUE(enquiry_overdue(EnquiryStatus::kClaimed, sent, limit + std::chrono::hours(1)));
  EXPECT_TRUE(enquiry_overdue(EnquiryStatus::kTransferred, sent, limit + std::chrono::hours(1)));
  EXPECT_FALSE(enquiry_overdue(EnquiryStatus::kAnswered, sent, limit + std::chrono::hours(1)));
  EXPECT_FALSE(enquiry_overdue(EnquiryStatus::kClosed, sent, limit + std::chrono::hours(1)));
}

TEST(Faq, AtLeastOneLanguageAndEachLanguageComplete) {
  EXPECT_EQ(validate_faq({}).error().code, ErrorCode::kFaqLanguageRequired);
  auto half = validate_faq({"How do I renew?", "", "", ""});
  ASSERT_FALSE(half);
  EXPECT_EQ(fields_of(half.error()), (std::vector<std::string>{"answer_en"}));
  auto chinese = validate_faq({"", "", "如何續借？", "在「我的帳戶」續借。"});
  ASSERT_TRUE(chinese);
  EXPECT_EQ(chinese->question_tc, "如何續借？");
  EXPECT_TRUE(chinese->question_en.empty());
  EXPECT_TRUE(validate_faq({"How do I renew?", "In My Account.", "如何續借？", "在「我的帳戶」續借。"}));
}

TEST(EnquiryReply, RequiredAndCapped) {
  EXPECT_EQ(validate_reply("  ").error().code, ErrorCode::kRequired);
  EXPECT_EQ(validate_reply(std::string(kEnquiryReplyMax + 1, 'a')).error().code, ErrorCode::kTooLong);
  EXPECT_EQ(validate_reply(" Thank you.\r\n ").value(), "Thank you.");
}

}  // namespace
}  // namespace shelfmark::domain
