// What readers type into the search box: any bytes, any syntax. Never crash, never throw. And the list
// entries the index hands back (app::decode_list_entry): whatever it reads, it writes back the same.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "app/catalogue_search.h"
#include "search/folding.h"
#include "search/xapian_index.h"

namespace {

shelfmark::search::XapianIndex& index() {
  static auto instance = [] {
    const auto directory = std::filesystem::temp_directory_path() / ("fuzz-search-" + std::to_string(::getpid()));
    std::filesystem::remove_all(directory);
    auto created = std::make_unique<shelfmark::search::XapianIndex>(directory.string());
    const char* titles[] = {"Pride and prejudice", "傲慢與偏見", "Le café", "紅樓夢", "Emma"};
    for (int i = 0; i < 5; ++i) {
      shelfmark::app::SearchDocument document;
      document.record_id = i + 1;
      document.title = titles[i];
      document.authors = {"Austen, Jane"};
      document.isbns = {"9780141439518"};
      document.format = "book";
      document.available_at = {"CL"};
      created->replace(document);
    }
    created->commit({1, 0});
    std::atexit([] {
      std::filesystem::remove_all(std::filesystem::temp_directory_path() /
                                  ("fuzz-search-" + std::to_string(::getpid())));
    });
    return created;
  }();
  return *instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  shelfmark::search::fold(input);
  shelfmark::app::SearchQuery query;
  query.text = input;
  query.sort = static_cast<shelfmark::app::SearchSort>(size % 4);
  if (size % 3 == 0) query.filters["format"] = {input.substr(0, 8)};
  index().search(query);
  if (const auto entry = shelfmark::app::decode_list_entry(input)) {
    const auto again = shelfmark::app::decode_list_entry(shelfmark::app::encode_list_entry(*entry));
    if (!again || !(*again == *entry)) std::abort();
  }
  return 0;
}
