#include "app/catalogue_search.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "core/text.h"

namespace shelfmark::app {
namespace {

// Records indexed per transaction and commit while rebuilding or following.
constexpr int kBatch = 500;
// Loan events are numbered by identity columns, which on PostgreSQL can commit out of order: look back
// this far each time, so an event that commits late is still seen. Refreshing a record twice is harmless.
constexpr long long kLoanEventOverlap = 1000;

bool lendable_copy(const CatalogueItem& item) {
  return item.collection != domain::Collection::kReference && item.collection != domain::Collection::kNotForLoan &&
         item.status != domain::ItemStatus::kWithdrawn && item.status != domain::ItemStatus::kLost &&
         item.status != domain::ItemStatus::kMissing;
}

std::string joined(const domain::LinkedText& text) {
  if (text.vernacular.empty()) return text.text;
  if (text.text.empty()) return text.vernacular;
  return text.text + " " + text.vernacular;
}

// Re-reads the records and writes their documents (or removes those gone).
void refresh(Repositories& repos, const NetworkSnapshot& network, SearchIndex& index,
             const std::set<long long>& record_ids) {
  for (const auto id : record_ids) {
    if (auto record = repos.catalogue.record_by_id(id))
      index.replace(search_document(*record, repos.catalogue.items_of_record(id), network));
    else
      index.remove(id);
  }
}

// A list entry is the project's field encoding (encode_fields: "key=value" lines), with a version key
// first and an end key last (keys are written in order), so that an entry of another version, or one cut
// short, is refused rather than read as a record with fields missing. Lists are numbered keys after their
// count: "authors=2", "author.0=...", "author.0.vernacular=...".
constexpr const char* kListEntryVersion = "1";
constexpr const char* kListEntryEnd = "~end";  // '~' sorts after every other key

void put_list(std::map<std::string, std::string>& fields, const std::string& name,
              const std::vector<std::string>& items) {
  fields[name + "s"] = std::to_string(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) fields[name + "." + std::to_string(i)] = items[i];
}

// The whole number in `text`, or nothing.
template <class Number>
std::optional<Number> number_of(const std::string& text) {
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string encode_list_entry(const domain::Bibliographic& f) {
  std::map<std::string, std::string> fields;
  fields["!list_entry"] = kListEntryVersion;  // '!' sorts before every other key
  fields["control"] = f.control_number;
  fields["title"] = f.title.text;
  fields["title.vernacular"] = f.title.vernacular;
  fields["authors"] = std::to_string(f.authors.size());
  for (std::size_t i = 0; i < f.authors.size(); ++i) {
    fields["author." + std::to_string(i)] = f.authors[i].text;
    fields["author." + std::to_string(i) + ".vernacular"] = f.authors[i].vernacular;
  }
  if (f.year) fields["year"] = std::to_string(*f.year);
  fields["format"] = domain::format_code(f.format);
  fields["audience"] = domain::audience_code(f.audience);
  fields["language"] = f.language;
  put_list(fields, "isbn", f.isbns);
  put_list(fields, "issn", f.issns);
  fields[kListEntryEnd] = "1";
  return encode_fields(fields);
}

std::optional<domain::Bibliographic> decode_list_entry(std::string_view entry) {
  // Every line must be whole: a cut inside the last one would otherwise read as a shorter value.
  if (entry.empty() || entry.back() != '\n') return std::nullopt;
  auto fields = decode_fields(entry);
  if (fields["!list_entry"] != kListEntryVersion || fields[kListEntryEnd] != "1") return std::nullopt;
  std::size_t used = 2;
  auto take = [&](const std::string& key) -> std::optional<std::string> {
    auto it = fields.find(key);
    if (it == fields.end()) return std::nullopt;
    ++used;
    return it->second;
  };
  domain::Bibliographic f;
  auto list = [&](const std::string& name, std::vector<std::string>& out) {
    const auto count = take(name + "s");
    const auto items = count ? number_of<std::size_t>(*count) : std::nullopt;
    if (!items || *items > fields.size()) return false;  // no more items than lines
    for (std::size_t i = 0; i < *items; ++i) {
      auto item = take(name + "." + std::to_string(i));
      if (!item) return false;
      out.push_back(std::move(*item));
    }
    return true;
  };
  const auto control = take("control"), title = take("title"), vernacular = take("title.vernacular"),
             format_code = take("format"), audience_code = take("audience"), language = take("language");
  if (!control || !title || !vernacular || !format_code || !audience_code || !language) return std::nullopt;
  const auto authors = take("authors");
  const auto author_count = authors ? number_of<std::size_t>(*authors) : std::nullopt;
  if (!author_count || *author_count > fields.size()) return std::nullopt;
  for (std::size_t i = 0; i < *author_count; ++i) {
    auto text = take("author." + std::to_string(i));
    auto script = take("author." + std::to_string(i) + ".vernacular");
    if (!text || !script) return std::nullopt;
    f.authors.push_back({std::move(*text), std::move(*script)});
  }
  if (auto year = take("year")) {
    f.year = number_of<int>(*year);
    if (!f.year) return std::nullopt;
  }
  const auto format = domain::parse_format(*format_code);
  const auto audience = domain::parse_audience(*audience_code);
  if (!format || !audience || !list("isbn", f.isbns) || !list("issn", f.issns)) return std::nullopt;
  if (used != fields.size()) return std::nullopt;  // a key this version does not write
  f.control_number = *control;
  f.title = {*title, *vernacular};
  f.format = *format;
  f.audience = *audience;
  f.language = *language;
  return f;
}

SearchDocument search_document(const BibRecord& record, const std::vector<CatalogueItem>& items,
                               const NetworkSnapshot& network) {
  const auto& f = record.fields;
  SearchDocument d;
  d.record_id = record.id;
  d.title = f.title.text;
  d.title_vernacular = f.title.vernacular;
  d.responsibility = joined(f.responsibility);
  for (const auto& author : f.authors) d.authors.push_back(joined(author));
  for (const auto& subject : f.subjects) d.subjects.push_back(joined(subject));
  for (const auto& series : f.series) d.series.push_back(joined(series));
  d.publisher = joined(f.publisher);
  d.isbns = f.isbns;
  d.issns = f.issns;
  if (!f.call_number.empty()) d.call_numbers.push_back(f.call_number);
  d.notes = f.notes;
  d.format = std::string(domain::format_code(f.format));
  d.language = f.language;
  d.audience = std::string(domain::audience_code(f.audience));
  d.year = f.year;
  std::set<std::string> available;
  for (const auto& item : items) {
    if (!item.call_number.empty() &&
        std::find(d.call_numbers.begin(), d.call_numbers.end(), item.call_number) == d.call_numbers.end())
      d.call_numbers.push_back(item.call_number);
    if (item.status != domain::ItemStatus::kAvailable || !lendable_copy(item)) continue;
    const auto at = item.current_library_id.value_or(item.home_library_id);
    if (const auto* library = network.find(at)) available.insert(library->code);
  }
  d.available_at.assign(available.begin(), available.end());
  d.list_entry = encode_list_entry(f);
  return d;
}

long long reindex(const Context& context, NetworkCache& network, SearchIndex& index,
                  const std::function<void(long long, long long)>& progress) {
  // The marks first: changes made while rebuilding are applied again by the next follow_changes().
  IndexMarks marks;
  long long total = 0;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    total = repos.catalogue.record_count();
    // The feed's newest position, walked in pages (the feed is read by position, an index scan).
    for (auto page = repos.catalogue.changes_since(0, 10000); !page.empty();
         page = repos.catalogue.changes_since(marks.catalogue_position, 10000))
      marks.catalogue_position = page.back().position;
    marks.loan_event = repos.circulation.latest_loan_event();
  });
  index.remove_all();
  long long done = 0;
  long long after = 0;
  for (;;) {
    std::vector<BibRecord> records;
    std::vector<std::vector<CatalogueItem>> items;
    std::shared_ptr<const NetworkSnapshot> snapshot;
    context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
      snapshot = network.get(repos);
      records = repos.catalogue.records_after(after, kBatch);
      items.clear();
      for (const auto& record : records) items.push_back(repos.catalogue.items_of_record(record.id));
    });
    if (records.empty()) break;
    for (std::size_t i = 0; i < records.size(); ++i) index.replace(search_document(records[i], items[i], *snapshot));
    after = records.back().id;
    done += static_cast<long long>(records.size());
    if (progress) progress(done, std::max(total, done));
  }
  index.commit(marks);
  return done;
}

int follow_changes(const Context& context, NetworkCache& network, SearchIndex& index) {
  auto marks = index.marks();
  int refreshed = 0;
  for (;;) {
    std::set<long long> ids;
    auto next = marks;
    bool more = false;
    context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
      ids.clear();
      next = marks;
      const auto changes = repos.catalogue.changes_since(marks.catalogue_position, kBatch);
      for (const auto& change : changes) {
        ids.insert(change.record_id);
        next.catalogue_position = change.position;
      }
      const auto events = repos.circulation.loan_events_after(std::max(0LL, marks.loan_event - kLoanEventOverlap),
                                                              kBatch + static_cast<int>(kLoanEventOverlap));
      for (const auto& [event, record] : events) {
        if (record != 0) ids.insert(record);
        next.loan_event = std::max(next.loan_event, event);
      }
      more = static_cast<int>(changes.size()) == kBatch ||
             std::count_if(events.begin(), events.end(), [&](const auto& e) { return e.first > marks.loan_event; }) >=
                 kBatch;
      refresh(repos, *network.get(repos), index, ids);
    });
    if (next == marks) break;  // nothing new (the overlap alone is not news)
    index.commit(next);
    refreshed += static_cast<int>(ids.size());
    marks = next;
    if (!more) break;
  }
  return refreshed;
}

CatalogueSearch search_catalogue(const Context& context, SearchIndex& index, const SearchQuery& query) {
  CatalogueSearch search;
  search.results = index.search(query);
  const auto& ids = search.results.record_ids;
  if (ids.empty()) return search;
  // What the list shows comes with the results from the index; what is on the shelf is read now, for the
  // page's records at once (two queries, whatever the page size).
  std::vector<std::optional<domain::Bibliographic>> listed(ids.size());
  for (std::size_t i = 0; i < ids.size() && i < search.results.list_entries.size(); ++i)
    listed[i] = decode_list_entry(search.results.list_entries[i]);
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    search.records.clear();
    std::map<long long, std::vector<CatalogueItem>> items_by_record;
    std::vector<long long> on_loan;
    for (auto& item : repos.catalogue.items_of_records(ids)) {
      if (item.status == domain::ItemStatus::kOnLoan) on_loan.push_back(item.id);
      items_by_record[item.record_id].push_back(std::move(item));
    }
    const auto due_dates =
        on_loan.empty() ? std::map<long long, Date>() : repos.circulation.due_dates_of_items(on_loan);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      RecordSummary summary;
      summary.id = ids[i];
      if (listed[i]) {
        summary.fields = std::move(*listed[i]);
      } else if (auto record = repos.catalogue.record_by_id(ids[i])) {
        summary.fields = std::move(record->fields);  // an index entry from before list entries were kept
      } else {
        continue;  // deleted since it was indexed
      }
      std::set<long long> libraries;
      for (const auto& item : items_by_record[ids[i]]) {
        if (!lendable_copy(item)) continue;
        ++summary.copies;
        if (item.status == domain::ItemStatus::kAvailable) {
          ++summary.available;
          libraries.insert(item.current_library_id.value_or(item.home_library_id));
        } else if (auto due = due_dates.find(item.id); due != due_dates.end()) {
          if (!summary.next_due || due->second < *summary.next_due) summary.next_due = due->second;
        }
      }
      summary.available_library_ids.assign(libraries.begin(), libraries.end());
      search.records.push_back(std::move(summary));
    }
  });
  return search;
}

std::optional<RecordView> record_view(const Context& context, NetworkCache& network, long long record_id) {
  std::optional<RecordView> view;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    view.reset();
    auto record = repos.catalogue.record_by_id(record_id);
    if (!record) return;
    const auto snapshot = network.get(repos);
    view = RecordView{std::move(*record), {}, false};
    for (const auto& item : repos.catalogue.items_of_record(record_id)) {
      HoldingView holding;
      holding.item_id = item.id;
      holding.barcode = item.barcode;
      holding.library_id = item.current_library_id.value_or(item.home_library_id);
      holding.call_number = item.call_number;
      holding.type = item.type;
      holding.collection = item.collection;
      holding.status = item.status;
      if (item.status == domain::ItemStatus::kOnLoan) {
        holding.library_id = item.home_library_id;
        if (auto loan = repos.circulation.open_loan_of_item(item.id)) holding.due_on = loan->due_on;
      }
      if (item.status == domain::ItemStatus::kInTransit)
        if (auto full = repos.circulation.item_by_id(item.id))
          holding.transit_to_library_id = full->transit_to_library_id;
      // What the rules say for an adult reader; a reader's own category may differ (the reserve page says).
      const auto policy =
          domain::resolve_policy(snapshot->policies, domain::ReaderCategory::kAdult,
                                 {item.type, item.collection, item.home_library_id}, item.home_library_id);
      holding.lendable = policy.loanable && lendable_copy(item);
      holding.reservable = policy.reservable && holding.lendable;
      if (holding.reservable) view->reservable = true;
      view->holdings.push_back(std::move(holding));
    }
    // Copies on a shelf first, then by library, so the page answers "where can I get it now?".
    std::stable_sort(view->holdings.begin(), view->holdings.end(), [](const auto& a, const auto& b) {
      const bool a_here = a.status == domain::ItemStatus::kAvailable,
                 b_here = b.status == domain::ItemStatus::kAvailable;
      if (a_here != b_here) return a_here;
      return a.library_id < b.library_id;
    });
  });
  return view;
}

}  // namespace shelfmark::app
