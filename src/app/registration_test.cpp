// Registration's use cases against the real store, on both backends: the applicant's steps, one application
// per HKID (also with 20 simultaneous submissions), staff decisions destroying documents and leaving their
// record, completion at the counter, temporary cards, expiry, and the outbox.
#include "app/registration.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <thread>

#include "app/cards.h"
#include "app/messages.h"
#include "app/reader_account.h"
#include "app/terminals.h"
#include "app/testing/use_case_test.h"
#include "core/text.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using testing::SqlValue;
using testing::UseCaseTest;

// Accepts anything starting with "IMG" as a clean PNG; the real sanitiser has its own tests.
class FakeImages final : public ImageSanitizer {
 public:
  int checks = 0;
  ImageCheck sanitize(std::string_view bytes) override {
    ++checks;
    if (bytes.rfind("IMG", 0) == 0) return CleanImage{"image/png", "clean:" + std::string(bytes), 10, 20};
    if (bytes.rfind("%PDF", 0) == 0) return ImageProblem::kNotJpegOrPng;
    return ImageProblem::kTruncatedOrCorrupt;
  }
};

class Registration : public UseCaseTest {
 protected:
  Registration() : UseCaseTest({.hasher_in_flight = 2}) {}
  void SetUp() override {
    new_library(testing::library("CL", domain::LibraryKind::kCentral));
    new_library(testing::library("MOB1", domain::LibraryKind::kMobile));
    new_staff({"verifier", "Verifier", domain::Role::kVerifier});
  }

  domain::ApplicantForm form(const std::string& hkid = "A123456(3)") {
    domain::ApplicantForm f;
    f.name_en = "CHAN, Tai Man";
    f.name_zh = "陳大文";
    f.hkid = hkid;
    f.date_of_birth = "1990-05-01";
    f.email = "chan@example.com";
    f.language = "tc";
    f.smart_id_card = "yes";
    f.address = "Flat A, 3/F, 1 Nathan Road";
    f.library_code = "CL";
    return f;
  }

  // A draft taken through every step, ready to submit.
  std::string ready_draft(domain::RegistrationType type, const std::string& hkid = "A123456(3)",
                          const std::string& address = "10.0.0.1") {
    auto started = start_application(*context, services, type, address);
    EXPECT_TRUE(started);
    const auto token = started->token;
    EXPECT_TRUE(accept_terms(*context, services, token, true, true, true));
    EXPECT_TRUE(save_details(*context, services, token, form(hkid), "river walk 2468", "river walk 2468"));
    for (auto kind : domain::required_documents(type))
      EXPECT_TRUE(upload_document(*context, services, token, kind,
                                  "IMG-" + std::string(domain::document_kind_code(kind)), false));
    return token;
  }

  // Runs the email delivery job and returns the token of the last reset link it sent ("" when none).
  std::string send_reset_links() {
    class LinkComposer final : public MessageComposer {
     public:
      std::optional<ComposedMessage> compose(const OutboundMessage& message) override {
        return ComposedMessage{message.kind, decode_fields(message.params)["token"]};
      }
    } composer;
    class Recording final : public MailTransport {
     public:
      SendOutcome send(const OutgoingEmail& email) override {
        if (email.subject == "password_reset") token = email.text_body;
        return {SendOutcome::Kind::kSent, ""};
      }
      std::string token;
    } transport;
    deliver_email(*context, composer, transport, {});
    return transport.token;
  }

  std::unique_ptr<Sealer> sealer = testing::test_sealer();
  FakeImages images;
  RegistrationServices services{*sealer, images, {}};
  Actor verifier{1, domain::Role::kVerifier};
  Actor counter{1, domain::Role::kCounter};
};

TEST_P(Registration, StepsKeepWhatWasTypedAndRefuseSkippingAhead) {
  auto started = start_application(*context, services, domain::RegistrationType::kLibraryCard, "10.0.0.1");
  ASSERT_TRUE(started);
  EXPECT_EQ(started->reference.size(), 10u);  // "R" + 4 + "-" + 4
  const auto token = started->token;
  EXPECT_EQ(save_details(*context, services, token, form(), "", "").error().code, ErrorCode::kStepMissing);
  EXPECT_EQ(accept_terms(*context, services, token, true, false, true).error().fields.front().field, "declarations");
  ASSERT_TRUE(accept_terms(*context, services, token, true, true, true));

  auto typed = form("A123456(4)");
  typed.address = "";
  auto saved = save_details(*context, services, token, typed, "short", "short");
  ASSERT_FALSE(saved);
  std::vector<std::string> fields;
  for (const auto& error : saved.error().fields) fields.push_back(error.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"hkid", "address", "password"}));
  auto draft = find_draft(*context, services, token);
  ASSERT_TRUE(draft);
  EXPECT_EQ(draft->form.hkid, "A123456(4)");  // kept as typed
  EXPECT_EQ(draft->form.name_zh, "陳大文");
  EXPECT_FALSE(draft->details_valid);
  EXPECT_FALSE(draft->password_set);
  EXPECT_EQ(submit_application(*context, services, token, "10.0.0.1").error().code, ErrorCode::kStepMissing);

  auto mobile_library = form();
  mobile_library.library_code = "MOB1";
  EXPECT_EQ(save_details(*context, services, token, mobile_library, "river walk 2468", "river walk 2468")
                .error()
                .fields.front()
                .field,
            "library_code");
  ASSERT_TRUE(save_details(*context, services, token, form(), "river walk 2468", "river walk 2468"));
  // The password is kept when the form is saved again without it.
  ASSERT_TRUE(save_details(*context, services, token, form(), "", ""));
  EXPECT_TRUE(find_draft(*context, services, token)->password_set);

  EXPECT_EQ(upload_document(*context, services, token, domain::DocumentKind::kIdentity, "%PDF-1.7", false)
                .error()
                .fields.front()
                .code,
            ErrorCode::kFileNotImage);
  EXPECT_EQ(upload_document(*context, services, token, domain::DocumentKind::kIdentity, "IMG", true)
                .error()
                .fields.front()
                .code,
            ErrorCode::kFileTooLarge);
  EXPECT_EQ(upload_document(*context, services, token, domain::DocumentKind::kIdentity,
                            std::string(domain::kMaxDocumentBytes + 1, 'I'), false)
                .error()
                .fields.front()
                .code,
            ErrorCode::kFileTooLarge);
  ASSERT_TRUE(upload_document(*context, services, token, domain::DocumentKind::kIdentity, "IMG-1", false));
  ASSERT_TRUE(upload_document(*context, services, token, domain::DocumentKind::kIdentity, "IMG-2", false));  // replaces
  EXPECT_FALSE(find_draft(*context, services, token)->documents_complete);
  ASSERT_TRUE(upload_document(*context, services, token, domain::DocumentKind::kAddress, "IMG-3", false));
  draft = find_draft(*context, services, token);
  EXPECT_TRUE(draft->documents_complete);
  EXPECT_EQ(draft->documents.size(), 2u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_document_deletions WHERE decision = 'replaced'"), 1);
  // Nothing personal in plain text in the database while it is a draft, except the name used to find it.
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_applications WHERE form_sealed LIKE '%A1234563%' OR "
                  "form_sealed LIKE '%Nathan%'"),
            0);
}

// Hardening issue, item 11: each check decodes an image in full (up to about half a second of CPU), so one
// draft may have only so many, counted whatever their outcome.
TEST_P(Registration, ADraftHasALimitedNumberOfImageChecks) {
  auto started = start_application(*context, services, domain::RegistrationType::kLibraryCard, "10.0.0.1");
  ASSERT_TRUE(started);
  const auto token = started->token;
  ASSERT_TRUE(accept_terms(*context, services, token, true, true, true));
  ASSERT_TRUE(save_details(*context, services, token, form(), "river walk 2468", "river walk 2468"));
  const int limit = services.settings.image_checks_per_draft;
  ASSERT_GE(limit, 4);  // two documents and a retake of each
  for (int i = 0; i < limit; ++i) {
    if (i % 2)
      EXPECT_EQ(upload_document(*context, services, token, domain::DocumentKind::kIdentity, "garbage", false)
                    .error()
                    .fields.front()
                    .code,
                ErrorCode::kFileCorrupt);
    else
      ASSERT_TRUE(upload_document(*context, services, token, domain::DocumentKind::kIdentity,
                                  "IMG-" + std::to_string(i), false));
  }
  EXPECT_EQ(images.checks, limit);
  const auto refused = upload_document(*context, services, token, domain::DocumentKind::kAddress, "IMG-A", false);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().fields.front().field, "address");
  EXPECT_EQ(refused.error().fields.front().code, ErrorCode::kTooManyUploads);
  EXPECT_EQ(images.checks, limit);  // refused before the sanitiser saw it
  // Files refused before decoding (too large, empty) do not count; other drafts have their own allowance.
  EXPECT_EQ(upload_document(*context, services, token, domain::DocumentKind::kAddress, "IMG", true)
                .error()
                .fields.front()
                .code,
            ErrorCode::kFileTooLarge);
  const auto other = ready_draft(domain::RegistrationType::kLibraryCard, "G123456(A)", "10.0.0.2");
  EXPECT_TRUE(find_draft(*context, services, other)->documents_complete);
}

TEST_P(Registration, TypeAWithSmartIdIsActiveAtOnceAndCanSignIn) {
  const auto token = ready_draft(domain::RegistrationType::kEAccount);
  auto submitted = submit_application(*context, services, token, "10.0.0.1");
  ASSERT_TRUE(submitted);
  EXPECT_TRUE(submitted->can_log_in_now);
  EXPECT_FALSE(find_draft(*context, services, token));  // the cookie no longer opens it
  std::optional<ReaderRecord> reader;
  store->transact(Store::Mode::kRead, [&](Repositories& repos) {
    auto holder = repos.registrations.reader_by_hkid(hkid_digest(*context, domain::parse_hkid("A1234563").value()));
    ASSERT_TRUE(holder);
    reader = repos.circulation.reader_by_id(holder->reader_id);
    auto messages = repos.outbox.to_recipient("chan@example.com");
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].kind, "registration_received");
    EXPECT_EQ(messages[0].language, domain::Language::kTraditionalChinese);
    EXPECT_EQ(decode_fields(messages[0].params)["reference"], submitted->reference);
  });
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->status, domain::ReaderStatus::kActive);
  EXPECT_EQ(reader->category, domain::ReaderCategory::kEAccount);
  EXPECT_EQ(reader->card_number.size(), 11u);  // the E-Account number
  EXPECT_TRUE(reader_log_in(*context, reader->card_number, "river walk 2468", "10.0.0.1"));

  // One person, one application: a second one with the same HKID is decided at submission, without telling the
  // browser (Hardening 4; registration_privacy_use_case_test.cpp has the rest): no second account.
  const auto second = ready_draft(domain::RegistrationType::kLibraryCard, "A123456(3)", "10.0.0.2");
  EXPECT_TRUE(find_draft(*context, services, second)->details_valid);
  ASSERT_TRUE(submit_application(*context, services, second, "10.0.0.2"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM readers WHERE hkid_digest IS NOT NULL"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_applications WHERE status = 'rejected' AND "
                  "decision = 'rejected:duplicate'"),
            1);  // the first is still being verified
}

TEST_P(Registration, TwentySimultaneousSubmissionsWithOneHkidMakeOneApplication) {
  std::vector<std::string> drafts;
  for (int i = 0; i < 20; ++i)
    drafts.push_back(ready_draft(domain::RegistrationType::kEAccount, "G123456(A)", "10.0.1." + std::to_string(i)));
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i)
    threads.emplace_back([&, i] {
      // Every submission gets the same answer (Hardening 4): the duplicates are told nothing different.
      if (submit_application(*context, services, drafts[i], "10.0.2." + std::to_string(i))) ++accepted;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(accepted.load(), 20);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_applications WHERE status = 'submitted'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_applications WHERE decision = 'rejected:duplicate'"), 19);
  EXPECT_EQ(count("SELECT COUNT(*) FROM readers WHERE hkid_digest IS NOT NULL"), 1);
}

TEST_P(Registration, ApprovalDestroysDocumentsAndLeavesTheirRecord) {
  const auto token = ready_draft(domain::RegistrationType::kEAccount);
  auto submitted = submit_application(*context, services, token, "10.0.0.1");
  ASSERT_TRUE(submitted);
  auto queue = registration_queue(*context, verifier, {});
  ASSERT_TRUE(queue);
  ASSERT_EQ(queue->entries.size(), 1u);
  const auto id = queue->entries[0].record.id;
  EXPECT_EQ(registration_queue(*context, counter, {}).error().code, ErrorCode::kPermissionDenied);

  auto detail = application_detail(*context, services, verifier, id);
  ASSERT_TRUE(detail);
  EXPECT_EQ(detail->hkid_display, "A123456(3)");
  ASSERT_EQ(detail->documents.size(), 1u);
  auto document = application_document(*context, services, verifier, id, detail->documents[0].id);
  ASSERT_TRUE(document);
  EXPECT_EQ(document->bytes, "clean:IMG-identity");
  EXPECT_EQ(application_document(*context, services, counter, id, detail->documents[0].id).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'document.view'"), 1);

  ASSERT_TRUE(approve_application(*context, services, verifier, id));
  EXPECT_EQ(approve_application(*context, services, verifier, id).error().code, ErrorCode::kApplicationNotOpen);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_documents"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_document_deletions WHERE decision = 'approved' AND staff_id = 1"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_applications WHERE form_sealed IS NULL AND name_en = '' AND "
                  "status = 'completed'"),
            1);
  EXPECT_EQ(application_document(*context, services, verifier, id, detail->documents[0].id).error().code,
            ErrorCode::kNotFound);
}

TEST_P(Registration, RejectionReleasesTheHkidAndTellsTheApplicant) {
  const auto token = ready_draft(domain::RegistrationType::kLibraryCard);
  ASSERT_TRUE(submit_application(*context, services, token, "10.0.0.1"));
  const auto id = registration_queue(*context, verifier, {})->entries.at(0).record.id;
  EXPECT_EQ(reject_application(*context, services, verifier, id, "because").error().fields.front().field, "reason");
  ASSERT_TRUE(reject_application(*context, services, verifier, id, "details_do_not_match"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_documents"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_document_deletions WHERE decision = 'rejected'"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM readers WHERE hkid_digest IS NOT NULL"), 0);
  store->transact(Store::Mode::kRead, [&](Repositories& repos) {
    auto messages = repos.outbox.to_recipient("chan@example.com");
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[1].kind, "registration_rejected");
    EXPECT_EQ(decode_fields(messages[1].params)["reason"], "details_do_not_match");
  });
  // The person may apply again.
  const auto again = ready_draft(domain::RegistrationType::kLibraryCard, "A123456(3)", "10.0.0.3");
  EXPECT_TRUE(submit_application(*context, services, again, "10.0.0.3"));
}

TEST_P(Registration, TypeBIsCompletedAtTheCounter) {
  const auto token = ready_draft(domain::RegistrationType::kLibraryCard);
  auto submitted = submit_application(*context, services, token, "10.0.0.1");
  ASSERT_TRUE(submitted);
  EXPECT_FALSE(submitted->can_log_in_now);
  EXPECT_EQ(submitted->library_code, "CL");

  auto found = find_for_completion(*context, counter, "a123456(3)");
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->at(0).hkid_masked, "A123***(*)");
  EXPECT_EQ(completion_view(*context, services, counter, found->at(0).id)->hkid_masked, "A123***(*)");
  EXPECT_EQ(application_detail(*context, services, counter, found->at(0).id).error().code,
            ErrorCode::kPermissionDenied);  // the verifiers' view, with the documents
  const auto id = found->at(0).id;
  EXPECT_EQ(find_for_completion(*context, counter, submitted->reference)->size(), 1u);
  EXPECT_EQ(find_for_completion(*context, counter, "chan tai")->size(), 1u);
  EXPECT_EQ(find_for_completion(*context, counter, "nobody")->size(), 0u);
  Actor cataloguer{1, domain::Role::kCataloguer};
  EXPECT_EQ(find_for_completion(*context, cataloguer, "chan").error().code, ErrorCode::kPermissionDenied);

  CompletionInput input;
  EXPECT_EQ(complete_in_person(*context, services, counter, id, input).error().fields.front().field, "issue_card");
  input.link_smart_id = true;
  input.smart_id_number = "G123456(A)";
  input.smart_id_issue_date = "2020-01-01";
  EXPECT_EQ(complete_in_person(*context, services, counter, id, input).error().fields.front().code,
            ErrorCode::kHkidDoesNotMatch);
  input.smart_id_number = "A1234563";
  input.issue_card = true;
  input.card_number = "2100000001";
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    repos.circulation.insert_reader(
        {0, "2100000001", "Someone", domain::ReaderCategory::kAdult, domain::ReaderStatus::kActive, std::nullopt},
        clock->now());
  });
  EXPECT_EQ(complete_in_person(*context, services, counter, id, input).error().fields.front().code,
            ErrorCode::kCardNumberTaken);
  input.card_number = "2199000001";
  auto completed = complete_in_person(*context, services, counter, id, input);
  ASSERT_TRUE(completed);
  EXPECT_EQ(completed->card_number, "2199000001");
  std::optional<ReaderRecord> reader;
  store->transact(Store::Mode::kRead,
                  [&](Repositories& repos) { reader = repos.circulation.reader_by_card("2199000001"); });
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->status, domain::ReaderStatus::kActive);
  EXPECT_EQ(reader->category, domain::ReaderCategory::kAdult);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_documents"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_document_deletions WHERE decision = 'completed'"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM readers WHERE smart_id_issued_on = '2020-01-01'"), 1);
  EXPECT_EQ(complete_in_person(*context, services, counter, id, input).error().code, ErrorCode::kApplicationNotOpen);
}

TEST_P(Registration, ALostCardIsReplacedAtTheCounterWithItsFeeOrTheNewSmartIdFree) {
  // A Type B reader with a smart ID card and a library card, as the counter completes them.
  const auto token = ready_draft(domain::RegistrationType::kLibraryCard);
  ASSERT_TRUE(submit_application(*context, services, token, "10.0.0.1"));
  const auto id = find_for_completion(*context, counter, "A1234563")->at(0).id;
  CompletionInput completion{true, "A1234563", "2020-01-01", true, "2199000001"};
  ASSERT_TRUE(complete_in_person(*context, services, counter, id, completion));
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    repos.circulation.insert_reader({0, "2100000077", "Young Reader", domain::ReaderCategory::kYoungAdult,
                                     domain::ReaderStatus::kActive, std::nullopt},
                                    clock->now());
  });

  ReplacementInput card{false, "2199000002", "", ""};
  EXPECT_EQ(replace_lost_card(*context, counter, "2199000001", card).error().code, ErrorCode::kCardNotReportedLost);
  ASSERT_TRUE(report_card_lost(*context, "2199000001", std::nullopt));
  EXPECT_EQ(replace_lost_card(*context, Actor{1, domain::Role::kCataloguer}, "2199000001", card).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(replace_lost_card(*context, counter, "2100009999", card).error().code, ErrorCode::kNotFound);
  card.card_number = "12";
  EXPECT_EQ(replace_lost_card(*context, counter, "2199000001", card).error().fields.at(0).code,
            ErrorCode::kCardNumberInvalid);
  card.card_number = "2100000077";
  EXPECT_EQ(replace_lost_card(*context, counter, "2199000001", card).error().fields.at(0).code,
            ErrorCode::kCardNumberTaken);

  // The smart ID card: the number must be the reader's own; no fee; the card number stays.
  ReplacementInput smart{true, "", "G123456(A)", "2026-11-01"};
  EXPECT_EQ(replace_lost_card(*context, counter, "2199000001", smart).error().fields.at(0).code,
            ErrorCode::kHkidDoesNotMatch);
  smart.smart_id_number = "A123456(3)";
  smart.smart_id_issue_date = "2099-01-01";
  EXPECT_EQ(replace_lost_card(*context, counter, "2199000001", smart).error().fields.at(0).field,
            "smart_id_issue_date");
  smart.smart_id_issue_date = "2026-11-01";
  auto replaced = replace_lost_card(*context, counter, "2199000001", smart);
  ASSERT_TRUE(replaced);
  EXPECT_EQ(replaced->card_number, "2199000001");
  EXPECT_EQ(replaced->fee.cents, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM readers WHERE smart_id_issued_on = '2026-11-01' AND status = 'active'"), 1);

  // A library card: the old number stops working, the fee is charged (HK$33, HK$17 under 18).
  ASSERT_TRUE(report_card_lost(*context, "2199000001", std::nullopt));
  card.card_number = "2199000002";
  replaced = replace_lost_card(*context, counter, "2199000001", card);
  ASSERT_TRUE(replaced);
  EXPECT_EQ(replaced->fee.cents, 3300);
  ASSERT_TRUE(report_card_lost(*context, "2100000077", std::nullopt));
  card.card_number = "2199000003";
  EXPECT_EQ(replace_lost_card(*context, counter, "2100000077", card)->fee.cents, 1700);
  std::optional<ReaderRecord> old_card, new_card;
  store->transact(Store::Mode::kRead, [&](Repositories& repos) {
    old_card = repos.circulation.reader_by_card("2199000001");
    new_card = repos.circulation.reader_by_card("2199000002");
  });
  EXPECT_FALSE(old_card);
  ASSERT_TRUE(new_card);
  EXPECT_EQ(new_card->status, domain::ReaderStatus::kActive);
  EXPECT_EQ(count("SELECT SUM(amount_cents) FROM charges WHERE kind = 'replacement_card'"), 5000);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'reader.card_replaced'"), 3);

  // A suspended reader who loses a card is blocked as lost, and stays suspended once it is replaced:
  // replacing a card does not lift a suspension.
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    repos.circulation.set_reader_status(new_card->id, domain::ReaderStatus::kSuspended);
  });
  ASSERT_TRUE(report_card_lost(*context, "2199000002", std::nullopt));
  ASSERT_TRUE(report_card_lost(*context, "2199000002", std::nullopt));  // twice: the suspension is still kept
  EXPECT_EQ(count("SELECT COUNT(*) FROM readers WHERE card_number = '2199000002' AND status = 'card_reported_lost'"),
            1);
  card.card_number = "2199000004";
  replaced = replace_lost_card(*context, counter, "2199000002", card);
  ASSERT_TRUE(replaced);
  EXPECT_EQ(replaced->status, domain::ReaderStatus::kSuspended);
  EXPECT_EQ(count("SELECT COUNT(*) FROM readers WHERE card_number = '2199000004' AND status = 'suspended' AND "
                  "status_before_card_lost IS NULL"),
            1);
}

TEST_P(Registration, TemporaryCardsAtTheCounterOnly) {
  TemporaryCardInput input{"SMITH, Jane", "2198000001", "2027-02-28", "jane@example.org", "", "Hotel, Central", "en"};
  EXPECT_EQ(issue_temporary_card(*context, Actor{1, domain::Role::kCataloguer}, input).error().code,
            ErrorCode::kPermissionDenied);
  auto bad = input;
  bad.expires_on = "2030-01-01";
  EXPECT_EQ(issue_temporary_card(*context, counter, bad).error().fields.front().field, "expires_on");
  auto reader = issue_temporary_card(*context, counter, input);
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->category, domain::ReaderCategory::kTemporary);
  EXPECT_EQ(reader->expires_on, parse_iso_date("2027-02-28"));
  EXPECT_EQ(issue_temporary_card(*context, counter, input).error().fields.front().code, ErrorCode::kCardNumberTaken);
}

TEST_P(Registration, AbandonedApplicationsExpireWithTheirDocuments) {
  const auto abandoned = ready_draft(domain::RegistrationType::kEAccount, "A123456(3)", "10.0.0.1");
  const auto typeb = ready_draft(domain::RegistrationType::kLibraryCard, "G123456(A)", "10.0.0.2");
  ASSERT_TRUE(submit_application(*context, services, typeb, "10.0.0.2"));
  clock->set(clock->now() + std::chrono::hours(49));
  auto first = expire_applications(*context, services);
  EXPECT_EQ(first.drafts, 1);
  EXPECT_EQ(first.applications, 0);
  EXPECT_FALSE(find_draft(*context, services, abandoned));
  clock->set(clock->now() + std::chrono::days(30));
  auto second = expire_applications(*context, services);
  EXPECT_EQ(second.applications, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_documents"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_document_deletions WHERE decision = 'expired'"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM readers"), 0);
}

TEST_P(Registration, AnIdleDraftNoLongerOpensFromTheBrowser) {
  const auto token = ready_draft(domain::RegistrationType::kEAccount);
  clock->set(clock->now() + std::chrono::minutes(29));
  EXPECT_TRUE(find_draft(*context, services, token));
  ASSERT_TRUE(save_details(*context, services, token, form(), "", ""));  // saving counts as activity
  clock->set(clock->now() + std::chrono::minutes(31));
  EXPECT_FALSE(find_draft(*context, services, token));
  EXPECT_EQ(submit_application(*context, services, token, "10.0.0.1").error().code, ErrorCode::kNotFound);
}

TEST_P(Registration, StartsAreRateLimitedPerAddress) {
  services.settings.starts_per_address_per_hour = 3;
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(start_application(*context, services, domain::RegistrationType::kEAccount, "10.9.9.9"));
  EXPECT_EQ(start_application(*context, services, domain::RegistrationType::kEAccount, "10.9.9.9").error().code,
            ErrorCode::kTooManyApplications);
  EXPECT_TRUE(start_application(*context, services, domain::RegistrationType::kEAccount, "10.9.9.8"));
  clock->set(clock->now() + std::chrono::minutes(61));
  EXPECT_TRUE(start_application(*context, services, domain::RegistrationType::kEAccount, "10.9.9.9"));
}

// Pieces of each stored (sealed) document, to look for in the database's files once they are destroyed.
std::vector<std::string> sealed_samples(testing::TestBackend& database) {
  std::vector<std::string> samples;
  for (const auto& row : database.query("SELECT content FROM registration_documents"))
    samples.push_back(row.text(0).substr(row.text(0).size() / 2, 48));
  return samples;
}

bool sqlite_files_contain(const std::string& url, const std::string& needle) {
  const auto path = url.substr(std::string("sqlite:").size());
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::ifstream file(path + suffix, std::ios::binary);
    if (!file) continue;
    const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST_P(Registration, NoByteOfADestroyedDocumentStaysInTheDatabaseFiles) {
  if (GetParam() != "sqlite")
    GTEST_SKIP() << "PostgreSQL's files belong to its server; there the per-document keys are destroyed instead";
  // Approval, rejection and expiry each destroy documents; look for every one afterwards.
  const auto approved = ready_draft(domain::RegistrationType::kEAccount, "A123456(3)", "10.0.0.1");
  ASSERT_TRUE(submit_application(*context, services, approved, "10.0.0.1"));
  const auto rejected = ready_draft(domain::RegistrationType::kLibraryCard, "G123456(A)", "10.0.0.2");
  ASSERT_TRUE(submit_application(*context, services, rejected, "10.0.0.2"));
  const auto abandoned = ready_draft(domain::RegistrationType::kLibraryCard, "E364912(5)", "10.0.0.3");
  const auto url = database_url();
  const auto samples = sealed_samples(sql());
  ASSERT_EQ(samples.size(), 5u);
  for (const auto& sample : samples) EXPECT_TRUE(sqlite_files_contain(url, sample));  // the scan can find them

  const auto queue = registration_queue(*context, verifier, {})->entries;
  ASSERT_EQ(queue.size(), 2u);
  ASSERT_TRUE(approve_application(*context, services, verifier, queue[0].record.id));
  ASSERT_TRUE(reject_application(*context, services, verifier, queue[1].record.id, "documents_unreadable"));
  clock->set(clock->now() + std::chrono::hours(49));
  EXPECT_EQ(expire_applications(*context, services).drafts, 1);
  for (const auto& sample : samples) EXPECT_FALSE(sqlite_files_contain(url, sample)) << sample;
  EXPECT_EQ(count("SELECT COUNT(*) FROM registration_document_deletions"), 5);
}

TEST_P(Registration, AForgottenPasswordIsResetOnceThroughAnEmailedLink) {
  ASSERT_TRUE(submit_application(*context, services, ready_draft(domain::RegistrationType::kEAccount), "10.0.0.1"));
  PasswordResetPolicy policy;
  // Unknown accounts get the same answer, and nothing is sent.
  EXPECT_TRUE(request_password_reset(*context, policy, "G123456(A)", "10.1.1.1", domain::Language::kEnglish));
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages WHERE kind = 'password_reset'"), 0);
  ASSERT_TRUE(request_password_reset(*context, policy, "a123456(3)", "10.1.1.1", domain::Language::kEnglish));
  store->transact(Store::Mode::kRead, [&](Repositories& repos) {
    EXPECT_EQ(repos.outbox.to_recipient("chan@example.com").back().kind, "password_reset");
  });
  auto token = send_reset_links();
  ASSERT_GE(token.size(), 20u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM password_resets WHERE token_digest LIKE '%" + token + "%'"), 0);  // digest only
  EXPECT_TRUE(password_reset_usable(*context, token));
  EXPECT_EQ(reset_password(*context, token, "new river walk", "other").error().fields.front().code,
            ErrorCode::kPasswordsDiffer);
  ASSERT_TRUE(reset_password(*context, token, "new river walk", "new river walk"));
  EXPECT_EQ(reset_password(*context, token, "third river walk", "third river walk").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(check_reader_credentials(*context, "A1234563", "new river walk", "10.1.1.2"));
  EXPECT_FALSE(check_reader_credentials(*context, "A1234563", "river walk 2468", "10.1.1.2"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages WHERE kind = 'password_changed'"), 1);

  // A link expires.
  ASSERT_TRUE(request_password_reset(*context, policy, "A1234563", "10.1.1.1", domain::Language::kEnglish));
  token = send_reset_links();
  ASSERT_GE(token.size(), 20u);
  clock->set(clock->now() + std::chrono::minutes(31));
  EXPECT_FALSE(password_reset_usable(*context, token));
  EXPECT_EQ(reset_password(*context, token, "fourth river walk", "fourth river walk").error().code,
            ErrorCode::kNotFound);

  // Requests are limited per address.
  for (int i = 0; i < 5; ++i)
    (void)request_password_reset(*context, policy, "nobody", "10.7.7.7",
                                 domain::Language::kEnglish);  // to use up the limit
  EXPECT_EQ(request_password_reset(*context, policy, "nobody", "10.7.7.7", domain::Language::kEnglish).error().code,
            ErrorCode::kTooManyAttempts);
}

// Hardening issue, item 3: an older link must not outlive a newer one, nor a new password or email address.
TEST_P(Registration, OnlyTheNewestResetLinkWorksAndNoneOutlivesAPasswordChange) {
  auto submitted = submit_application(*context, services, ready_draft(domain::RegistrationType::kEAccount), "10.0.0.1");
  ASSERT_TRUE(submitted);
  PasswordResetPolicy policy;
  const auto newest_link = [&] {
    EXPECT_TRUE(request_password_reset(*context, policy, "A1234563", "10.1.1.1", domain::Language::kEnglish));
    return send_reset_links();
  };
  const auto older = newest_link();
  const auto newer = newest_link();
  ASSERT_NE(older, newer);
  EXPECT_FALSE(password_reset_usable(*context, older));  // issuing a link withdraws the one before
  EXPECT_TRUE(password_reset_usable(*context, newer));
  EXPECT_EQ(reset_password(*context, older, "older river walk", "older river walk").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(reset_password(*context, newer, "new river walk", "new river walk"));
  EXPECT_EQ(reset_password(*context, older, "older river walk", "older river walk").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(check_reader_credentials(*context, "A1234563", "new river walk", "10.1.1.2"));

  // Changing the password in My Account withdraws a link sent before.
  const auto pending = newest_link();
  auto here = reader_log_in(*context, "A1234563", "new river walk", "10.2.2.2");
  ASSERT_TRUE(here);
  ASSERT_TRUE(change_reader_password(*context, here->reader.id, here->session_token, "new river walk",
                                     "changed river walk", "changed river walk", "10.2.2.2"));
  EXPECT_FALSE(password_reset_usable(*context, pending));
  EXPECT_EQ(reset_password(*context, pending, "pending river walk", "pending river walk").error().code,
            ErrorCode::kNotFound);

  // So does a new email address: the link went to the old one.
  const auto to_old_address = newest_link();
  ASSERT_TRUE(
      change_reader_contact(*context, here->reader.id, {"changed river walk", "new@example.com", "", ""}, "10.3.3.3"));
  EXPECT_FALSE(password_reset_usable(*context, to_old_address));
  EXPECT_TRUE(check_reader_credentials(*context, "A1234563", "changed river walk", "10.1.1.2"));
}

// Hardening issue, item 10: with no mail server (or one that is down), a reset request waits in the outbox;
// it must not hold a working token there, nor after it is sent.
TEST_P(Registration, NoResetTokenWaitsInTheOutbox) {
  ASSERT_TRUE(submit_application(*context, services, ready_draft(domain::RegistrationType::kEAccount), "10.0.0.1"));
  PasswordResetPolicy policy;
  ASSERT_TRUE(request_password_reset(*context, policy, "A1234563", "10.1.1.1", domain::Language::kEnglish));
  // Every column of the waiting row, as the database has it.
  const auto raw_row = [&] {
    const auto rows = sql().query(
        "SELECT id, channel, recipient, kind, language, params, last_error FROM outbound_messages WHERE kind = "
        "'password_reset'");
    EXPECT_EQ(rows.size(), 1u);
    std::string text;
    for (std::size_t i = 1; i < 7; ++i) text += (rows.at(0).is_null(i) ? "" : rows.at(0).text(i)) + "\n";
    return std::pair{text, rows.at(0).is_null(5) ? std::string() : rows.at(0).text(5)};
  };
  const auto [waiting, params] = raw_row();
  EXPECT_EQ(decode_fields(params).count("token"), 0u) << waiting;
  EXPECT_EQ(count("SELECT COUNT(*) FROM password_resets"), 0);  // no link exists until one is sent

  const auto token = send_reset_links();
  ASSERT_GE(token.size(), 20u);
  EXPECT_EQ(raw_row().first.find(token), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM password_resets WHERE token_digest LIKE '%" + token + "%'"), 0);
  EXPECT_TRUE(password_reset_usable(*context, token));
  EXPECT_EQ(send_reset_links(), "");  // sent once

  // A request the job reaches only after the link's lifetime is not sent: a link hours later would surprise.
  ASSERT_TRUE(request_password_reset(*context, policy, "A1234563", "10.1.1.1", domain::Language::kEnglish));
  clock->set(clock->now() + policy.link_lifetime);
  EXPECT_EQ(send_reset_links(), "");
  EXPECT_FALSE(password_reset_usable(*context, token));  // the first has expired by now too
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages WHERE kind = 'password_reset' AND failed_at IS NOT NULL"), 1);
}

TEST_P(Registration, ChangingThePasswordNeedsTheCurrentOneAndSignsOutElsewhere) {
  auto submitted = submit_application(*context, services, ready_draft(domain::RegistrationType::kEAccount), "10.0.0.1");
  ASSERT_TRUE(submitted);
  auto here = reader_log_in(*context, "A1234563", "river walk 2468", "10.2.2.2");
  ASSERT_TRUE(here);
  auto elsewhere = reader_log_in(*context, here->reader.card_number, "river walk 2468", "10.2.2.3");
  ASSERT_TRUE(elsewhere);
  const auto id = here->reader.id;
  EXPECT_EQ(change_reader_password(*context, id, here->session_token, "wrong one", "new river walk", "new river walk",
                                   "10.2.2.2")
                .error()
                .fields.front()
                .field,
            "current_password");
  EXPECT_EQ(
      change_reader_password(*context, id, here->session_token, "river walk 2468", "password", "password", "10.2.2.2")
          .error()
          .fields.front()
          .code,
      ErrorCode::kPasswordTooCommon);
  ASSERT_TRUE(change_reader_password(*context, id, here->session_token, "river walk 2468", "new river walk",
                                     "new river walk", "10.2.2.2"));
  ReaderSessionPolicy policy;
  EXPECT_TRUE(resume_reader_session(*context, policy, here->session_token));
  EXPECT_FALSE(resume_reader_session(*context, policy, elsewhere->session_token));
  EXPECT_TRUE(check_reader_credentials(*context, "A1234563", "new river walk", "10.2.2.4"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages WHERE kind = 'password_changed'"), 1);
}

TEST_P(Registration, MySettingPreferencesContactDetailsAndReadingHistory) {
  auto submitted = submit_application(*context, services, ready_draft(domain::RegistrationType::kEAccount), "10.0.0.1");
  ASSERT_TRUE(submitted);
  long long id = 0;
  store->transact(Store::Mode::kRead, [&](Repositories& repos) {
    id = repos.registrations.reader_by_hkid(hkid_digest(*context, domain::parse_hkid("A1234563").value()))->reader_id;
  });
  auto settings = reader_settings(*context, id);
  ASSERT_TRUE(settings);
  EXPECT_EQ(settings->channel, "email");
  EXPECT_FALSE(settings->keep_history);  // off by default
  EXPECT_EQ(save_reader_preferences(*context, id, {"en", "sms", true, true, true, false}).error().fields.front().code,
            ErrorCode::kContactRequired);  // no mobile number yet
  ASSERT_TRUE(save_reader_preferences(*context, id, {"en", "email", false, true, false, true}));
  settings = reader_settings(*context, id);
  EXPECT_EQ(settings->language, domain::Language::kEnglish);
  EXPECT_FALSE(settings->notify_reservations);
  EXPECT_TRUE(settings->keep_history);

  EXPECT_EQ(change_reader_contact(*context, id, {"wrong", "new@example.com", "", ""}, "10.3.3.3")
                .error()
                .fields.front()
                .field,
            "contact_secret");
  EXPECT_EQ(
      change_reader_contact(*context, id, {"river walk 2468", "nope", "", ""}, "10.3.3.3").error().fields.front().field,
      "email");
  ASSERT_TRUE(
      change_reader_contact(*context, id, {"river walk 2468", "new@example.com", "9123 4567", "Flat 1"}, "10.3.3.3"));
  settings = reader_settings(*context, id);
  EXPECT_EQ(settings->email, "new@example.com");
  EXPECT_EQ(settings->mobile, "91234567");
  store->transact(Store::Mode::kRead, [&](Repositories& repos) {
    EXPECT_EQ(repos.outbox.to_recipient("chan@example.com").back().kind, "contact_changed");  // the old address
    EXPECT_EQ(repos.outbox.to_recipient("new@example.com").back().kind, "contact_changed");
  });
}

TEST_P(Registration, ReturnedLoansLoseTheirReaderUnlessTheReaderKeepsAHistory) {
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto keeper = repos.circulation.insert_reader(
        {0, "K1", "Keeper", domain::ReaderCategory::kAdult, domain::ReaderStatus::kActive, std::nullopt}, clock->now());
    const auto other = repos.circulation.insert_reader(
        {0, "O1", "Other", domain::ReaderCategory::kAdult, domain::ReaderStatus::kActive, std::nullopt}, clock->now());
    auto settings = *repos.registrations.reader_settings(keeper);
    settings.keep_history = true;
    repos.registrations.save_reader_settings(keeper, settings);
    (void)other;
  });
  // Loans written directly: one returned two hours ago per reader, one still open, one owing a fine.
  {
    auto* c = &sql();
    const auto now = unix_seconds(clock->now());
    c->execute(
        "INSERT INTO items (barcode, title, title_key, item_type, collection, home_library_id) VALUES "
        "('I1', 't', 't', 'book', 'adult', 1), ('I2', 't', 't', 'book', 'adult', 1), "
        "('I3', 't', 't', 'book', 'adult', 1), ('I4', 't', 't', 'book', 'adult', 1)");
    const auto keeper = c->query("SELECT id FROM readers WHERE card_number = 'K1'").at(0).integer(0);
    const auto other = c->query("SELECT id FROM readers WHERE card_number = 'O1'").at(0).integer(0);
    for (auto [item, reader, returned] :
         {std::tuple{1, keeper, true}, {2, other, true}, {3, other, false}, {4, other, true}})
      c->execute(
          "INSERT INTO loans (item_id, reader_id, library_id, channel, checked_out_at, due_on, returned_at) "
          "VALUES ((SELECT id FROM items WHERE barcode = ?), ?, 1, 'counter', ?, '2026-11-01', ?)",
          {SqlValue("I" + std::to_string(item)), SqlValue(reader), SqlValue(now - 86400),
           returned ? SqlValue(now - 7200) : SqlValue(nullptr)});
    c->execute(
        "INSERT INTO charges (reader_id, loan_id, kind, amount_cents, explanation, created_at) VALUES (?, "
        "(SELECT id FROM loans WHERE item_id = (SELECT id FROM items WHERE barcode = 'I4')), 'overdue', 300, "
        "'{}', ?)",
        {other, now});
  }
  EXPECT_EQ(anonymise_returned_loans(*context), 1);  // I2 only
  EXPECT_EQ(count("SELECT COUNT(*) FROM loans WHERE reader_id IS NULL"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM loans l JOIN items i ON i.id = l.item_id WHERE i.barcode = 'I2' AND "
                  "l.reader_id IS NULL"),
            1);
  EXPECT_EQ(anonymise_returned_loans(*context), 0);
}

TEST_P(Registration, ReadersAreToldOnceAboutReservationsAndLoansAsTheyChose) {
  auto submitted = submit_application(*context, services, ready_draft(domain::RegistrationType::kEAccount), "10.0.0.1");
  ASSERT_TRUE(submitted);
  {
    auto* c = &sql();
    const auto reader = c->query("SELECT id FROM readers WHERE hkid_digest IS NOT NULL").at(0).integer(0);
    const auto now = unix_seconds(clock->now());
    c->execute(
        "INSERT INTO items (barcode, title, title_key, item_type, collection, home_library_id) VALUES "
        "('D1', 'Due Soon', 'd1', 'book', 'adult', 1), ('D2', 'Late One', 'd2', 'book', 'adult', 1), "
        "('D3', 'Far Away', 'd3', 'book', 'adult', 1), ('R1', 'Ready Title', 'r1', 'book', 'adult', 1)");
    // Today is 2026-11-23: due in 3 days, overdue, due much later.
    for (auto [barcode, due] : {std::pair{"D1", "2026-11-26"}, {"D2", "2026-11-20"}, {"D3", "2026-12-20"}})
      c->execute(
          "INSERT INTO loans (item_id, reader_id, library_id, channel, checked_out_at, due_on) VALUES ((SELECT "
          "id FROM items WHERE barcode = ?), ?, 1, 'counter', ?, ?)",
          {SqlValue(barcode), SqlValue(reader), SqlValue(now), SqlValue(due)});
    c->execute(
        "INSERT INTO reservations (reader_id, title_key, pickup_library_id, placed_at, expires_on, status, "
        "filled_item_id, ready_on, collect_by) VALUES (?, 'r1', 1, ?, '2027-01-01', 'ready', (SELECT id FROM "
        "items WHERE barcode = 'R1'), '2026-11-16', '2026-11-23')",
        {reader, now});
  }
  EXPECT_EQ(queue_reader_notices(*context, {}), 4);  // ready, last day, due soon, overdue
  EXPECT_EQ(queue_reader_notices(*context, {}), 0);  // once
  store->transact(Store::Mode::kRead, [&](Repositories& repos) {
    std::map<std::string, std::string> titles;
    for (const auto& message : repos.outbox.to_recipient("chan@example.com"))
      titles[message.kind] = decode_fields(message.params)["title"];
    EXPECT_EQ(titles["due_soon"], "Due Soon");
    EXPECT_EQ(titles["overdue"], "Late One");
    EXPECT_EQ(titles["reservation_ready"], "Ready Title");
    EXPECT_EQ(titles["reservation_expiring"], "Ready Title");
  });
  // Readers who chose no messages, or not that topic, are not told.
  auto* c = &sql();
  c->execute("UPDATE loans SET due_on = '2026-11-19' WHERE due_on = '2026-11-20'");  // a new due date
  c->execute("UPDATE readers SET notify_overdue = 0 WHERE hkid_digest IS NOT NULL");
  EXPECT_EQ(queue_reader_notices(*context, {}), 0);
  c->execute("UPDATE readers SET notify_overdue = 1, notify_channel = 'none' WHERE hkid_digest IS NOT NULL");
  EXPECT_EQ(queue_reader_notices(*context, {}), 0);
  c->execute("UPDATE readers SET notify_channel = 'email' WHERE hkid_digest IS NOT NULL");
  EXPECT_EQ(queue_reader_notices(*context, {}), 1);
}

class RecordingTransport final : public MailTransport {
 public:
  SendOutcome send(const OutgoingEmail& email) override {
    sent.push_back(email);
    if (fail_with) return {*fail_with, "451 try later"};
    return {SendOutcome::Kind::kSent, ""};
  }
  std::vector<OutgoingEmail> sent;
  std::optional<SendOutcome::Kind> fail_with;
};

class EchoComposer final : public MessageComposer {
 public:
  std::optional<ComposedMessage> compose(const OutboundMessage& message) override {
    if (message.kind == "unknown") return std::nullopt;
    return ComposedMessage{message.kind, decode_fields(message.params)["reference"]};
  }
};

TEST_P(Registration, OutboxSendsOnceRetriesWithBackOffAndThenReports) {
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    EXPECT_TRUE(enqueue_message(repos, clock->now(), {"a@example.com", ""}, "k", domain::Language::kEnglish,
                                {{"reference", "R1"}}));
    EXPECT_TRUE(enqueue_message(repos, clock->now(), {"", "91234567"}, "k", domain::Language::kEnglish, {}));
    EXPECT_FALSE(enqueue_message(repos, clock->now(), {"", ""}, "k", domain::Language::kEnglish, {}));
  });
  RecordingTransport transport;
  EchoComposer composer;
  DeliveryPolicy policy;
  auto report = deliver_email(*context, composer, transport, policy);
  EXPECT_EQ(report.sent, 1);
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(transport.sent[0].text_body, "R1");
  EXPECT_EQ(deliver_email(*context, composer, transport, policy).sent, 0);  // once

  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    enqueue_message(repos, clock->now(), {"b@example.com", ""}, "k", domain::Language::kEnglish, {});
  });
  transport.fail_with = SendOutcome::Kind::kTemporaryFailure;
  int attempts = 0;
  for (int minute = 0; minute < 200; ++minute) {
    auto r = deliver_email(*context, composer, transport, policy);
    attempts += r.retried + r.failed;
    if (r.failed) break;
    clock->set(clock->now() + std::chrono::minutes(1));
  }
  EXPECT_EQ(attempts, policy.max_attempts);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages WHERE failed_at IS NOT NULL"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'message.failed'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages WHERE channel = 'sms' AND sent_at IS NULL"), 1);

  // The text message went nowhere by email; the SMS gateway sends it, once.
  class RecordingSms final : public SmsTransport {
   public:
    SendOutcome send(const OutgoingSms& sms) override {
      sent.push_back(sms);
      return {SendOutcome::Kind::kSent, ""};
    }
    std::vector<OutgoingSms> sent;
  } sms;
  EXPECT_EQ(deliver_sms(*context, composer, sms, policy).sent, 1);
  ASSERT_EQ(sms.sent.size(), 1u);
  EXPECT_EQ(sms.sent[0].to, "91234567");
  EXPECT_EQ(sms.sent[0].reference.rfind("outbox-", 0), 0u);
  EXPECT_EQ(deliver_sms(*context, composer, sms, policy).sent, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages WHERE channel = 'sms' AND sent_at IS NULL"), 0);

  clock->set(clock->now() + std::chrono::days(31));
  EXPECT_EQ(deliver_email(*context, composer, transport, policy).scrubbed, 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbound_messages WHERE recipient = 'a@example.com'"), 0);
}

// Hardening issue, item 7: what staff type to find an application by name is text, not a LIKE pattern.
TEST_P(Registration, LikeCharactersTypedInANameMatchOnlyThemselves) {
  const std::vector<std::string> names{"100% LEE", "100X LEE", "A_B WONG", "AXB WONG", "C\\D HO", "C\\\\D HO"};
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    int n = 0;
    for (const auto& name : names) {
      ApplicationRecord record;
      record.reference = "RLIKE-000" + std::to_string(n);
      record.created_at = record.updated_at = clock->now();
      record.id = repos.registrations.insert(record, "like-draft-" + std::to_string(n++));
      record.status = domain::ApplicationStatus::kSubmitted;
      record.submitted_at = clock->now();
      record.name_en = name;
      record.hkid_digest = "like-digest-" + std::to_string(n);  // one in progress per HKID
      repos.registrations.update(record);
    }
  });
  const auto found = [&](const std::string& typed) {
    std::vector<std::string> out;
    store->transact(Store::Mode::kRead, [&](Repositories& repos) {
      out.clear();
      for (const auto& record : repos.registrations.find("", "", typed, 20)) out.push_back(record.name_en);
    });
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(found("100%"), (std::vector<std::string>{"100% LEE"}));
  EXPECT_EQ(found("a_b"), (std::vector<std::string>{"A_B WONG"}));
  EXPECT_EQ(found("c\\d"), (std::vector<std::string>{"C\\D HO"}));
  EXPECT_EQ(found("%"), std::vector<std::string>{});
  EXPECT_EQ(found("_"), std::vector<std::string>{});
  EXPECT_EQ(found("100"), (std::vector<std::string>{"100% LEE", "100X LEE"}));  // still a prefix search
}

SHELFMARK_ON_BOTH_BACKENDS(Registration);

}  // namespace
}  // namespace shelfmark::app
