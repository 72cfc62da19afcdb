#include "search/xapian_index.h"

#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <mutex>
#include <regex>
#include <thread>
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

enum Slot : Xapian::valueno {
  kYearSort = 0,
  kTitleSort,
  kAuthorSort,
  kFormat,
  kLanguage,
  kAudience,
  kLibraries,
  kYear
};

const std::map<std::string, std::pair<const char*, Slot>>& facet_fields() {
  static const std::map<std::string, std::pair<const char*, Slot>> kFields = {
      {"format", {"XF", kFormat}},     {"language", {"XL", kLanguage}}, {"audience", {"XU", kAudience}},
      {"library", {"XB", kLibraries}}, {"year", {"XY", kYear}},
  };
  return kFields;
}

// Facet counts are exact up to this many matches and scaled from this sample beyond. Every match in the
// sample is read to count it, so this bounds a broad query's cost: at 20,000 a one-word query on a
// million records took about 40 ms on 2 cores (bench/search_bench); 2,000 keeps the facets' proportions.
constexpr Xapian::doccount kFacetSample = 2000;
constexpr char kListSeparator = '\x1f';

// Counts each of the values packed into one slot (a record available at several libraries counts once
// for each library).
class MultiValueCountSpy final : public Xapian::MatchSpy {
 public:
  explicit MultiValueCountSpy(Xapian::valueno slot) : slot_(slot) {}
  void operator()(const Xapian::Document& document, double) override {
    const auto packed = document.get_value(slot_);
    std::size_t start = 0;
    while (start < packed.size()) {
      auto end = packed.find(kListSeparator, start);
      if (end == std::string::npos) end = packed.size();
      if (end > start) ++counts_[packed.substr(start, end - start)];
      start = end + 1;
    }
  }
  const std::map<std::string, Xapian::doccount>& counts() const { return counts_; }

 private:
  Xapian::valueno slot_;
  std::map<std::string, Xapian::doccount> counts_;
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

std::vector<app::FacetCount> sorted_counts(const std::map<std::string, Xapian::doccount>& counts, double scale) {
  std::vector<app::FacetCount> out;
  for (const auto& [value, count] : counts)
    if (!value.empty()) out.push_back({value, static_cast<long long>(count * scale + 0.5)});
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.count > b.count; });
  return out;
}

}  // namespace

app::SearchResults run_search(Xapian::Database& db, const app::SearchQuery& request);

struct XapianIndex::Impl {
  std::string directory;
  std::mutex write_mutex;
  std::unique_ptr<Xapian::WritableDatabase> writer;
  std::mutex pool_mutex;
  std::vector<std::unique_ptr<Xapian::Database>> readers;

  Xapian::WritableDatabase& writable() {
    if (!writer) writer = std::make_unique<Xapian::WritableDatabase>(directory, Xapian::DB_CREATE_OR_OPEN);
    return *writer;
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

XapianIndex::XapianIndex(std::string directory) : impl_(std::make_unique<Impl>()) {
  impl_->directory = std::move(directory);
  std::filesystem::create_directories(impl_->directory);
  // Make sure a database exists, so that readers can open it before anything was written.
  std::lock_guard lock(impl_->write_mutex);
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
  const auto& facets = facet_fields();
  auto facet = [&](const std::string& name, const std::string& value) {
    if (!value.empty()) document.add_boolean_term(facets.at(name).first + value);
  };
  facet("format", d.format);
  facet("language", d.language);
  facet("audience", d.audience);
  if (d.year) facet("year", std::to_string(*d.year));
  std::string libraries;
  for (const auto& code : d.available_at) {
    facet("library", code);
    libraries += (libraries.empty() ? "" : std::string(1, kListSeparator)) + code;
  }
  document.add_value(kYearSort, Xapian::sortable_serialise(d.year.value_or(0)));
  document.add_value(kTitleSort, lower_ascii(fold(d.title.empty() ? d.title_vernacular : d.title)));
  document.add_value(kAuthorSort, lower_ascii(fold(d.authors.empty() ? std::string() : d.authors.front())));
  document.add_value(kFormat, d.format);
  document.add_value(kLanguage, d.language);
  document.add_value(kAudience, d.audience);
  document.add_value(kLibraries, libraries);
  document.add_value(kYear, d.year ? std::to_string(*d.year) : std::string());
  const auto id = id_term(d.record_id);
  document.add_boolean_term(id);
  document.set_data(std::to_string(d.record_id));
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

app::SearchResults XapianIndex::search(const app::SearchQuery& request) {
  // A reader that falls two commits behind a busy writer gets DatabaseModifiedError: reopen and try again.
  for (int attempt = 1;; ++attempt) {
    auto reader = impl_->take_reader();
    try {
      auto results = run_search(*reader, request);
      impl_->give_back(std::move(reader));
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
    for (const auto& value : values) alternatives.emplace_back(field->second.first + value);
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
  std::map<std::string, std::unique_ptr<Xapian::ValueCountMatchSpy>> single;
  for (const auto& [name, field] : facets) {
    if (field.second == kLibraries) continue;
    single[name] = std::make_unique<Xapian::ValueCountMatchSpy>(field.second);
    enquire.add_matchspy(single[name].get());
  }
  MultiValueCountSpy libraries(kLibraries);
  enquire.add_matchspy(&libraries);
  const auto offset = static_cast<Xapian::doccount>(std::max(0, request.offset));
  const auto limit = static_cast<Xapian::doccount>(std::clamp(request.limit, 1, 100));
  const auto mset = enquire.get_mset(offset, limit, std::min(db.get_doccount(), kFacetSample));
  results.total = mset.get_matches_estimated();
  for (auto it = mset.begin(); it != mset.end(); ++it)
    results.record_ids.push_back(std::stoll(it.get_document().get_data()));
  // Beyond the sample the counts are scaled up to the estimated total.
  const auto seen = single.begin()->second->get_total();
  const double scale = seen > 0 && results.total > static_cast<long long>(seen) ? double(results.total) / seen : 1.0;
  for (const auto& [name, spy] : single) {
    std::map<std::string, Xapian::doccount> counts;
    for (auto it = spy->values_begin(); it != spy->values_end(); ++it) counts[*it] = it.get_termfreq();
    results.facets[name] = sorted_counts(counts, scale);
  }
  results.facets["library"] = sorted_counts(libraries.counts(), scale);
  return results;
}

}  // namespace shelfmark::search
