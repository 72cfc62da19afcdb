// A realistic bilingual demo catalogue, generated (no outside data): Chinese and English titles, authors,
// subjects and series, several formats and audiences, with holdings in 952 fields (the Koha convention the
// importer reads: $a home library, $p barcode, $o call number, $y item type, $8 collection, $g price).
// Deterministic: the same size and seed give the same records, byte for byte.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/ports.h"
#include "domain/bibliographic.h"

namespace shelfmark::bin {

struct DemoCatalogueOptions {
  std::size_t records = 20000;
  std::uint64_t seed = 2026;
  std::vector<std::string> library_codes;  // where items are held; at least one
  double items_per_record = 3.0;           // on average
};

std::vector<domain::MarcRecord> generate_demo_catalogue(const DemoCatalogueOptions& options);

struct DemoCatalogueReport {
  int records = 0;
  int items = 0;
};
// Generates the catalogue for the libraries in the database (not the mobile ones; e-books at the first
// library) and imports it through app::import_records, in batches.
DemoCatalogueReport load_demo_catalogue(const app::Context& context, std::size_t records, std::uint64_t seed = 2026);

}  // namespace shelfmark::bin
