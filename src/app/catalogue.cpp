#include "app/catalogue.h"

#include <algorithm>
#include <map>

#include "core/text.h"

namespace shelfmark::app {
namespace {

using domain::ErrorCode;
using domain::failure;
using domain::FieldError;
using domain::Outcome;

constexpr std::size_t kMaxBarcode = 40;
constexpr std::size_t kMaxCallNumber = 100;
constexpr long long kMaxPriceCents = 10'000'000;  // HK$100,000

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

bool is_barcode(std::string_view barcode) {
  return !barcode.empty() && std::all_of(barcode.begin(), barcode.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '.' ||
           c == '_' || c == '/';
  });
}

std::optional<domain::ItemType> item_type_from_code(std::string_view code) {
  if (auto known = domain::parse_item_type(to_lower_ascii(code))) return known;
  static const std::map<std::string, domain::ItemType, std::less<>> kCodes = {
      {"BK", domain::ItemType::kBook},
      {"BOOK", domain::ItemType::kBook},
      {"BOOKS", domain::ItemType::kBook},
      {"MONO", domain::ItemType::kBook},
      {"PER", domain::ItemType::kPeriodicalBackIssue},
      {"SER", domain::ItemType::kPeriodicalBackIssue},
      {"SERIAL", domain::ItemType::kPeriodicalBackIssue},
      {"MAG", domain::ItemType::kPeriodicalBackIssue},
      {"MAGAZINE", domain::ItemType::kPeriodicalBackIssue},
      {"PERIODICAL", domain::ItemType::kPeriodicalBackIssue},
      {"JOURNAL", domain::ItemType::kPeriodicalBackIssue},
      {"AV", domain::ItemType::kAudioVisual},
      {"DVD", domain::ItemType::kAudioVisual},
      {"BLURAY", domain::ItemType::kAudioVisual},
      {"CD", domain::ItemType::kAudioVisual},
      {"VCD", domain::ItemType::kAudioVisual},
      {"CDROM", domain::ItemType::kAudioVisual},
      {"VIDEO", domain::ItemType::kAudioVisual},
      {"AUDIO", domain::ItemType::kAudioVisual},
      {"SOUND", domain::ItemType::kAudioVisual},
      {"MUSIC", domain::ItemType::kAudioVisual},
      {"KIT", domain::ItemType::kAudioVisual},
      {"EB", domain::ItemType::kEBook},
      {"EBOOK", domain::ItemType::kEBook},
      {"ACC", domain::ItemType::kAccompanyingMaterial},
  };
  const auto found = kCodes.find(upper(trim(code)));
  if (found == kCodes.end()) return std::nullopt;
  return found->second;
}

domain::ItemType item_type_for_format(domain::Format format) {
  switch (format) {
    case domain::Format::kPeriodical:
      return domain::ItemType::kPeriodicalBackIssue;
    case domain::Format::kAudioVisual:
      return domain::ItemType::kAudioVisual;
    case domain::Format::kEBook:
      return domain::ItemType::kEBook;
    default:
      return domain::ItemType::kBook;
  }
}

domain::Collection collection_for(std::string_view code, domain::Audience audience) {
  if (!code.empty()) {
    if (auto known = domain::parse_collection(to_lower_ascii(trim(code)))) return *known;
    if (upper(trim(code)) == "REF") return domain::Collection::kReference;
  }
  switch (audience) {
    case domain::Audience::kChildren:
      return domain::Collection::kChildren;
    case domain::Audience::kYoungAdult:
      return domain::Collection::kYoungAdult;
    default:
      return domain::Collection::kAdult;
  }
}

// A copy as a holdings field describes it.
struct Holding {
  std::string tag;
  std::string barcode;
  std::string library_code;
  std::string call_number;
  std::string price;
  std::string item_type;
  std::string collection;
};

std::string first_of(const domain::MarcField& field, std::string_view codes) {
  for (char code : codes) {
    auto value = std::string(trim(field.subfield(code)));
    if (!value.empty()) return value;
  }
  return "";
}

std::string joined(const domain::MarcField& field, std::string_view codes) {
  std::string out;
  for (char code : codes) {
    const auto full = field.subfield(code);
    const auto value = trim(full);  // a view: `full` must outlive it
    if (value.empty()) continue;
    if (!out.empty()) out += ' ';
    out += value;
  }
  return out;
}

std::vector<Holding> holdings_of(const domain::MarcRecord& record) {
  std::vector<Holding> out;
  for (const auto& field : record.fields) {
    Holding holding;
    holding.tag = field.tag;
    if (field.tag == "852") {
      holding.barcode = first_of(field, "p");
      holding.library_code = first_of(field, "b");
      holding.call_number = joined(field, "khim");
      if (holding.call_number.empty()) holding.call_number = first_of(field, "j");
      holding.price = first_of(field, "9y");
    } else if (field.tag == "952") {
      holding.barcode = first_of(field, "p");
      holding.library_code = first_of(field, "ab");
      holding.call_number = first_of(field, "o");
      holding.price = first_of(field, "gv");
      holding.item_type = first_of(field, "y");
      holding.collection = first_of(field, "8");
    } else if (field.tag == "949") {
      // Evergreen's and Sirsi's load layout, as in Evergreen's sample sets.
      holding.barcode = first_of(field, "i");
      holding.library_code = first_of(field, "mh");
      holding.call_number = first_of(field, "a");
      holding.price = first_of(field, "p");
      holding.item_type = first_of(field, "t");
    } else {
      continue;
    }
    out.push_back(std::move(holding));
  }
  return out;
}

std::optional<domain::Money> import_price(const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto price = domain::parse_money(trim(text));
  if (!price || price->cents > kMaxPriceCents) return std::nullopt;  // an unreadable price is left out
  return price;
}

// Checks what staff typed for a copy; library codes resolve through `repos`.
Outcome<CatalogueItem> validate_item(Repositories& repos, const ItemInput& input) {
  std::vector<FieldError> errors;
  CatalogueItem item;
  item.barcode = std::string(trim(input.barcode));
  if (item.barcode.empty())
    errors.push_back({"barcode", ErrorCode::kRequired, {}});
  else if (item.barcode.size() > kMaxBarcode)
    errors.push_back({"barcode", ErrorCode::kTooLong, {{"max", std::to_string(kMaxBarcode)}}});
  else if (!is_barcode(item.barcode))
    errors.push_back({"barcode", ErrorCode::kInvalidText, {}});

  const auto code = std::string(trim(input.library_code));
  if (code.empty())
    errors.push_back({"library_code", ErrorCode::kRequired, {}});
  else if (auto library = repos.libraries.by_code(code))
    item.home_library_id = library->id;
  else
    errors.push_back({"library_code", ErrorCode::kInvalidChoice, {}});

  if (auto type = domain::parse_item_type(trim(input.item_type)))
    item.type = *type;
  else
    errors.push_back({"item_type", ErrorCode::kInvalidChoice, {}});
  if (auto collection = domain::parse_collection(trim(input.collection)))
    item.collection = *collection;
  else
    errors.push_back({"collection", ErrorCode::kInvalidChoice, {}});

  if (!is_valid_utf8(input.call_number)) {
    errors.push_back({"call_number", ErrorCode::kInvalidText, {}});
  } else {
    item.call_number = clean_single_line_text(input.call_number);
    if (utf8_length(item.call_number) > kMaxCallNumber)
      errors.push_back({"call_number", ErrorCode::kTooLong, {{"max", std::to_string(kMaxCallNumber)}}});
  }

  if (!trim(input.price).empty()) {
    auto price = domain::parse_money(trim(input.price));
    if (!price || price->cents > kMaxPriceCents)
      errors.push_back({"price", ErrorCode::kAmountInvalid, {{"max", domain::format_money({kMaxPriceCents})}}});
    else
      item.price = price;
  }
  if (!errors.empty()) return domain::invalid(std::move(errors));
  return item;
}

bool allowed(const Actor& actor) { return domain::role_allows(actor.role, domain::Permission::kCataloguing); }

std::string audit_detail(const CatalogueItem& item) {
  return "barcode=" + item.barcode + " library=" + std::to_string(item.home_library_id) +
         " type=" + std::string(domain::item_type_code(item.type)) +
         " collection=" + std::string(domain::collection_code(item.collection)) + " call_number=" + item.call_number +
         " price=" + (item.price ? domain::format_money(*item.price) : "");
}

}  // namespace

ImportReport import_records(const Context& context, const std::vector<domain::MarcRecord>& batch) {
  ImportReport report;
  const auto now = context.clock.now();
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    report = ImportReport{};  // the transaction may run again
    std::map<std::string, long long> libraries;
    for (const auto& library : repos.libraries.all()) libraries[upper(library.code)] = library.id;
    // Barcodes already in use, looked up for the whole batch at once: barcode -> record id (0: none). Looked
    // up after the first record is written, when this transaction holds the catalogue's write turn, so that
    // a concurrent import's copies are seen.
    std::optional<std::map<std::string, long long, std::less<>>> in_use;
    auto taken = [&]() -> std::map<std::string, long long, std::less<>>& {
      if (!in_use) {
        std::vector<std::string> barcodes;
        for (const auto& record : batch)
          for (const auto& holding : holdings_of(record))
            if (!holding.barcode.empty()) barcodes.push_back(holding.barcode);
        in_use.emplace();
        for (const auto& item : repos.catalogue.items_by_barcodes(barcodes)) (*in_use)[item.barcode] = item.record_id;
      }
      return *in_use;
    };

    for (std::size_t index = 0; index < batch.size(); ++index) {
      const auto& record = batch[index];
      const auto fields = domain::extract_bibliographic(record);
      if (fields.control_number.empty()) {
        ++report.failed;
        report.problems.push_back({index, ImportProblem::Kind::kNoControlNumber, "",
                                   "the record has no control number (001), so it cannot be matched on re-import", ""});
        continue;
      }
      const auto upserted = repos.catalogue.upsert_record(record, fields, now);
      switch (upserted.outcome) {
        case CatalogueRepository::Upsert::kInserted:
          ++report.inserted;
          break;
        case CatalogueRepository::Upsert::kUpdated:
          ++report.updated;
          break;
        case CatalogueRepository::Upsert::kUnchanged:
          ++report.unchanged;
          break;
      }

      for (const auto& holding : holdings_of(record)) {
        auto skip = [&](ImportProblem::Kind kind, std::string detail, std::string library_code = "") {
          ++report.items_skipped;
          report.problems.push_back(
              {index, kind, fields.control_number, holding.tag + ": " + std::move(detail), std::move(library_code)});
        };
        if (holding.barcode.empty()) {
          ++report.holdings_without_barcode;
          continue;
        }
        if (holding.barcode.size() > kMaxBarcode || !is_barcode(holding.barcode)) {
          skip(ImportProblem::Kind::kInvalidCopy, "barcode '" + holding.barcode + "' is not a valid barcode");
          continue;
        }
        if (utf8_length(holding.call_number) > kMaxCallNumber) {
          skip(ImportProblem::Kind::kInvalidCopy, "call number of copy " + holding.barcode + " is longer than " +
                                                      std::to_string(kMaxCallNumber) + " characters");
          continue;
        }
        const auto library = libraries.find(upper(holding.library_code));
        if (library == libraries.end()) {
          skip(ImportProblem::Kind::kUnknownLibrary,
               "copy " + holding.barcode + ": '" + holding.library_code + "' is not a library code",
               holding.library_code);
          continue;
        }
        if (const auto existing = taken().find(holding.barcode); existing != taken().end()) {
          if (existing->second == upserted.id) {
            ++report.items_present;
          } else {
            auto owner = existing->second ? repos.catalogue.record_by_id(existing->second) : std::nullopt;
            skip(ImportProblem::Kind::kBarcodeTaken,
                 "barcode " + holding.barcode + " is already on " +
                     (owner ? "a copy of record " + owner->control_number : std::string("another copy")));
          }
          continue;
        }
        CatalogueItem item;
        item.record_id = upserted.id;
        item.barcode = holding.barcode;
        item.home_library_id = library->second;
        const auto type = holding.item_type.empty() ? std::nullopt : item_type_from_code(holding.item_type);
        item.type = type ? *type : item_type_for_format(fields.format);
        item.collection = collection_for(holding.collection, fields.audience);
        item.call_number = holding.call_number.empty() ? fields.call_number : holding.call_number;
        if (utf8_length(item.call_number) > kMaxCallNumber) item.call_number.clear();
        item.price = import_price(holding.price);
        repos.catalogue.insert_item(item, now);
        taken()[item.barcode] = item.record_id;
        ++report.items_added;
      }
    }
  });
  return report;
}

Outcome<RecordWithItems> record_for_staff(const Context& context, const Actor& actor, long long record_id) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<RecordWithItems> result;
  context.store.transact(Store::Mode::kRead, [&](Repositories& repos) {
    result.reset();
    if (auto record = repos.catalogue.record_by_id(record_id))
      result = RecordWithItems{std::move(*record), repos.catalogue.items_of_record(record_id)};
  });
  if (!result) return failure(ErrorCode::kNotFound);
  return std::move(*result);
}

Outcome<CatalogueItem> add_item(const Context& context, const Actor& actor, long long record_id,
                                const ItemInput& input) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<CatalogueItem>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    if (!repos.catalogue.record_by_id(record_id)) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    auto item = validate_item(repos, input);
    if (!item) {
      result = item;
      return;
    }
    if (repos.catalogue.item_by_barcode(item->barcode)) {
      result = domain::invalid({{"barcode", ErrorCode::kBarcodeTaken, {}}});
      return;
    }
    item->record_id = record_id;
    const auto now = context.clock.now();
    item->id = repos.catalogue.insert_item(item.value(), now);
    repos.audit.record({now, actor.staff_id, "item.add", "item:" + std::to_string(item->id),
                        "record:" + std::to_string(record_id) + " " + audit_detail(item.value())});
    result = repos.catalogue.item_by_id(item->id).value();
  });
  return std::move(*result);
}

Outcome<CatalogueItem> edit_item(const Context& context, const Actor& actor, long long item_id,
                                 long long expected_version, const ItemInput& input) {
  if (!allowed(actor)) return failure(ErrorCode::kPermissionDenied);
  std::optional<Outcome<CatalogueItem>> result;
  context.store.transact(Store::Mode::kWrite, [&](Repositories& repos) {
    auto current = repos.catalogue.item_by_id(item_id);
    if (!current) {
      result = failure(ErrorCode::kNotFound);
      return;
    }
    auto item = validate_item(repos, input);
    if (!item) {
      result = item;
      return;
    }
    if (auto holder = repos.catalogue.item_by_barcode(item->barcode); holder && holder->id != item_id) {
      result = domain::invalid({{"barcode", ErrorCode::kBarcodeTaken, {}}});
      return;
    }
    item->id = item_id;
    item->record_id = current->record_id;
    if (!repos.catalogue.update_item(item.value(), expected_version, context.clock.now())) {
      result = failure(ErrorCode::kEditConflict);
      return;
    }
    repos.audit.record({context.clock.now(), actor.staff_id, "item.edit", "item:" + std::to_string(item_id),
                        "was " + audit_detail(*current) + "; now " + audit_detail(item.value())});
    result = repos.catalogue.item_by_id(item_id).value();
  });
  return std::move(*result);
}

}  // namespace shelfmark::app
