// Finding a reader and the reader record: every kind of query, no match, more than 50 matches, who may search,
// the audit row when the record is opened, and a record with its sections filled.
#include "app/reader_search.h"

#include "app/reader_record.h"
#include "app/testing/use_case_test.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::ReaderQueryKind;
using domain::Role;
using testing::UseCaseTest;

class ReaderSearch : public UseCaseTest {
 protected:
  void SetUp() override {
    counter = new_staff({"counter", "Counter One", Role::kCounter});
    chan = new_reader({"2100000001", "CHAN, Tai-man"});
    store->transact(Store::Mode::kWrite,
                    [&](Repositories& repos) { repos.readers.set_names(chan, "CHAN, Tai-man", "陳大文"); });
    sql().execute(
        "UPDATE readers SET hkid_digest = ?, hkid_masked = 'A123***(*)', email = 'Tai.Man@Example.com', "
        "mobile = '91234567' WHERE id = ?",
        {tokens.digest("hkid:A1234563"), chan});
    wong = new_reader({"E1234567890", "Wong Siu Ming"});
  }
  ReaderSearchResult found(const std::string& text, const Actor& actor) {
    auto result = find_readers(*context, actor, text);
    EXPECT_TRUE(result) << text;
    return result ? result.value() : ReaderSearchResult{};
  }
  ReaderSearchResult found(const std::string& text) { return found(text, counter); }
  std::vector<long long> ids(const ReaderSearchResult& result) {
    std::vector<long long> out;
    for (const auto& reader : result.readers) out.push_back(reader.id);
    return out;
  }
  Actor counter;
  long long chan = 0;
  long long wong = 0;
};

TEST_P(ReaderSearch, EveryKindOfQueryFindsTheReader) {
  const std::vector<long long> just_chan{chan};
  for (auto text :
       {"Chan Tai Man", "chan tai", "TAI-MAN chan", "ｃｈａｎ", "陳大文", "大文", "Tai.Man@example.com",
        "tai.man@EXAMPLE.com", "9123 4567", "+852 9123 4567", "A123456(3)", "a1234563", "Ａ１２３４５６（３）"})
    EXPECT_EQ(ids(found(text)), just_chan) << text;
  EXPECT_EQ(found("A123456(3)").readers.at(0).hkid_masked, "A123***(*)");
  EXPECT_EQ(found("A123456(3)").kind, ReaderQueryKind::kHkid);
  EXPECT_EQ(found("+852 9123 4567").kind, ReaderQueryKind::kMobile);
  // A card or E-Account number goes straight to the reader.
  auto card = found("2100000001");
  EXPECT_EQ(card.card, "2100000001");
  EXPECT_EQ(found("e1234567890").card, "E1234567890");
  EXPECT_EQ(ids(found("siu ming")), std::vector<long long>{wong});
}

TEST_P(ReaderSearch, NoMatchIsAnEmptyList) {
  for (auto text : {"Cheung", "陳小明", "nobody@example.com", "B123456(6)", "2199999999", "+852 6000 0000"}) {
    auto result = found(text);
    EXPECT_TRUE(result.readers.empty()) << text;
    EXPECT_EQ(result.total, 0) << text;
    EXPECT_FALSE(result.card) << text;
  }
}

TEST_P(ReaderSearch, BadQueriesAreRefusedWithAReason) {
  for (auto [text, code] : std::vector<std::pair<std::string, ErrorCode>>{
           {"", ErrorCode::kRequired}, {"c", ErrorCode::kTooShort}, {"A123456(4)", ErrorCode::kHkidCheckDigit}}) {
    auto result = find_readers(*context, counter, text);
    ASSERT_FALSE(result) << text;
    EXPECT_EQ(result.error().fields.at(0).field, "q");
    EXPECT_EQ(result.error().fields.at(0).code, code) << text;
  }
}

TEST_P(ReaderSearch, MoreThanFiftyMatchesShowFiftyAndTheTotal) {
  for (int i = 0; i < 60; ++i) new_reader({"22000000" + std::to_string(10 + i), "Lee Ka Ho " + std::to_string(i)});
  auto result = found("lee ka");
  EXPECT_EQ(result.readers.size(), 50u);
  EXPECT_EQ(result.total, 60);
  EXPECT_EQ(found("lee ka 59").total, 1);
}

TEST_P(ReaderSearch, OnlyStaffWhoServeReadersMaySearchAndOpenRecords) {
  for (auto role : {Role::kEditor, Role::kCataloguer, Role::kReference}) {
    const auto other = new_staff({"s" + std::string(domain::role_code(role)), "x", role});
    EXPECT_EQ(find_readers(*context, other, "chan").error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(reader_record(*context, other, "2100000001").error().code, ErrorCode::kPermissionDenied);
  }
  for (auto role : {Role::kAdministrator, Role::kVerifier}) {
    const auto allowed = new_staff({"a" + std::string(domain::role_code(role)), "x", role});
    EXPECT_EQ(found("chan", allowed).total, 1);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'reader.view'"), 0);
}

TEST_P(ReaderSearch, OpeningTheRecordIsAudited) {
  auto record = reader_record(*context, counter, "2100000001");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->details.summary.name_zh, "陳大文");
  EXPECT_EQ(record->details.summary.hkid_masked, "A123***(*)");
  auto rows = sql().query("SELECT staff_id, subject, detail FROM audit_log WHERE action = 'reader.view'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].integer(0), counter.staff_id);
  EXPECT_EQ(rows[0].text(1), "reader:" + std::to_string(chan));
  EXPECT_EQ(rows[0].text(2), "");
  EXPECT_EQ(reader_record(*context, counter, "2199999999").error().code, ErrorCode::kNotFound);
}

TEST_P(ReaderSearch, TheRecordShowsEverySection) {
  const auto library = new_library(testing::library("CL"));
  const auto item = new_item(
      {"3100000001", "The Old Man and the Sea", "", domain::ItemType::kBook, domain::Collection::kAdult, library});
  const auto returned = new_item(
      {"3100000002", "Lonely Planet Hong Kong", "", domain::ItemType::kBook, domain::Collection::kAdult, library});
  sql().execute("UPDATE readers SET keep_history = 1 WHERE id = ?", {chan});
  sql().execute(
      "INSERT INTO loans (item_id, reader_id, library_id, channel, checked_out_at, due_on) VALUES "
      "(?, ?, ?, 'counter', 1790000000, '2026-12-14')",
      {item, chan, library});
  sql().execute(
      "INSERT INTO loans (item_id, reader_id, library_id, channel, checked_out_at, due_on, returned_at) "
      "VALUES (?, ?, ?, 'counter', 1780000000, '2026-09-14', 1781000000)",
      {returned, chan, library});
  sql().execute(
      "INSERT INTO reservations (reader_id, title_key, pickup_library_id, placed_at, expires_on, status) "
      "VALUES (?, 't:3100000002', ?, 1790000000, '2027-05-01', 'waiting')",
      {chan, library});
  sql().execute(
      "INSERT INTO charges (reader_id, kind, amount_cents, explanation, created_at) VALUES "
      "(?, 'overdue', 1500, '5 days late', 1790000000)",
      {chan});
  const auto payment = sql()
                           .query(
                               "INSERT INTO payments (reader_id, kind, amount_cents, method, at) VALUES "
                               "(?, 'payment', 500, 'cash', 1790000100) RETURNING id",
                               {chan})
                           .at(0)
                           .integer(0);
  sql().execute(
      "INSERT INTO outbound_messages (channel, recipient, kind, language, params, created_at, "
      "next_attempt_at, sent_at) VALUES ('sms', '91234567', 'reservation_ready', 'en', '', 1790000000, "
      "1790000000, 1790000005)");
  sql().execute(
      "INSERT INTO outbound_messages (channel, recipient, kind, language, params, created_at, "
      "next_attempt_at, failed_at) VALUES ('email', 'someone.else@example.com', 'due_soon', 'en', '', "
      "1790000000, 1790000000, 1790000005)");
  sql().execute(
      "INSERT INTO registration_applications (reference, type, status, created_at, updated_at, "
      "submitted_at, reader_id) VALUES ('R-0001', 'e_account', 'completed', 1780000000, 1780000000, "
      "1780000000, ?)",
      {chan});
  sql().execute(
      "INSERT INTO enquiries (reference, reader_id, subject, language, question, status, submitted_at, "
      "updated_at) VALUES ('Q-0001', ?, 'borrowing', 'en', 'How many?', 'new', 1790000000, 1790000000)",
      {chan});
  sql().execute(
      "INSERT INTO audit_log (at, staff_id, action, subject, detail) VALUES (1790000200, ?, "
      "'reader.card_lost', ?, '')",
      {counter.staff_id, "reader:" + std::to_string(chan)});

  auto record = reader_record(*context, counter, "2100000001");
  ASSERT_TRUE(record);
  ASSERT_EQ(record->current_loans.size(), 1u);
  EXPECT_EQ(record->current_loans[0].title, "The Old Man and the Sea");
  ASSERT_EQ(record->past_loans.size(), 1u);
  EXPECT_EQ(record->past_loans[0].barcode, "3100000002");
  ASSERT_EQ(record->reservations.size(), 1u);
  EXPECT_EQ(record->reservations[0].title, "Lonely Planet Hong Kong");
  ASSERT_EQ(record->charges.size(), 1u);
  EXPECT_EQ(record->charges[0].amount_cents, 1500);
  ASSERT_EQ(record->payments.size(), 1u);
  EXPECT_EQ(receipt_number(record->payments[0]),
            "P" + std::string(8 - std::to_string(payment).size(), '0') + std::to_string(payment));
  ASSERT_EQ(record->messages.size(), 1u);  // not the message to someone else
  EXPECT_EQ(record->messages[0].kind, "reservation_ready");
  EXPECT_TRUE(record->messages[0].sent_at);
  ASSERT_EQ(record->applications.size(), 1u);
  EXPECT_EQ(record->applications[0].reference, "R-0001");
  ASSERT_EQ(record->enquiries.size(), 1u);
  ASSERT_EQ(record->history.size(), 1u);  // the card reported lost; not the read of the record itself
  EXPECT_EQ(record->history[0].staff_name, "Counter One");
  EXPECT_EQ(record->history[0].action, "reader.card_lost");

  // Without a reading history, past loans are not shown.
  sql().execute("UPDATE readers SET keep_history = 0 WHERE id = ?", {chan});
  EXPECT_TRUE(reader_record(*context, counter, "2100000001")->past_loans.empty());
}

TEST_P(ReaderSearch, RenamingKeepsTheKeys) {
  store->transact(Store::Mode::kWrite,
                  [&](Repositories& repos) { repos.readers.set_names(chan, "Chan Siu Keung", "陳小強"); });
  EXPECT_EQ(ids(found("siu keung")), std::vector<long long>{chan});
  EXPECT_EQ(ids(found("小強")), std::vector<long long>{chan});
  EXPECT_TRUE(found("tai man").readers.empty());
  EXPECT_TRUE(found("大文").readers.empty());
}

SHELFMARK_ON_BOTH_BACKENDS(ReaderSearch);

}  // namespace
}  // namespace shelfmark::app
