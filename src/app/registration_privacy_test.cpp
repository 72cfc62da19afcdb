// Hardening issue, items 4 and 7, on both backends. Item 4: registration gives a stranger no HKID oracle. The
// details step says nothing about whether an HKID number has an account or an application; a submission with
// such a number gets the answer any submission gets, makes nothing, and the holder is told at the address they
// gave us; a draft may try only a few numbers and an address only so many submissions. Item 7: counter staff see
// only what completing a Type B application needs.
#include "app/messages.h"
#include "app/registration.h"
#include "app/testing/use_case_test.h"
#include "core/text.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::RegistrationType;
using testing::UseCaseTest;

class CleanImages final : public ImageSanitizer {
 public:
  ImageCheck sanitize(std::string_view bytes) override {
    return CleanImage{"image/png", "clean:" + std::string(bytes), 10, 20};
  }
};

class RegistrationPrivacy : public UseCaseTest {
 protected:
  RegistrationPrivacy() : UseCaseTest({.hasher_in_flight = 2}) {}
  void SetUp() override {
    auto central = testing::library("CL", domain::LibraryKind::kCentral);
    central.name = {"Central Library", "中央圖書館"};
    new_library(central);
    new_staff({"verifier", "Verifier", domain::Role::kVerifier});
  }

  static domain::ApplicantForm form(const std::string& hkid, const std::string& email) {
    domain::ApplicantForm f;
    f.name_en = "CHAN, Tai Man";
    f.name_zh = "陳大文";
    f.hkid = hkid;
    f.date_of_birth = "1990-05-01";
    f.email = email;
    f.mobile = "9123 4567";
    f.language = "en";
    f.smart_id_card = "yes";
    f.address = "Flat A, 3/F, 1 Nathan Road";
    f.library_code = "CL";
    return f;
  }

  std::string draft_with_details(RegistrationType type, const std::string& hkid, const std::string& email,
                                 const std::string& address) {
    auto started = start_application(*context, services, type, address);
    EXPECT_TRUE(started);
    EXPECT_TRUE(accept_terms(*context, services, started->token, true, true, true));
    EXPECT_TRUE(save_details(*context, services, started->token, form(hkid, email), kPassword, kPassword));
    return started->token;
  }

  std::string ready_draft(RegistrationType type, const std::string& hkid, const std::string& email,
                          const std::string& address) {
    const auto token = draft_with_details(type, hkid, email, address);
    for (auto kind : domain::required_documents(type))
      EXPECT_TRUE(upload_document(*context, services, token, kind, "IMG", false));
    return token;
  }

  std::vector<OutboundMessage> messages_to(const std::string& recipient) {
    std::vector<OutboundMessage> messages;
    store->transact(Store::Mode::kRead, [&](Repositories& repos) { messages = repos.outbox.to_recipient(recipient); });
    return messages;
  }

  long long queued_id(const std::string& reference) {
    const auto queue = registration_queue(*context, verifier, {});
    for (const auto& entry : queue->entries)
      if (entry.record.reference == reference) return entry.record.id;
    ADD_FAILURE() << "not in the queue: " << reference;
    return 0;
  }

  static constexpr const char* kPassword = "river walk 2468";
  std::unique_ptr<Sealer> sealer = testing::test_sealer();
  CleanImages images;
  RegistrationServices services{*sealer, images, {}};
  Actor verifier{1, domain::Role::kVerifier};
  Actor counter{1, domain::Role::kCounter};
};

TEST_P(RegistrationPrivacy, TheDetailsStepSaysNothingAboutAnHkidWithAnApplicationOrAnAccount) {
  // A123456(3) has an application in progress; G123456(A) an account (its E-Account approved and completed).
  ASSERT_TRUE(submit_application(
      *context, services, ready_draft(RegistrationType::kLibraryCard, "A123456(3)", "chan@example.com", "10.0.0.1"),
      "10.0.0.1"));
  auto account = submit_application(
      *context, services, ready_draft(RegistrationType::kEAccount, "G123456(A)", "wong@example.com", "10.0.0.2"),
      "10.0.0.2");
  ASSERT_TRUE(account);
  ASSERT_TRUE(approve_application(*context, services, verifier, queued_id(account->reference)));

  for (const char* hkid : {"A123456(3)", "G123456(A)", "E364912(5)"}) {
    auto started = start_application(*context, services, RegistrationType::kEAccount, "10.0.1.1");
    ASSERT_TRUE(accept_terms(*context, services, started->token, true, true, true));
    EXPECT_TRUE(
        save_details(*context, services, started->token, form(hkid, "someone@example.com"), kPassword, kPassword))
        << hkid;
    EXPECT_TRUE(find_draft(*context, services, started->token)->details_valid) << hkid;
  }
}

TEST_P(RegistrationPrivacy, ADuplicateGetsTheAnswerAnySubmissionGetsAndTheAccountHolderIsTold) {
  auto held = submit_application(*context, services,
                                 ready_draft(RegistrationType::kEAccount, "A123456(3)", "chan@example.com", "10.0.0.1"),
                                 "10.0.0.1");
  ASSERT_TRUE(held);
  ASSERT_TRUE(approve_application(*context, services, verifier, queued_id(held->reference)));
  const auto readers = count("SELECT COUNT(*) FROM readers");
  const auto told_before = messages_to("chan@example.com").size();

  // A stranger applies with a new number and with the holder's, each from a fresh draft of the same kind.
  auto fresh = submit_application(
      *context, services,
      ready_draft(RegistrationType::kLibraryCard, "E364912(5)", "stranger@example.com", "203.0.113.1"), "203.0.113.1");
  const auto duplicate_draft =
      ready_draft(RegistrationType::kLibraryCard, "A123456(3)", "stranger@example.com", "203.0.113.2");
  auto duplicate = submit_application(*context, services, duplicate_draft, "203.0.113.2");
  ASSERT_TRUE(fresh);
  ASSERT_TRUE(duplicate);  // not refused: a refusal would tell
  EXPECT_EQ(duplicate->type, fresh->type);
  EXPECT_EQ(duplicate->can_log_in_now, fresh->can_log_in_now);
  EXPECT_EQ(duplicate->library_code, fresh->library_code);
  EXPECT_EQ(duplicate->reference.size(), fresh->reference.size());
  EXPECT_NE(duplicate->reference, fresh->reference);
  EXPECT_FALSE(find_draft(*context, services, duplicate_draft));  // the cookie no longer opens it, as after any

  // Nothing was made of it: one new reader (the fresh one), the duplicate kept as rejected, scrubbed, its
  // documents destroyed.
  EXPECT_EQ(count("SELECT COUNT(*) FROM readers"), readers + 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_applications WHERE reference = '" + duplicate->reference +
                  "' AND status = 'rejected' AND decision = 'rejected:already_registered' AND form_sealed IS NULL "
                  "AND COALESCE(hkid_digest, '') = '' AND name_en = '' AND reader_id IS NULL"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_documents d JOIN registration_applications a ON "
                  "a.id = d.application_id WHERE a.reference = '" +
                  duplicate->reference + "'"),
            0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.duplicate'"), 1);

  // The stranger's address hears only of the fresh application; the holder, at the address on file, of the try.
  const auto to_stranger = messages_to("stranger@example.com");
  ASSERT_EQ(to_stranger.size(), 1u);
  EXPECT_EQ(decode_fields(to_stranger[0].params)["reference"], fresh->reference);
  auto to_holder = messages_to("chan@example.com");
  ASSERT_EQ(to_holder.size(), told_before + 1);
  EXPECT_EQ(to_holder.back().kind, "registration_duplicate");
  EXPECT_EQ(decode_fields(to_holder.back().params)["held"], "account");
  EXPECT_EQ(to_holder.back().params.find("stranger"), std::string::npos);

  // Told once a day at most, however often it is tried.
  ASSERT_TRUE(submit_application(
      *context, services, ready_draft(RegistrationType::kEAccount, "A1234563", "stranger@example.com", "203.0.113.3"),
      "203.0.113.3"));
  EXPECT_EQ(messages_to("chan@example.com").size(), told_before + 1);
  clock->set(clock->now() + std::chrono::hours(25));
  ASSERT_TRUE(submit_application(
      *context, services, ready_draft(RegistrationType::kEAccount, "a123456(3)", "stranger@example.com", "203.0.113.4"),
      "203.0.113.4"));
  EXPECT_EQ(messages_to("chan@example.com").size(), told_before + 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM readers"), readers + 1);
}

TEST_P(RegistrationPrivacy, AnApplicantWhoseApplicationIsInProgressIsToldAtTheirOwnAddress) {
  auto first = submit_application(
      *context, services, ready_draft(RegistrationType::kLibraryCard, "A123456(3)", "chan@example.com", "10.0.0.1"),
      "10.0.0.1");
  ASSERT_TRUE(first);
  ASSERT_TRUE(submit_application(
      *context, services, ready_draft(RegistrationType::kEAccount, "A123456(3)", "stranger@example.com", "203.0.113.1"),
      "203.0.113.1"));
  EXPECT_TRUE(messages_to("stranger@example.com").empty());
  const auto told = messages_to("chan@example.com");
  ASSERT_EQ(told.size(), 2u);  // the acknowledgement of their own, then this
  EXPECT_EQ(told[1].kind, "registration_duplicate");
  EXPECT_EQ(told[1].language, domain::Language::kEnglish);
  auto params = decode_fields(told[1].params);
  EXPECT_EQ(params["held"], "application");
  EXPECT_EQ(params["reference"], first->reference);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_applications WHERE decision = 'rejected:duplicate'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_applications WHERE status = 'submitted'"), 1);
}

TEST_P(RegistrationPrivacy, ADraftMayTryOnlyAFewHkidNumbers) {
  ASSERT_EQ(services.settings.hkids_per_draft, 3);
  auto started = start_application(*context, services, RegistrationType::kEAccount, "10.0.0.1");
  const auto token = started->token;
  ASSERT_TRUE(accept_terms(*context, services, token, true, true, true));
  for (const char* hkid : {"A123456(3)", "A123456(3)", "G123456(A)", "E364912(5)", "e 364912 (5)"})
    EXPECT_TRUE(save_details(*context, services, token, form(hkid, "chan@example.com"), kPassword, kPassword)) << hkid;
  auto refused = save_details(*context, services, token, form("AB987654(3)", "chan@example.com"), "", "");
  ASSERT_FALSE(refused);
  ASSERT_EQ(refused.error().fields.size(), 1u);
  EXPECT_EQ(refused.error().fields.front().field, "hkid");
  EXPECT_EQ(refused.error().fields.front().code, ErrorCode::kTooManyHkids);
  EXPECT_FALSE(find_draft(*context, services, token)->details_valid);
  EXPECT_EQ(find_draft(*context, services, token)->form.hkid, "AB987654(3)");  // what was typed is kept
  // The number the draft has is still its own; other drafts have their own allowance.
  EXPECT_TRUE(save_details(*context, services, token, form("E364912(5)", "chan@example.com"), "", ""));
  EXPECT_TRUE(find_draft(*context, services, token)->details_valid);
  draft_with_details(RegistrationType::kEAccount, "AB987654(3)", "chan@example.com", "10.0.0.1");
}

TEST_P(RegistrationPrivacy, AnAddressMayMakeOnlySoManySubmissions) {
  services.settings.submissions_per_address_per_hour = 2;
  std::vector<std::string> drafts;
  for (const char* hkid : {"A123456(3)", "G123456(A)", "E364912(5)"})
    drafts.push_back(ready_draft(RegistrationType::kEAccount, hkid, "chan@example.com", "10.0.0.1"));
  EXPECT_TRUE(submit_application(*context, services, drafts[0], "198.51.100.7"));
  EXPECT_TRUE(submit_application(*context, services, drafts[1], "198.51.100.7"));
  EXPECT_EQ(submit_application(*context, services, drafts[2], "198.51.100.7").error().code,
            ErrorCode::kTooManyApplications);
  EXPECT_TRUE(submit_application(*context, services, drafts[2], "198.51.100.8"));
  clock->set(clock->now() + std::chrono::minutes(61));
  EXPECT_TRUE(submit_application(
      *context, services, ready_draft(RegistrationType::kEAccount, "AB987654(3)", "chan@example.com", "10.0.0.2"),
      "198.51.100.7"));
}

// Item 7: the counter finds only Type B applications awaiting completion, and sees only what completing one
// needs; verifiers keep their full view.
TEST_P(RegistrationPrivacy, CounterStaffSeeOnlyWhatCompletingATypeBApplicationNeeds) {
  auto library_card = submit_application(
      *context, services, ready_draft(RegistrationType::kLibraryCard, "A123456(3)", "chan@example.com", "10.0.0.1"),
      "10.0.0.1");
  auto e_account = submit_application(
      *context, services, ready_draft(RegistrationType::kEAccount, "G123456(A)", "wong@example.com", "10.0.0.2"),
      "10.0.0.2");
  ASSERT_TRUE(library_card);
  ASSERT_TRUE(e_account);
  const auto type_b = queued_id(library_card->reference);
  const auto type_a = queued_id(e_account->reference);

  // Found by reference, HKID or name: the Type B one only.
  EXPECT_TRUE(find_for_completion(*context, counter, e_account->reference)->empty());
  EXPECT_TRUE(find_for_completion(*context, counter, "g123456a")->empty());
  const auto by_name = find_for_completion(*context, counter, "chan tai");
  ASSERT_EQ(by_name->size(), 1u);
  EXPECT_EQ(by_name->at(0).id, type_b);

  // An E-Account is not found at the counter, whoever asks; nor is the verifiers' view open to the counter.
  EXPECT_EQ(completion_view(*context, services, counter, type_a).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(completion_view(*context, services, verifier, type_a).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(completion_view(*context, services, counter, 999999).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(application_detail(*context, services, counter, type_a).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(application_detail(*context, services, counter, type_b).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(completion_view(*context, services, Actor{1, domain::Role::kCataloguer}, type_b).error().code,
            ErrorCode::kPermissionDenied);

  // What the counter sees: nothing of the date of birth, email or mobile.
  auto view = completion_view(*context, services, counter, type_b);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->reference, library_card->reference);
  EXPECT_EQ(view->status, domain::ApplicationStatus::kSubmitted);
  EXPECT_EQ(view->name_en, "CHAN, Tai Man");
  EXPECT_EQ(view->name_zh, "陳大文");
  EXPECT_EQ(view->hkid_masked, "A123***(*)");
  EXPECT_EQ(view->address, "Flat A, 3/F, 1 Nathan Road");
  EXPECT_EQ(view->library_code, "CL");
  EXPECT_EQ(view->category, domain::ReaderCategory::kAdult);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'registration.completion_view'"), 1);

  // The verifier still sees what verifying needs: the typed data in full, and the documents.
  auto detail = application_detail(*context, services, verifier, type_b);
  ASSERT_TRUE(detail);
  EXPECT_EQ(detail->hkid_display, "A123456(3)");
  EXPECT_EQ(detail->form.date_of_birth, "1990-05-01");
  EXPECT_EQ(detail->form.email, "chan@example.com");
  EXPECT_EQ(detail->form.mobile, "9123 4567");
  EXPECT_EQ(detail->documents.size(), 2u);

  // Once completed, it is no longer found at the counter.
  ASSERT_TRUE(complete_in_person(*context, services, counter, type_b, {true, "A1234563", "2020-01-01", false, ""}));
  EXPECT_TRUE(find_for_completion(*context, counter, library_card->reference)->empty());
  EXPECT_EQ(completion_view(*context, services, counter, type_b).error().code, ErrorCode::kNotFound);
}

SHELFMARK_ON_BOTH_BACKENDS(RegistrationPrivacy);

}  // namespace
}  // namespace shelfmark::app
