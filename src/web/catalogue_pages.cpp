#include "web/catalogue_pages.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "app/circulation.h"
#include "core/text.h"
#include "marc/marc_writer.h"
#include "web/views.h"

namespace shelfmark::web {
namespace {

using domain::ErrorCode;
using mustache::data;

constexpr int kResultsPerPage = 20;
constexpr const char* kFacetNames[] = {"format", "language", "library", "year", "audience"};
// Exported records are public data: anyone may download them, a search's first kExportLimit results at most.
constexpr int kExportLimit = 1000;

struct SearchForm {
  std::string q;
  std::string sort = "relevance";
  std::vector<std::pair<std::string, std::string>> filters;
  int page = 1;
};

std::string_view language_label(const std::string& code) {
  static const std::map<std::string, std::string_view> kLabels = {
      {"eng", N_("English")},    {"chi", N_("Chinese")}, {"jpn", N_("Japanese")},    {"kor", N_("Korean")},
      {"fre", N_("French")},     {"ger", N_("German")},  {"spa", N_("Spanish")},     {"ita", N_("Italian")},
      {"por", N_("Portuguese")}, {"rus", N_("Russian")}, {"heb", N_("Hebrew")},      {"nep", N_("Nepali")},
      {"arm", N_("Armenian")},   {"lat", N_("Latin")},   {"und", N_("Undetermined")}};
  auto it = kLabels.find(code);
  return it == kLabels.end() ? std::string_view() : it->second;
}

std::string script_lang(const std::string& text) {
  // A vernacular form is most often Chinese; Japanese kana say otherwise.
  for (std::size_t i = 0; i + 2 < text.size(); ++i)
    if (static_cast<unsigned char>(text[i]) == 0xE3 &&
        (static_cast<unsigned char>(text[i + 1]) == 0x81 || static_cast<unsigned char>(text[i + 1]) == 0x82 ||
         static_cast<unsigned char>(text[i + 1]) == 0x83))
      return "ja";
  return "zh-Hant-HK";
}

SearchForm read_search_form(const Request& request) {
  SearchForm form;
  form.q = std::string(trim(request.query_value("q")));
  if (form.q.size() > 500) form.q.resize(500);  // longer is never a search
  const auto sort = request.query_value("sort");
  if (sort == "newest" || sort == "title" || sort == "author") form.sort = sort;
  for (const auto* name : kFacetNames) {
    auto [first, last] = request.query.equal_range(name);
    for (auto it = first; it != last; ++it)
      if (!it->second.empty() && it->second.size() <= 100) form.filters.emplace_back(name, it->second);
  }
  const auto page = parse_id(request.query_value("page"));
  form.page = page >= 1 && page <= 500 ? static_cast<int>(page) : 1;
  return form;
}

std::string search_url(Language lang, const SearchForm& form, int page = 1) {
  std::string url = "/" + lang_code(lang) + "/search?q=" + percent_encode(form.q);
  if (form.sort != "relevance") url += "&sort=" + form.sort;
  for (const auto& [name, value] : form.filters) url += "&" + name + "=" + percent_encode(value);
  if (page > 1) url += "&page=" + std::to_string(page);
  return url;
}

app::SearchQuery to_query(const SearchForm& form, int per_page) {
  app::SearchQuery query;
  query.text = form.q;
  query.sort = form.sort == "newest"   ? app::SearchSort::kNewest
               : form.sort == "title"  ? app::SearchSort::kTitle
               : form.sort == "author" ? app::SearchSort::kAuthor
                                       : app::SearchSort::kRelevance;
  for (const auto& [name, value] : form.filters) query.filters[name].push_back(value);
  query.offset = (form.page - 1) * per_page;
  query.limit = per_page;
  return query;
}

app::ItemInput item_input_of(const Request& request) {
  return {std::string(trim(request.form_value("barcode"))),
          request.form_value("library_code"),
          request.form_value("item_type"),
          request.form_value("collection"),
          std::string(trim(request.form_value("call_number"))),
          std::string(trim(request.form_value("price")))};
}

std::string plain_price(const std::optional<domain::Money>& price) {
  return price ? plain_amount(*price) : std::string();
}

Response marc_download(std::vector<domain::MarcRecord> records, const std::string& format, const std::string& name) {
  Response response;
  if (format == "marc21") {
    for (const auto& record : records) response.body += marc::to_iso2709(record);
    response.set_header("Content-Type", "application/marc");
    response.set_header("Content-Disposition", "attachment; filename=\"" + name + ".mrc\"");
  } else {
    response.body = marc::to_marcxml_collection(records);
    response.set_header("Content-Type", "application/marcxml+xml; charset=utf-8");
    response.set_header("Content-Disposition", "attachment; filename=\"" + name + ".xml\"");
  }
  response.set_header("Cache-Control", "no-cache");
  return response;
}

}  // namespace

std::string CataloguePages::facet_value_label(Language lang, const std::string& facet, const std::string& value,
                                              const app::NetworkSnapshot& network) const {
  if (facet == "format")
    if (auto format = domain::parse_format(value)) return kit_.t(lang, domain::format_label(*format));
  if (facet == "audience")
    if (auto audience = domain::parse_audience(value)) return kit_.t(lang, domain::audience_label(*audience));
  if (facet == "language") {
    const auto label = language_label(value);
    return label.empty() ? value : kit_.t(lang, label);
  }
  if (facet == "library")
    if (const auto* library = network.find(std::string_view(value))) return library->name.in(lang);
  return value;
}

std::string CataloguePages::availability_text(Language lang, const app::RecordSummary& record,
                                              const app::NetworkSnapshot& network, std::string& css_class) const {
  if (record.copies == 0) {
    css_class = "none";
    return kit_.t(lang, "No copies for loan");
  }
  if (record.available > 0) {
    css_class = "yes";
    if (record.fields.format == domain::Format::kEBook) return kit_.t(lang, "Available to borrow online");
    std::string names;
    int shown = 0;
    for (const auto id : record.available_library_ids) {
      const auto* library = network.find(id);
      if (!library) continue;
      if (shown == 3) {
        names += kit_.tf(lang, " and {count} more",
                         {{"count", format_count(static_cast<long long>(record.available_library_ids.size()) - 3)}});
        break;
      }
      names += (shown++ ? ", " : "") + library->name.in(lang);
    }
    return kit_.tf(lang, "On the shelf at {libraries}", {{"libraries", names}});
  }
  css_class = "no";
  if (record.next_due)
    return kit_.tf(lang, "All copies are out; the first is due back on {date}",
                   {{"date", format_date(kit_.translations(), lang, *record.next_due)}});
  return kit_.t(lang, "All copies are in use");
}

void CataloguePages::add_routes(RouteTable& routes) {
  const auto anyone = Access::anyone();
  routes.get("/api/v1/search", anyone, [this](Page& p, const RouteParams&) { return api_search(p.request); });
  routes.get("/{lang}/search", anyone, [this](Page& p, const RouteParams&) { return search_page(p); });
  routes.get("/{lang}/search/export", anyone, [this](Page& p, const RouteParams&) { return search_export(p); });
  routes.get("/{lang}/records/{id}", anyone,
             [this](Page& p, const RouteParams& params) { return record_page(p, params.text(0)); });
  routes.get("/{lang}/records/{id}/export", anyone,
             [this](Page& p, const RouteParams& params) { return record_export(p, params.text(0)); });
  for (const char* action : {"borrow", "reserve"})
    routes.post(
        std::string("/{lang}/records/{id}/") + action, Access::reader(),
        [this, action](Page& p, const RouteParams& params) { return record_post(p, params.number(0), action); });
  const auto cataloguers = Access::staff({domain::Permission::kCataloguing});
  routes.get("/{lang}/staff/records/{id}", cataloguers,
             [this](Page& p, const RouteParams& params) { return staff_record(p, params.number(0)); });
  routes.post("/{lang}/staff/records/{id}/items", cataloguers,
              [this](Page& p, const RouteParams& params) { return staff_add_item(p, params.number(0)); });
  routes.get("/{lang}/staff/items/{id}", cataloguers,
             [this](Page& p, const RouteParams& params) { return staff_item(p, params.number(0)); });
  routes.post("/{lang}/staff/items/{id}", cataloguers,
              [this](Page& p, const RouteParams& params) { return staff_edit_item(p, params.number(0)); });
}

Response CataloguePages::search_page(Page& p) {
  p.nav = "search";
  const auto lang = p.lang;
  const auto form = read_search_form(p.request);
  data content;
  content.set("q", form.q);
  auto sorts = list();
  for (const auto& [code, label] :
       std::vector<std::pair<std::string, std::string_view>>{{"relevance", N_("Best match")},
                                                             {"newest", N_("Newest first")},
                                                             {"title", N_("Title")},
                                                             {"author", N_("Author")}}) {
    data option;
    option.set("code", code);
    option.set("label", kit_.t(lang, label));
    option.set("selected", code == form.sort);
    sorts.push_back(option);
  }
  content.set("sort_options", sorts);
  auto hidden = list();
  for (const auto& [name, value] : form.filters) {
    data filter;
    filter.set("name", name);
    filter.set("value", value);
    hidden.push_back(filter);
  }
  content.set("filters", hidden);
  const bool asked = !form.q.empty() || !form.filters.empty() || !p.request.query_value("q").empty();
  content.set("heading", form.q.empty() ? kit_.t(lang, "Search the catalogue")
                                        : kit_.tf(lang, "Search results for “{query}”", {{"query", form.q}}));
  p.switch_path = search_url(lang, form, form.page).substr(3);
  p.switch_path = "/" + lang_code(lang) + p.switch_path;
  if (!asked) return kit_.page(p, "search", kit_.t(lang, "Search the catalogue"), content);
  if (!search_) {
    content.set("unavailable", true);
    return kit_.page(p, "search", kit_.t(lang, "Search the catalogue"), content, 503);
  }
  app::CatalogueSearch found;
  try {
    found = app::search_catalogue(kit_.app_context(), *search_, to_query(form, kResultsPerPage));
  } catch (const std::exception& error) {
    spdlog::error("search failed: {}", error.what());
    content.set("unavailable", true);
    return kit_.page(p, "search", kit_.t(lang, "Search the catalogue"), content, 503);
  }
  const auto snapshot = kit_.network_snapshot();
  const auto& results = found.results;
  if (results.no_words) {
    content.set("no_words", true);
    return kit_.page(p, "search", kit_.t(lang, "Search the catalogue"), content);
  }
  content.set("plain_words", results.read_as_plain_words);
  if (!results.suggestion.empty()) {
    auto suggested = form;
    suggested.q = results.suggestion;
    suggested.page = 1;
    content.set("suggestion", results.suggestion);
    content.set("suggestion_url", search_url(lang, suggested));
  }
  content.set("searched", true);
  content.set(
      "count_text",
      results.total == 0   ? kit_.t(lang, "Nothing was found. Check the spelling, use fewer words, or remove a filter.")
      : results.total == 1 ? kit_.t(lang, "1 title found.")
      : results.total_exact ? kit_.tf(lang, "{count} titles found.", {{"count", format_count(results.total)}})
                            : kit_.tf(lang, "About {count} titles found.", {{"count", format_count(results.total)}}));
  content.set("first", std::to_string((form.page - 1) * kResultsPerPage + 1));
  auto rows = list();
  for (const auto& record : found.records) {
    data row;
    const auto& f = record.fields;
    row.set("id", std::to_string(record.id));
    const bool romanised = !f.title.text.empty();
    row.set("title", romanised ? f.title.text : f.title.vernacular);
    if (romanised && !f.title.vernacular.empty()) {
      row.set("vernacular", f.title.vernacular);
      row.set("vernacular_lang", script_lang(f.title.vernacular));
    }
    if (!f.authors.empty())
      row.set("author", f.authors.front().vernacular.empty() ? f.authors.front().text : f.authors.front().vernacular);
    if (f.year) row.set("year", std::to_string(*f.year));
    row.set("format", kit_.t(lang, domain::format_label(f.format)));
    row.set("format_code", std::string(domain::format_code(f.format)));
    std::string css;
    row.set("availability", availability_text(lang, record, *snapshot, css));
    row.set("availability_class", css);
    rows.push_back(row);
  }
  content.set("results", rows);
  auto facet_list = list();
  const std::map<std::string, std::string_view> facet_labels = {{"format", N_("Format")},
                                                                {"language", N_("Language")},
                                                                {"library", N_("On the shelf at")},
                                                                {"year", N_("Year")},
                                                                {"audience", N_("Audience")}};
  for (const auto* name : kFacetNames) {
    auto it = results.facets.find(name);
    if (it == results.facets.end() || it->second.empty()) continue;
    auto values = list();
    auto counts = it->second;
    if (std::string(name) == "year")
      std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.value > b.value; });
    int shown = 0;
    for (const auto& facet : counts) {
      if (std::string(name) == "audience" && facet.value == "unknown") continue;
      if (++shown > 12) break;
      data value;
      auto toggled = form;
      toggled.page = 1;
      const auto entry = std::make_pair(std::string(name), facet.value);
      auto found_at = std::find(toggled.filters.begin(), toggled.filters.end(), entry);
      const bool chosen = found_at != toggled.filters.end();
      if (chosen)
        toggled.filters.erase(found_at);
      else
        toggled.filters.push_back(entry);
      value.set("url", search_url(lang, toggled));
      value.set("label", facet_value_label(lang, name, facet.value, *snapshot));
      value.set("count", format_count(facet.count));
      value.set("chosen", chosen);
      values.push_back(value);
    }
    data facet;
    facet.set("label", kit_.t(lang, facet_labels.at(name)));
    facet.set("values", values);
    facet_list.push_back(facet);
  }
  content.set("facets", facet_list);
  content.set("has_facets", !facet_list.is_empty_list());
  content.set("active", !form.filters.empty());
  auto cleared = form;
  cleared.filters.clear();
  content.set("clear_url", search_url(lang, cleared));
  {
    auto export_url = search_url(lang, form);
    export_url.replace(export_url.find("/search?"), 8, "/search/export?");
    content.set("export_base", export_url + "&as=");
  }
  // The pager's links keep the query.
  const long long pages =
      std::min<long long>(500, std::max<long long>(1, (results.total + kResultsPerPage - 1) / kResultsPerPage));
  if (pages > 1) {
    data pager_data;
    pager_data.set("page", format_count(form.page));
    pager_data.set("pages", format_count(pages));
    if (form.page > 1) pager_data.set("previous", search_url(lang, form, form.page - 1));
    if (form.page < pages) pager_data.set("next", search_url(lang, form, form.page + 1));
    content.set("pager", pager_data);
  } else {
    content.set("pager", false);
  }
  return kit_.page(p, "search", kit_.tf(lang, "Search results for “{query}”", {{"query", form.q}}), content);
}

std::string CataloguePages::holding_status(Language lang, const app::HoldingView& holding,
                                           const app::NetworkSnapshot& network, std::string& css_class) const {
  using domain::ItemStatus;
  css_class = "closed";
  switch (holding.status) {
    case ItemStatus::kAvailable:
      css_class = holding.lendable ? "open" : "closed";
      return holding.lendable ? kit_.t(lang, "On the shelf")
                              : kit_.t(lang, "On the shelf, for use in the library only");
    case ItemStatus::kOnLoan:
      return holding.due_on ? kit_.tf(lang, "On loan, due back on {date}",
                                      {{"date", format_date(kit_.translations(), lang, *holding.due_on)}})
                            : kit_.t(lang, "On loan");
    case ItemStatus::kInTransit: {
      const auto* to = holding.transit_to_library_id ? network.find(*holding.transit_to_library_id) : nullptr;
      return to ? kit_.tf(lang, "On its way to {library}", {{"library", to->name.in(lang)}})
                : kit_.t(lang, "In transit");
    }
    case ItemStatus::kOnHoldShelf:
      return kit_.t(lang, "Kept for a reader who reserved it");
    case ItemStatus::kMissing:
    case ItemStatus::kLost:
      return kit_.t(lang, "Missing");
    case ItemStatus::kWithdrawn:
      return kit_.t(lang, "Withdrawn");
  }
  return std::string();
}

Response CataloguePages::record_page(Page& p, const std::string& id_text, data content) {
  p.nav = "search";
  const auto lang = p.lang;
  const auto id = parse_id(id_text);
  if (id <= 0) return kit_.error_page(p, 404);
  auto view = app::record_view(kit_.app_context(), kit_.network_cache(), id);
  if (!view) return kit_.error_page(p, 404);
  const auto snapshot = kit_.network_snapshot();
  const auto& f = view->record.fields;
  const bool romanised = !f.title.text.empty();
  const auto title = romanised ? f.title.text : f.title.vernacular;
  content.set("title", title);
  content.set("id", std::to_string(id));
  if (romanised && !f.title.vernacular.empty()) {
    content.set("vernacular", f.title.vernacular);
    content.set("vernacular_lang", script_lang(f.title.vernacular));
  }
  auto both = [](const domain::LinkedText& text) {
    if (text.vernacular.empty()) return text.text;
    if (text.text.empty()) return text.vernacular;
    return text.text + " = " + text.vernacular;
  };
  if (!f.responsibility.text.empty() || !f.responsibility.vernacular.empty())
    content.set("responsibility", both(f.responsibility));
  content.set("format", kit_.t(lang, domain::format_label(f.format)));
  auto linked_list = [&](const std::vector<domain::LinkedText>& texts, const char* prefix) {
    auto items = list();
    for (const auto& text : texts) {
      data item;
      const auto shown = text.vernacular.empty() ? text.text : text.vernacular;
      item.set("text", both(text));
      item.set("query", percent_encode(std::string(prefix) + "\"" + shown + "\""));
      items.push_back(item);
    }
    return items;
  };
  content.set("authors", linked_list(f.authors, "author:"));
  content.set("has_authors", !f.authors.empty());
  content.set("subjects", linked_list(f.subjects, "subject:"));
  content.set("has_subjects", !f.subjects.empty());
  auto series = list();
  for (const auto& entry : f.series) series.push_back(both(entry));
  content.set("series", series);
  content.set("has_series", !f.series.empty());
  if (!f.edition.empty()) content.set("edition", f.edition);
  std::string publication = f.place;
  const auto publisher = both(f.publisher);
  if (!publisher.empty()) publication += (publication.empty() ? "" : ": ") + publisher;
  if (f.year) publication += (publication.empty() ? "" : ", ") + std::to_string(*f.year);
  if (!publication.empty()) content.set("publication", publication);
  if (!f.language.empty()) {
    const auto label = language_label(f.language);
    content.set("language", label.empty() ? f.language : kit_.t(lang, label));
  }
  if (!f.physical_description.empty()) content.set("physical", f.physical_description);
  auto joined = [](const std::vector<std::string>& values) {
    std::string out;
    for (const auto& value : values) out += (out.empty() ? "" : ", ") + value;
    return out;
  };
  if (!f.isbns.empty()) content.set("isbns", joined(f.isbns));
  if (!f.issns.empty()) content.set("issns", joined(f.issns));
  auto notes = list();
  for (const auto& note : f.notes) notes.push_back(note);
  content.set("notes", notes);
  content.set("has_notes", !f.notes.empty());
  auto holdings = list();
  int on_shelf = 0, lendable = 0;
  for (const auto& holding : view->holdings) {
    data row;
    const auto* library = snapshot->find(holding.library_id);
    row.set("library", library ? library->name.in(lang) : std::string());
    if (library) row.set("library_code", library->code);
    row.set("call_number", holding.call_number);
    row.set("collection", kit_.t(lang, domain::collection_label(holding.collection)));
    std::string css;
    row.set("status", holding_status(lang, holding, *snapshot, css));
    row.set("status_class", css);
    if (holding.lendable) ++lendable;
    if (holding.lendable && holding.status == domain::ItemStatus::kAvailable) ++on_shelf;
    holdings.push_back(row);
  }
  content.set("holdings", holdings);
  content.set("has_holdings", !view->holdings.empty());
  content.set("availability_class", on_shelf > 0 ? "yes" : "no");
  content.set("availability",
              lendable == 0   ? kit_.t(lang, "No copies for loan")
              : on_shelf == 0 ? kit_.t(lang, "All copies are out at the moment.")
              : on_shelf == 1 ? kit_.t(lang, "1 copy is on the shelf.")
                              : kit_.tf(lang, "{count} copies are on the shelf.", {{"count", format_count(on_shelf)}}));
  content.set("reservable", view->reservable);
  if (p.reader) {
    content.set("signed_in", true);
    content.set("pickup_options", library_options(lang, *snapshot, nullptr));
    bool ebook = false;
    for (const auto& holding : view->holdings)
      if (holding.type == domain::ItemType::kEBook) ebook = true;
    content.set("ebook", ebook);
  }
  // "as", not "format": the search form already uses "format" for the kind of material.
  content.set("export_base", "/" + lang_code(lang) + "/records/" + std::to_string(id) + "/export?as=");
  return kit_.page(p, "record", title, content);
}

// The fields of a copy, as stored or as typed (`typed` wins when the form is shown again).
void CataloguePages::item_form(Language lang, data& content, const app::NetworkSnapshot& network,
                               const app::ItemInput& values) {
  content.set("f_barcode", values.barcode);
  content.set("f_call_number", values.call_number);
  content.set("f_price", values.price);
  auto libraries = list();
  for (const auto& library : network.libraries) {
    if (library.kind == domain::LibraryKind::kMobile || library.kind == domain::LibraryKind::kSelfService) continue;
    data option;
    option.set("code", library.code);
    option.set("label", library.name.in(lang));
    option.set("selected", library.code == values.library_code);
    libraries.push_back(option);
  }
  content.set("library_options", libraries);
  content.set("type_options", choice_options(kit_.translations(), lang, domain::all_item_types(),
                                             &domain::item_type_code, &domain::item_type_label, values.item_type));
  content.set("collection_options",
              choice_options(kit_.translations(), lang, domain::all_collections(), &domain::collection_code,
                             &domain::collection_label, values.collection));
}

Response CataloguePages::staff_record(Page& p, long long id, const std::optional<app::ItemInput>& typed,
                                      const std::optional<domain::Failure>& failure) {
  p.nav = "staff";
  const auto lang = p.lang;
  const auto actor = p.session->actor();
  auto found = app::record_for_staff(kit_.app_context(), actor, id);
  std::optional<app::RecordView> view;
  if (!found && found.error().code == ErrorCode::kPermissionDenied) {
    // Every staff member may read the record; only cataloguers change its copies.
    view = app::record_view(kit_.app_context(), kit_.network_cache(), id);
    if (!view) return kit_.error_page(p, 404);
  } else if (!found) {
    return kit_.error_page(p, 404);
  }
  const auto& record = found ? found->record : view->record;
  const bool can_edit = found.ok();
  const auto snapshot = kit_.network_snapshot();
  const auto& marc = record.marc;
  data content;
  content.set("id", std::to_string(id));
  content.set("title", domain::display_title(record.fields));
  content.set("control_number", record.control_number);
  content.set("leader", marc.leader);
  content.set("can_edit", can_edit);
  auto items = list();
  if (found) {
    for (const auto& item : found->items) {
      data row;
      row.set("item_id", std::to_string(item.id));
      row.set("barcode", item.barcode);
      const auto* library = snapshot->find(item.home_library_id);
      row.set("library", library ? library->name.in(lang) : std::string());
      row.set("type", kit_.t(lang, domain::item_type_label(item.type)));
      row.set("collection", kit_.t(lang, domain::collection_label(item.collection)));
      row.set("call_number", item.call_number);
      row.set("price", item.price ? domain::format_money(*item.price) : std::string());
      row.set("can_edit", true);
      items.push_back(row);
    }
  } else {
    for (const auto& holding : view->holdings) {
      data row;
      row.set("barcode", holding.barcode);
      const auto* library = snapshot->find(holding.library_id);
      row.set("library", library ? library->name.in(lang) : std::string());
      row.set("type", kit_.t(lang, domain::item_type_label(holding.type)));
      row.set("collection", kit_.t(lang, domain::collection_label(holding.collection)));
      row.set("call_number", holding.call_number);
      items.push_back(row);
    }
  }
  content.set("has_items", !items.is_empty_list());
  content.set("items", items);
  app::ItemInput defaults;
  if (!snapshot->libraries.empty()) defaults.library_code = snapshot->libraries.front().code;
  defaults.item_type = "book";
  defaults.collection = "adult";
  item_form(lang, content, *snapshot, typed.value_or(defaults));
  auto fields = list();
  for (const auto& field : marc.fields) {
    data row;
    row.set("tag", field.tag);
    if (field.is_control()) {
      row.set("value", field.value);
    } else {
      row.set("indicators",
              std::string(1, field.ind1 == ' ' ? '_' : field.ind1) + (field.ind2 == ' ' ? '_' : field.ind2));
      auto subfields = list();
      for (const auto& subfield : field.subfields) {
        data entry;
        entry.set("code", std::string(1, subfield.code));
        entry.set("text", subfield.value);
        subfields.push_back(entry);
      }
      row.set("subfields", subfields);
    }
    fields.push_back(row);
  }
  content.set("fields", fields);
  if (failure) kit_.add_failure(lang, content, *failure);
  add_flash(kit_.translations(), lang, content, p.request);
  p.switch_path = "/" + lang_code(lang) + "/staff/records/" + std::to_string(id);
  return kit_.page(p, "staff_record", domain::display_title(record.fields), content, failure ? 422 : 200);
}

Response CataloguePages::staff_add_item(Page& p, long long record_id) {
  const auto input = item_input_of(p.request);
  auto added = app::add_item(kit_.app_context(), p.session->actor(), record_id, input);
  if (!added) {
    if (auto refused = kit_.refusal_page(p, added.error())) return *refused;
    auto response = staff_record(p, record_id, input, added.error());
    return response;
  }
  auto response = redirect("/" + lang_code(p.lang) + "/staff/records/" + std::to_string(record_id) + "?saved=1");
  return response;
}

Response CataloguePages::staff_item(Page& p, long long item_id, const std::optional<app::ItemInput>& typed,
                                    const std::optional<domain::Failure>& failure,
                                    std::optional<long long> typed_version) {
  p.nav = "staff";
  const auto lang = p.lang;
  std::optional<app::CatalogueItem> item;
  kit_.app_context().store.transact(app::Store::Mode::kRead,
                                    [&](app::Repositories& repos) { item = repos.catalogue.item_by_id(item_id); });
  if (!item || item->record_id == 0) return kit_.error_page(p, 404);
  auto found = app::record_for_staff(kit_.app_context(), p.session->actor(), item->record_id);
  if (!found) return kit_.failure_page(p, found.error());
  const auto snapshot = kit_.network_snapshot();
  data content;
  content.set("item_id", std::to_string(item_id));
  content.set("record_id", std::to_string(item->record_id));
  content.set("record_title", domain::display_title(found->record.fields));
  content.set("version", std::to_string(typed_version.value_or(item->version)));
  const auto* home = snapshot->find(item->home_library_id);
  app::ItemInput stored{item->barcode,
                        home ? home->code : std::string(),
                        std::string(domain::item_type_code(item->type)),
                        std::string(domain::collection_code(item->collection)),
                        item->call_number,
                        plain_price(item->price)};
  item_form(lang, content, *snapshot, typed.value_or(stored));
  if (failure) kit_.add_failure(lang, content, *failure);
  p.switch_path = "/" + lang_code(lang) + "/staff/items/" + std::to_string(item_id);
  return kit_.page(p, "staff_item", kit_.t(lang, "Change a copy"), content, failure ? 422 : 200);
}

Response CataloguePages::staff_edit_item(Page& p, long long item_id) {
  const auto input = item_input_of(p.request);
  const auto version = parse_id(p.request.form_value("version"));
  auto edited = app::edit_item(kit_.app_context(), p.session->actor(), item_id, version, input);
  if (!edited) {
    if (auto refused = kit_.refusal_page(p, edited.error())) return *refused;
    auto response = staff_item(p, item_id, input, edited.error(), version);
    return response;
  }
  auto response =
      redirect("/" + lang_code(p.lang) + "/staff/records/" + std::to_string(edited->record_id) + "?saved=1");
  return response;
}

Response CataloguePages::record_export(Page& p, const std::string& id_text) {
  const auto id = parse_id(id_text);
  const auto format = p.request.query_value("as");
  if (id <= 0) return kit_.error_page(p, 404);
  if (format != "marc21" && format != "marcxml") return kit_.error_page(p, 400);
  std::optional<app::BibRecord> record;
  kit_.app_context().store.transact(app::Store::Mode::kRead,
                                    [&](app::Repositories& repos) { record = repos.catalogue.record_by_id(id); });
  if (!record) return kit_.error_page(p, 404);
  auto response = marc_download({record->marc}, format, "record-" + std::to_string(id));
  return response;
}

// The first `kExportLimit` results of a search, as MARC.
Response CataloguePages::search_export(Page& p) {
  const auto format = p.request.query_value("as");
  if (format != "marc21" && format != "marcxml") return kit_.error_page(p, 400);
  if (!search_) return kit_.error_page(p, 500);
  auto form = read_search_form(p.request);
  form.page = 1;
  auto query = to_query(form, 100);
  std::vector<long long> ids;
  for (query.offset = 0; query.offset < kExportLimit; query.offset += 100) {
    const auto page_ids = search_->search(query).record_ids;
    ids.insert(ids.end(), page_ids.begin(), page_ids.end());
    if (page_ids.size() < 100) break;
  }
  std::vector<domain::MarcRecord> records;
  kit_.app_context().store.transact(app::Store::Mode::kRead, [&](app::Repositories& repos) {
    records.clear();
    for (const auto id : ids)
      if (auto record = repos.catalogue.record_by_id(id)) records.push_back(std::move(record->marc));
  });
  auto response = marc_download(std::move(records), format, "search-results");
  return response;
}

// Reserving (or, for an e-book, borrowing) from a record page.
Response CataloguePages::record_post(Page& p, long long record_id, const std::string& action) {
  const auto lang = p.lang;
  const auto& card = p.reader->reader.card_number;
  data content;
  std::optional<domain::Failure> refusal;
  if (action == "borrow") {
    auto borrowed = app::borrow_ebook_of_record(kit_.app_context(), kit_.network_cache(), card, record_id);
    if (!borrowed && borrowed.error().code == ErrorCode::kNotFound && borrowed.error().fields.empty())
      return kit_.error_page(p, 404);
    if (borrowed)
      content.set("outcome_ok", kit_.tf(lang, "Borrowed: {title}. It is yours to read until {due}.",
                                        {{"title", borrowed->title},
                                         {"due", format_date(kit_.translations(), lang, borrowed->due_on)}}));
    else
      set_refusals(kit_.translations(), lang, content, borrowed.error(), N_("Not borrowed"));
  } else if (action == "reserve") {
    auto reserved =
        app::reserve_record(kit_.app_context(), kit_.network_cache(), card, record_id, p.request.form_value("pickup"));
    if (!reserved && reserved.error().code == ErrorCode::kNotFound && reserved.error().fields.empty())
      return kit_.error_page(p, 404);
    if (reserved)
      content.set("outcome_ok",
                  kit_.tf(lang, "Reserved. Reference {reference}; number {position} in the queue.",
                          {{"reference", reserved->reference}, {"position", format_count(reserved->position)}}));
    else
      set_refusals(kit_.translations(), lang, content, reserved.error(), N_("Not reserved"));
  } else {
    return kit_.error_page(p, 404);
  }
  auto response = record_page(p, std::to_string(record_id), content);
  if (!content.get("outcome_ok")) response.status = 422;
  return response;
}

Response CataloguePages::api_search(const Request& request) {
  Response response;
  response.set_header("Content-Type", "application/json; charset=utf-8");
  response.set_header("Cache-Control", "no-cache");
  auto form = read_search_form(request);
  const auto limit = parse_id(request.query_value("limit"));
  const int per_page = limit >= 1 && limit <= 100 ? static_cast<int>(limit) : kResultsPerPage;
  if (!search_) {
    response.status = 503;
    response.body = R"({"error":"search_unavailable","message":"Search is not available at the moment."})";
    return response;
  }
  app::CatalogueSearch found;
  try {
    found = app::search_catalogue(kit_.app_context(), *search_, to_query(form, per_page));
  } catch (const std::exception& error) {
    spdlog::error("search failed: {}", error.what());
    response.status = 503;
    response.body = R"({"error":"search_unavailable","message":"Search is not available at the moment."})";
    return response;
  }
  const auto snapshot = kit_.network_snapshot();
  nlohmann::json body;
  body["query"] = form.q;
  body["page"] = form.page;
  body["per_page"] = per_page;
  body["total"] = found.results.total;
  body["total_exact"] = found.results.total_exact;
  body["no_words"] = found.results.no_words;
  body["read_as_plain_words"] = found.results.read_as_plain_words;
  if (!found.results.suggestion.empty()) body["suggestion"] = found.results.suggestion;
  body["records"] = nlohmann::json::array();
  for (const auto& record : found.records) {
    const auto& f = record.fields;
    nlohmann::json entry;
    entry["id"] = record.id;
    entry["url"] = "/en/records/" + std::to_string(record.id);
    entry["title"] = f.title.text;
    entry["title_vernacular"] = f.title.vernacular;
    entry["authors"] = nlohmann::json::array();
    for (const auto& author : f.authors)
      entry["authors"].push_back({{"name", author.text}, {"vernacular", author.vernacular}});
    entry["year"] = f.year ? nlohmann::json(*f.year) : nlohmann::json(nullptr);
    entry["format"] = std::string(domain::format_code(f.format));
    entry["language"] = f.language;
    entry["isbns"] = f.isbns;
    entry["copies"] = record.copies;
    entry["available"] = record.available;
    entry["available_at"] = nlohmann::json::array();
    for (const auto id : record.available_library_ids)
      if (const auto* library = snapshot->find(id)) entry["available_at"].push_back(library->code);
    if (record.next_due) entry["next_due"] = format_iso_date(*record.next_due);
    body["records"].push_back(entry);
  }
  body["facets"] = nlohmann::json::object();
  for (const auto& [name, counts] : found.results.facets) {
    auto& facet = body["facets"][name] = nlohmann::json::array();
    for (const auto& count : counts) facet.push_back({{"value", count.value}, {"count", count.count}});
  }
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

}  // namespace shelfmark::web
