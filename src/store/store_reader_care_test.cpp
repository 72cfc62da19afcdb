// The store contract of looking after a reader, on SQLite and PostgreSQL: the reader's version, blocks,
// notes, status history, guarantors and readers whose card expires soon.
#include "app/reader_care_ports.h"
#include "app/registration_ports.h"
#include "store/store_test_support.h"

namespace shelfmark::store {
namespace {

using app::Repositories;
using app::Store;
using testing_support::BackendTest;

Date date(std::string_view iso) { return *parse_iso_date(iso); }

class ReaderCareStore : public BackendTest {
 protected:
  long long new_reader(Repositories& repos, const std::string& card, std::optional<Date> expires) {
    app::NewReader reader;
    reader.card_number = card;
    reader.name = "Reader " + card;
    reader.category = domain::ReaderCategory::kAdult;
    reader.status = domain::ReaderStatus::kActive;
    reader.expires_on = expires;
    reader.email = card + "@example.com";
    return repos.registrations.insert_reader(reader, instant_from_unix(1));
  }
};

TEST_P(ReaderCareStore, DetailsAndMembershipAreVersionChecked) {
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto id = new_reader(repos, "30001", date("2027-01-01"));
    auto profile = *repos.reader_care.profile(id);
    EXPECT_EQ(profile.version, 1);
    EXPECT_FALSE(profile.has_hkid);
    EXPECT_EQ(profile.details.email, "30001@example.com");
    auto details = profile.details;
    details.name_zh = "陳大文";
    details.date_of_birth = date("1990-05-01");
    details.language = domain::Language::kTraditionalChinese;
    details.channel = "none";
    EXPECT_TRUE(repos.reader_care.save_details(id, 1, details));
    EXPECT_FALSE(repos.reader_care.save_details(id, 1, details));
    profile = *repos.reader_care.profile(id);
    EXPECT_EQ(profile.version, 2);
    EXPECT_EQ(profile.details, details);
    EXPECT_TRUE(repos.reader_care.save_membership(id, 2, date("2030-01-01"), domain::ReaderStatus::kActive));
    EXPECT_FALSE(repos.reader_care.save_membership(id, 2, date("2031-01-01"), domain::ReaderStatus::kActive));
    repos.reader_care.raise_version(id);
    profile = *repos.reader_care.profile(id);
    EXPECT_EQ(profile.version, 4);
    EXPECT_EQ(profile.expires_on, date("2030-01-01"));
    EXPECT_FALSE(repos.reader_care.profile(id + 1000));
  });
}

TEST_P(ReaderCareStore, BlocksNotesHistoryAndGuarantor) {
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto id = new_reader(repos, "30002", std::nullopt);
    const auto other = new_reader(repos, "30003", std::nullopt);
    app::BlockRecord block;
    block.reader_id = id;
    block.block = {0, domain::BlockReason::kMisconduct, date("2026-11-23"), date("2026-11-30")};
    block.note = "shouting";
    block.created_at = instant_from_unix(5);
    const auto first = repos.reader_care.add_block(block);
    block.block = {0, domain::BlockReason::kOther, date("2026-11-24"), std::nullopt};
    const auto second = repos.reader_care.add_block(block);
    auto all = repos.reader_care.blocks(id);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].block.id, second);  // newest first
    EXPECT_EQ(all[1].block.ends_on, date("2026-11-30"));
    EXPECT_EQ(all[1].note, "shouting");
    EXPECT_FALSE(repos.reader_care.lift_block(other, first, 0, instant_from_unix(6)));  // not that reader's
    const auto staff =
        repos.staff.insert({0, "lifter", "Lifter", domain::Role::kCounter, false}, "h", instant_from_unix(1));
    EXPECT_TRUE(repos.reader_care.lift_block(id, first, staff, instant_from_unix(6)));
    EXPECT_FALSE(repos.reader_care.lift_block(id, first, staff, instant_from_unix(7)));
    const auto unlifted = repos.reader_care.unlifted_blocks(id);
    ASSERT_EQ(unlifted.size(), 1u);
    EXPECT_EQ(unlifted[0].reason, domain::BlockReason::kOther);
    EXPECT_EQ(repos.reader_care.blocks(id)[1].lifted_by_name, "Lifter");

    app::NoteRecord note;
    note.reader_id = id;
    note.kind = app::NoteKind::kToReader;
    note.body = "Please come to the counter";
    note.created_by = staff;
    note.created_at = instant_from_unix(8);
    const auto note_id = repos.reader_care.add_note(note);
    note.kind = app::NoteKind::kInternal;
    const auto internal = repos.reader_care.add_note(note);
    EXPECT_FALSE(repos.reader_care.acknowledge_note(id, internal, staff, instant_from_unix(9)));  // internal
    EXPECT_FALSE(repos.reader_care.acknowledge_note(other, note_id, std::nullopt, instant_from_unix(9)));
    EXPECT_TRUE(repos.reader_care.acknowledge_note(id, note_id, std::nullopt, instant_from_unix(9)));
    EXPECT_FALSE(repos.reader_care.acknowledge_note(id, note_id, std::nullopt, instant_from_unix(10)));
    const auto notes = repos.reader_care.notes(id);
    ASSERT_EQ(notes.size(), 2u);
    EXPECT_EQ(notes[1].acknowledged_at, instant_from_unix(9));
    EXPECT_FALSE(notes[1].acknowledged_by);
    EXPECT_EQ(notes[1].created_by_name, "Lifter");

    repos.reader_care.add_status_change(id, {domain::ReaderStatus::kExpired, domain::ReaderStatus::kActive, "renewed",
                                             staff, "", instant_from_unix(11)});
    const auto history = repos.reader_care.status_history(id);
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].from, domain::ReaderStatus::kExpired);
    EXPECT_EQ(history[0].staff_name, "Lifter");

    EXPECT_FALSE(repos.reader_care.guarantor(id));
    repos.reader_care.save_guarantor(id, {"Chan Siu Ming", "parent", "91234567", instant_from_unix(12)});
    repos.reader_care.save_guarantor(id, {"Chan Siu Ming", "guardian", "91234568", instant_from_unix(13)});
    const auto guarantor = repos.reader_care.guarantor(id);
    ASSERT_TRUE(guarantor);
    EXPECT_EQ(guarantor->relationship, "guardian");
    EXPECT_EQ(guarantor->phone, "91234568");
  });
}

TEST_P(ReaderCareStore, ExpiringReadersUntilRemindedOfThatDate) {
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    const auto soon = new_reader(repos, "30010", date("2026-12-10"));
    new_reader(repos, "30011", date("2027-02-01"));  // too late
    new_reader(repos, "30012", date("2026-11-01"));  // already expired
    const auto none = new_reader(repos, "30013", date("2026-12-05"));
    repos.registrations.save_reader_settings(none, [&] {
      auto s = *repos.registrations.reader_settings(none);
      s.channel = "none";
      return s;
    }());
    auto found = repos.reader_care.expiring(date("2026-11-23"), date("2026-12-23"), 10);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].reader_id, soon);
    EXPECT_EQ(found[0].email, "30010@example.com");
    EXPECT_EQ(found[0].channel, "email");
    EXPECT_TRUE(repos.outbox.mark_notice_sent("membership_expiring", "reader:" + std::to_string(soon) + ":2026-12-10",
                                              instant_from_unix(1)));
    EXPECT_TRUE(repos.reader_care.expiring(date("2026-11-23"), date("2026-12-23"), 10).empty());
  });
}

SHELFMARK_ON_BOTH_BACKENDS(ReaderCareStore);

}  // namespace
}  // namespace shelfmark::store
