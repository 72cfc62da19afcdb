#include "search/xapian_index.h"

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "search/folding.h"

namespace shelfmark::search {
namespace {

// Term prefixes (Xapian's convention: X for our own) and value slots.
constexpr const char* kTitle = "XT";
constexpr const char* kAuthor = "A";
constexpr const char* kSubject = "XK";
constexpr const char* kSeries = "XS";
constexpr const char* kPublisher = "XP";
constexpr const char* kCallNumber = "XC";
constexpr const char* kIsbn = "XI";
constexpr const char* kId = "Q";

// Value slots. Slots 3 to 7 held one facet each in index format 1; they are no longer written.
enum Slot : Xapian::valueno { kYearSort = 0, kTitleSort = 1, kAuthorSort = 2, kFacets = 8 };

// What this release writes. An index of another format is emptied when opened, and `serve` then rebuilds
// it from the database (as it does an empty one). 2: all facet values in one slot, list entries in the data.
constexpr const char* kIndexFormat = "2";

// Each facet: its filter term prefix, and the letter that marks its values in the kFacets slot.
struct FacetField {
  const char* prefix;
  char letter;
};
const std::map<std::string, FacetField>& facet_fields() {
  static const std::map<std::string, FacetField> kFields = {
      {"format", {"XF", 'F'}},  {"language", {"XL", 'L'}}, {"audience", {"XU", 'U'}},
      {"library", {"XB", 'B'}}, {"year", {"XY", 'Y'}},
  };
  return kFields;
}

// Facet counts are exact up to this many matches and scaled from this sample beyond. Every match in the
// sample is read to count it, so this bounds a broad query's cost: the sample of 2,000 takes about 1 ms at
// a million records on 2 cores (bench/search_bench), and keeps the facets' proportions.
constexpr Xapian::doccount kFacetSample = 2000;
constexpr char kListSeparator = '\x1f';

// Counts the facet values of the first `sample` matches the ranked pass considers. Xapian walks the posting
// lists in document id order and calls match spies on every candidate, which for a one-word query on a
// million records is 100,000 documents: counting them all cost more than the matching itself. The spy
// counts the first `sample` and then only returns, so the ranked pass pays for the sample and no more.
// Document ids follow the order records were indexed in, so the sample is spread evenly over the matches
// when they are; its last document id tells how far through the index it reached (the total estimate).
class FacetSampleSpy final : public Xapian::MatchSpy {
 public:
  explicit FacetSampleSpy(Xapian::doccount sample) : sample_(sample) {
    for (const auto& [name, field] : facet_fields())
      by_letter_[static_cast<unsigned char>(field.letter)] = &counts_[name];
  }
  void operator()(const Xapian::Document& document, double) override {
    if (seen_ >= sample_) return;
    ++seen_;
    last_docid_ = document.get_docid();
    // All of a record's facet values are in one slot (one value stream to read, not five): letter and
    // value, separated by kListSeparator. A record on the shelf at several libraries counts for each.
    const auto packed = document.get_value(kFacets);
    std::size_t start = 0;
    while (start < packed.size()) {
      auto end = packed.find(kListSeparator, start);
      if (end == std::string::npos) end = packed.size();
      if (end > start + 1)
        if (auto* counts = by_letter_[static_cast<unsigned char>(packed[start])]) {
          // Looked up without a copy; a value is copied only the first time it is seen.
          const std::string_view value(packed.data() + start + 1, end - start - 1);
          auto found = counts->find(value);
          if (found == counts->end()) found = counts->emplace(std::string(value), 0).first;
          ++found->second;
        }
      start = end + 1;
    }
  }
  Xapian::doccount seen() const { return seen_; }
  Xapian::docid last_docid() const { return last_docid_; }
  using Counts = std::map<std::string, Xapian::doccount, std::less<>>;
  const std::map<std::string, Counts>& counts() const { return counts_; }

 private:
  Xapian::doccount sample_;
  Xapian::doccount seen_ = 0;
  Xapian::docid last_docid_ = 0;
  std::map<std::string, Counts> counts_;
  Counts* by_letter_[256] = {};
};

std::string id_term(long long record_id) { return kId + std::to_string(record_id); }

std::string lower_ascii(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string digits_of_isbn(const std::string& text) {
  std::string digits;
  for (char c : text)
    if (std::isdigit(static_cast<unsigned char>(c)) || c == 'X' || c == 'x')
      digits += static_cast<char>(std::toupper(c));
  return digits;
}

std::vector<app::FacetCount> sorted_counts(const std::map<std::string, Xapian::doccount, std::less<>>& counts,
                                           double scale) {
  std::vector<app::FacetCount> out;
  for (const auto& [value, count] : counts)
    if (!value.empty()) out.push_back({value, static_cast<long long>(count * scale + 0.5)});
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.count > b.count; });
  return out;
}

// How many records match. Exact when Xapian knows it (its bounds meet) or when the sample saw every
// match; otherwise from how far through the index's document ids the sample had to go to see its
// matches, which is close when matches are spread over the index (within 3% on the benchmark's one-word
// queries, where Xapian's own estimate for a phrase or a Chinese word was off by up to 20 times). Records
// indexed together (one import of Chinese records, say) have neighbouring ids, and their totals come out
// too high (never beyond Xapian's upper bound). The range starts at the first live id: a rebuild deletes
// every document and adds them again with new ids, above the old ones.
struct Total {
  long long count = 0;
  bool exact = false;
};
Total estimate_total(Xapian::Database& db, const Xapian::MSet& mset, const FacetSampleSpy& sample) {
  const auto lower = mset.get_matches_lower_bound();
  const auto upper = mset.get_matches_upper_bound();
  if (lower == upper) return {lower, true};
  if (sample.seen() < kFacetSample) return {std::max(lower, sample.seen()), true};
  const auto all = db.postlist_begin("");  // the first live document id
  const Xapian::docid first_docid = all == db.postlist_end("") ? 1 : *all;
  const auto last_docid = db.get_lastdocid();
  if (sample.last_docid() < first_docid || last_docid < first_docid) return {std::max(lower, sample.seen()), false};
  const double reached =
      static_cast<double>(sample.last_docid() - first_docid + 1) / static_cast<double>(last_docid - first_docid + 1);
  const auto estimate = static_cast<long long>(sample.seen() / reached + 0.5);
  return {std::clamp<long long>(estimate, lower, upper), false};
}

// Whether Xapian 1.4 indexes this code point as CJK (characters and pairs, not words): its ranges, from
// its cjk-tokenizer (CJK radicals to the CJK unified ideographs, Hangul syllables, compatibility forms,
// the supplementary ideographs). Thai or Devanagari are 3-byte UTF-8 too, but indexed as words.
bool is_cjk(char32_t c) {
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xA700 && c <= 0xA71F) || (c >= 0xAC00 && c <= 0xD7AF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

// The length of a term's prefix (Xapian prefixes are capital ASCII letters: "XK" for a subject).
std::size_t prefix_length(const std::string& term) {
  std::size_t at = 0;
  while (at < term.size() && term[at] >= 'A' && term[at] <= 'Z') ++at;
  return at;
}

// The characters of a term after its prefix, or nothing when one of them is not CJK.
std::optional<std::vector<std::string>> cjk_characters(const std::string& term) {
  std::size_t at = prefix_length(term);
  std::vector<std::string> characters;
  while (at < term.size()) {
    const auto lead = static_cast<unsigned char>(term[at]);
    const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (length < 3 || at + length > term.size()) return std::nullopt;  // CJK starts at U+2E80: 3 bytes or 4
    char32_t code = lead & (length == 3 ? 0x0F : 0x07);
    for (std::size_t i = 1; i < length; ++i) code = (code << 6) | (static_cast<unsigned char>(term[at + i]) & 0x3F);
    if (!is_cjk(code)) return std::nullopt;
    characters.push_back(term.substr(at, length));
    at += length;
  }
  if (characters.empty()) return std::nullopt;
  return characters;
}

// Xapian 1.4's parser turns a Chinese word of n characters into an AND of its characters and its pairs
// (香港 -> 香 AND 香港 AND 港). The index holds both for every text, so a record with the pair has the
// characters too: the characters add nothing to what matches, yet their posting lists are the longest of
// all and every one of them is walked. This drops each single character that a pair beside it in the same
// AND contains. A character alone (城) stays. The operators that take no parameter are walked into (OR,
// AND NOT, FILTER ...); others, a phrase with its window say, are left as they are.
Xapian::Query without_covered_characters(const Xapian::Query& query) {
  using Q = Xapian::Query;
  const auto type = query.get_type();
  const auto count = query.get_num_subqueries();
  const bool walked = type == Q::OP_AND || type == Q::OP_OR || type == Q::OP_AND_NOT || type == Q::OP_XOR ||
                      type == Q::OP_AND_MAYBE || type == Q::OP_FILTER || type == Q::OP_SYNONYM || type == Q::OP_MAX;
  if (count == 0 || !walked) return query;
  std::vector<Xapian::Query> children;
  for (std::size_t i = 0; i < count; ++i) children.push_back(without_covered_characters(query.get_subquery(i)));
  if (type != Xapian::Query::OP_AND) return Xapian::Query(type, children.begin(), children.end());
  std::vector<std::pair<std::string, std::string>> pairs;  // (prefix, character) of every pair's characters
  auto prefix_of = [](const std::string& term) { return term.substr(0, prefix_length(term)); };
  for (const auto& child : children) {
    if (child.get_type() != Xapian::Query::LEAF_TERM) continue;
    const auto term = *child.get_terms_begin();
    if (auto characters = cjk_characters(term); characters && characters->size() == 2)
      for (const auto& character : *characters) pairs.emplace_back(prefix_of(term), character);
  }
  if (pairs.empty()) return Xapian::Query(Xapian::Query::OP_AND, children.begin(), children.end());
  std::vector<Xapian::Query> kept;
  for (auto& child : children) {
    if (child.get_type() == Xapian::Query::LEAF_TERM) {
      const auto term = *child.get_terms_begin();
      if (auto characters = cjk_characters(term); characters && characters->size() == 1) {
        const std::pair<std::string, std::string> single{prefix_of(term), characters->front()};
        if (std::find(pairs.begin(), pairs.end(), single) != pairs.end()) continue;
      }
    }
    kept.push_back(std::move(child));
  }
  return kept.size() == 1 ? kept.front() : Xapian::Query(Xapian::Query::OP_AND, kept.begin(), kept.end());
}

}  // namespace

app::SearchResults run_search(Xapian::Database& db, const app::SearchQuery& request);

// The search answers kept for reuse: least recently used first out.
class AnswerCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit AnswerCache(SearchCacheOptions options) : options_(options) {}

  // Every part is length-prefixed, so that no text or filter value can make two different queries one key.
  static std::string key_of(const app::SearchQuery& query) {
    std::string key;
    auto part = [&](std::string_view text) {
      key += std::to_string(text.size());
      key += ':';
      key += text;
    };
    part(query.text);
    part(std::to_string(static_cast<int>(query.sort)) + ',' + std::to_string(query.offset) + ',' +
         std::to_string(query.limit));
    for (const auto& [name, values] : query.filters) {
      part(name);
      part(std::to_string(values.size()));
      for (const auto& value : values) part(value);
    }
    return key;
  }

  std::optional<app::SearchResults> find(const std::string& key, Xapian::rev revision) {
    if (options_.entries == 0) return std::nullopt;
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      ++counts_.misses;
      return std::nullopt;
    }
    auto& entry = *it->second;
    if (entry.revision != revision && Clock::now() - entry.computed_at > options_.stale_for) {
      order_.erase(it->second);
      entries_.erase(it);
      ++counts_.misses;
      return std::nullopt;
    }
    order_.splice(order_.begin(), order_, it->second);
    ++counts_.hits;
    return entry.results;
  }

  void keep(const std::string& key, Xapian::rev revision, const app::SearchResults& results) {
    if (options_.entries == 0) return;
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(key); it != entries_.end()) {
      if (it->second->revision > revision) return;  // computed meanwhile on a newer revision: keep that one
      order_.erase(it->second);
      entries_.erase(it);
    }
    order_.push_front({key, revision, Clock::now(), results});
    entries_[key] = order_.begin();
    while (entries_.size() > options_.entries) {
      entries_.erase(order_.back().key);
      order_.pop_back();
    }
  }

  XapianIndex::CacheCounts counts() const {
    std::lock_guard lock(mutex_);
    return counts_;
  }

 private:
  struct Entry {
    std::string key;
    Xapian::rev revision;
    Clock::time_point computed_at;
    app::SearchResults results;
  };
  SearchCacheOptions options_;
  mutable std::mutex mutex_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> entries_;
  XapianIndex::CacheCounts counts_;
};

struct XapianIndex::Impl {
  explicit Impl(SearchCacheOptions cache_options) : cache(cache_options) {}
  AnswerCache cache;
  std::string directory;
  std::mutex write_mutex;
  std::unique_ptr<Xapian::WritableDatabase> writer;
  std::mutex pool_mutex;
  std::vector<std::unique_ptr<Xapian::Database>> readers;

  Xapian::WritableDatabase& writable() {
    if (!writer) writer = open_writer(Xapian::DB_CREATE_OR_OPEN);
    return *writer;
  }

  // Xapian's errors are not std::exceptions: those a person can act on are said as such here, so that every
  // command ends with a message and exit status 2 rather than an uncaught exception.
  std::unique_ptr<Xapian::WritableDatabase> open_writer(int action) {
    try {
      return std::make_unique<Xapian::WritableDatabase>(directory, action);
    } catch (const Xapian::DatabaseLockError&) {
      throw std::runtime_error("the search index in " + directory +
                               " is in use by another process (a running `shelfmark serve`?). Stop it first, or "
                               "give this command another directory with --search-index.");
    } catch (const Xapian::Error& error) {
      throw std::runtime_error("the search index in " + directory + " cannot be opened: " + error.get_description());
    }
  }

  // A read handle from the pool, up to date with the last commit.
  std::unique_ptr<Xapian::Database> take_reader() {
    std::unique_ptr<Xapian::Database> reader;
    {
      std::lock_guard lock(pool_mutex);
      if (!readers.empty()) {
        reader = std::move(readers.back());
        readers.pop_back();
      }
    }
    if (!reader) return std::make_unique<Xapian::Database>(directory);
    reader->reopen();
    return reader;
  }
  void give_back(std::unique_ptr<Xapian::Database> reader) {
    std::lock_guard lock(pool_mutex);
    if (readers.size() < 64) readers.push_back(std::move(reader));
  }
};

XapianIndex::XapianIndex(std::string directory, SearchCacheOptions cache) : impl_(std::make_unique<Impl>(cache)) {
  impl_->directory = std::move(directory);
  std::filesystem::create_directories(impl_->directory);
  // Make sure a database exists, so that readers can open it before anything was written; empty one of
  // another format (it is rebuilt from the database, as an empty one is).
  std::lock_guard lock(impl_->write_mutex);
  auto& db = impl_->writable();
  if (db.get_doccount() > 0 && db.get_metadata("index_format") != kIndexFormat) {
    impl_->writer.reset();
    impl_->writer = impl_->open_writer(Xapian::DB_CREATE_OR_OVERWRITE);
  }
  impl_->writable().set_metadata("index_format", kIndexFormat);
  impl_->writable().commit();
}

XapianIndex::~XapianIndex() = default;

void XapianIndex::replace(const app::SearchDocument& d) {
  Xapian::Document document;
  Xapian::TermGenerator terms;
  terms.set_stemmer(Xapian::Stem("english"));
  terms.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  terms.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM | Xapian::TermGenerator::FLAG_SPELLING);
  std::lock_guard lock(impl_->write_mutex);
  auto& db = impl_->writable();
  terms.set_database(db);
  terms.set_document(document);
  // Weights: a word of the title counts five times a word of a note, an author's or subject's twice, so a
  // title match ranks above a match in the notes.
  auto field = [&](const std::string& text, Xapian::termcount weight, const char* prefix) {
    if (text.empty()) return;
    const auto folded = fold(text);
    terms.index_text(folded, 1, prefix);
    terms.index_text(folded, weight);
    terms.increase_termpos();
  };
  field(d.title, 5, kTitle);
  field(d.title_vernacular, 5, kTitle);
  for (const auto& author : d.authors) field(author, 2, kAuthor);
  field(d.responsibility, 1, kAuthor);
  for (const auto& subject : d.subjects) field(subject, 2, kSubject);
  for (const auto& series : d.series) field(series, 1, kSeries);
  field(d.publisher, 1, kPublisher);
  for (const auto& call_number : d.call_numbers) field(call_number, 1, kCallNumber);
  for (const auto& note : d.notes) {
    terms.index_text(fold(note));
    terms.increase_termpos();
  }
  for (const auto& isbn : d.isbns) document.add_boolean_term(kIsbn + digits_of_isbn(isbn));
  for (const auto& issn : d.issns) document.add_boolean_term(kIsbn + digits_of_isbn(issn));
  // Each facet value is a filter term, and goes into the one slot the facet counts read.
  const auto& facets = facet_fields();
  std::string packed;
  auto facet = [&](const std::string& name, const std::string& value) {
    if (value.empty()) return;
    const auto& field = facets.at(name);
    document.add_boolean_term(field.prefix + value);
    if (!packed.empty()) packed += kListSeparator;
    packed += field.letter;
    packed += value;
  };
  facet("format", d.format);
  facet("language", d.language);
  facet("audience", d.audience);
  if (d.year) facet("year", std::to_string(*d.year));
  for (const auto& code : d.available_at) facet("library", code);
  document.add_value(kFacets, packed);
  document.add_value(kYearSort, Xapian::sortable_serialise(d.year.value_or(0)));
  document.add_value(kTitleSort, lower_ascii(fold(d.title.empty() ? d.title_vernacular : d.title)));
  document.add_value(kAuthorSort, lower_ascii(fold(d.authors.empty() ? std::string() : d.authors.front())));
  const auto id = id_term(d.record_id);
  document.add_boolean_term(id);
  // The record id, then what the result list shows of it.
  document.set_data(std::to_string(d.record_id) + '\n' + d.list_entry);
  db.replace_document(id, document);
}

void XapianIndex::remove(long long record_id) {
  std::lock_guard lock(impl_->write_mutex);
  impl_->writable().delete_document(id_term(record_id));
}

void XapianIndex::remove_all() {
  std::lock_guard lock(impl_->write_mutex);
  auto& db = impl_->writable();
  // Every document carries the "Q" id term.
  for (auto it = db.allterms_begin(kId); it != db.allterms_end(kId); ++it) db.delete_document(*it);
}

void XapianIndex::commit(const app::IndexMarks& marks) {
  std::lock_guard lock(impl_->write_mutex);
  auto& db = impl_->writable();
  db.set_metadata("catalogue_position", std::to_string(marks.catalogue_position));
  db.set_metadata("loan_event", std::to_string(marks.loan_event));
  db.commit();
}

app::IndexMarks XapianIndex::marks() {
  auto reader = impl_->take_reader();
  auto number = [&](const char* key) {
    const auto value = reader->get_metadata(key);
    return value.empty() ? 0LL : std::stoll(value);
  };
  app::IndexMarks marks{number("catalogue_position"), number("loan_event")};
  impl_->give_back(std::move(reader));
  return marks;
}

long long XapianIndex::document_count() {
  auto reader = impl_->take_reader();
  const auto count = reader->get_doccount();
  impl_->give_back(std::move(reader));
  return count;
}

XapianIndex::CacheCounts XapianIndex::cache_counts() const { return impl_->cache.counts(); }

app::SearchResults XapianIndex::search(const app::SearchQuery& request) {
  const auto key = AnswerCache::key_of(request);
  // A reader that falls two commits behind a busy writer gets DatabaseModifiedError: reopen and try again.
  for (int attempt = 1;; ++attempt) {
    auto reader = impl_->take_reader();
    try {
      const auto revision = reader->get_revision();
      if (auto kept = impl_->cache.find(key, revision)) {
        impl_->give_back(std::move(reader));
        return std::move(*kept);
      }
      auto results = run_search(*reader, request);
      impl_->give_back(std::move(reader));
      impl_->cache.keep(key, revision, results);
      return results;
    } catch (const Xapian::DatabaseModifiedError&) {
      if (attempt >= 20) throw;
      // Give the writer's commit a moment to settle before reading again.
      std::this_thread::sleep_for(std::chrono::milliseconds(attempt));
    }
  }
}

app::SearchResults run_search(Xapian::Database& db, const app::SearchQuery& request) {
  app::SearchResults results;

  Xapian::QueryParser parser;
  parser.set_stemmer(Xapian::Stem("english"));
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  parser.set_database(db);
  parser.set_default_op(Xapian::Query::OP_AND);
  parser.add_prefix("title", kTitle);
  parser.add_prefix("author", kAuthor);
  parser.add_prefix("subject", kSubject);
  parser.add_prefix("series", kSeries);
  parser.add_prefix("publisher", kPublisher);
  parser.add_prefix("callnumber", kCallNumber);
  // Typed names in Chinese too. The query is folded to Simplified before parsing, so the Simplified spelling
  // is the one the parser sees (found by the search benchmark: 主題: matched nothing).
  for (const auto* title : {"書名", "书名"}) parser.add_prefix(title, kTitle);
  parser.add_prefix("作者", kAuthor);
  for (const auto* subject : {"主題", "主题"}) parser.add_prefix(subject, kSubject);

  auto text = fold(request.text);
  // ISBNs and ISSNs are typed with hyphens: "isbn:978-0-14-143951-8", or alone.
  static const std::regex kIsbnField(R"((?:isbn|issn):\s*([0-9Xx][0-9Xx\- ]{6,20}[0-9Xx]))", std::regex::icase);
  static const std::regex kBareIsbn(R"(^\s*(97[89][0-9\-]{10,14}|[0-9][0-9\-]{8,11}[0-9Xx])\s*$)");
  std::vector<std::string> isbn_terms;
  std::smatch match;
  std::string rest;
  auto cursor = text.cbegin();
  while (std::regex_search(cursor, text.cend(), match, kIsbnField)) {
    rest.append(cursor, match[0].first);
    isbn_terms.push_back(kIsbn + digits_of_isbn(match[1].str()));
    cursor = match[0].second;
  }
  rest.append(cursor, text.cend());
  text = rest;
  Xapian::Query isbn_query;
  for (const auto& term : isbn_terms)
    isbn_query = isbn_query.empty() ? Xapian::Query(term)
                                    : Xapian::Query(Xapian::Query::OP_AND, isbn_query, Xapian::Query(term));

  const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_CJK_NGRAM |
                         Xapian::QueryParser::FLAG_SPELLING_CORRECTION;
  Xapian::Query query;
  bool blank = true;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) blank = false;
  if (!blank) {
    if (std::regex_match(text, match, kBareIsbn)) {
      // A number alone: the ISBN or ISSN, or else the words.
      query = Xapian::Query(Xapian::Query::OP_OR, Xapian::Query(kIsbn + digits_of_isbn(match[1].str())),
                            parser.parse_query(text, Xapian::QueryParser::FLAG_CJK_NGRAM));
    } else {
      // Each fallback reads less syntax; the last cannot fail to parse, only to find anything.
      const unsigned fallbacks[] = {flags, Xapian::QueryParser::FLAG_CJK_NGRAM, 0};
      bool parsed = false;
      for (const auto attempt : fallbacks) {
        try {
          query = parser.parse_query(text, attempt);
          parsed = true;
          break;
        } catch (const Xapian::QueryParserError&) {
          results.read_as_plain_words = true;
        }
      }
      if (!parsed) query = Xapian::Query();
      const auto corrected = parser.get_corrected_query_string();
      if (!corrected.empty() && corrected != text) results.suggestion = corrected;
    }
  }
  if (!isbn_query.empty()) query = query.empty() ? isbn_query : Xapian::Query(Xapian::Query::OP_AND, query, isbn_query);
  if (!query.empty()) query = without_covered_characters(query);
  if (query.empty()) {
    // Nothing typed: browse everything (narrowed by the filters). Only punctuation: nothing to look for.
    if (!blank) {
      results.no_words = true;
      return results;
    }
    query = Xapian::Query::MatchAll;
  }

  // Filters: values of one facet are alternatives (OR), facets combine (AND).
  const auto& facets = facet_fields();
  for (const auto& [name, values] : request.filters) {
    auto field = facets.find(name);
    if (field == facets.end() || values.empty()) continue;
    std::vector<Xapian::Query> alternatives;
    for (const auto& value : values) alternatives.emplace_back(field->second.prefix + value);
    query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                          Xapian::Query(Xapian::Query::OP_OR, alternatives.begin(), alternatives.end()));
  }

  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  switch (request.sort) {
    case app::SearchSort::kRelevance:
      break;
    case app::SearchSort::kNewest:
      enquire.set_sort_by_value_then_relevance(kYearSort, true);
      break;
    case app::SearchSort::kTitle:
      enquire.set_sort_by_value_then_relevance(kTitleSort, false);
      break;
    case app::SearchSort::kAuthor:
      enquire.set_sort_by_value_then_relevance(kAuthorSort, false);
      break;
  }
  // BM25 without length normalisation (b = 0; Xapian's defaults otherwise): catalogue records are short and
  // alike in length, the field weights at indexing already put the title first, and without it Xapian need
  // not read each candidate's length, which halved the time of a broad query at a million records.
  enquire.set_weighting_scheme(Xapian::BM25Weight(1, 0, 1, 0, 0.5));
  FacetSampleSpy facets_spy(kFacetSample);
  enquire.add_matchspy(&facets_spy);
  const auto offset = static_cast<Xapian::doccount>(std::max(0, request.offset));
  const auto limit = static_cast<Xapian::doccount>(std::clamp(request.limit, 1, 100));
  const auto mset = enquire.get_mset(offset, limit, std::min(db.get_doccount(), kFacetSample));
  const auto seen = facets_spy.seen();
  const auto total = estimate_total(db, mset, facets_spy);
  results.total = total.count;
  results.total_exact = total.exact;
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    const auto data = it.get_document().get_data();
    const auto newline = data.find('\n');
    results.record_ids.push_back(std::stoll(data.substr(0, newline)));
    results.list_entries.push_back(newline == std::string::npos ? std::string() : data.substr(newline + 1));
  }
  // Beyond the sample the counts are scaled up to the estimated total.
  const double scale = seen > 0 && results.total > static_cast<long long>(seen) ? double(results.total) / seen : 1.0;
  for (const auto& [name, counts] : facets_spy.counts()) results.facets[name] = sorted_counts(counts, scale);
  return results;
}

}  // namespace shelfmark::search
