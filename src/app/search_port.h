// The catalogue search index as a port: app/ builds SearchDocuments from records and items, asks queries,
// and never sees Xapian (src/search implements it). The index is derived data: it can be rebuilt from the
// database at any time, and each node keeps its own copy, following the change feed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shelfmark::app {

// What is indexed of one catalogue record.
struct SearchDocument {
  long long record_id = 0;
  std::string title;
  std::string title_vernacular;  // the 880 form (Chinese, Japanese ...), when there is one
  std::string responsibility;
  std::vector<std::string> authors;
  std::vector<std::string> subjects;
  std::vector<std::string> series;
  std::string publisher;
  std::vector<std::string> isbns;  // normalised digits
  std::vector<std::string> issns;
  std::vector<std::string> call_numbers;
  std::vector<std::string> notes;
  std::string format;    // domain::format_code
  std::string language;  // MARC code, "eng", "chi"
  std::string audience;  // domain::audience_code
  std::optional<int> year;
  std::vector<std::string> available_at;  // codes of libraries with a copy on the shelf now
  // What a result list shows of the record (app::encode_list_entry), kept in the index and handed back with
  // each result, so that a page of results needs no record read from the database.
  std::string list_entry;
};

enum class SearchSort { kRelevance, kNewest, kTitle, kAuthor };

// Facet names: "format", "language", "library", "year", "audience".
struct SearchQuery {
  std::string text;
  std::map<std::string, std::vector<std::string>> filters;  // facet name -> values (any of them)
  SearchSort sort = SearchSort::kRelevance;
  int offset = 0;
  int limit = 20;
};

struct FacetCount {
  std::string value;
  long long count = 0;
};

struct SearchResults {
  long long total = 0;       // an estimate beyond the first pages, as search engines give
  bool total_exact = false;  // every match was counted (pages say "about" otherwise)
  std::vector<long long> record_ids;
  std::vector<std::string> list_entries;  // beside record_ids: each one's list_entry (empty if it has none)
  std::map<std::string, std::vector<FacetCount>> facets;  // most frequent first
  std::string suggestion;                                 // a corrected query when the words look mistyped
  // The query had syntax that could not be read (an unbalanced quote, a stray operator): it was searched as
  // plain words instead.
  bool read_as_plain_words = false;
  // The query held nothing that can be searched for (only punctuation, say): no results, and say so.
  bool no_words = false;
};

// How far the index has followed the database: the catalogue change feed's position and the last loan
// event whose availability change it has applied. Stored in the index with each commit.
struct IndexMarks {
  long long catalogue_position = 0;
  long long loan_event = 0;
  friend bool operator==(const IndexMarks&, const IndexMarks&) = default;
};

class SearchIndex {
 public:
  virtual ~SearchIndex() = default;
  virtual SearchResults search(const SearchQuery& query) = 0;
  // Writing: add or replace documents, remove them, then commit with the marks they bring the index to.
  virtual void replace(const SearchDocument& document) = 0;
  virtual void remove(long long record_id) = 0;
  virtual void remove_all() = 0;
  virtual void commit(const IndexMarks& marks) = 0;
  virtual IndexMarks marks() = 0;
  virtual long long document_count() = 0;
};

}  // namespace shelfmark::app
