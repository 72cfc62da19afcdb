#include "search/xapian_index.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace shelfmark::search
