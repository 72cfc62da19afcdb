// The store contract for finding readers: the name keys follow every write of a reader's names (both inserts
// and set_names), the migration's fill-in indexes readers written before it, and lookups by prefix, email,
// mobile and HKID digest behave alike on SQLite and PostgreSQL.
#include "app/registration_ports.h"
#include "domain/reader_search.h"
#include "store/sql_reader_search.h"
#include "store/store_test_support.h"

namespace shelfmark::store {
namespace {

using app::Repositories;
using app::Store;
using testing_support::BackendTest;

class ReaderSearchContract : public BackendTest {
 protected:
  long long counter_reader(const std::string& card, const std::string& name) {
    long long id = 0;
    store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
      id = repos.circulation.insert_reader(
          {0, card, name, domain::ReaderCategory::kAdult, domain::ReaderStatus::kActive, std::nullopt},
          instant_from_unix(1790000000));
    });
    return id;
  }
  // The word and Chinese keys (the pair and triple keys are counted apart).
  std::vector<std::string> keys_of(long long id) {
    std::vector<std::string> out;
    auto connection = database->acquire();
    for (const auto& row :
         connection->query("SELECT name_key FROM reader_name_keys WHERE reader_id = ? ORDER BY name_key", {id}))
      if (static_cast<unsigned char>(row.text(0).front()) >= 0x20) out.push_back(row.text(0));
    return out;
  }
  long long pair_keys_of(long long id) {
    auto connection = database->acquire();
    return connection->query("SELECT COUNT(*) FROM reader_name_keys WHERE reader_id = ? AND name_key < 'a'", {id})
        .at(0)
        .integer(0);
  }
  std::vector<long long> by_name(const std::string& text) {
    std::vector<long long> out;
    const auto query = domain::classify_reader_query(text);
    EXPECT_TRUE(query) << text;
    store->transact(Store::Mode::kRead, [&](Repositories& repos) {
      for (const auto& r : repos.readers.by_name(query.value(), 50, 1000).readers) out.push_back(r.id);
    });
    return out;
  }
};

TEST_P(ReaderSearchContract, KeysFollowEveryWriteOfTheNames) {
  const auto counter = counter_reader("2100000001", "CHAN, Tai-man");
  EXPECT_EQ(keys_of(counter), (std::vector<std::string>{"chan", "man", "tai"}));
  EXPECT_EQ(pair_keys_of(counter), 12);  // six ordered pairs and six ordered triples of chan, tai, man
  long long registered = 0;
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) {
    app::NewReader reader;
    reader.card_number = "E1234567890";
    reader.name = "Wong Siu Ming";
    reader.name_zh = "黃小明";
    reader.category = domain::ReaderCategory::kEAccount;
    registered = repos.registrations.insert_reader(reader, instant_from_unix(1790000000));
  });
  EXPECT_EQ(keys_of(registered), (std::vector<std::string>{"ming", "siu", "wong", "小明", "明", "黃小明"}));
  store->transact(Store::Mode::kWrite,
                  [&](Repositories& repos) { repos.readers.set_names(counter, "Chan Ka Ho", "陳家豪"); });
  EXPECT_EQ(keys_of(counter), (std::vector<std::string>{"chan", "ho", "ka", "家豪", "豪", "陳家豪"}));
  EXPECT_EQ(by_name("ka chan"), std::vector<long long>{counter});
  EXPECT_TRUE(by_name("tai").empty());
  EXPECT_EQ(by_name("小明"), std::vector<long long>{registered});
  // Deleting a reader (a withdrawn registration) takes its keys along.
  store->transact(Store::Mode::kWrite, [&](Repositories& repos) { repos.registrations.withdraw_reader(registered); });
  EXPECT_TRUE(keys_of(registered).empty());
}

TEST_P(ReaderSearchContract, TheMigrationFillsInReadersWrittenBeforeIt) {
  auto connection = database->acquire();
  connection->execute(
      "INSERT INTO readers (card_number, name, name_zh, category, status, created_at) VALUES ('2100000009', "
      "'LEE Ka-yan', '李嘉欣', 'adult', 'active', 0)");
  EXPECT_EQ(by_name("lee").size(), 0u);
  EXPECT_EQ(index_all_reader_names(*connection), 1);
  EXPECT_EQ(by_name("yan lee").size(), 1u);
  EXPECT_EQ(by_name("嘉欣").size(), 1u);
}

TEST_P(ReaderSearchContract, PrefixesAreByteRangesOnBothBackends) {
  const auto chan = counter_reader("2100000001", "Chan Tai Man");
  const auto chang = counter_reader("2100000002", "Chang Tai Man");
  const auto cha = counter_reader("2100000003", "Cha Siu Ming");
  // Key order: "cha" before "chan" before "chang".
  EXPECT_EQ(by_name("cha"), (std::vector<long long>{cha, chan, chang}));
  EXPECT_EQ(by_name("chan"), (std::vector<long long>{chan, chang}));
  EXPECT_EQ(by_name("chan man"), (std::vector<long long>{chan}));        // "chan" typed whole: a pair key
  EXPECT_EQ(by_name("cha man"), (std::vector<long long>{chan, chang}));  // no whole word: every beginning
  EXPECT_EQ(by_name("man chan"), (std::vector<long long>{chan, chang}));
  EXPECT_TRUE(by_name("chan ming").empty());
  app::ReaderMatches capped;
  const auto c = domain::classify_reader_query("ch").value();
  store->transact(Store::Mode::kRead, [&](Repositories& repos) { capped = repos.readers.by_name(c, 2, 1); });
  EXPECT_EQ(capped.readers.size(), 2u);
  EXPECT_EQ(capped.total, 2);  // counted up to the cap and one more: "more than 1"
}

TEST_P(ReaderSearchContract, EmailMobileAndDigestLookups) {
  const auto id = counter_reader("2100000001", "Chan Tai Man");
  auto connection = database->acquire();
  connection->execute(
      "UPDATE readers SET email = 'Tai.Man@example.com', mobile = '91234567', hkid_digest = 'd1', "
      "hkid_masked = 'A123***(*)' WHERE id = ?",
      {id});
  store->transact(Store::Mode::kRead, [&](Repositories& repos) {
    EXPECT_EQ(repos.readers.by_email("tai.man@example.com", 50, 1000).total, 1);
    EXPECT_EQ(repos.readers.by_email("", 50, 1000).total, 0);
    EXPECT_EQ(repos.readers.by_mobile("91234567", 50, 1000).readers.at(0).id, id);
    EXPECT_EQ(repos.readers.by_hkid_digest("d1")->hkid_masked, "A123***(*)");
    EXPECT_FALSE(repos.readers.by_hkid_digest("d2"));
    EXPECT_EQ(repos.readers.by_card("2100000001")->name, "Chan Tai Man");
  });
}

SHELFMARK_ON_BOTH_BACKENDS(ReaderSearchContract);

}  // namespace
}  // namespace shelfmark::store
