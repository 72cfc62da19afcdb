// Looking after a reader: edits audited field by field with a version check and a reason for a verified
// reader's identity, the reader told on the old and new channel, blocks in the one standing that lift
// themselves, notes, the PIN the reader types at the counter, reset links, membership renewal, the expiry
// reminder job, and what an expired reader can still do.
#include "app/reader_care.h"

#include "app/charges.h"
#include "app/circulation.h"
#include "app/reader_account.h"
#include "app/registration.h"
#include "app/terminals.h"
#include "app/testing/use_case_test.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::Role;
using testing::UseCaseTest;

class ReaderCare : public UseCaseTest {
 protected:
  void SetUp() override {
    counter = new_staff({"counter.one", "Counter One", Role::kCounter});
    library_id = new_library(testing::library("CL", domain::LibraryKind::kCentral));
    reader_id = new_reader({.card = "20001234",
                            .name = "Chan Tai Man",
                            .password = "reader password 1",
                            .email = "old@example.com",
                            .channel = "email"});
    new_item({.barcode = "B1", .library_id = library_id});
  }

  ReaderProfile profile() { return reader_for_care(*context, counter, "20001234").value(); }

  domain::ReaderDetailsForm form_of(const ReaderProfile& p) {
    const auto& d = p.details;
    return {d.name_en, d.name_zh, d.date_of_birth ? format_iso_date(*d.date_of_birth) : "", d.email,
            d.mobile,  d.address, std::string(domain::language_code(d.language)),           d.channel};
  }

  std::vector<AuditEntry> audit_of(const std::string& action) {
    std::vector<AuditEntry> found;
    store->transact(Store::Mode::kRead, [&](Repositories& repos) {
      found.clear();
      for (auto& entry : repos.audit.recent(100))
        if (entry.action == action) found.push_back(entry);
    });
    return found;
  }

  std::vector<OutboundMessage> messages_to(const std::string& recipient) {
    std::vector<OutboundMessage> found;
    store->transact(Store::Mode::kRead, [&](Repositories& repos) { found = repos.outbox.to_recipient(recipient); });
    return found;
  }

  domain::Outcome<CheckOutResult> lend() {
    return check_out(*context, network, {"20001234", "B1", library_id, Channel::kCounter, "", std::nullopt});
  }

  Actor counter;
  long long library_id = 0;
  long long reader_id = 0;
};

TEST_P(ReaderCare, AnEditIsAuditedFieldByFieldAndRaisesTheVersion) {
  const auto before = profile();
  auto form = form_of(before);
  form.address = "1 Queen's Road Central";
  form.language = "tc";
  auto saved = edit_reader_details(*context, counter, "20001234", before.version, {form, ""});
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->version, before.version + 1);
  EXPECT_EQ(profile().details.address, "1 Queen's Road Central");
  EXPECT_EQ(profile().details.language, domain::Language::kTraditionalChinese);
  const auto audited = audit_of("reader.update");
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_EQ(audited[0].subject, "reader:" + std::to_string(reader_id));
  EXPECT_EQ(audited[0].staff_id, counter.staff_id);
  EXPECT_EQ(audited[0].detail, "address: (none) -> 1 Queen's Road Central; language: en -> tc");

  // Saving the same again changes nothing and records nothing.
  ASSERT_TRUE(edit_reader_details(*context, counter, "20001234", saved->version, {form, ""}));
  EXPECT_EQ(profile().version, saved->version);
  EXPECT_EQ(audit_of("reader.update").size(), 1u);
}

TEST_P(ReaderCare, TheSecondOfTwoStaffEditingIsToldTheRecordChanged) {
  const auto opened = profile();
  auto first = form_of(opened);
  first.address = "First address";
  ASSERT_TRUE(edit_reader_details(*context, counter, "20001234", opened.version, {first, ""}));
  auto second = form_of(opened);
  second.address = "Second address";
  auto refused = edit_reader_details(*context, counter, "20001234", opened.version, {second, ""});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kEditConflict);
  EXPECT_EQ(profile().details.address, "First address");
  // The reader's own change in My Setting counts as a change too.
  const auto now = profile();
  ASSERT_TRUE(save_reader_preferences(*context, reader_id, {"tc", "email", true, true, true, false}));
  EXPECT_GT(profile().version, now.version);
}

TEST_P(ReaderCare, BadFieldsAreNamedAndOtherRolesAreRefused) {
  const auto p = profile();
  auto form = form_of(p);
  form.email = "not an email";
  form.channel = "sms";
  auto refused = edit_reader_details(*context, counter, "20001234", p.version, {form, ""});
  ASSERT_FALSE(refused);
  ASSERT_EQ(refused.error().fields.size(), 2u);
  EXPECT_EQ(refused.error().fields[0].field, "email");
  EXPECT_EQ(refused.error().fields[1].field, "channel");
  EXPECT_EQ(profile().version, p.version);

  const Actor editor{counter.staff_id, Role::kEditor};
  EXPECT_EQ(reader_for_care(*context, editor, "20001234").error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(edit_reader_details(*context, editor, "20001234", p.version, {form_of(p), ""}).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(block_reader(*context, editor, "20001234", {"misconduct", "", ""}).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(set_pin_in_person(*context, editor, "20001234", "1234", "1234").error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(reader_for_care(*context, counter, "99999999").error().code, ErrorCode::kNotFound);
}

TEST_P(ReaderCare, AVerifiedReadersNameOrDateOfBirthChangesOnlyWithAReason) {
  sql().execute("UPDATE readers SET hkid_digest = 'digest', date_of_birth = '1990-05-01' WHERE id = ?", {reader_id});
  const auto p = profile();
  ASSERT_TRUE(identity_verified(p));
  auto form = form_of(p);
  form.name_en = "Chan Tai-man";
  auto refused = edit_reader_details(*context, counter, "20001234", p.version, {form, "  "});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().fields.at(0).field, "reason");
  EXPECT_EQ(refused.error().fields.at(0).code, ErrorCode::kReasonRequired);
  ASSERT_TRUE(edit_reader_details(*context, counter, "20001234", p.version, {form, "Deed poll seen"}));
  EXPECT_EQ(audit_of("reader.update").at(0).detail, "name_en: Chan Tai Man -> Chan Tai-man; reason: Deed poll seen");

  // A reader without a checked identity (a temporary card) needs no reason.
  sql().execute("UPDATE readers SET hkid_digest = NULL WHERE id = ?", {reader_id});
  auto again = form_of(profile());
  again.date_of_birth = "1990-05-02";
  EXPECT_TRUE(edit_reader_details(*context, counter, "20001234", profile().version, {again, ""}));
}

TEST_P(ReaderCare, AChangeOfContactTellsTheReaderOnTheOldAndTheNewChannel) {
  sql().execute("UPDATE readers SET mobile = '91234567' WHERE id = ?", {reader_id});
  const auto p = profile();
  auto form = form_of(p);
  form.email = "new@example.com";
  form.mobile = "6123 4567";
  ASSERT_TRUE(edit_reader_details(*context, counter, "20001234", p.version, {form, ""}));
  for (const auto* recipient : {"old@example.com", "new@example.com", "91234567", "61234567"}) {
    const auto told = messages_to(recipient);
    ASSERT_EQ(told.size(), 1u) << recipient;
    EXPECT_EQ(told[0].kind, "contact_changed");
    EXPECT_EQ(told[0].language, domain::Language::kEnglish);
  }
  EXPECT_EQ(audit_of("reader.update").at(0).detail,
            "email: old@example.com -> new@example.com; mobile: 91234567 -> 61234567");
}

TEST_P(ReaderCare, ABlockShowsInTheStandingAndLiftsItselfAfterItsLastDay) {
  auto refused = block_reader(*context, counter, "20001234", {"unpaid_replacement", "Lost card", "2026-11-20"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().fields.at(0).field, "ends_on");
  EXPECT_EQ(block_reader(*context, counter, "20001234", {"nonsense", "", ""}).error().fields.at(0).field, "reason");

  auto block = block_reader(*context, counter, "20001234", {"unpaid_replacement", "Lost card", "2026-11-25"});
  ASSERT_TRUE(block);
  auto loan = lend();
  ASSERT_FALSE(loan);
  EXPECT_EQ(loan.error().code, ErrorCode::kBlockedUnpaidReplacement);
  const auto view = reader_at_counter(*context, "20001234");
  ASSERT_TRUE(view);
  EXPECT_TRUE(view->standing.has(ErrorCode::kBlockedUnpaidReplacement));
  const auto blocks = reader_blocks(*context, reader_id);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].created_by_name, "Counter One");
  EXPECT_EQ(blocks[0].note, "Lost card");
  EXPECT_EQ(audit_of("reader.block").at(0).detail,
            "block:" + std::to_string(block->block.id) + " reason=unpaid_replacement until=2026-11-25");

  at("2026-11-25T18:00");
  EXPECT_FALSE(lend());  // the last day is still blocked
  at("2026-11-26T10:00");
  EXPECT_TRUE(lend());  // lifted by the date alone
}

TEST_P(ReaderCare, StaffLiftABlockOnce) {
  auto block = block_reader(*context, counter, "20001234", {"misconduct", "", ""});
  ASSERT_TRUE(block);
  EXPECT_EQ(lend().error().code, ErrorCode::kBlockedMisconduct);
  ASSERT_TRUE(lift_block(*context, counter, "20001234", block->block.id));
  EXPECT_EQ(lift_block(*context, counter, "20001234", block->block.id).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(lend());
  const auto blocks = reader_blocks(*context, reader_id);
  EXPECT_TRUE(blocks.at(0).lifted_at);
  EXPECT_EQ(blocks.at(0).lifted_by_name, "Counter One");
  EXPECT_EQ(audit_of("reader.unblock").size(), 1u);
}

TEST_P(ReaderCare, NotesToTheReaderShowUntilAcknowledged) {
  ASSERT_TRUE(add_note(*context, counter, "20001234", "internal", "Prefers Cantonese"));
  auto note = add_note(*context, counter, "20001234", "to_reader", "Please bring proof of address.");
  ASSERT_TRUE(note);
  EXPECT_EQ(add_note(*context, counter, "20001234", "to_reader", " ").error().fields.at(0).field, "body");
  EXPECT_EQ(add_note(*context, counter, "20001234", "gossip", "x").error().fields.at(0).field, "kind");
  EXPECT_EQ(reader_notes(*context, reader_id).size(), 2u);
  auto open = notes_to_acknowledge(*context, reader_id);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].body, "Please bring proof of address.");
  // Another reader cannot acknowledge it.
  const auto other = new_reader({.card = "20009999"});
  EXPECT_FALSE(acknowledge_own_note(*context, other, note->id));
  ASSERT_TRUE(acknowledge_own_note(*context, reader_id, note->id));
  EXPECT_TRUE(notes_to_acknowledge(*context, reader_id).empty());
  EXPECT_FALSE(acknowledge_note(*context, counter, "20001234", note->id));  // already done
  const auto audited = audit_of("reader.note");
  ASSERT_EQ(audited.size(), 2u);
  EXPECT_EQ(audited[0].detail.find("Cantonese"), std::string::npos);
  EXPECT_EQ(audited[1].detail.find("proof"), std::string::npos);
}

TEST_P(ReaderCare, ThePinTheReaderTypesOpensTerminalsAndIsNeverAudited) {
  EXPECT_EQ(set_pin_in_person(*context, counter, "20001234", "12a4", "12a4").error().fields.at(0).field, "pin");
  EXPECT_EQ(set_pin_in_person(*context, counter, "20001234", "4821", "4812").error().fields.at(0).field,
            "repeated_pin");
  ASSERT_TRUE(set_pin_in_person(*context, counter, "20001234", "4821", "4821"));
  EXPECT_TRUE(check_reader_pin(*context, "20001234", "4821", "10.0.0.5"));
  EXPECT_FALSE(check_reader_pin(*context, "20001234", "1234", "10.0.0.5"));
  const auto audited = audit_of("reader.pin_set");
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_EQ(audited[0].staff_id, counter.staff_id);
  EXPECT_EQ(audited[0].detail.find("4821"), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM readers WHERE pin_hash LIKE '%4821%'"), 0);
}

TEST_P(ReaderCare, AResetLinkGoesToTheReadersEmailWithoutATokenForStaff) {
  ASSERT_TRUE(send_password_reset(*context, counter, "20001234"));
  const auto sent = messages_to("old@example.com");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].kind, "password_reset");
  EXPECT_EQ(sent[0].params.find("token"), std::string::npos);
  EXPECT_EQ(audit_of("reader.password_reset_sent").at(0).staff_id, counter.staff_id);
  new_reader({.card = "20005555", .email = "", .channel = "none"});
  EXPECT_EQ(send_password_reset(*context, counter, "20005555").error().code, ErrorCode::kNoEmailForReset);
}

TEST_P(ReaderCare, AnExpiredReaderSignsInAndPaysButCannotBorrowUntilRenewed) {
  sql().execute("UPDATE readers SET status = 'expired', expires_on = '2026-11-01' WHERE id = ?", {reader_id});
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    repos.circulation.add_charge(
        {reader_id, std::nullopt, "replacement_card", domain::Money{3300}, "{}", context->clock.now()});
  });
  EXPECT_TRUE(reader_log_in(*context, "20001234", "reader password 1", "10.0.0.7"));
  EXPECT_TRUE(account_view(*context, network, reader_id));
  auto paid = pay_charges(*context, {"20001234", "33.00", "cash", counter.staff_id, ""});
  ASSERT_TRUE(paid) << static_cast<int>(paid.error().code);
  EXPECT_EQ(lend().error().code, ErrorCode::kReaderExpired);

  const auto p = profile();
  auto renewed = renew_membership(*context, counter, "20001234", p.version);
  ASSERT_TRUE(renewed);
  EXPECT_EQ(renewed->status, domain::ReaderStatus::kActive);
  EXPECT_EQ(format_iso_date(*renewed->expires_on), "2029-11-23");
  EXPECT_EQ(renew_membership(*context, counter, "20001234", p.version).error().code, ErrorCode::kEditConflict);
  const auto history = reader_status_history(*context, reader_id);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].from, domain::ReaderStatus::kExpired);
  EXPECT_EQ(history[0].to, domain::ReaderStatus::kActive);
  EXPECT_EQ(history[0].staff_name, "Counter One");
  EXPECT_EQ(audit_of("reader.renew_membership").at(0).detail, "expires_on: 2026-11-01 -> 2029-11-23");
  EXPECT_TRUE(lend());
}

TEST_P(ReaderCare, TheExpiryReminderIsSentOncePerReaderAndExpiryDateInTheirLanguageAndChannel) {
  sql().execute("UPDATE readers SET expires_on = '2026-12-20', language = 'tc' WHERE id = ?", {reader_id});
  const auto sms = new_reader({.card = "20002222", .expires_on = parse_iso_date("2026-12-01"), .channel = "sms"});
  sql().execute("UPDATE readers SET mobile = '91112222' WHERE id = ?", {sms});
  new_reader({.card = "20003333", .expires_on = parse_iso_date("2027-03-01"), .email = "later@example.com"});
  new_reader(
      {.card = "20004444", .expires_on = parse_iso_date("2026-12-01"), .email = "n@example.com", .channel = "none"});
  EXPECT_EQ(membership_expiry_reminders(*context), 2);
  EXPECT_EQ(membership_expiry_reminders(*context), 0);
  const auto told = messages_to("old@example.com");
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].kind, "membership_expiring");
  EXPECT_EQ(told[0].language, domain::Language::kTraditionalChinese);
  EXPECT_EQ(messages_to("91112222").at(0).channel, "sms");
  EXPECT_TRUE(messages_to("later@example.com").empty());

  // Renewed, then near the new expiry: told again, once.
  sql().execute("UPDATE readers SET expires_on = '2029-12-20' WHERE id = ?", {reader_id});
  at("2029-12-01T09:00");
  EXPECT_EQ(membership_expiry_reminders(*context), 1);
  EXPECT_EQ(messages_to("old@example.com").size(), 2u);
}

// Accepts anything as a clean PNG: registration's own tests check images.
class AnyImage final : public ImageSanitizer {
 public:
  ImageCheck sanitize(std::string_view bytes) override { return CleanImage{"image/png", std::string(bytes), 10, 20}; }
};

TEST_P(ReaderCare, AMinorKeepsTheGuarantorFromTheApplicationOnceApproved) {
  auto sealer = testing::test_sealer();
  AnyImage images;
  RegistrationServices services{*sealer, images, {}};
  auto started = start_application(*context, services, domain::RegistrationType::kEAccount, "10.0.0.1");
  ASSERT_TRUE(started);
  ASSERT_TRUE(accept_terms(*context, services, started->token, true, true, true));
  domain::ApplicantForm form;
  form.name_en = "CHAN, Siu Ming";
  form.hkid = "A123456(3)";
  form.date_of_birth = "2014-03-01";  // twelve
  form.email = "siu.ming@example.com";
  form.language = "en";
  form.smart_id_card = "no";
  form.guardian_name = "CHAN, Tai Man";
  form.guardian_relationship = "parent";
  form.guardian_phone = "9123 4567";
  form.guardian_accepts = "yes";
  ASSERT_TRUE(save_details(*context, services, started->token, form, "river walk 2468", "river walk 2468"));
  ASSERT_TRUE(upload_document(*context, services, started->token, domain::DocumentKind::kIdentity, "IMG", false));
  ASSERT_TRUE(submit_application(*context, services, started->token, "10.0.0.1"));
  const Actor verifier{new_staff({"verifier", "Verifier", Role::kVerifier}).staff_id, Role::kVerifier};
  const auto queue = registration_queue(*context, verifier, {});
  ASSERT_TRUE(queue);
  ASSERT_EQ(queue->entries.size(), 1u);
  const auto reader = queue->entries[0].record.reader_id;
  ASSERT_TRUE(reader);
  EXPECT_FALSE(reader_guarantor(*context, *reader));  // nothing kept before the decision
  ASSERT_TRUE(approve_application(*context, services, verifier, queue->entries[0].record.id));
  const auto guarantor = reader_guarantor(*context, *reader);
  ASSERT_TRUE(guarantor);
  EXPECT_EQ(guarantor->name, "CHAN, Tai Man");
  EXPECT_EQ(guarantor->relationship, "parent");
  EXPECT_EQ(guarantor->phone, "91234567");
}

SHELFMARK_ON_BOTH_BACKENDS(ReaderCare);

}  // namespace
}  // namespace shelfmark::app
