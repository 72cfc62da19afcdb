// Merging two records of one reader on both backends: everything moves to the kept record in one transaction,
// each conflict is refused with its reason and nothing moves, only administrators may merge, and the merged
// card stops working at checkout, at sign-in and for a PIN check.
#include "app/reader_merge.h"

#include "app/circulation.h"
#include "app/reader_account.h"
#include "app/reader_care.h"
#include "app/terminals.h"
#include "app/testing/use_case_test.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::Role;
using testing::UseCaseTest;

class ReaderMerge : public UseCaseTest {
 protected:
  void SetUp() override {
    auto cl = testing::library("CL", domain::LibraryKind::kCentral);
    cl.hours = testing::open_every_day(540, 1200);
    central = new_library(cl);
    kept = new_reader({.card = "K1", .name = "Chan Tai Man", .password = "kept reader passphrase"});
    other = new_reader({.card = "O1", .name = "Chan Tai Man", .pin = "2468", .password = "other reader passphrase"});
    for (const auto* barcode : {"B1", "B2", "B3"})
      new_item({.barcode = barcode, .title = std::string("Title ") + barcode, .library_id = central});
    admin = new_staff({"boss", "Boss", Role::kAdministrator});
    counter = new_staff({"desk", "Desk", Role::kCounter});
  }
  void lend(const std::string& card, const std::string& barcode) {
    ASSERT_TRUE(check_out(*context, network, {card, barcode, central, Channel::kCounter, "", std::nullopt}));
  }
  void reserve(long long reader_id, const std::string& title_key) {
    sql().execute(
        "INSERT INTO reservations (reader_id, title_key, pickup_library_id, placed_at, expires_on, status) VALUES "
        "(?, ?, ?, 0, '2031-01-01', 'waiting')",
        {reader_id, title_key, central});
  }
  long long rows_of(const std::string& table, long long reader_id) {
    return count("SELECT COUNT(*) FROM " + table + " WHERE reader_id = " + std::to_string(reader_id));
  }
  long long central = 0;
  long long kept = 0;
  long long other = 0;
  Actor admin;
  Actor counter;
};

TEST_P(ReaderMerge, EverythingMovesToTheKeptRecordAndTheOtherCardStopsWorking) {
  lend("O1", "B1");
  lend("K1", "B2");
  reserve(other, "t:B3");
  ASSERT_TRUE(check_in(*context, network, {"B2", central, Channel::kCounter, std::nullopt, ""}));
  lend("O1", "B2");
  sql().execute(
      "INSERT INTO charges (reader_id, kind, amount_cents, explanation, created_at) VALUES (?, 'overdue', 300, '', 1)",
      {other});
  ASSERT_TRUE(check_reader_pin(*context, "O1", "2468", "10.0.0.3"));
  const auto other_session = reader_log_in(*context, "O1", "other reader passphrase", "10.0.0.1");
  ASSERT_TRUE(other_session);

  auto preview = merge_preview(*context, admin, "K1", "O1");
  ASSERT_TRUE(preview);
  EXPECT_TRUE(preview->conflicts.empty());
  EXPECT_EQ(preview->moving.open_loans, 2);
  EXPECT_EQ(preview->moving.reservations, 1);
  EXPECT_EQ(preview->moving.charges, 1);

  auto merged = merge_readers(*context, admin, "K1", "O1");
  ASSERT_TRUE(merged) << domain::error_info(merged.error().code).name;
  EXPECT_EQ(merged->open_loans, 2);
  EXPECT_EQ(rows_of("loans", other), 0);
  EXPECT_EQ(rows_of("loans", kept), 3);  // two open, one returned
  EXPECT_EQ(rows_of("reservations", kept), 1);
  EXPECT_EQ(rows_of("charges", kept), 1);
  EXPECT_EQ(count("SELECT merged_into FROM readers WHERE id = " + std::to_string(other)), kept);
  auto audit = sql().query("SELECT staff_id, subject, detail FROM audit_log WHERE action = 'reader.merge'");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].integer(0), admin.staff_id);
  EXPECT_EQ(audit[0].text(1), "reader:" + std::to_string(kept));
  EXPECT_NE(audit[0].text(2).find("merged=reader:" + std::to_string(other)), std::string::npos);
  EXPECT_NE(audit[0].text(2).find("open_loans=2"), std::string::npos);

  // The other card stops working: no checkout, no sign-in, no session, no PIN.
  EXPECT_FALSE(check_out(*context, network, {"O1", "B3", central, Channel::kCounter, "", std::nullopt}));
  EXPECT_FALSE(reader_log_in(*context, "O1", "other reader passphrase", "10.0.0.2"));
  EXPECT_FALSE(resume_reader_session(*context, ReaderSessionPolicy{}, other_session->session_token));
  EXPECT_EQ(check_reader_pin(*context, "O1", "2468", "10.0.0.3").error().code, ErrorCode::kInvalidCredentials);
  // The kept card works, with the loans.
  EXPECT_TRUE(check_out(*context, network, {"K1", "B3", central, Channel::kCounter, "", std::nullopt}));
  // Merged once: not again, either way.
  const auto again = merge_readers(*context, admin, "K1", "O1");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kMergeAlreadyMerged);
  EXPECT_EQ(again.error().fields.at(0).params.at("into"), "K1");
}

TEST_P(ReaderMerge, ConflictsAreRefusedWithTheirReasonsAndNothingMoves) {
  reserve(kept, "t:B3");
  reserve(other, "t:B3");
  lend("O1", "B1");
  sql().execute(
      "INSERT INTO registration_applications (reference, type, status, language, created_at, updated_at, reader_id) "
      "VALUES ('R-1', 'library_card', 'submitted', 'en', 1, 1, ?)",
      {other});
  const auto refused = merge_readers(*context, admin, "K1", "O1");
  ASSERT_FALSE(refused);
  ASSERT_EQ(refused.error().fields.size(), 2u);
  EXPECT_EQ(refused.error().fields[0].code, ErrorCode::kMergeSameTitleReserved);
  EXPECT_EQ(refused.error().fields[1].code, ErrorCode::kMergeOpenApplication);
  EXPECT_EQ(refused.error().fields[1].params.at("reference"), "R-1");
  EXPECT_EQ(rows_of("loans", other), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM readers WHERE merged_into IS NOT NULL"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'reader.merge'"), 0);

  EXPECT_EQ(merge_readers(*context, admin, "K1", "K1").error().code, ErrorCode::kMergeSameReader);
  EXPECT_EQ(merge_readers(*context, admin, "K1", "NOPE").error().fields.at(0).field, "other_card");
  EXPECT_EQ(merge_readers(*context, admin, "NOPE", "K1").error().code, ErrorCode::kNotFound);
}

TEST_P(ReaderMerge, OnlyAdministratorsMergeAndCandidatesShareBirthDateAndName) {
  EXPECT_EQ(merge_readers(*context, counter, "K1", "O1").error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(merge_start(*context, counter, "K1").error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(merge_preview(*context, counter, "K1", "O1").error().code, ErrorCode::kPermissionDenied);
  sql().execute("UPDATE readers SET date_of_birth = '1980-02-03' WHERE card_number IN ('K1', 'O1')");
  new_reader({.card = "X1", .name = "Someone Else"});
  sql().execute("UPDATE readers SET date_of_birth = '1980-02-03' WHERE card_number = 'X1'");
  const auto start = merge_start(*context, admin, "K1");
  ASSERT_TRUE(start);
  ASSERT_EQ(start->candidates.size(), 1u);
  EXPECT_EQ(start->candidates[0].card_number, "O1");
}

TEST_P(ReaderMerge, AnEditFormMadeBeforeTheMergeIsToldEitherRecordChanged) {
  const auto kept_before = reader_for_care(*context, admin, "K1");
  const auto other_before = reader_for_care(*context, admin, "O1");
  ASSERT_TRUE(kept_before);
  ASSERT_TRUE(other_before);
  ASSERT_TRUE(merge_readers(*context, admin, "K1", "O1"));
  for (const auto* before : {&kept_before.value(), &other_before.value()}) {
    DetailsEdit edit;
    edit.form = {before->details.name_en, before->details.name_zh, "", "", "", "A new address", "en", "none"};
    auto refused = edit_reader_details(*context, admin, before->card_number, before->version, edit);
    ASSERT_FALSE(refused) << before->card_number;
    EXPECT_EQ(refused.error().code, ErrorCode::kEditConflict) << before->card_number;
  }
}

SHELFMARK_ON_BOTH_BACKENDS(ReaderMerge);

}  // namespace
}  // namespace shelfmark::app
