#include "search/xapian_index.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>
#include <random>
#include <thread>

namespace shelfmark::search {
namespace {

class Index : public ::testing::Test {
 protected:
  void SetUp() override {
    directory = std::filesystem::temp_directory_path() /
                ("shelfmark-index-" + std::to_string(std::random_device{}()) + std::to_string(::getpid()));
    index = std::make_unique<XapianIndex>(directory.string());
    add(1, "Pride and prejudice", "傲慢與偏見", {"Austen, Jane"}, {"Courtship -- Fiction"}, "book", "eng", 1813,
        {"CL", "KLNPL"}, {"9780141439518"});
    add(2, "Emma", "", {"Austen, Jane"}, {"Fiction"}, "book", "eng", 1815, {});
    add(3, "Le café des amis", "", {"Dupont, Marie"}, {}, "book", "fre", 2001, {"CL"});
    add(4, "Notes on everything", "", {"Writer, A."}, {}, "audio_visual", "eng", 2020, {"STPL"}, {},
        {"Contains a chapter about prejudice in courts."});
    add(5, "紅樓夢", "", {"曹雪芹"}, {"中國小說"}, "book", "chi", 1791, {"CL"});
    add(6, "Prejudice in the modern world", "", {"Someone"}, {}, "ebook", "eng", 2023, {});
    index->commit({42, 7});
  }
  void TearDown() override {
    index.reset();
    std::filesystem::remove_all(directory);
  }

  void add(long long id, std::string title, std::string vernacular, std::vector<std::string> authors,
           std::vector<std::string> subjects, std::string format, std::string language, int year,
           std::vector<std::string> available, std::vector<std::string> isbns = {},
           std::vector<std::string> notes = {}) {
    app::SearchDocument d;
    d.record_id = id;
    d.title = std::move(title);
    d.title_vernacular = std::move(vernacular);
    d.authors = std::move(authors);
    d.subjects = std::move(subjects);
    d.format = std::move(format);
    d.language = std::move(language);
    d.year = year;
    d.available_at = std::move(available);
    d.isbns = std::move(isbns);
    d.notes = std::move(notes);
    d.audience = "adult";
    index->replace(d);
  }

  std::vector<long long> ids(const std::string& text, app::SearchSort sort = app::SearchSort::kRelevance) {
    app::SearchQuery query;
    query.text = text;
    query.sort = sort;
    return index->search(query).record_ids;
  }

  std::filesystem::path directory;
  std::unique_ptr<XapianIndex> index;
};

using Ids = std::vector<long long>;

TEST_F(Index, FindsByWordsFieldsAndStems) {
  EXPECT_EQ(ids("pride prejudice"), Ids({1}));
  EXPECT_EQ(ids("author:austen", app::SearchSort::kTitle), Ids({2, 1}));
  EXPECT_EQ(ids("title:emma"), Ids({2}));
  EXPECT_EQ(ids("subject:fiction", app::SearchSort::kNewest), Ids({2, 1}));
  EXPECT_EQ(ids("\"pride and prejudice\""), Ids({1}));
  EXPECT_EQ(ids("austen NOT emma"), Ids({1}));
  EXPECT_EQ(ids("emma OR 紅樓夢", app::SearchSort::kNewest), Ids({2, 5}));
  EXPECT_EQ(ids("prides"), Ids({1}));  // English stemming
}

TEST_F(Index, TitleMatchesRankAboveNoteMatches) {
  const auto found = ids("prejudice");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found.back(), 4);  // only its notes mention it
}

TEST_F(Index, ChineseInEitherScriptOneTwoOrManyCharacters) {
  EXPECT_EQ(ids("傲慢与偏见"), Ids({1}));  // Simplified query, Traditional record
  EXPECT_EQ(ids("傲慢與偏見"), Ids({1}));
  EXPECT_EQ(ids("红楼梦"), Ids({5}));
  EXPECT_EQ(ids("樓"), Ids({5}));
  EXPECT_EQ(ids("偏見"), Ids({1}));
  EXPECT_EQ(ids("作者:曹雪芹"), Ids({5}));
  EXPECT_EQ(ids("書名:紅樓夢"), Ids({5}));  // Chinese field names in either script
  EXPECT_EQ(ids("书名:红楼梦"), Ids({5}));
  EXPECT_EQ(ids("主題:中國小說"), Ids({5}));
  EXPECT_EQ(ids("austen 偏见"), Ids({1}));  // mixed scripts
}

TEST_F(Index, DiacriticsAndWidthFold) {
  EXPECT_EQ(ids("cafe"), Ids({3}));
  EXPECT_EQ(ids("café"), Ids({3}));
  EXPECT_EQ(ids("ＥＭＭＡ"), Ids({2}));
}

TEST_F(Index, IsbnWithOrWithoutHyphens) {
  EXPECT_EQ(ids("978-0-14-143951-8"), Ids({1}));
  EXPECT_EQ(ids("isbn:9780141439518"), Ids({1}));
  EXPECT_EQ(ids("isbn:978-0-14-143951-8 austen"), Ids({1}));
  EXPECT_TRUE(ids("isbn:9780000000002").empty());
}

TEST_F(Index, FacetsFiltersAndPaging) {
  app::SearchQuery query;
  query.text = "";  // browse everything
  auto all = index->search(query);
  EXPECT_EQ(all.total, 6);
  ASSERT_FALSE(all.facets["format"].empty());
  EXPECT_EQ(all.facets["format"][0].value, "book");
  EXPECT_EQ(all.facets["format"][0].count, 4);
  long long cl = 0;
  for (const auto& facet : all.facets["library"])
    if (facet.value == "CL") cl = facet.count;
  EXPECT_EQ(cl, 3);
  query.filters["library"] = {"CL"};
  query.filters["language"] = {"eng", "fre"};
  query.sort = app::SearchSort::kNewest;
  EXPECT_EQ(index->search(query).record_ids, Ids({3, 1}));
  query.filters.clear();
  query.sort = app::SearchSort::kTitle;
  query.limit = 2;
  query.offset = 2;
  auto page = index->search(query);
  EXPECT_EQ(page.record_ids.size(), 2u);
  EXPECT_EQ(page.total, 6);
}

TEST_F(Index, AbsurdQueriesNeverThrow) {
  for (const std::string& text :
       std::vector<std::string>{"\"unbalanced", "AND", "OR OR", "((((", "---", "!!!???", "title:", ")", "\"\"",
                                std::string(5000, 'a'), std::string(3000, '(') + "x", "NOT", "*", "author:\""}) {
    app::SearchQuery query;
    query.text = text;
    EXPECT_NO_THROW(index->search(query)) << text.substr(0, 20);
  }
  app::SearchQuery punctuation;
  punctuation.text = "!!! ??? ---";
  auto nothing = index->search(punctuation);
  EXPECT_TRUE(nothing.no_words);
  EXPECT_EQ(nothing.total, 0);
  app::SearchQuery unbalanced;
  unbalanced.text = "\"pride and";
  auto results = index->search(unbalanced);
  EXPECT_EQ(results.record_ids, Ids({1}));
}

TEST_F(Index, SuggestsSpellingAndReplacesAndRemoves) {
  app::SearchQuery query;
  query.text = "prejudise";
  EXPECT_EQ(index->search(query).suggestion, "prejudice");
  add(2, "Emma (new edition)", "", {"Austen, Jane"}, {}, "book", "eng", 2015, {"CL"});
  index->remove(6);
  index->commit({43, 9});
  EXPECT_EQ(index->document_count(), 5);
  EXPECT_EQ(index->marks(), (app::IndexMarks{43, 9}));
  EXPECT_EQ(ids("edition"), Ids({2}));
  EXPECT_TRUE(ids("modern").empty());
  index->remove_all();
  index->commit({44, 9});
  EXPECT_EQ(index->document_count(), 0);
}

TEST_F(Index, ConcurrentReadersWhileWriting) {
  std::vector<std::thread> readers;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    readers.emplace_back([&] {
      for (int i = 0; i < 200; ++i)
        if (ids("austen").size() < 2) ++failures;
    });
  // Commits far more often than the follower's one every two seconds, but not faster than a query can run
  // (a reader may fall at most one commit behind; the search retries when it does).
  for (int i = 0; i < 50; ++i) {
    add(100 + i, "Filler " + std::to_string(i), "", {"Nobody"}, {}, "book", "eng", 2000, {});
    index->commit({100 + i, 0});
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(Index, ChineseWordsMatchTheirPairsNotScatteredCharacters) {
  // 香 and 港 both in the title, but apart: a search for 香港 must not find it (the query keeps the pair
  // and drops the single characters the pair implies).
  add(7, "香江故事", "", {}, {}, "book", "chi", 2000, {}, {}, {"港口"});
  add(8, "香港之夜", "", {}, {}, "book", "chi", 2001, {});
  index->commit({45, 7});
  EXPECT_EQ(ids("香港"), Ids({8}));
  EXPECT_EQ(ids("香", app::SearchSort::kNewest), Ids({8, 7}));
  EXPECT_EQ(ids("港", app::SearchSort::kNewest), Ids({8, 7}));
  EXPECT_EQ(ids("香港 NOT 夜"), Ids());
  EXPECT_EQ(ids("故事 OR 之夜", app::SearchSort::kNewest), Ids({8, 7}));
  EXPECT_EQ(ids("title:香港"), Ids({8}));
  EXPECT_EQ(ids("\"香港之夜\""), Ids({8}));
  // Thai is three-byte UTF-8 as well, but indexed as words: nothing is dropped from its queries.
  add(10, "กข", "", {}, {}, "book", "tha", 2002, {});
  index->commit({45, 8});
  EXPECT_EQ(ids("กข"), Ids({10}));
  EXPECT_EQ(ids("ก กข"), Ids());
}

TEST_F(Index, ResultsCarryTheirListEntries) {
  app::SearchDocument d;
  d.record_id = 9;
  d.title = "Listed";
  d.list_entry = std::string("L1 any bytes\n") + '\x1f' + " with a newline";
  index->replace(d);
  index->commit({46, 7});
  app::SearchQuery query;
  query.text = "listed";
  const auto found = index->search(query);
  ASSERT_EQ(found.record_ids, Ids({9}));
  ASSERT_EQ(found.list_entries.size(), 1u);
  EXPECT_EQ(found.list_entries[0], d.list_entry);
}

// Answers are kept while the index stays at their revision; a commit makes the next search look again
// (unless a staleness allowance says otherwise), and the least recently used answer goes first.
TEST(IndexCache, ReusesAnswersUntilTheIndexChanges) {
  const auto directory =
      std::filesystem::temp_directory_path() / ("shelfmark-index-cache-" + std::to_string(std::random_device{}()));
  auto add = [](XapianIndex& index, long long id, const std::string& title) {
    app::SearchDocument d;
    d.record_id = id;
    d.title = title;
    index.replace(d);
  };
  auto search = [](XapianIndex& index, const std::string& text, int offset = 0) {
    app::SearchQuery query;
    query.text = text;
    query.offset = offset;
    return index.search(query).record_ids;
  };
  {
    XapianIndex index(directory.string(), {2, std::chrono::milliseconds(0)});
    add(index, 1, "harbour lights");
    index.commit({1, 0});
    EXPECT_EQ(search(index, "harbour"), Ids({1}));
    EXPECT_EQ(search(index, "harbour"), Ids({1}));
    EXPECT_EQ(index.cache_counts().hits, 1);
    EXPECT_EQ(search(index, "harbour", 1), Ids());  // another page is another answer
    EXPECT_EQ(index.cache_counts().misses, 2);
    add(index, 2, "harbour walks");
    index.commit({2, 0});
    EXPECT_EQ(search(index, "harbour").size(), 2u);  // the index moved on: looked again
    EXPECT_EQ(index.cache_counts().hits, 1);
    EXPECT_EQ(search(index, "lights"), Ids({1}));
    EXPECT_EQ(search(index, "walks"), Ids({2}));  // three answers for two places: "harbour" went
    EXPECT_EQ(search(index, "harbour").size(), 2u);
    EXPECT_EQ(index.cache_counts().hits, 1);
    EXPECT_EQ(search(index, "walks"), Ids({2}));
    EXPECT_EQ(index.cache_counts().hits, 2);
  }
  {
    // A filter value cannot pass for two: "book<US>ebook" is one value, found nowhere, and "book" or
    // "ebook" is another question with its own answer.
    XapianIndex index(directory.string(), {10, std::chrono::milliseconds(0)});
    app::SearchDocument d;
    d.record_id = 5;
    d.title = "filtered";
    d.format = "book";
    index.replace(d);
    index.commit({4, 0});
    app::SearchQuery glued;
    glued.text = "filtered";
    glued.filters["format"] = {std::string("book\x1f") + "ebook"};
    EXPECT_TRUE(index.search(glued).record_ids.empty());
    app::SearchQuery either = glued;
    either.filters["format"] = {"book", "ebook"};
    EXPECT_EQ(index.search(either).record_ids, Ids({5}));
    EXPECT_EQ(index.cache_counts().hits, 0);
  }
  {
    XapianIndex index(directory.string(), {10, std::chrono::hours(1)});
    EXPECT_EQ(search(index, "harbour").size(), 2u);
    add(index, 3, "harbour boats");
    index.commit({3, 0});
    // Allowed to be an hour stale: the answer from before the commit is still given.
    EXPECT_EQ(search(index, "harbour").size(), 2u);
    EXPECT_EQ(search(index, "boats"), Ids({3}));
  }
  {
    XapianIndex index(directory.string());  // no cache
    EXPECT_EQ(search(index, "harbour").size(), 3u);
    EXPECT_EQ(search(index, "harbour").size(), 3u);
    EXPECT_EQ(index.cache_counts().hits, 0);
  }
  std::filesystem::remove_all(directory);
}

// Past the facet sample (2,000 matches) the total and the facet counts are estimated from the sample;
// up to it they are exact.
TEST(IndexEstimates, TotalsAndFacetsPastTheSampleStayClose) {
  const auto directory =
      std::filesystem::temp_directory_path() / ("shelfmark-index-estimates-" + std::to_string(std::random_device{}()));
  {
    XapianIndex index(directory.string());
    for (int id = 1; id <= 9000; ++id) {
      app::SearchDocument d;
      d.record_id = id;
      d.title = id % 3 == 0 ? "common third" : "common";
      if (id % 901 == 0) d.title += " rare";
      if (id % 5 == 0) d.title += " fifth";
      d.format = id % 4 == 0 ? "ebook" : "book";
      d.language = "eng";
      d.audience = "adult";
      index.replace(d);
    }
    index.commit({1, 0});
    app::SearchQuery query;
    query.text = "third";  // 3,000 matches
    auto third = index.search(query);
    EXPECT_NEAR(static_cast<double>(third.total), 3000, 150);
    EXPECT_TRUE(third.total_exact);  // one word: Xapian knows how many have it
    query.text = "third OR fifth";   // 4,200: Xapian can only bound it; ours is an estimate, and says so
    auto either = index.search(query);
    EXPECT_NEAR(static_cast<double>(either.total), 4200, 210);
    EXPECT_FALSE(either.total_exact);
    query.text = "third";
    long long ebooks = 0, books = 0;
    for (const auto& facet : third.facets["format"]) (facet.value == "ebook" ? ebooks : books) = facet.count;
    EXPECT_NEAR(static_cast<double>(ebooks), 750, 75);
    EXPECT_NEAR(static_cast<double>(books), 2250, 150);
    query.text = "rare";  // 9 matches: counted exactly
    auto rare = index.search(query);
    EXPECT_EQ(rare.total, 9);
    EXPECT_TRUE(rare.total_exact);
    long long rare_books = 0;
    for (const auto& facet : rare.facets["format"])
      if (facet.value == "book") rare_books = facet.count;
    EXPECT_EQ(rare_books, 7);  // 901 * k is an e-book for k = 4 and 8
    query.text = "common";     // one word: Xapian knows the exact number
    EXPECT_EQ(index.search(query).total, 9000);
    EXPECT_TRUE(index.search(query).total_exact);
    // Rebuilt: every document deleted and added again, with ids above the old ones. The estimate follows.
    index.remove_all();
    for (int id = 1; id <= 9000; ++id) {
      app::SearchDocument d;
      d.record_id = id;
      d.title = id % 3 == 0 ? "common third" : "common";
      index.replace(d);
    }
    index.commit({2, 0});
    query.text = "third";
    EXPECT_NEAR(static_cast<double>(index.search(query).total), 3000, 150);
  }
  std::filesystem::remove_all(directory);
}

// An index written by a release with another format is emptied when opened; `serve` rebuilds an empty one.
TEST(IndexFormat, AnIndexOfAnotherFormatIsEmptiedForARebuild) {
  const auto directory =
      std::filesystem::temp_directory_path() / ("shelfmark-index-format-" + std::to_string(std::random_device{}()));
  {
    Xapian::WritableDatabase old(directory.string(), Xapian::DB_CREATE_OR_OPEN);
    Xapian::Document document;
    document.add_boolean_term("Q1");
    document.set_data("1");
    old.replace_document("Q1", document);
    old.set_metadata("catalogue_position", "12");
    old.commit();
  }
  {
    XapianIndex index(directory.string());
    EXPECT_EQ(index.document_count(), 0);
    EXPECT_EQ(index.marks(), app::IndexMarks{});
    app::SearchDocument d;
    d.record_id = 2;
    d.title = "kept";
    index.replace(d);
    index.commit({13, 0});
  }
  {
    XapianIndex reopened(directory.string());  // its own format: kept
    EXPECT_EQ(reopened.document_count(), 1);
  }
  std::filesystem::remove_all(directory);
}

}  // namespace
}  // namespace shelfmark::search
