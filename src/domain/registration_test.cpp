#include "domain/registration.h"

#include <gtest/gtest.h>

namespace shelfmark::domain {
namespace {

std::string normal(std::string_view text) {
  auto hkid = parse_hkid(text);
  return hkid ? hkid->normal : "error:" + std::string(error_info(hkid.error().code).name);
}

TEST(Hkid, CheckCharactersFromTheDesignVectors) {
  EXPECT_EQ(hkid_check_character("A123456"), '3');
  EXPECT_EQ(hkid_check_character("G123456"), 'A');
  EXPECT_EQ(hkid_check_character("E364912"), '5');
  EXPECT_EQ(hkid_check_character("AB987654"), '3');
  EXPECT_EQ(hkid_check_character("A12345"), 0);
  EXPECT_EQ(hkid_check_character("1234567"), 0);
  EXPECT_EQ(hkid_check_character("ABC12345"), 0);
}

TEST(Hkid, AcceptsCommonSpellingsAndStoresOneForm) {
  EXPECT_EQ(normal("A123456(3)"), "A1234563");
  EXPECT_EQ(normal("A1234563"), "A1234563");
  EXPECT_EQ(normal("a123456(3)"), "A1234563");
  EXPECT_EQ(normal(" A 123456 (3) "), "A1234563");
  EXPECT_EQ(normal("A123456-3"), "A1234563");
  EXPECT_EQ(normal("G123456(A)"), "G123456A");
  EXPECT_EQ(normal("g123456a"), "G123456A");
  EXPECT_EQ(normal("AB987654(3)"), "AB9876543");
  EXPECT_EQ(normal("E364912（5）"), "E3649125");          // full-width brackets
  EXPECT_EQ(normal("Ａ１２３４５６（３）"), "A1234563");  // all full-width
}

TEST(Hkid, RefusesWrongCheckDigitsAndShapes) {
  EXPECT_EQ(normal("A123456(4)"), "error:hkid_check_digit");
  EXPECT_EQ(normal("AB987654(2)"), "error:hkid_check_digit");
  EXPECT_EQ(normal("G123456(0)"), "error:hkid_check_digit");
  EXPECT_EQ(normal("A12345(6)"), "error:hkid_invalid");
  EXPECT_EQ(normal("ABC123456(3)"), "error:hkid_invalid");
  EXPECT_EQ(normal("1234567(8)"), "error:hkid_invalid");
  EXPECT_EQ(normal("A123456(B)"), "error:hkid_invalid");
  EXPECT_EQ(normal("A123456"), "error:hkid_invalid");  // no check digit: one short
  EXPECT_EQ(normal("甲123456(3)"), "error:hkid_invalid");
  EXPECT_EQ(normal(""), "error:hkid_invalid");
  EXPECT_EQ(normal(std::string(10000, 'A')), "error:hkid_invalid");
  EXPECT_EQ(normal("\xff\xfe"), "error:hkid_invalid");
}

TEST(Hkid, DisplayAndMaskedForms) {
  const auto one = parse_hkid("A1234563").value();
  EXPECT_EQ(one.display(), "A123456(3)");
  EXPECT_EQ(one.masked(), "A123***(*)");
  const auto two = parse_hkid("AB9876543").value();
  EXPECT_EQ(two.display(), "AB987654(3)");
  EXPECT_EQ(two.masked(), "AB987***(*)");
}

TEST(Contact, EmailAndMobileNormalForms) {
  EXPECT_EQ(normalise_email(" Chan.Tai-Man@Example.COM "), "Chan.Tai-Man@example.com");
  EXPECT_FALSE(normalise_email("no-at-sign"));
  EXPECT_FALSE(normalise_email("two@@example.com"));
  EXPECT_FALSE(normalise_email("a@localhost"));
  EXPECT_FALSE(normalise_email("a b@example.com"));
  EXPECT_FALSE(normalise_email("a@example..com"));
  EXPECT_FALSE(normalise_email("a@example.com\r\nBcc: x@y.z"));
  EXPECT_EQ(normalise_hk_mobile("9123 4567"), "91234567");
  EXPECT_EQ(normalise_hk_mobile("+852 9123-4567"), "91234567");
  EXPECT_EQ(normalise_hk_mobile("８５２９１２３４５６７"), "91234567");
  EXPECT_FALSE(normalise_hk_mobile("2123 4567"));  // a fixed line
  EXPECT_FALSE(normalise_hk_mobile("+86 139 1234 5678"));
  EXPECT_FALSE(normalise_hk_mobile("9123456"));
}

TEST(Registration, AgeCountsBirthdays) {
  const auto d = [](int y, unsigned m, unsigned day) {
    return Date{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{day}};
  };
  EXPECT_EQ(age_on(d(2008, 11, 22), d(2026, 11, 22)), 18);
  EXPECT_EQ(age_on(d(2008, 11, 23), d(2026, 11, 22)), 17);
  EXPECT_EQ(age_on(d(2008, 2, 29), d(2026, 2, 28)), 17);
}

ApplicantForm adult_form() {
  ApplicantForm form;
  form.name_en = "CHAN, Tai Man";
  form.name_zh = "陳大文";
  form.hkid = "A123456(3)";
  form.date_of_birth = "1990-05-01";
  form.email = "chan@example.com";
  form.language = "tc";
  form.smart_id_card = "yes";
  return form;
}

const Date kToday = Date{std::chrono::year{2026} / 11 / 22};

TEST(Registration, ValidEAccountFormGivesNormalForms) {
  auto details = validate_applicant(adult_form(), RegistrationType::kEAccount, kToday);
  ASSERT_TRUE(details);
  EXPECT_EQ(details->hkid.normal, "A1234563");
  EXPECT_EQ(details->language, Language::kTraditionalChinese);
  EXPECT_FALSE(details->minor);
  EXPECT_TRUE(details->smart_id_card);
}

std::vector<std::string> error_fields(const Outcome<ApplicantDetails>& outcome) {
  std::vector<std::string> fields;
  if (!outcome)
    for (const auto& error : outcome.error().fields)
      fields.push_back(error.field + ":" + std::string(error_info(error.code).name));
  return fields;
}

TEST(Registration, LibraryCardNeedsAddressAndLibrary) {
  EXPECT_EQ(error_fields(validate_applicant(adult_form(), RegistrationType::kLibraryCard, kToday)),
            (std::vector<std::string>{"address:required", "library_code:required"}));
}

TEST(Registration, EveryFieldErrorNamesItsField) {
  ApplicantForm form;
  form.hkid = "A123456(4)";
  form.date_of_birth = "2030-01-01";
  form.sex = "X";
  form.mobile = "12";
  form.language = "fr";
  form.smart_id_card = "maybe";
  EXPECT_EQ(
      error_fields(validate_applicant(form, RegistrationType::kEAccount, kToday)),
      (std::vector<std::string>{"name_en:required", "hkid:hkid_check_digit", "date_of_birth:date_of_birth_invalid",
                                "sex:invalid_choice", "mobile:mobile_invalid", "language:invalid_choice",
                                "smart_id_card:invalid_choice"}));
}

TEST(Registration, EmailOrMobileIsRequired) {
  auto form = adult_form();
  form.email.clear();
  EXPECT_EQ(error_fields(validate_applicant(form, RegistrationType::kEAccount, kToday)),
            (std::vector<std::string>{"email:contact_required"}));
  form.mobile = "6123 4567";
  EXPECT_TRUE(validate_applicant(form, RegistrationType::kEAccount, kToday));
}

TEST(Registration, UnderEighteenNeedsTheGuardianSection) {
  auto form = adult_form();
  form.date_of_birth = "2015-01-01";
  EXPECT_EQ(error_fields(validate_applicant(form, RegistrationType::kEAccount, kToday)),
            (std::vector<std::string>{"guardian_name:required", "guardian_relationship:invalid_choice",
                                      "guardian_phone:required", "guardian_accepts:must_accept"}));
  form.guardian_name = "CHAN, Siu Ming";
  form.guardian_relationship = "parent";
  form.guardian_phone = "9876 5432";
  form.guardian_accepts = "yes";
  auto details = validate_applicant(form, RegistrationType::kEAccount, kToday);
  ASSERT_TRUE(details);
  EXPECT_TRUE(details->minor);
  EXPECT_EQ(details->guardian_phone, "98765432");
}

TEST(Registration, ReaderPasswords) {
  EXPECT_EQ(check_reader_password("short", "")->code, ErrorCode::kPasswordTooShort);
  EXPECT_EQ(check_reader_password("password", "")->code, ErrorCode::kPasswordTooCommon);
  EXPECT_EQ(check_reader_password("xxa1234563yy", "A1234563")->code, ErrorCode::kPasswordContainsUsername);
  EXPECT_EQ(check_reader_password(std::string(257, 'x'), "")->code, ErrorCode::kPasswordTooLong);
  EXPECT_FALSE(check_reader_password("海闊天空 river walk", "A1234563"));
}

TEST(Registration, WhereAndWhenAnAccountWorks) {
  EXPECT_TRUE(completes_registrations(LibraryKind::kDistrict));
  EXPECT_FALSE(completes_registrations(LibraryKind::kMobile));
  EXPECT_FALSE(completes_registrations(LibraryKind::kSelfService));
  EXPECT_TRUE(active_on_submission(RegistrationType::kEAccount, true));
  EXPECT_FALSE(active_on_submission(RegistrationType::kEAccount, false));
  EXPECT_FALSE(active_on_submission(RegistrationType::kLibraryCard, true));
  EXPECT_EQ(reader_category_for_age(11), ReaderCategory::kChild);
  EXPECT_EQ(reader_category_for_age(12), ReaderCategory::kYoungAdult);
  EXPECT_EQ(reader_category_for_age(17), ReaderCategory::kYoungAdult);
  EXPECT_EQ(reader_category_for_age(18), ReaderCategory::kAdult);
  EXPECT_EQ(applicant_form_fields().size(), 15u);
  EXPECT_TRUE(completable_in_person(RegistrationType::kLibraryCard, ApplicationStatus::kVerified));
  EXPECT_FALSE(completable_in_person(RegistrationType::kEAccount, ApplicationStatus::kSubmitted));
  EXPECT_FALSE(completable_in_person(RegistrationType::kLibraryCard, ApplicationStatus::kCompleted));
}

TEST(Registration, CodesRoundTrip) {
  for (auto reason : all_rejection_reasons()) EXPECT_EQ(parse_rejection_reason(rejection_reason_code(reason)), reason);
  EXPECT_EQ(parse_registration_type("library_card"), RegistrationType::kLibraryCard);
  EXPECT_EQ(parse_application_status("verified"), ApplicationStatus::kVerified);
  EXPECT_FALSE(parse_registration_type("staff"));
  EXPECT_EQ(required_documents(RegistrationType::kEAccount).size(), 1u);
  EXPECT_EQ(required_documents(RegistrationType::kLibraryCard).size(), 2u);
  EXPECT_TRUE(valid_card_number("21000000001"));
  EXPECT_FALSE(valid_card_number("2100-0000"));
  EXPECT_FALSE(valid_card_number("1234567"));
}

}  // namespace
}  // namespace shelfmark::domain

namespace shelfmark::domain {
namespace {
TEST(Registration, ReplacementCardFeeIsLowerUnder18) {
  EXPECT_EQ(replacement_card_fee(ReaderCategory::kAdult).cents, 3300);
  EXPECT_EQ(replacement_card_fee(ReaderCategory::kTemporary).cents, 3300);
  EXPECT_EQ(replacement_card_fee(ReaderCategory::kYoungAdult).cents, 1700);
  EXPECT_EQ(replacement_card_fee(ReaderCategory::kChild).cents, 1700);
}
}  // namespace
}  // namespace shelfmark::domain
