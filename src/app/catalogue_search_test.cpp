// Catalogue search against the real store and a real Xapian index, on both backends: the index is rebuilt
// from the database, follows record changes and lending, and answers with availability.
#include "app/catalogue_search.h"

#include <filesystem>
#include <random>

#include "app/catalogue.h"
#include "app/circulation.h"
#include "app/testing/use_case_test.h"

namespace shelfmark::app {
namespace {

using domain::MarcField;
using domain::MarcRecord;
using testing::UseCaseTest;

MarcRecord record(const std::string& control_number, std::vector<MarcField> fields) {
  MarcRecord marc;
  marc.leader = "00000nam a2200000 a 4500";
  marc.fields.push_back({"001", control_number, ' ', ' ', {}});
  for (auto& field : fields) marc.fields.push_back(std::move(field));
  return marc;
}

MarcField field(std::string tag, std::vector<domain::MarcSubfield> subfields, char ind1 = ' ', char ind2 = ' ') {
  return {std::move(tag), "", ind1, ind2, std::move(subfields)};
}

class CatalogueSearchTest : public UseCaseTest {
 protected:
  void SetUp() override {
    for (const char* code : {"CL", "KT"}) {
      auto library = testing::library(code);
      library.hours = testing::open_every_day(540, 1200);
      new_library(library);
    }
    new_reader({.card = "R1000", .name = "Reader"});
    directory = std::filesystem::temp_directory_path() /
                ("shelfmark-catalogue-index-" + std::to_string(std::random_device{}()));
    index = testing::open_search_index(directory.string());
    const auto report = import_records(
        *context,
        {record("T1", {{"008", "261122s1813    enk           000 1 eng d", ' ', ' ', {}},
                       field("100", {{'a', "Austen, Jane."}}, '1'),
                       field("245", {{'6', "880-01"}, {'a', "Pride and prejudice /"}, {'c', "Jane Austen."}}, '1', '0'),
                       field("880", {{'6', "245-01/$1"}, {'a', "傲慢與偏見 /"}}, '1', '0'),
                       field("952", {{'a', "CL"}, {'p', "B1"}, {'o', "823 AUS"}}),
                       field("952", {{'a', "KT"}, {'p', "B2"}, {'o', "823 AUS"}})}),
         record("T2", {{"008", "261122s1791    cc            000 1 chi d", ' ', ' ', {}},
                       field("100", {{'a', "曹雪芹."}}, '1'),
                       field("245", {{'a', "紅樓夢 /"}}, '1', '0'),
                       field("952", {{'a', "CL"}, {'p', "B3"}})})});
    ASSERT_EQ(report.inserted, 2);
    ASSERT_EQ(report.items_added, 3);
  }
  void TearDown() override {
    index.reset();
    std::filesystem::remove_all(directory);
  }

  CatalogueSearch find(const std::string& text, std::map<std::string, std::vector<std::string>> filters = {}) {
    SearchQuery query;
    query.text = text;
    query.filters = std::move(filters);
    return search_catalogue(*context, *index, query);
  }

  std::filesystem::path directory;
  std::unique_ptr<SearchIndex> index;
};

TEST_P(CatalogueSearchTest, RebuildsSearchesAndShowsAvailability) {
  long long reported = 0;
  EXPECT_EQ(reindex(*context, network, *index, [&](long long done, long long) { reported = done; }), 2);
  EXPECT_EQ(reported, 2);
  auto found = find("傲慢与偏见");
  ASSERT_EQ(found.records.size(), 1u);
  EXPECT_EQ(found.records[0].fields.title.text, "Pride and prejudice");
  EXPECT_EQ(found.records[0].copies, 2);
  EXPECT_EQ(found.records[0].available, 2);
  EXPECT_EQ(find("红楼梦").records.size(), 1u);
  EXPECT_EQ(find("austen").records.size(), 1u);
  EXPECT_EQ(find("", {{"library", {"KT"}}}).records.size(), 1u);
  EXPECT_EQ(follow_changes(*context, network, *index), 0);  // nothing new
}

TEST_P(CatalogueSearchTest, FollowsLendingAndRecordChanges) {
  reindex(*context, network, *index);
  long long central = 0;
  store->transact(Store::Mode::kRead, [&](Repositories& repos) { central = network.get(repos)->find("CL")->id; });
  ASSERT_TRUE(check_out(*context, network, {"R1000", "B3", central, Channel::kCounter, "", std::nullopt}));
  EXPECT_EQ(follow_changes(*context, network, *index), 1);
  // 紅樓夢's only copy is out: it is no longer available at CL.
  EXPECT_TRUE(find("", {{"library", {"CL"}}, {"language", {"chi"}}}).records.empty());
  auto red = find("紅樓夢");
  ASSERT_EQ(red.records.size(), 1u);
  EXPECT_EQ(red.records[0].available, 0);
  EXPECT_EQ(format_iso_date(*red.records[0].next_due), "2026-12-07");
  ASSERT_TRUE(check_in(*context, network, {"B3", central, Channel::kCounter, std::nullopt, ""}));
  follow_changes(*context, network, *index);
  EXPECT_EQ(find("", {{"library", {"CL"}}, {"language", {"chi"}}}).records.size(), 1u);

  // A re-imported record with a new title is found by it.
  import_records(*context, {record("T2", {field("245", {{'a', "The story of the stone /"}}, '1', '0')})});
  EXPECT_GE(follow_changes(*context, network, *index), 1);
  EXPECT_EQ(find("stone").records.size(), 1u);
}

// A copy that reaches a shelf without a loan event (arriving from transit) is followed all the same.
TEST_P(CatalogueSearchTest, FollowsCopiesArrivingFromTransit) {
  reindex(*context, network, *index);
  long long central = 0, kowloon_tong = 0;
  store->transact(Store::Mode::kRead, [&](Repositories& repos) {
    central = network.get(repos)->find("CL")->id;
    kowloon_tong = network.get(repos)->find("KT")->id;
  });
  // B2 belongs to KT; lent and returned at CL, it travels home.
  ASSERT_TRUE(check_out(*context, network, {"R1000", "B2", central, Channel::kCounter, "", std::nullopt}));
  const auto returned = check_in(*context, network, {"B2", central, Channel::kCounter, std::nullopt, ""});
  ASSERT_TRUE(returned);
  EXPECT_EQ(returned->routing.routing, domain::Routing::kTransit);
  follow_changes(*context, network, *index);
  EXPECT_TRUE(find("pride", {{"library", {"KT"}}}).records.empty());
  // It arrives at KT: no loan, no loan event.
  const auto arrived = check_in(*context, network, {"B2", kowloon_tong, Channel::kCounter, std::nullopt, ""});
  ASSERT_TRUE(arrived);
  EXPECT_FALSE(arrived->was_on_loan);
  EXPECT_EQ(follow_changes(*context, network, *index), 1);
  EXPECT_EQ(find("pride", {{"library", {"KT"}}}).records.size(), 1u);
}

TEST_P(CatalogueSearchTest, RecordPageListsCopiesWithStatus) {
  long long central = 0;
  store->transact(Store::Mode::kRead, [&](Repositories& repos) { central = network.get(repos)->find("CL")->id; });
  ASSERT_TRUE(check_out(*context, network, {"R1000", "B1", central, Channel::kCounter, "", std::nullopt}));
  reindex(*context, network, *index);
  const auto pride = find("pride").records.at(0).id;
  auto view = record_view(*context, network, pride);
  ASSERT_TRUE(view);
  ASSERT_EQ(view->holdings.size(), 2u);
  EXPECT_EQ(view->holdings[0].barcode, "B2");  // on the shelf first
  EXPECT_EQ(view->holdings[1].status, domain::ItemStatus::kOnLoan);
  EXPECT_EQ(format_iso_date(*view->holdings[1].due_on), "2026-12-07");
  EXPECT_TRUE(view->reservable);
  EXPECT_FALSE(record_view(*context, network, 999999));
}

TEST_P(CatalogueSearchTest, FindsTheSharedRecordsInEveryScript) {
  const std::filesystem::path data = SHELFMARK_MARC_DATA;
  if (!std::filesystem::is_directory(data)) GTEST_SKIP() << "no shared MARC samples at " << data;
  std::vector<MarcRecord> records;
  for (const char* name : {"concerto_graphic_880.utf8.mrc", "lul_fre_500.mrc"}) {
    for (auto& record : testing::read_marc_file((data / name).string())) records.push_back(std::move(record));
  }
  import_records(*context, records);
  reindex(*context, network, *index);
  auto title_of = [&](const std::string& query) {
    auto found = find(query);
    return found.records.empty() ? std::string() : domain::display_title(found.records[0].fields);
  };
  // 图说中国节 is catalogued in Simplified: a Traditional query finds it, and so do one or two characters.
  EXPECT_EQ(title_of("圖說中國節"), "图说中国节 = Tushuo Zhongguojie");
  EXPECT_EQ(title_of("图说中国节"), "图说中国节 = Tushuo Zhongguojie");
  EXPECT_FALSE(find("節").records.empty());
  EXPECT_EQ(title_of("tushuo zhongguojie"), "图说中国节 = Tushuo Zhongguojie");  // the romanised form
  EXPECT_EQ(title_of("作者:蔡志忠"), title_of("老子說"));                        // author in Chinese, title folded
  EXPECT_FALSE(find("author:\"Cai, Zhizhong\"").records.empty());
  // French records from MARC-8: accented and unaccented spellings meet.
  const auto accented = find("société").results.total;
  EXPECT_GT(accented, 0);
  EXPECT_EQ(find("societe").results.total, accented);
}

// A page of results is built from the index's list entries and two reads of copies and loans, not from
// each record: the list shows what the record page shows, and the availability is read now.
TEST_P(CatalogueSearchTest, ResultListComesFromListEntriesWithLiveAvailability) {
  reindex(*context, network, *index);
  std::optional<BibRecord> pride;
  store->transact(Store::Mode::kRead,
                  [&](Repositories& repos) { pride = repos.catalogue.record_by_control_number("T1"); });
  ASSERT_TRUE(pride);
  SearchQuery query;
  query.text = "pride";
  const auto raw = index->search(query);
  ASSERT_EQ(raw.list_entries.size(), 1u);
  const auto listed = decode_list_entry(raw.list_entries[0]);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->title, pride->fields.title);
  EXPECT_EQ(listed->authors, pride->fields.authors);
  EXPECT_EQ(listed->year, pride->fields.year);
  EXPECT_EQ(listed->format, pride->fields.format);
  EXPECT_EQ(listed->language, "eng");

  long long central = 0;
  store->transact(Store::Mode::kRead, [&](Repositories& repos) { central = network.get(repos)->find("CL")->id; });
  ASSERT_TRUE(check_out(*context, network, {"R1000", "B1", central, Channel::kCounter, "", std::nullopt}));
  // Not yet followed: the list entry is the index's, the copies are read now.
  auto found = find("pride");
  ASSERT_EQ(found.records.size(), 1u);
  EXPECT_EQ(found.records[0].fields.title.vernacular, "傲慢與偏見");
  EXPECT_EQ(found.records[0].copies, 2);
  EXPECT_EQ(found.records[0].available, 1);
  ASSERT_TRUE(check_out(*context, network, {"R1000", "B2", central, Channel::kCounter, "", std::nullopt}));
  found = find("pride");
  EXPECT_EQ(found.records[0].available, 0);
  EXPECT_EQ(format_iso_date(*found.records[0].next_due), "2026-12-07");

  // The store reads copies of many records and due dates of many items at once, on both backends.
  store->transact(Store::Mode::kRead, [&](Repositories& repos) {
    const auto red = repos.catalogue.record_by_control_number("T2");
    const auto items = repos.catalogue.items_of_records({red->id, pride->id});
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(items[0].record_id, std::min(red->id, pride->id));
    std::vector<long long> item_ids;
    for (const auto& item : items) item_ids.push_back(item.id);
    const auto due = repos.circulation.due_dates_of_items(item_ids);
    EXPECT_EQ(due.size(), 2u);
    for (const auto& [item, date] : due) EXPECT_EQ(format_iso_date(date), "2026-12-07");
    EXPECT_TRUE(repos.catalogue.items_of_records({}).empty());
  });
}

TEST(ListEntry, RoundTripsAndRefusesWhatIsNotOne) {
  domain::Bibliographic f;
  f.control_number = "C1";
  f.title = {"Title: with colons 1:2", "標題"};
  f.authors = {{"Austen, Jane", ""}, {"", "曹雪芹"}};
  f.year = 1813;
  f.format = domain::Format::kEBook;
  f.audience = domain::Audience::kChildren;
  f.language = "eng";
  f.isbns = {"9780141439518", "014143951X"};
  f.issns = {"1234-5679"};
  const auto entry = encode_list_entry(f);
  const auto back = decode_list_entry(entry);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->control_number, f.control_number);
  EXPECT_EQ(back->title, f.title);
  EXPECT_EQ(back->authors, f.authors);
  EXPECT_EQ(back->year, f.year);
  EXPECT_EQ(back->format, f.format);
  EXPECT_EQ(back->audience, f.audience);
  EXPECT_EQ(back->language, f.language);
  EXPECT_EQ(back->isbns, f.isbns);
  EXPECT_EQ(back->issns, f.issns);
  domain::Bibliographic empty;
  EXPECT_EQ(decode_list_entry(encode_list_entry(empty))->year, std::nullopt);
  // Older index entries (none), another version, and every cut of a real entry are refused, not misread.
  EXPECT_FALSE(decode_list_entry(""));
  auto other_version = entry;
  other_version.replace(other_version.find("!list_entry=1"), 13, "!list_entry=2");
  EXPECT_FALSE(decode_list_entry(other_version));
  EXPECT_FALSE(decode_list_entry(entry + "1:x"));
  EXPECT_FALSE(decode_list_entry(entry + "extra=key\n"));  // a key this version does not write
  for (std::size_t cut = 0; cut < entry.size(); ++cut) EXPECT_FALSE(decode_list_entry(entry.substr(0, cut))) << cut;
  EXPECT_FALSE(decode_list_entry("L199999999999:x"));
  // A list longer than what is left of the entry is refused before anything is made for it.
  EXPECT_FALSE(
      decode_list_entry("!list_entry=1\naudience=adult\nauthors=999999\ncontrol=\nformat=book\n"
                        "language=\ntitle=\ntitle.vernacular=\n~end=1\n"));
}

SHELFMARK_ON_BOTH_BACKENDS(CatalogueSearchTest);

}  // namespace
}  // namespace shelfmark::app
